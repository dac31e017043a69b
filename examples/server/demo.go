package main

import (
	"bytes"
	"context"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// seedDemo fills a fresh library with a few folders (one protected), generated images (one
// JPEG carrying EXIF) in a few categories, and a collection, so every
// endpoint has something to show.
func seedDemo(ctx context.Context, lib *dam.Library, ownerKey string) (demoLinks, error) {
	owner, err := lib.Authenticate(ctx, ownerKey)
	if err != nil {
		return demoLinks{}, err
	}
	ctx = dam.WithActor(ctx, owner.Actor())
	campaign, err := lib.CreateFolder(ctx, "Campaign 2026", "", "")
	if err != nil {
		return demoLinks{}, err
	}
	press, err := lib.CreateFolder(ctx, "Press kit", "", "")
	if err != nil {
		return demoLinks{}, err
	}
	cats, err := seedCategories(ctx, lib)
	if err != nil {
		return demoLinks{}, err
	}
	photo, err := testimage.JPEGWithEXIF(testimage.Gradient(1600, 1067, 0.0), "DemoCam", "Model X", 1)
	if err != nil {
		return demoLinks{}, err
	}
	items := []struct {
		name, folder string
		data         []byte
		meta         dam.Metadata
		categories   []string
	}{
		{"sunrise.jpg", campaign.ID, photo, dam.Metadata{Title: "Sunrise over the bay", Keywords: []string{"sunrise", "sea"}}, []string{cats.photography}},
		{"dusk.png", campaign.ID, testimage.PNG(testimage.Gradient(800, 600, 2.0)), dam.Metadata{Title: "Dusk", Keywords: []string{"evening"}}, []string{cats.photography}},
		{"logo.png", press.ID, testimage.PNG(testimage.Gradient(512, 512, 4.0)), dam.Metadata{Title: "Logo", Fields: map[string]string{"usage": "press only"}}, []string{cats.logos}},
		{"readme.txt", press.ID, []byte("Press kit: use the logo on light backgrounds.\n"), dam.Metadata{Title: "Press notes"}, []string{cats.brand}},
	}
	var ids []dam.CollectionItem
	for _, it := range items {
		m := it.meta
		a, err := lib.Upload(ctx, bytes.NewReader(it.data), dam.UploadOptions{Name: it.name, FolderID: it.folder, Meta: &m, Categories: it.categories})
		if err != nil {
			return demoLinks{}, err
		}
		ids = append(ids, dam.CollectionItem{AssetID: a.ID})
	}
	col, err := lib.CreateCollection(ctx, "Favourites", "")
	if err != nil {
		return demoLinks{}, err
	}
	if _, err = lib.AddToCollection(ctx, col.ID, ids[:2]); err != nil {
		return demoLinks{}, err
	}
	// The press kit is protected: viewers request it, owners decide; and its
	// licence is accepted before the first download.
	if _, err := lib.SetFolderProtection(ctx, press.ID, dam.Protected); err != nil {
		return demoLinks{}, err
	}
	lic, err := lib.CreateLicence(ctx, "Press licence", "Editorial use only. Credit: Example Corp.")
	if err != nil {
		return demoLinks{}, err
	}
	if _, err := lib.SetFolderLicence(ctx, press.ID, lic.ID); err != nil {
		return demoLinks{}, err
	}
	s, err := lib.Settings(ctx)
	if err != nil {
		return demoLinks{}, err
	}
	s.SharesEnabled = true
	if _, err := lib.UpdateSettings(ctx, s); err != nil {
		return demoLinks{}, err
	}
	share, err := lib.CreateShare(ctx, dam.NewShare{Title: "Campaign 2026 preview", Days: 7,
		CollectionID: col.ID, Guests: "guest@example.com", Comment: "First look at the campaign pictures"})
	if err != nil {
		return demoLinks{}, err
	}
	portal, err := lib.CreatePortal(ctx, dam.NewPortal{Slug: "press-kit", Title: "Press kit",
		Description: "Logos and notes for the press. Ask, and we will send you a link.",
		AssetIDs:    []string{ids[2].AssetID, ids[3].AssetID}, Mode: dam.PortalRequest})
	if err != nil {
		return demoLinks{}, err
	}
	links := demoLinks{portal: "/p/" + portal.Slug}
	if len(share.Links) > 0 {
		links.share = share.Links[0].URL
	}
	return links, nil
}

// demoLinks are the seeded pages to try in a browser.
type demoLinks struct {
	share  string // the guest's link to the demo share
	portal string // the demo portal's path
}

// demoCategories are the IDs of the seeded categories: Photography, and
// Brand with its subcategory Logos.
type demoCategories struct{ photography, brand, logos string }

func seedCategories(ctx context.Context, lib *dam.Library) (demoCategories, error) {
	var d demoCategories
	photography, err := lib.CreateCategory(ctx, "Photography", "")
	if err != nil {
		return d, err
	}
	brand, err := lib.CreateCategory(ctx, "Brand", "")
	if err != nil {
		return d, err
	}
	logos, err := lib.CreateCategory(ctx, "Logos", brand.ID)
	if err != nil {
		return d, err
	}
	return demoCategories{photography: photography.ID, brand: brand.ID, logos: logos.ID}, nil
}
