package dam_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Share an asset with an external guest for a week, then open it as the
// guest through the link token the invitation carries.
func ExampleLibrary_CreateShare() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := context.Background()
	ctx = dam.WithActor(ctx, owner.Actor())
	settings, _ := lib.Settings(ctx)
	settings.SharesEnabled = true
	if _, err := lib.UpdateSettings(ctx, settings); err != nil {
		log.Fatal(err)
	}
	a, err := lib.Upload(ctx, strings.NewReader("hello, guest\n"), dam.UploadOptions{Name: "hello.txt"})
	if err != nil {
		log.Fatal(err)
	}
	v, err := lib.CreateShare(ctx, dam.NewShare{Title: "For the agency", Days: 7, AssetIDs: []string{a.ID}, Guests: "ana@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Title, len(v.AssetIDs), v.ActiveGuests[0].Email)

	guest, sh, err := lib.GuestActor(context.Background(), v.Links[0].Token)
	if err != nil {
		log.Fatal(err)
	}
	dl, err := lib.GuestOpen(guest, a.ID, "")
	if err != nil {
		log.Fatal(err)
	}
	defer dl.Close()
	data, _ := io.ReadAll(dl)
	fmt.Printf("%s: %s", sh.Title, data)
	// Output:
	// For the agency 1 ana@example.com
	// For the agency: hello, guest
}
