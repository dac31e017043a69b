package dam_test

import (
	"bytes"
	"image"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/pdf"
	"github.com/damkit/damkit/rendition/svg"
	"github.com/damkit/damkit/rendition/video"
)

// mediaFixture is a library with the engines for video, PDF and SVG, or
// skips naming the missing tool.
func mediaFixture(t *testing.T) *fixture {
	t.Helper()
	v, err := video.New(t.Context(), nil)
	if err != nil {
		t.Skipf("video engine: %v (install ffmpeg)", err)
	}
	p, err := pdf.New(t.Context(), nil)
	if err != nil {
		t.Skipf("pdf engine: %v (install poppler-utils)", err)
	}
	s, err := svg.New(t.Context(), nil)
	if err != nil {
		t.Skipf("svg engine: %v (install librsvg2-bin)", err)
	}
	return newFixture(t, &dam.Options{Engines: []rendition.Engine{v, p, s}})
}

func TestMediaPreviewsAndRenditions(t *testing.T) {
	f := mediaFixture(t)
	clip, err := testimage.Video(t.Context(), t.TempDir(), 320, 240, 2)
	require.NoError(t, err)
	f.profile(t, dam.Profile{Name: "clip", Width: 160, Height: 160, Format: rendition.FormatMP4})
	f.profile(t, dam.Profile{Name: "web", Width: 100, Height: 100, Format: rendition.FormatWebP})
	tests := []struct {
		name, file string
		data       []byte
		mediaType  string
		// the thumb preview
		thumbType     string
		width, height int
		// the "web" profile (pdftoppm rounds a page's shorter side up)
		webWidth int
		// read at ingest
		media           *dam.Media
		vwidth, vheight int
	}{
		{"pdf", "brochure.pdf", testimage.PDF(testimage.Page{W: 612, H: 792}, testimage.Page{W: 100, H: 100}), "application/pdf", "image/jpeg", 198, 256, 78,
			&dam.Media{Pages: 2}, 1275, 1650},
		{"svg", "logo.svg", []byte(testimage.SVG), "image/svg+xml", "image/png", 200, 100, 100, nil, 0, 0},
		{"video", "clip.mp4", clip, "video/mp4", "image/jpeg", 256, 192, 100,
			&dam.Media{DurationMS: 2000, Codec: "h264", AudioCodec: "aac"}, 320, 240},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.lib.Upload(f.owner, bytes.NewReader(tt.data), dam.UploadOptions{Name: tt.file})
			require.NoError(t, err)
			require.Equal(t, tt.mediaType, a.Current.MediaType)
			stored, err := f.lib.Asset(f.owner, a.ID)
			require.NoError(t, err)
			for _, v := range []dam.Version{a.Current, stored.Current} {
				if tt.media != nil && v.Media != nil {
					assert.InDelta(t, tt.media.DurationMS, v.Media.DurationMS, 100)
					v.Media.DurationMS = tt.media.DurationMS
				}
				assert.Equal(t, tt.media, v.Media)
				assert.Equal(t, [2]int{tt.vwidth, tt.vheight}, [2]int{v.Width, v.Height})
			}

			d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(f.owner, a.ID, "") })
			assert.Equal(t, tt.thumbType, d.Version.MediaType)
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, [2]int{tt.width, tt.height}, [2]int{cfg.Width, cfg.Height})

			d, _ = read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "web") })
			assert.Equal(t, "image/webp", d.Version.MediaType)
			assert.Equal(t, tt.webWidth, d.Version.Width)
			assert.Regexp(t, `\.webp$`, d.Version.OriginalName)
		})
	}
	t.Run("mp4 of a video", func(t *testing.T) {
		a, err := f.lib.Upload(f.owner, bytes.NewReader(clip), dam.UploadOptions{Name: "clip.mov"})
		require.NoError(t, err)
		d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "clip") })
		assert.Equal(t, "video/mp4", d.Version.MediaType)
		assert.Equal(t, "clip.mp4", d.Version.OriginalName)
		assert.Equal(t, [2]int{160, 120}, [2]int{d.Version.Width, d.Version.Height})
		assert.Contains(t, string(b[:64]), "ftyp")
	})
	t.Run("mp4 of a PDF is refused", func(t *testing.T) {
		a, err := f.lib.Upload(f.owner, bytes.NewReader(testimage.PDF(testimage.Page{W: 100, H: 100})), dam.UploadOptions{Name: "one.pdf"})
		require.NoError(t, err)
		_, err = f.lib.OpenRendition(f.owner, a.ID, "clip")
		assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	})
}

