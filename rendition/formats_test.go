package rendition

import (
	"bytes"
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/gen2brain/webp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/tiff"
)

func TestWebPAndTIFFOutput(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	src := encodeJPEG(t, quadrants(200, 100, [4]color.RGBA{red, blue, blue, red}), 95)
	tests := []struct {
		format    Format
		mediaType string
		decode    func([]byte) (image.Image, error)
		tol       int
	}{
		{FormatWebP, "image/webp", func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }, 40},
		{FormatTIFF, "image/tiff", func(b []byte) (image.Image, error) { return tiff.Decode(bytes.NewReader(b)) }, 40},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			res, err := Render(t.Context(), BytesSource(src), Profile{Width: 100, Format: tt.format}, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.mediaType, res.MediaType)
			assert.Equal(t, tt.mediaType, tt.format.MediaType())
			img, err := tt.decode(res.Data)
			require.NoError(t, err)
			assert.Equal(t, image.Rect(0, 0, 100, 50), img.Bounds())
			assert.True(t, near(img.At(10, 10), red, tt.tol), "top left is red: %v", img.At(10, 10))
			assert.True(t, near(img.At(90, 10), blue, tt.tol), "top right is blue: %v", img.At(90, 10))
			// The output reads back through the Builtin engine too.
			again, err := Render(t.Context(), BytesSource(res.Data), Profile{Width: 50, Format: FormatPNG}, nil)
			require.NoError(t, err)
			assert.Equal(t, 50, again.Width)
		})
	}
}

func TestWebPQuality(t *testing.T) {
	// Detail (a pattern of varying frequency) so quality matters.
	m := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			m.SetRGBA(x, y, color.RGBA{uint8(x * y / 7), uint8(x ^ y), uint8((x*x + y*y) / 97), 255})
		}
	}
	src := encodeJPEG(t, m, 95)
	lo, err := Render(t.Context(), BytesSource(src), Profile{Width: 256, Format: FormatWebP, Quality: 5}, nil)
	require.NoError(t, err)
	hi, err := Render(t.Context(), BytesSource(src), Profile{Width: 256, Format: FormatWebP, Quality: 95}, nil)
	require.NoError(t, err)
	assert.Less(t, len(lo.Data), len(hi.Data))
}

func TestBuiltinRefusesVideoOutput(t *testing.T) {
	src := encodeJPEG(t, uprightImage(32, 32), 90)
	for _, f := range []Format{FormatMP4, FormatWebM} {
		_, err := Render(t.Context(), BytesSource(src), Profile{Width: 16, Format: f}, nil)
		require.ErrorIs(t, err, ErrUnsupported)
	}
}

func TestPageAndAtInProfiles(t *testing.T) {
	tests := []struct {
		in   string
		want Profile
		str  string
	}{
		{"w256-p3", Profile{Width: 256, Fit: FitContain, Format: FormatSource, Quality: 85, Page: 3}, "w256-contain-src-q85-p3"},
		{"w256-p1", Profile{Width: 256, Fit: FitContain, Format: FormatSource, Quality: 85}, "w256-contain-src-q85"},
		{"w640-mp4-t1500", Profile{Width: 640, Fit: FitContain, Format: FormatMP4, Quality: 85, At: 1500 * time.Millisecond}, "w640-contain-mp4-q85-t1500"},
		{"w640-webm-q60", Profile{Width: 640, Fit: FitContain, Format: FormatWebM, Quality: 60}, "w640-contain-webm-q60"},
		{"w64-tiff", Profile{Width: 64, Fit: FitContain, Format: FormatTIFF}, "w64-contain-tiff"},
		{"w64-webp", Profile{Width: 64, Fit: FitContain, Format: FormatWebP, Quality: 85}, "w64-contain-webp-q85"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParseProfile(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, p)
			assert.Equal(t, tt.str, p.String())
		})
	}
	// Profiles without a page or time keep their string form, so the
	// renditions cached before these fields existed stay valid.
	assert.Equal(t, "w1024-h768-cover-jpeg-q85-gray", Profile{Width: 1024, Height: 768, Fit: FitCover, Format: FormatJPEG, Grayscale: true}.String())
	for _, in := range []string{"w10-p0", "w10-t0", "w10-p100000", "w10-p2-p3", "w10-t1-t2"} {
		_, err := ParseProfile(in)
		require.ErrorIs(t, err, ErrInvalidProfile, in)
	}
	require.ErrorIs(t, Profile{Width: 10, Page: -1}.Validate(), ErrInvalidProfile)
	require.ErrorIs(t, Profile{Width: 10, At: -time.Second}.Validate(), ErrInvalidProfile)
}

func TestRasterSize(t *testing.T) {
	tests := []struct {
		name string
		p    Profile
		w, h int
		rw   int
		rh   int
	}{
		{"contain shrinks", Profile{Width: 256, Height: 256}, 1275, 1650, 198, 256},
		{"contain by width", Profile{Width: 100}, 400, 300, 100, 75},
		{"contain never enlarges", Profile{Width: 1000, Height: 1000}, 200, 100, 200, 100},
		{"contain enlarges when asked", Profile{Width: 1000, Height: 1000, Enlarge: true}, 200, 100, 1000, 500},
		{"cover covers the box", Profile{Width: 100, Height: 100, Fit: FitCover}, 400, 200, 200, 100},
		{"fill covers the box, enlarging", Profile{Width: 300, Height: 300, Fit: FitFill}, 200, 100, 600, 300},
		{"none keeps the natural size", Profile{Width: 10, Height: 10, Fit: FitNone}, 200, 100, 200, 100},
		{"invalid", Profile{Width: -1}, 200, 100, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rw, rh := tt.p.RasterSize(tt.w, tt.h)
			assert.Equal(t, [2]int{tt.rw, tt.rh}, [2]int{rw, rh})
		})
	}
}

func TestDescribe(t *testing.T) {
	ds := NewRegistry(Builtin{}, fakeEngine{}).Describe()
	require.Len(t, ds, 2)
	assert.Equal(t, "rendition.fakeEngine", ds[0].Name, "the preferred engine first")
	assert.Equal(t, "builtin", ds[1].Name)
	assert.Contains(t, ds[1].Outputs, FormatWebP)
	assert.Contains(t, ds[1].Renders, "image/jpeg")
}
