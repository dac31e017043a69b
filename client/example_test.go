package client_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// Upload a file to a remote library, find it, read it back, and see a
// missing asset's error as a dam kind.
func Example() {
	// A server for the example; a program would talk to its own.
	dir, _ := os.MkdirTemp("", "client-example")
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
	_, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(damhttp.New(lib, nil))
	defer srv.Close()

	c, err := client.New(srv.URL, key, nil)
	if err != nil {
		log.Fatal(err)
	}
	a, err := c.Upload(ctx, strings.NewReader("hello, world"), client.UploadOptions{
		UploadOptions: dam.UploadOptions{Name: "hello.txt", Meta: &dam.Metadata{Title: "Greeting"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for found, err := range c.Assets(ctx, dam.AssetQuery{Text: "greeting"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found", found.Name, found.Current.Size, "bytes")
	}
	var b strings.Builder
	if _, err := c.Copy(ctx, c.AssetFile(a.ID, ""), &b, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.String())
	_, err = c.Asset(ctx, "no-such-asset")
	fmt.Println(dam.KindOf(err) == dam.NotFound)
	// Output:
	// found hello.txt 12 bytes
	// hello, world
	// true
}
