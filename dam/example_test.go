package dam_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
)

// The common case: open a library by URL, create its first owner, upload.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "damkit-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer lib.Close()

	owner, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	if err != nil {
		log.Fatal(err)
	}
	ctx = dam.WithActor(ctx, owner.Actor())
	a, err := lib.Upload(ctx, strings.NewReader("hello, world\n"), dam.UploadOptions{Name: "hello.txt"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Name, a.Kind, a.Current.MediaType, a.Current.Size)
	// Output: hello.txt document text/plain; charset=utf-8 13
}
