package svg

import (
	"bytes"
	"context"
	"image"
	_ "image/png"
	"strings"
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
		t.Skipf("svg engine: %v (install librsvg2-bin)", err)
	}
	return e
}

// drawing is 200x100 px: red on the left half, transparent on the right,
// with a script and an event handler that must stay inert.
const drawing = testimage.SVG

func TestRender(t *testing.T) {
	e := engine(t, nil)
	src := rendition.BytesSource([]byte(drawing))
	tests := []struct {
		name          string
		p             rendition.Profile
		width, height int
		mediaType     string
	}{
		{"source format is PNG", rendition.Profile{Width: 100, Height: 100}, 100, 50, "image/png"},
		{"no enlarging", rendition.Profile{Width: 1000, Height: 1000}, 200, 100, "image/png"},
		{"enlarging rasterizes sharp", rendition.Profile{Width: 1000, Enlarge: true}, 1000, 500, "image/png"},
		{"cover in JPEG", rendition.Profile{Width: 50, Height: 50, Fit: rendition.FitCover, Format: rendition.FormatJPEG}, 50, 50, "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Render(t.Context(), src, tt.p, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.mediaType, res.MediaType)
			assert.Equal(t, tt.width, res.Width)
			assert.Equal(t, tt.height, res.Height)
			img, _, err := image.Decode(bytes.NewReader(res.Data))
			require.NoError(t, err)
			r, g, _, a := img.At(1, tt.height/2).RGBA()
			assert.Equal(t, uint32(0xffff), a>>0&0xffff)
			assert.Greater(t, r>>8, uint32(200))
			assert.Less(t, g>>8, uint32(60))
			if tt.mediaType == "image/png" {
				_, _, _, a = img.At(tt.width-1, tt.height/2).RGBA()
				assert.Zero(t, a, "the right half stays transparent")
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	tests := []struct {
		name string
		o    *Options
		src  string
		p    rendition.Profile
		want error
	}{
		{"not svg", nil, `<html><body>hi</body></html>`, rendition.Profile{Width: 64}, rendition.ErrCorrupt},
		{"not xml", nil, "\x00\x01\x02", rendition.Profile{Width: 64}, rendition.ErrCorrupt},
		{"broken svg", nil, `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect`, rendition.Profile{Width: 64}, rendition.ErrCorrupt},
		{"too many pixels", &Options{MaxPixels: 100}, drawing, rendition.Profile{Width: 64}, rendition.ErrTooLarge},
		{"too many bytes", &Options{MaxSourceBytes: 10}, drawing, rendition.Profile{Width: 64}, rendition.ErrTooLarge},
		{"video output", nil, drawing, rendition.Profile{Width: 64, Format: rendition.FormatMP4}, rendition.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine(t, tt.o).Render(t.Context(), rendition.BytesSource([]byte(tt.src)), tt.p, nil)
			require.ErrorIs(t, err, tt.want)
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := engine(t, nil).Render(ctx, rendition.BytesSource([]byte(drawing)), rendition.Profile{Width: 64}, nil)
	require.ErrorIs(t, err, context.Canceled)
}

// A billion-laughs document is refused without expanding the entities.
func TestEntitiesNotExpanded(t *testing.T) {
	doc := `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
		`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>`
	w, h, err := naturalSize(strings.NewReader(doc), 1024)
	require.NoError(t, err)
	assert.Equal(t, [2]int{10, 10}, [2]int{w, h})
}

func TestNaturalSize(t *testing.T) {
	tests := []struct {
		svg  string
		w, h int
	}{
		{`<svg width="200" height="100"/>`, 200, 100},
		{`<svg width="72pt" height="1in"/>`, 96, 96},
		{`<svg width="300" viewBox="0 0 30 10"/>`, 300, 100},
		{`<svg height="50" viewBox="0,0,30,10"/>`, 150, 50},
		{`<svg width="100%" height="100%" viewBox="0 0 400 100"/>`, 1024, 256},
		{`<svg/>`, 1024, 1024},
		{`<!-- c --><?pi x?><svg width="5" height="7"/>`, 5, 7},
	}
	for _, tt := range tests {
		w, h, err := naturalSize(strings.NewReader(tt.svg), 1024)
		require.NoError(t, err, tt.svg)
		assert.Equal(t, [2]int{tt.w, tt.h}, [2]int{w, h}, tt.svg)
	}
	_, _, err := naturalSize(strings.NewReader(`<svg width="1e9" height="1"/>`), 1024)
	require.NoError(t, err, "an absurd width falls back to the default")
}

func FuzzNaturalSize(f *testing.F) {
	f.Add(drawing)
	f.Add(`<svg width="100%" viewBox="0 0 1 1e-300"/>`)
	f.Fuzz(func(t *testing.T, doc string) {
		w, h, err := naturalSize(strings.NewReader(doc), 1024)
		if err == nil {
			assert.True(t, w >= 1 && h >= 1 && w < 1e7 && h < 1e7, "%dx%d", w, h)
		}
	})
}