// Without the engines a PDF has no preview: the refusal says why.
func TestMediaWithoutEngines(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(testimage.PDF(testimage.Page{W: 100, H: 100})), dam.UploadOptions{Name: "one.pdf"})
	require.NoError(t, err)
	_, err = f.lib.OpenPreview(f.owner, a.ID, "")
	require.Error(t, err)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	assert.Contains(t, err.Error(), "no rendition engine here renders")
	names := []string{}
	for _, e := range f.lib.Engines() {
		names = append(names, e.Name)
	}
	assert.Equal(t, []string{"builtin"}, names)
}

// A video previews as an MP4 a page plays; a viewer who sees it
// watermarked gets the poster only.
func TestVideoPreview(t *testing.T) {
	f := mediaFixture(t)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	clip, err := testimage.Video(t.Context(), t.TempDir(), 320, 240, 1)
	require.NoError(t, err)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(clip), dam.UploadOptions{Name: "clip.mp4"})
	require.NoError(t, err)
	assert.True(t, f.lib.PlaysVideo(a.Current.MediaType))
	assert.False(t, f.lib.PlaysVideo("image/jpeg"))

	d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, "video") })
	assert.Equal(t, "video/mp4", d.Version.MediaType)
	assert.Equal(t, [2]int{320, 240}, [2]int{d.Version.Width, d.Version.Height}, "never enlarged")
	assert.Contains(t, string(b[:64]), "ftyp")

	_, err = f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.ShowWatermarks = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	_, err = f.lib.OpenPreview(viewer, a.ID, "video")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "still image only")
	d, _ = read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, "") })
	assert.Equal(t, "image/jpeg", d.Version.MediaType, "the poster, watermarked")
	assert.True(t, d.IsRendition())
}

// A profile can name a PDF's page and a video's poster time.
func TestProfilePageAndPosterTime(t *testing.T) {
	f := mediaFixture(t)
	p := f.profile(t, dam.Profile{Name: "page2", Width: 64, Height: 64, Format: rendition.FormatPNG, Page: 2})
	assert.Equal(t, 2, p.Page)
	assert.Equal(t, "w64-h64-contain-png-p2", p.Spec())
	f.profile(t, dam.Profile{Name: "page1", Width: 64, Height: 64, Format: rendition.FormatPNG, Page: 1})
	got, err := f.lib.Profile(f.owner, "page1")
	require.NoError(t, err)
	assert.Zero(t, got.Page, "page 1 is the first page, stored as the default")
	poster := f.profile(t, dam.Profile{Name: "late", Width: 64, Height: 64, Format: rendition.FormatPNG, PosterAtMS: 900})
	assert.Equal(t, "w64-h64-contain-png-t900", poster.Spec())
	_, err = f.lib.CreateProfile(f.owner, dam.Profile{Name: "bad", Width: 64, PosterAtMS: -1})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.CreateProfile(f.owner, dam.Profile{Name: "bad", Width: 64, Page: -2})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	// Page 1 is black on its left half, page 2 white all over.
	doc, err := f.lib.Upload(f.owner, bytes.NewReader(testimage.PDF(testimage.Page{W: 100, H: 100}, testimage.Page{W: 100, H: 100, Grey: 1})), dam.UploadOptions{Name: "two.pdf"})
	require.NoError(t, err)
	_, one := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, doc.ID, "page1") })
	_, two := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, doc.ID, "page2") })
	left := func(b []byte) uint32 {
		img, _, err := image.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		r, _, _, _ := img.At(2, 32).RGBA()
		return r >> 8
	}
	assert.Less(t, left(one), uint32(30))
	assert.Greater(t, left(two), uint32(225))

	clip, err := testimage.Video(t.Context(), t.TempDir(), 320, 240, 1)
	require.NoError(t, err)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(clip), dam.UploadOptions{Name: "clip.mp4"})
	require.NoError(t, err)
	_, late := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "late") })
	_, first := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "page1") })
	assert.NotEqual(t, first, late, "frames at 0.1 s and 0.9 s of testsrc differ")
}
