package sqlstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
)

func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "damkit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// The same call takes "postgres://user:pass@host:5432/db?sslmode=disable".
	store, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	now := time.Now()
	folder := dam.Folder{ID: dam.NewID(now), Name: "Press kit", Domain: dam.DefaultDomain, CreatedAt: now, UpdatedAt: now}
	if err := store.CreateFolder(ctx, folder); err != nil {
		log.Fatal(err)
	}
	twin := folder
	twin.ID = dam.NewID(now)
	err = store.CreateFolder(ctx, twin)
	fmt.Println(dam.KindOf(err), "-", dam.ErrorMessage(err))

	folders, err := store.Folders(ctx, []string{dam.DefaultDomain})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range folders {
		fmt.Println(f.Name)
	}
	// Output:
	// already_exists - a folder named "Press kit" already exists here
	// Press kit
}
