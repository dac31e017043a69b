package dam_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"log"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// An owner defines an export profile; anyone allowed to download the
// original then downloads the asset in that profile, rendered on first use
// and served from the bucket's cache afterwards.
func ExampleLibrary_OpenRendition() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := context.Background()
	ctx = dam.WithActor(ctx, owner.Actor())

	photo, _ := testimage.JPEGWithEXIF(testimage.Gradient(1200, 800, 0), "Canon", "EOS", 1)
	a, err := lib.Upload(ctx, bytes.NewReader(photo), dam.UploadOptions{Name: "beach.jpeg"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := lib.CreateProfile(ctx, dam.Profile{Name: "web", Width: 600, Height: 600, Format: rendition.FormatPNG}); err != nil {
		log.Fatal(err)
	}
	d, err := lib.OpenRendition(ctx, a.ID, "web")
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	cfg, format, err := image.DecodeConfig(d)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Version.MediaType, d.Version.OriginalName, format, cfg.Width, cfg.Height)
	// Output: image/png beach.png png 600 400
}
