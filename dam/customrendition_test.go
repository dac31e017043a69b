package dam_test

import (
	"bytes"
	"context"
	"image"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// allowCustom turns custom renditions on with bounds b.
func (f *fixture) allowCustom(t *testing.T, b dam.CustomRenditionSettings) dam.Settings {
	t.Helper()
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	b.Enabled = true
	s.CustomRenditions = b
	s, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	return s
}

func ref(t *testing.T, c dam.CustomRendition) string {
	t.Helper()
	r, err := c.Ref()
	require.NoError(t, err, "%+v is valid in itself", c)
	return r
}

func TestCustomRenditionsAreOffByDefault(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg")
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	assert.False(t, s.CustomRenditions.Enabled)
	assert.Equal(t, int64(dam.DefaultCustomMaxPixels), s.CustomRenditions.MaxPixels, "the defaults are written out")
	assert.Equal(t, dam.DefaultCustomFormats, s.CustomRenditions.Formats)

	_, err = f.lib.OpenRendition(f.owner, a.ID, ref(t, dam.CustomRendition{Width: 100}))
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "custom_renditions.enabled")
	_, err = f.lib.OpenPreview(f.owner, a.ID, ref(t, dam.CustomRendition{Width: 100}))
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	rendered, _ := dam.RenderStats(f.lib)
	assert.Zero(t, rendered)
}

func TestCustomRenditionBounds(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg") // 800x1200 upright
	f.allowCustom(t, dam.CustomRenditionSettings{MaxPixels: 500_000})
	tests := []struct {
		name string
		c    dam.CustomRendition
		want string
	}{
		{"negative w", dam.CustomRendition{Width: -1}, "w must be 1..65535"},
		{"huge w", dam.CustomRendition{Width: 1_000_000_000}, "w must be 1..65535"},
		{"huge h", dam.CustomRendition{Height: 65536}, "h must be 1..65535"},
		{"box over the bound", dam.CustomRendition{Width: 1000, Height: 1000}, "above this library's maximum of 500000 (custom_renditions.max_pixels)"},
		{"rendition over the bound", dam.CustomRendition{Width: 700}, "would be 700x1050"},
		{"no size: the source's", dam.CustomRendition{Format: rendition.FormatPNG}, "would be 800x1200"},
		{"quality 101", dam.CustomRendition{Width: 10, Quality: 101}, "quality must be 1..100"},
		{"quality negative", dam.CustomRendition{Width: 10, Quality: -1}, "quality must be 1..100"},
		{"dpi too high", dam.CustomRendition{Width: 10, DPI: 4801}, "dpi must be 1..4800"},
		{"dpi negative", dam.CustomRendition{Width: 10, DPI: -3}, "dpi must be 1..4800"},
		{"dpi in webp", dam.CustomRendition{Width: 10, Format: rendition.FormatWebP, DPI: 300}, "webp has no resolution field"},
		{"unknown format", dam.CustomRendition{Width: 10, Format: "bmp"}, `unknown format "bmp"`},
		{"video format", dam.CustomRendition{Width: 10, Format: rendition.FormatMP4}, `unknown format "mp4"`},
		{"format not allowed", dam.CustomRendition{Width: 10, Format: rendition.FormatTIFF}, "format tiff is not allowed here (custom_renditions.formats: jpeg, png, webp)"},
		{"unknown fit", dam.CustomRendition{Width: 10, Fit: "stretch"}, `unknown fit "stretch"`},
		{"cover needs both", dam.CustomRendition{Width: 10, Fit: rendition.FitCover}, "fit cover needs both w and h"},
		{"colour space", dam.CustomRendition{Width: 10, ColorSpace: "cmyk"}, "colorspace must be srgb or grey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.c.Ref()
			if err != nil { // invalid in itself
				assert.Equal(t, dam.Invalid, kindOf(t, err))
				assert.Contains(t, dam.ErrorMessage(err), tt.want)
				assert.ErrorContains(t, tt.c.Check(dam.CustomRenditionSettings{Enabled: true}), tt.want)
				return
			}
			for _, open := range []func(context.Context, string, string) (*dam.Download, error){f.lib.OpenRendition, f.lib.OpenPreview} {
				_, err := open(f.owner, a.ID, r)
				assert.Equal(t, dam.Invalid, kindOf(t, err))
				assert.Contains(t, dam.ErrorMessage(err), tt.want)
			}
			_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, Rendition: &tt.c})
			assert.Equal(t, dam.Invalid, kindOf(t, err))
			assert.Contains(t, dam.ErrorMessage(err), tt.want)
		})
	}
	// References that ask for more than a custom rendition may.
	for _, r := range []string{"custom:", "custom:w10-meta", "custom:w10-gps-meta", "custom:w10-up", "custom:w10-invert",
		"custom:w10-wm.br.50.t.6869", "custom:w10-p2", "custom:w10-t100", "custom:w10-strip", "custom:w10-w20", "custom:" + strings.Repeat("w", 600)} {
		_, err := f.lib.OpenRendition(f.owner, a.ID, r)
		assert.Equal(t, dam.Invalid, kindOf(t, err), r)
	}
	rendered, _ := dam.RenderStats(f.lib)
	assert.Zero(t, rendered, "nothing out of bounds is rendered")
	assert.Empty(t, f.keys(t, "renditions/"), "nor cached")

	// Both a profile and a rendition for the same assets.
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})
	_, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, Profile: "web", Rendition: &dam.CustomRendition{Width: 10}})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, Profiles: map[string]string{a.ID: "web"},
		Renditions: map[string]dam.CustomRendition{a.ID: {Width: 10}}})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, Profile: ref(t, dam.CustomRendition{Width: 10})})
	assert.Equal(t, dam.Invalid, kindOf(t, err), "a download request names custom renditions by their fields, not a reference")
}

