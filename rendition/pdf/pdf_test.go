package pdf

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

func engine(t *testing.T, o *Options) *Engine {
	t.Helper()
	e, err := New(t.Context(), o)
	if err != nil {
		t.Skipf("pdf engine: %v (install poppler-utils)", err)
	}
	return e
}

type pagespec = testimage.Page

// document writes a PDF of the pages.
func document(pages ...pagespec) []byte { return testimage.PDF(pages...) }

func TestProbe(t *testing.T) {
	e := engine(t, nil)
	tests := []struct {
		name          string
		doc           []byte
		pages         int
		width, height int
	}{
		{"letter", document(pagespec{W: 612, H: 792}), 1, 1275, 1650},
		{"three pages, landscape first", document(pagespec{W: 720, H: 360}, pagespec{W: 100, H: 100}, pagespec{W: 100, H: 100}), 3, 1500, 750},
		{"rotated page", document(pagespec{W: 612, H: 792, Rotate: 90}), 1, 1650, 1275},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mi, err := e.Probe(t.Context(), rendition.BytesSource(tt.doc))
			require.NoError(t, err)
			assert.Equal(t, tt.pages, mi.Pages)
			assert.Equal(t, tt.width, mi.Width)
			assert.Equal(t, tt.height, mi.Height)
		})
	}
}

func TestRender(t *testing.T) {
	e := engine(t, nil)
	// Page 1 is black on its left half, page 2 light grey, page 3 is wide,
	// page 4 small (72 x 36 pt, 150 x 75 px at 150 dpi).
	doc := rendition.BytesSource(document(pagespec{W: 612, H: 792}, pagespec{W: 612, H: 792, Grey: 0.8}, pagespec{W: 792, H: 396}, pagespec{W: 72, H: 36}))
	tests := []struct {
		name          string
		p             rendition.Profile
		width, height int
		mediaType     string
		leftGrey      uint8 // expected grey level near the left edge
	}{
		{"first page, source format is JPEG", rendition.Profile{Width: 256, Height: 256}, 198, 256, "image/jpeg", 0},
		{"page 2 in PNG", rendition.Profile{Width: 256, Height: 256, Page: 2, Format: rendition.FormatPNG}, 198, 256, "image/png", 204},
		{"page 3 cover", rendition.Profile{Width: 100, Height: 100, Page: 3, Fit: rendition.FitCover, Format: rendition.FormatPNG}, 100, 100, "image/png", 0},
		{"no enlarging past 150 dpi", rendition.Profile{Width: 4000, Height: 4000, Page: 4, Format: rendition.FormatPNG}, 150, 75, "image/png", 0},
		{"enlarging", rendition.Profile{Width: 300, Enlarge: true, Page: 4, Format: rendition.FormatPNG}, 300, 150, "image/png", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Render(t.Context(), doc, tt.p, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.mediaType, res.MediaType)
			assert.Equal(t, tt.width, res.Width)
			assert.Equal(t, tt.height, res.Height)
			img, _, err := image.Decode(bytes.NewReader(res.Data))
			require.NoError(t, err)
			assert.Equal(t, tt.width, img.Bounds().Dx())
			r, _, _, _ := img.At(2, img.Bounds().Dy()/2).RGBA()
			assert.InDelta(t, tt.leftGrey, uint8(r>>8), 8)
			r, _, _, _ = img.At(img.Bounds().Dx()-3, img.Bounds().Dy()/2).RGBA()
			assert.InDelta(t, 255, uint8(r>>8), 8, "the right half is white paper")
		})
	}
}

func TestRefusals(t *testing.T) {
	doc := rendition.BytesSource(document(pagespec{W: 612, H: 792}))
	tests := []struct {
		name string
		o    *Options
		p    rendition.Profile
		src  rendition.Source
		want error
	}{
		{"page past the end", nil, rendition.Profile{Width: 64, Page: 2}, doc, rendition.ErrInvalidProfile},
		{"not a PDF", nil, rendition.Profile{Width: 64}, rendition.BytesSource([]byte("%PDF-1.4 but nothing after")), rendition.ErrCorrupt},
		{"video output", nil, rendition.Profile{Width: 64, Format: rendition.FormatMP4}, doc, rendition.ErrUnsupported},
		{"too many pixels", &Options{MaxPixels: 1000}, rendition.Profile{Width: 64}, doc, rendition.ErrTooLarge},
		{"too many bytes", &Options{MaxSourceBytes: 10}, rendition.Profile{Width: 64}, doc, rendition.ErrTooLarge},
		{"empty", nil, rendition.Profile{Width: 64}, rendition.Source{}, rendition.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine(t, tt.o).Render(t.Context(), tt.src, tt.p, nil)
			require.ErrorIs(t, err, tt.want)
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := engine(t, nil).Render(ctx, doc, rendition.Profile{Width: 64}, nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestParseInfo(t *testing.T) {
	pg, err := parseInfo("Producer: x\nPages:          12\nPage    3 size: 595.28 x 841.89 pts (A4)\nPage    3 rot:  270\n", 3)
	require.NoError(t, err)
	assert.Equal(t, page{pages: 12, w: 595.28, h: 841.89, rotation: 270}, pg)
	_, err = parseInfo("Pages: 0\n", 1)
	require.ErrorIs(t, err, rendition.ErrCorrupt)
	_, err = parseInfo("Pages: 2\nPage 1 size: 1e9 x 5 pts\n", 1)
	require.ErrorIs(t, err, rendition.ErrCorrupt)
}

func FuzzParseInfo(f *testing.F) {
	f.Add("Pages: 3\nPage    1 size: 612 x 792 pts (letter)\nPage    1 rot:  90\n", 1)
	f.Fuzz(func(t *testing.T, out string, n int) {
		pg, err := parseInfo(out, n)
		if err == nil {
			assert.Positive(t, pg.pages)
		}
	})
}
