package dam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// cropSetup has three smart crops (square, 4x5, 16x9), a profile that is
// not one (web), a photo and a text file no crop applies to.
type cropSetup struct {
	photo, notes dam.Asset
}

func newCropSetup(t *testing.T, f *fixture) cropSetup {
	t.Helper()
	for _, p := range []dam.Profile{
		{Name: "square", Width: 48, Height: 48, Fit: rendition.FitSmart, Format: rendition.FormatJPEG, SmartCrop: true},
		{Name: "4x5", Width: 40, Height: 50, Fit: rendition.FitSmart, Format: rendition.FormatJPEG, SmartCrop: true},
		{Name: "16x9", Width: 64, Height: 36, Fit: rendition.FitSmart, Format: rendition.FormatPNG, SmartCrop: true},
		{Name: "web", Width: 32, Format: rendition.FormatPNG},
	} {
		_, err := f.lib.CreateProfile(f.owner, p)
		require.NoError(t, err)
	}
	// A grey field with a saturated red subject near the right edge.
	img := image.NewRGBA(image.Rect(0, 0, 160, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 160; x++ {
			c := color.RGBA{120, 120, 120, 255}
			if x >= 120 && x < 150 && y >= 30 && y < 70 {
				c = color.RGBA{230, 30, 40, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}))
	var s cropSetup
	var err error
	s.photo, err = f.lib.Upload(f.owner, &buf, dam.UploadOptions{Name: "photo.jpg"})
	require.NoError(t, err)
	s.notes = f.upload(t, f.owner, "notes.txt", "read me")
	return s
}

// cropZip makes a download (built by the worker when async) and returns
// the job, its files and its manifest.
func cropZip(t *testing.T, f *fixture, ctx context.Context, req dam.DownloadRequest) (dam.Job, map[string][]byte, cropManifest) {
	t.Helper()
	j, err := f.lib.CreateDownload(ctx, req)
	require.NoError(t, err)
	if req.Async {
		_, err = f.lib.ProcessJobs(t.Context())
		require.NoError(t, err)
		j, err = f.lib.Job(ctx, j.ID)
		require.NoError(t, err)
		require.Equal(t, dam.JobDone, j.Status, j.Error)
	}
	_, b := readPart(t, ctx, f.lib, j.ID, 1)
	files := zipFiles(t, b)
	var m cropManifest
	if data, ok := files["manifest.json"]; ok {
		require.NoError(t, json.Unmarshal(data, &m))
		delete(files, "manifest.json")
	}
	return j, files, m
}

type cropManifest struct {
	Entries []struct{ Name, Profile string }
	Skipped []struct{ Name, Profile, Reason string }
}

func sizeOf(t *testing.T, b []byte) image.Point {
	t.Helper()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	return image.Pt(cfg.Width, cfg.Height)
}

func TestDownloadAllSmartCrops(t *testing.T) {
	f := newFixture(t, nil)
	s := newCropSetup(t, f)
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "ready", true: "job"}[async], func(t *testing.T) {
			j, files, m := cropZip(t, f, f.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.notes.ID}, CropsOnly: true, Async: async})
			require.Len(t, files, 3, "one file a crop, none for the text file")
			assert.Equal(t, image.Pt(48, 48), sizeOf(t, files["photo_square.jpg"]))
			assert.Equal(t, image.Pt(40, 50), sizeOf(t, files["photo_4x5.jpg"]))
			assert.Equal(t, image.Pt(64, 36), sizeOf(t, files["photo_16x9.png"]))
			assert.NotContains(t, files, "photo.jpg", "crops only: not the original")
			require.Len(t, j.Skipped, 1, "the text file, once: no crop applies to it")
			assert.Equal(t, s.notes.ID, j.Skipped[0].AssetID)
			assert.Empty(t, j.Skipped[0].Crop)
			byName := map[string]string{}
			for _, e := range m.Entries {
				byName[e.Name] = e.Profile
			}
			assert.Equal(t, map[string]string{"photo_16x9.png": "16x9", "photo_4x5.jpg": "4x5", "photo_square.jpg": "square"}, byName,
				"the manifest lists each crop with its profile")
			require.Len(t, m.Skipped, 1)
			assert.Equal(t, "notes.txt", m.Skipped[0].Name)
		})
	}
}

