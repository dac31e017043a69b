package dam_test

import (
	"context"
	"log"
	"os"
	"path/filepath"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
)

// exampleLibrary opens a library in a fresh temporary folder and creates
// its first owner, for the examples that show something other than opening
// one (ExampleOpen shows that). done closes the library and removes the folder.
func exampleLibrary(ownerName string) (lib *dam.Library, owner dam.User, done func()) {
	dir, err := os.MkdirTemp("", "damkit-example")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	lib, err = dam.Open(ctx, dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	if err != nil {
		log.Fatal(err)
	}
	owner, _, err = lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Name: ownerName, Role: dam.RoleOwner})
	if err != nil {
		log.Fatal(err)
	}
	return lib, owner, func() {
		_ = lib.Close()
		_ = os.RemoveAll(dir)
	}
}
