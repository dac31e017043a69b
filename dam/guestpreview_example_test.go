package dam_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// A guest's page shows a thumbnail of each shared image, and an icon for
// the assets that have no preview.
func ExampleLibrary_GuestPreview() {
	lib, owner, done := exampleLibrary("Olive")
	defer done()
	ctx := context.Background()
	ctx = dam.WithActor(ctx, owner.Actor())
	settings, _ := lib.Settings(ctx)
	settings.SharesEnabled = true
	if _, err := lib.UpdateSettings(ctx, settings); err != nil {
		log.Fatal(err)
	}
	photo, err := lib.Upload(ctx, bytes.NewReader(testimage.PNG(testimage.Gradient(800, 600, 0.3))), dam.UploadOptions{Name: "harbour.png"})
	if err != nil {
		log.Fatal(err)
	}
	v, err := lib.CreateShare(ctx, dam.NewShare{Title: "Harbour", Days: 7, AssetIDs: []string{photo.ID}, Guests: "ana@example.com"})
	if err != nil {
		log.Fatal(err)
	}

	guest, _, err := lib.GuestActor(context.Background(), v.Links[0].Token)
	if err != nil {
		log.Fatal(err)
	}
	by, err := lib.GuestSharer(guest)
	if err != nil {
		log.Fatal(err)
	}
	view, err := lib.GuestShare(guest)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range view.Assets {
		if !lib.Previewable(a.MediaType) {
			fmt.Println(a.Name, "(icon)")
			continue
		}
		dl, err := lib.GuestPreview(guest, a.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("shared by %s: %s as a %dx%d %s\n", by, a.Name, dl.Version.Width, dl.Version.Height, dl.Version.MediaType)
		_ = dl.Close()
	}
	// Output:
	// shared by Olive: harbour.png as a 256x192 image/png
}
