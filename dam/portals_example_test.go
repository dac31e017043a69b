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

// A portal whose requests are approved at once: the visitor gives an email
// address and gets access (and, with a Notifier, an email with a signed
// link); the owner sees the request as approved on the dashboard.
func ExampleLibrary_RequestPortalDownload() {
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
	octx := dam.WithActor(ctx, owner.Actor())
	a, err := lib.Upload(octx, strings.NewReader("our logo\n"), dam.UploadOptions{Name: "logo.txt"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := lib.CreatePortal(octx, dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{a.ID},
		Mode: dam.PortalAutoApprove}); err != nil {
		log.Fatal(err)
	}
	page, err := lib.PortalPage(ctx, "press-kit")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Title, page.Mode, page.Assets[0].Name, page.Assets[0].Downloadable)
	res, err := lib.RequestPortalDownload(ctx, "press-kit", dam.VisitorRequest{Email: "journalist@example.org", Message: "for an article"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Requests[0].RequesterEmail, res.Requests[0].Status)
	// Output:
	// Press kit auto_approve logo.txt false
	// journalist@example.org approved
}
