package main

import (
	"bytes"
	"context"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// seedDemo fills a fresh library with a few folders, generated images (one
// JPEG carrying EXIF) and a collection, so every endpoint has something to
// show.
func seedDemo(ctx context.Context, lib *dam.Library, ownerKey string) error {
	owner, err := lib.Authenticate(ctx, ownerKey)
	if err != nil {
		return err
	}
	ctx = dam.WithActor(ctx, owner.Actor())
	campaign, err := lib.CreateFolder(ctx, "Campaign 2026", "", "")
	if err != nil {
		return err
	}
	press, err := lib.CreateFolder(ctx, "Press kit", "", "")
	if err != nil {
		return err
	}
	photo, err := testimage.JPEGWithEXIF(testimage.Gradient(1600, 1067, 0.0), "DemoCam", "Model X", 1)
	if err != nil {
		return err
	}
	items := []struct {
		name, folder string
		data         []byte
		meta         dam.Metadata
	}{
		{"sunrise.jpg", campaign.ID, photo, dam.Metadata{Title: "Sunrise over the bay", Keywords: []string{"sunrise", "sea"}}},
		{"dusk.png", campaign.ID, testimage.PNG(testimage.Gradient(800, 600, 2.0)), dam.Metadata{Title: "Dusk", Keywords: []string{"evening"}}},
		{"logo.png", press.ID, testimage.PNG(testimage.Gradient(512, 512, 4.0)), dam.Metadata{Title: "Logo", Fields: map[string]string{"usage": "press only"}}},
		{"readme.txt", press.ID, []byte("Press kit: use the logo on light backgrounds.\n"), dam.Metadata{Title: "Press notes"}},
	}
	var ids []dam.CollectionItem
	for _, it := range items {
		m := it.meta
		a, err := lib.Upload(ctx, bytes.NewReader(it.data), dam.UploadOptions{Name: it.name, FolderID: it.folder, Meta: &m})
		if err != nil {
			return err
		}
		ids = append(ids, dam.CollectionItem{AssetID: a.ID})
	}
	col, err := lib.CreateCollection(ctx, "Favourites", "")
	if err != nil {
		return err
	}
	_, err = lib.AddToCollection(ctx, col.ID, ids[:2])
	return err
}