func TestCustomRenditionSettings(t *testing.T) {
	f := newFixture(t, nil)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	for _, tt := range []struct {
		b    dam.CustomRenditionSettings
		want string
	}{
		{dam.CustomRenditionSettings{MaxPixels: -1}, "custom_renditions.max_pixels must be 0"},
		{dam.CustomRenditionSettings{MaxPixels: rendition.DefaultMaxOutputPixels + 1}, "custom_renditions.max_pixels must be 0"},
		{dam.CustomRenditionSettings{Formats: []rendition.Format{"png", "mp4"}}, `unknown format "mp4"`},
	} {
		s.CustomRenditions = tt.b
		_, err := f.lib.UpdateSettings(f.owner, s)
		assert.Equal(t, dam.Invalid, kindOf(t, err))
		assert.Contains(t, dam.ErrorMessage(err), tt.want)
	}
	s.CustomRenditions = dam.CustomRenditionSettings{Enabled: true, Formats: []rendition.Format{"tiff", "jpg", "png", "tiff"}}
	got, err := f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	assert.Equal(t, []rendition.Format{"jpeg", "png", "tiff"}, got.CustomRenditions.Formats, "deduplicated, in a fixed order")
	assert.Equal(t, int64(dam.DefaultCustomMaxPixels), got.CustomRenditions.MaxPixels)
}

func TestEqualCustomRenditionsRenderOnce(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg")
	f.allowCustom(t, dam.CustomRenditionSettings{})
	same := []dam.CustomRendition{
		{Width: 100, Format: rendition.FormatJPEG, DPI: 300},
		{Width: 100, Format: "jpg", DPI: 300, Fit: rendition.FitContain, Quality: 85, ColorSpace: "srgb"},
	}
	assert.Equal(t, ref(t, same[0]), ref(t, same[1]), "defaults written out or not")
	var etag string
	for _, c := range same {
		d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, ref(t, c)) })
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, "jpeg", format)
		assert.Equal(t, [2]int{100, 150}, [2]int{cfg.Width, cfg.Height})
		assert.Equal(t, 300, rendition.DPI(b))
		assert.Equal(t, "beach.jpg", d.Version.OriginalName)
		if etag != "" {
			assert.Equal(t, etag, d.ETag)
		}
		etag = d.ETag
	}
	rendered, _ := dam.RenderStats(f.lib)
	assert.Equal(t, int64(1), rendered, "equal requests share one rendition")

	// A grey PNG at another dpi is another rendition.
	_, b := read(t, func() (*dam.Download, error) {
		return f.lib.OpenRendition(f.owner, a.ID, ref(t, dam.CustomRendition{Height: 60, Format: rendition.FormatPNG, DPI: 72, ColorSpace: "grey"}))
	})
	img, _, err := image.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 40, 60), img.Bounds())
	r, g, bl, _ := img.At(20, 30).RGBA()
	assert.True(t, r == g && g == bl, "grey")
	assert.Equal(t, 72, rendition.DPI(b))
	rendered, _ = dam.RenderStats(f.lib)
	assert.Equal(t, int64(2), rendered)
}

func TestCustomRenditionsFollowThePolicy(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.photo(t, f.owner, "secret.jpg")
	s := f.allowCustom(t, dam.CustomRenditionSettings{})
	_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)
	r := ref(t, dam.CustomRendition{Width: 120, Format: rendition.FormatPNG})

	_, err = f.lib.OpenRendition(viewer, a.ID, r)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "a custom rendition is a download like a profile's")
	_, err = f.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{a.ID}, Rendition: &dam.CustomRendition{Width: 120}})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))

	clean, _ := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, r) })
	assert.False(t, strings.HasSuffix(clean.ETag, `-wm"`))
	s.ShowWatermarks = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	marked, _ := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, r) })
	assert.True(t, strings.HasSuffix(marked.ETag, `-wm"`), "protected previews are watermarked in a custom rendition too")
	owner, _ := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(f.owner, a.ID, r) })
	assert.Equal(t, clean.ETag, owner.ETag)
}

