package rendition

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/tiff"
)

func TestDPIWrittenIntoTheFile(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	src := encodeJPEG(t, quadrants(200, 100, [4]color.RGBA{red, blue, blue, red}), 95)
	withEXIF := withAPP1(src, []byte("Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"))
	decoders := map[Format]func([]byte) (image.Image, error){
		FormatJPEG: func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		FormatPNG:  func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		FormatTIFF: func(b []byte) (image.Image, error) { return tiff.Decode(bytes.NewReader(b)) },
	}
	for _, f := range []Format{FormatJPEG, FormatPNG, FormatTIFF} {
		for _, dpi := range []int{1, 72, 300, 1200, MaxDPI} {
			for name, in := range map[string][]byte{"plain": src, "exif": withEXIF} {
				t.Run(string(f)+"/"+name, func(t *testing.T) {
					res, err := Render(t.Context(), BytesSource(in), Profile{Width: 100, Format: f, DPI: dpi, KeepMetadata: name == "exif"}, nil)
					require.NoError(t, err)
					assert.Equal(t, dpi, DPI(res.Data), "the file states the resolution asked for")
					img, err := decoders[f](res.Data)
					require.NoError(t, err, "the file still decodes")
					assert.Equal(t, image.Rect(0, 0, 100, 50), img.Bounds())
				})
			}
		}
	}
	t.Run("none asked", func(t *testing.T) {
		res, err := Render(t.Context(), BytesSource(src), Profile{Width: 100, Format: FormatPNG}, nil)
		require.NoError(t, err)
		assert.Zero(t, DPI(res.Data))
		res, err = Render(t.Context(), BytesSource(src), Profile{Width: 100, Format: FormatTIFF}, nil)
		require.NoError(t, err)
		assert.Equal(t, 72, DPI(res.Data), "x/image/tiff's own default")
	})
	t.Run("src resolving to gif writes none", func(t *testing.T) {
		var gifSrc bytes.Buffer
		require.NoError(t, gif.Encode(&gifSrc, quadrants(40, 20, [4]color.RGBA{red, blue, blue, red}), nil))
		res, err := Render(t.Context(), BytesSource(gifSrc.Bytes()), Profile{Width: 20, DPI: 300}, nil)
		require.NoError(t, err)
		assert.Equal(t, "image/gif", res.MediaType)
		assert.Zero(t, DPI(res.Data))
	})
}

func TestDPIProfileForm(t *testing.T) {
	p := Profile{Width: 800, Format: FormatJPEG, DPI: 300}
	assert.Equal(t, "w800-contain-jpeg-q85-dpi300", p.String())
	back, err := ParseProfile(p.String())
	require.NoError(t, err)
	assert.Equal(t, p.Normalized(), back)
	assert.NotEqual(t, p.Hash(), Profile{Width: 800, Format: FormatJPEG}.Hash(), "dpi takes part in the cache key")

	for _, s := range []string{"w8-dpi0", "w8-dpi", "w8-dpi030", "w8-dpi4801", "w8-dpi1-dpi2", "w8-webp-dpi300", "w8-gif-dpi300", "w8-dpix"} {
		_, err := ParseProfile(s)
		assert.ErrorIs(t, err, ErrInvalidProfile, s)
	}
	for _, tt := range []struct {
		p    Profile
		want string
	}{
		{Profile{Width: 8, DPI: -1}, "dpi must be 1..4800"},
		{Profile{Width: 8, DPI: MaxDPI + 1}, "dpi must be 1..4800"},
		{Profile{Width: 8, Format: FormatWebP, DPI: 300}, "webp has no resolution field"},
		{Profile{Width: 8, Format: FormatMP4, DPI: 300}, "mp4 has no resolution field"},
	} {
		assert.ErrorContains(t, tt.p.Validate(), tt.want)
	}
}

func TestDPIReadsOtherWriters(t *testing.T) {
	// A JFIF in dots per centimetre, a PNG pHYs without a unit, garbage.
	jfif := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 2, 0, 118, 0, 118, 0, 0, 0xFF, 0xDA}
	assert.Equal(t, 300, DPI(jfif))
	aspect := pngWithDPI(mustPNG(t), 300)
	aspect[8+8+13+4+16] = 0 // unit unknown: an aspect ratio only
	assert.Zero(t, DPI(aspect))
	for _, b := range [][]byte{nil, {0xFF}, {0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF}, []byte("II*\x00\xff\xff\xff\xff"), []byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xffIHDR")} {
		assert.Zero(t, DPI(b))
	}
}

func mustPNG(t *testing.T) []byte {
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))))
	return b.Bytes()
}
