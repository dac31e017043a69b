package dam

import (
	"context"
	"path"
	"strings"
)

// Smart crops are export profiles marked Profile.SmartCrop (reference 004's
// "Smart Crops"): "download all smart crops" of an asset or a selection
// (DownloadRequest.Crops, CropsOnly) puts each asset's crops in the ZIP,
// beside or instead of the file asked for, so one archive may hold several
// files of one asset. Each crop is one job item, decided and rendered as a
// download in its profile.

// SmartCrops lists the export profiles marked as smart crops, by name (any
// user may read them).
func (l *Library) SmartCrops(ctx context.Context) ([]Profile, error) {
	const op = "dam.SmartCrops"
	if _, err := actorFor(ctx, op); err != nil {
		return nil, err
	}
	return l.smartCrops(ctx, op)
}

func (l *Library) smartCrops(ctx context.Context, op string) ([]Profile, error) {
	ps, err := l.store.Profiles(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := []Profile{}
	for _, p := range ps {
		if p.SmartCrop {
			out = append(out, p)
		}
	}
	return out, nil
}

// withCrops adds to a selection each asset's smart crops, after the file
// asked for (or instead of it, with CropsOnly), for a request that asks
// for them; other requests pass through.
func (l *Library) withCrops(ctx context.Context, op string, req DownloadRequest, sel []selected) ([]selected, error) {
	if !req.Crops && !req.CropsOnly {
		return sel, nil
	}
	crops, err := l.smartCrops(ctx, op)
	if err != nil {
		return nil, err
	}
	if len(crops) == 0 {
		return nil, E(op, FailedPrecondition, "the library has no smart crops: an owner marks export profiles as smart crops first")
	}
	per := len(crops)
	if !req.CropsOnly {
		per++
	}
	if len(sel) > l.opts.MaxArchiveEntries/per {
		return nil, E(op, TooLarge, "%d assets with %d files each are more than the %d files of one download",
			len(sel), per, l.opts.MaxArchiveEntries)
	}
	out := make([]selected, 0, len(sel)*per)
	for _, s := range sel {
		if !req.CropsOnly {
			out = append(out, s)
		}
		for _, c := range crops {
			out = append(out, selected{asset: s.asset, profile: c.Name, dir: s.dir, crop: true})
		}
	}
	return out, nil
}

// CropFilename is the name of an asset's smart crop in a ZIP: the
// rendition's name with the profile before its extension
// ("photo.tif", "square", image/jpeg: "photo_square.jpg").
func CropFilename(name, profile, mediaType string) string {
	n := RenditionFilename(name, mediaType)
	ext := path.Ext(n)
	base := strings.TrimSuffix(n, ext)
	if base == "" {
		base = "rendition"
	}
	return base + "_" + profile + ext
}

// cropName is the smart crop an item stands for ("" for the asset's file).
func (s selected) cropName() string {
	if s.crop {
		return s.profile
	}
	return ""
}

func (it JobItem) cropName() string {
	if it.Crop {
		return it.Profile
	}
	return ""
}

// mergeSkipped adds skips to a list of skipped assets, once each: a skip
// of an asset already left out whole, or of the same crop again, is dropped.
func mergeSkipped(list []SkippedAsset, more ...SkippedAsset) []SkippedAsset {
next:
	for _, x := range more {
		for _, s := range list {
			if s.AssetID == x.AssetID && (s.Crop == "" || s.Crop == x.Crop) {
				continue next
			}
		}
		list = append(list, x)
	}
	return list
}

// fileCounts counts each asset's files (items) in a job.
func fileCounts(items []JobItem) map[string]int {
	n := make(map[string]int, len(items))
	for _, it := range items {
		n[it.AssetID]++
	}
	return n
}

// wholeAssets makes the skips of an asset all of whose files were left out
// one entry for the asset (the first, Crop cleared); items counts each
// asset's files in the selection.
func wholeAssets(skipped []SkippedAsset, items map[string]int) []SkippedAsset {
	n := map[string]int{}
	for _, s := range skipped {
		n[s.AssetID]++
	}
	out := skipped[:0:0]
	done := map[string]bool{}
	for _, s := range skipped {
		if n[s.AssetID] >= items[s.AssetID] {
			if done[s.AssetID] {
				continue
			}
			done[s.AssetID], s.Crop = true, ""
		}
		out = append(out, s)
	}
	return out
}