// With Crops the crops go in beside the file asked for; the text file
// goes in as its original and its crops are listed as left out.
func TestDownloadWithSmartCrops(t *testing.T) {
	f := newFixture(t, nil)
	s := newCropSetup(t, f)
	for _, async := range []bool{false, true} {
		j, files, m := cropZip(t, f, f.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.notes.ID}, Profile: "web", Crops: true, Async: async})
		assert.ElementsMatch(t, []string{"photo.png", "photo_square.jpg", "photo_4x5.jpg", "photo_16x9.png", "notes.txt"}, keysOf(files))
		assert.Equal(t, image.Pt(32, 20), sizeOf(t, files["photo.png"]), "the profile asked for")
		assert.Equal(t, "read me", string(files["notes.txt"]))
		crops := map[string]bool{}
		for _, x := range j.Skipped {
			assert.Equal(t, s.notes.ID, x.AssetID)
			assert.Equal(t, "profile_not_applicable", x.Reason)
			crops[x.Crop] = true
		}
		assert.Equal(t, map[string]bool{"square": true, "4x5": true, "16x9": true}, crops, "each crop of the text file, by name")
		assert.Len(t, m.Skipped, 3)
	}
}

// Names stay unique: an asset already called photo_square.jpg, and folders
// per asset.
func TestSmartCropNamesStayUnique(t *testing.T) {
	f := newFixture(t, nil)
	s := newCropSetup(t, f)
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 20, 20))))
	clash, err := f.lib.Upload(f.owner, &img, dam.UploadOptions{Name: "photo_square.jpg"})
	require.NoError(t, err)

	_, files, _ := cropZip(t, f, f.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, clash.ID}, Crops: true})
	assert.Contains(t, files, "photo.jpg")
	assert.Contains(t, files, "photo_square.jpg")
	assert.Contains(t, files, "photo_square (2).jpg", "the other asset's file does not overwrite the crop")
	assert.Contains(t, files, "photo_square_square.jpg")
	assert.Len(t, files, 8)

	_, files, _ = cropZip(t, f, f.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID}, Crops: true, FolderPerAsset: true})
	assert.ElementsMatch(t, []string{"photo.jpg/photo.jpg", "photo.jpg/photo_square.jpg", "photo.jpg/photo_4x5.jpg", "photo.jpg/photo_16x9.png"}, keysOf(files))
}

// Each crop is decided as a download in its profile: an asset the viewer
// may not download is left out whole, once, and can be requested.
func TestSmartCropsFollowThePolicy(t *testing.T) {
	f := newFixture(t, nil)
	s := newCropSetup(t, f)
	folder, err := f.lib.CreateFolder(f.owner, "Embargoed", "", "")
	require.NoError(t, err)
	_, err = f.lib.SetFolderProtection(f.owner, folder.ID, dam.Protected)
	require.NoError(t, err)
	secret, err := f.lib.Upload(f.owner, bytes.NewReader([]byte(noise(3, 400))), dam.UploadOptions{Name: "launch.bin", FolderID: folder.ID})
	require.NoError(t, err)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)

	j, files, _ := cropZip(t, f, viewer, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, secret.ID}, Crops: true})
	assert.Len(t, files, 4, "the photo and its three crops")
	require.Len(t, j.Skipped, 1, "the protected asset once, not once per file")
	assert.Equal(t, secret.ID, j.Skipped[0].AssetID)
	assert.Empty(t, j.Skipped[0].Crop)
	assert.True(t, dam.Requestable(j.Skipped[0].Reason))

	_, err = f.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{secret.ID}, CropsOnly: true})
	var nothing *dam.NothingToDownloadError
	require.ErrorAs(t, err, &nothing)
	assert.Len(t, nothing.Skipped, 1)
}

func TestSmartCropsNeedCropProfiles(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	_, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, CropsOnly: true})
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "no smart crops")

	_, err = f.lib.CreateProfile(f.owner, dam.Profile{Name: "sq", Width: 10, Height: 10, Fit: rendition.FitCover, SmartCrop: true})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), `fit must be "smart"`)

	p, err := f.lib.CreateProfile(f.owner, dam.Profile{Name: "sq", Width: 10, Height: 10, Fit: rendition.FitSmart, SmartCrop: true})
	require.NoError(t, err)
	crops, err := f.lib.SmartCrops(f.owner)
	require.NoError(t, err)
	require.Len(t, crops, 1)
	assert.Equal(t, p.Name, crops[0].Name)
	got, err := f.lib.Profile(f.owner, "sq")
	require.NoError(t, err)
	assert.True(t, got.SmartCrop, "stored")
}

// The number of files is bounded before any is listed.
func TestSmartCropsBoundTheFiles(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxArchiveEntries: 5})
	s := newCropSetup(t, f)
	_, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.notes.ID}, Crops: true})
	assert.Equal(t, dam.TooLarge, kindOf(t, err))
}

func TestCropFilename(t *testing.T) {
	for _, c := range []struct{ name, profile, mt, want string }{
		{"photo.tif", "square", "image/jpeg", "photo_square.jpg"},
		{"photo", "4x5", "image/png", "photo_4x5.png"},
		{"a.b.c.jpeg", "16x9", "image/webp", "a.b.c_16x9.webp"},
		{".jpg", "square", "image/jpeg", "rendition_square.jpg"},
	} {
		assert.Equal(t, c.want, dam.CropFilename(c.name, c.profile, c.mt), c.name)
	}
}
