package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// demoFile keeps the demo's page paths in the data directory, so that a
// restart with -demo prints them again: the share link's token is stored
// hashed in the library and cannot be read back from it.
const demoFile = "demo-links.json"

// demo seeds a new library (created) or finds the pages seeded on an
// earlier start. note says why there are none to show.
func demo(ctx context.Context, lib *dam.Library, data string, created bool) (demoLinks, string, error) {
	path := filepath.Join(data, demoFile)
	if created {
		links, err := seedDemo(ctx, lib)
		if err != nil {
			return demoLinks{}, "", err
		}
		b, err := json.Marshal(map[string]string{"share": links.share, "portal": links.portal})
		if err != nil {
			return demoLinks{}, "", err
		}
		return links, "", os.WriteFile(path, b, 0o600)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return demoLinks{}, "-demo seeds only a new library, and " + data + " already held one: start with another -data to see the demo", nil
	}
	if err != nil {
		return demoLinks{}, "", err
	}
	var saved map[string]string
	if err := json.Unmarshal(b, &saved); err != nil {
		return demoLinks{}, "", fmt.Errorf("%s: %w", path, err)
	}
	var links demoLinks
	var gone []string
	if token, ok := strings.CutPrefix(saved["share"], "/s/"); ok {
		if _, _, err := lib.GuestActor(ctx, token); err == nil {
			links.share = saved["share"]
		} else {
			gone = append(gone, "share")
		}
	}
	if slug, ok := strings.CutPrefix(saved["portal"], "/p/"); ok {
		if _, err := lib.PortalPage(ctx, slug); err == nil {
			links.portal = saved["portal"]
		} else {
			gone = append(gone, "portal")
		}
	}
	var note string
	if len(gone) > 0 {
		note = "the demo " + strings.Join(gone, " and ") + " expired or changed since it was seeded"
	}
	return links, note, nil
}

// seedDemo fills a fresh library with a few folders (one protected), generated images (one
// JPEG carrying EXIF) in a few categories, and a collection, so every
// endpoint has something to show.
func seedDemo(ctx context.Context, lib *dam.Library) (demoLinks, error) {
	users, err := lib.Store().Users(ctx)
	if err != nil {
		return demoLinks{}, err
	}
	if len(users) == 0 {
		return demoLinks{}, errors.New("no owner to seed the demo as")
	}
	ctx = dam.WithActor(ctx, users[0].Actor())
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
	links := demoLinks{portal: "/p/" + url.PathEscape(portal.Slug)}
	if len(share.Links) > 0 {
		links.share = "/s/" + share.Links[0].Token
	}
	return links, nil
}

// demoLinks are the seeded pages to try in a browser.
type demoLinks struct {
	share  string // the path of the guest's link to the demo share
	portal string // the path of the demo portal
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
