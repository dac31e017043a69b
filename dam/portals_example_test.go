package dam_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/damkit/damkit/dam"
)

// A portal whose requests are approved at once: the visitor gives an email
// address and gets access (and, with a Notifier, an email with a signed
// link); the owner sees the request as approved on the dashboard.
func ExampleLibrary_RequestPortalDownload() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := context.Background()
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