func TestProfileDPI(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg")
	for _, format := range []rendition.Format{rendition.FormatJPEG, rendition.FormatPNG, rendition.FormatTIFF} {
		p := f.profile(t, dam.Profile{Name: "print-" + string(format), Width: 200, Height: 200, Format: format, DPI: 300})
		assert.Equal(t, 300, p.DPI)
		assert.Contains(t, p.Spec(), "dpi300")
		_, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, p.Name) })
		assert.Equal(t, 300, rendition.DPI(b), format)
	}
	for _, p := range []dam.Profile{
		{Name: "w", Width: 10, Format: rendition.FormatWebP, DPI: 300},
		{Name: "x", Width: 10, DPI: 4801},
		{Name: "y", Width: 10, DPI: -1},
	} {
		_, err := f.lib.CreateProfile(f.owner, p)
		assert.Equal(t, dam.Invalid, kindOf(t, err), p.Name)
	}
}

func TestZipWithCustomRenditionsPerAsset(t *testing.T) {
	f := newFixture(t, nil)
	beach := f.photo(t, f.owner, "beach.jpg")   // 800x1200 upright
	forest := f.photo(t, f.owner, "forest.jpg") // likewise
	dunes := f.photo(t, f.owner, "dunes.jpg")
	f.allowCustom(t, dam.CustomRenditionSettings{Formats: []rendition.Format{"jpeg", "png", "tiff"}})
	f.profile(t, dam.Profile{Name: "web", Width: 90, Height: 90, Format: rendition.FormatJPEG, DPI: 96})
	req := dam.DownloadRequest{
		AssetIDs:  []string{beach.ID, forest.ID, dunes.ID},
		Rendition: &dam.CustomRendition{Height: 300, Format: rendition.FormatTIFF, DPI: 600},
		Renditions: map[string]dam.CustomRendition{
			beach.ID: {Width: 200, Height: 200, Fit: rendition.FitCover, Format: rendition.FormatPNG, DPI: 300},
		},
		Profiles: map[string]string{forest.ID: "web"},
	}
	want := map[string]struct{ w, h, dpi int }{
		"beach.png": {200, 200, 300}, "forest.jpg": {60, 90, 96}, "dunes.tif": {200, 300, 600},
	}
	for _, async := range []bool{false, true} {
		req.Async = async
		j, err := f.lib.CreateDownload(f.owner, req)
		require.NoError(t, err)
		if async {
			_, err = f.lib.ProcessJobs(t.Context())
			require.NoError(t, err)
		}
		_, b := readPart(t, f.owner, f.lib, j.ID, 1)
		files := zipFiles(t, b)
		for name, w := range want {
			data, ok := files[name]
			require.True(t, ok, "%s in %v", name, keysOf(files))
			cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
			require.NoError(t, err, name)
			assert.Equal(t, [2]int{w.w, w.h}, [2]int{cfg.Width, cfg.Height}, name)
			assert.Equal(t, w.dpi, rendition.DPI(data), name)
		}
	}
	rendered, _ := dam.RenderStats(f.lib)
	assert.Equal(t, int64(3), rendered, "the job renders nothing the stream rendered")
}

func keysOf(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A custom rendition and the smart crops of one asset go in one ZIP side
// by side: the crops keep their profiles' names.
func TestCustomRenditionWithSmartCrops(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg") // 800x1200 upright
	f.allowCustom(t, dam.CustomRenditionSettings{})
	f.profile(t, dam.Profile{Name: "square", Width: 100, Height: 100, Fit: rendition.FitSmart, Format: rendition.FormatJPEG, SmartCrop: true})
	j, err := f.lib.CreateDownload(f.owner, dam.DownloadRequest{AssetIDs: []string{a.ID}, Crops: true,
		Rendition: &dam.CustomRendition{Width: 200, Format: rendition.FormatPNG, DPI: 300}})
	require.NoError(t, err)
	_, b := readPart(t, f.owner, f.lib, j.ID, 1)
	files := zipFiles(t, b)
	for name, want := range map[string][3]int{"beach.png": {200, 300, 300}, "beach_square.jpg": {100, 100, 0}} {
		data, ok := files[name]
		require.True(t, ok, "%s in %v", name, keysOf(files))
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		require.NoError(t, err)
		assert.Equal(t, want, [3]int{cfg.Width, cfg.Height, rendition.DPI(data)}, name)
	}
}
