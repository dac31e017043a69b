package rendition

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/exif/exiftest"
	"github.com/damkit/damkit/internal/testimage"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSourcesWrittenByLibvips renders formats and layouts Go cannot write:
// CMYK JPEG, lossy and lossless WebP.
func TestSourcesWrittenByLibvips(t *testing.T) {
	vips, err := exec.LookPath("vips")
	if err != nil {
		t.Skip("vips not installed; .ci/run installs libvips-tools")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.png")
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, uprightImage(300, 200)))
	require.NoError(t, os.WriteFile(src, buf.Bytes(), 0o644))
	cases := []struct {
		name string
		args []string
		mt   string
	}{
		{"cmyk jpeg", []string{"colourspace", src, filepath.Join(dir, "cmyk.jpg[Q=95]"), "cmyk"}, "image/jpeg"},
		{"lossy webp", []string{"copy", src, filepath.Join(dir, "lossy.webp[Q=90]")}, "image/jpeg"},
		{"lossless webp", []string{"copy", src, filepath.Join(dir, "lossless.webp[lossless]")}, "image/png"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := exec.CommandContext(t.Context(), vips, tc.args...).CombinedOutput()
			require.NoError(t, err, string(b))
			out, _, _ := strings.Cut(tc.args[2], "[")
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			res, err := Render(t.Context(), BytesSource(data), Profile{Width: 150}, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.mt, res.MediaType)
			img := decodeAny(t, res.Data)
			assert.Equal(t, image.Pt(150, 100), img.Bounds().Size())
			if tc.name != "cmyk jpeg" { // CMYK colours depend on the profile
				quadrantsUpright(t, img)
			}
		})
	}
}

// FuzzRender feeds arbitrary bytes through decode-with-limits: it must never
// panic, never exceed the limits and fail only with the package's errors.
func FuzzRender(f *testing.F) {
	f.Add(orientedJPEG(f, 48, 32, 6, 16))
	f.Add(pngHeader(65500, 65500))
	f.Add(jpegHeader(64, 64, 0xC2))
	f.Add(tiffHeader(100, 100))
	f.Add(manyFrameGIF(f, 16, 16, 3))
	var b bytes.Buffer
	png.Encode(&b, uprightImage(20, 10))
	f.Add(b.Bytes())
	b.Reset()
	gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 8, 8), []color.Color{color.Black}), nil)
	f.Add(b.Bytes())
	lim := Limits{MaxSourcePixels: 1 << 20, MaxSourceBytes: 1 << 20, MaxOutputPixels: 1 << 16, MaxJPEGScans: 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Render(t.Context(), BytesSource(data), Profile{Width: 32, Height: 32, Format: FormatPNG},
			&Options{Limits: lim})
		if err != nil {
			for _, want := range []error{ErrUnsupported, ErrTooLarge, ErrCorrupt, ErrInvalidProfile, context.DeadlineExceeded} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error kind: %v", err)
		}
		if res.Width > 32 || res.Height > 32 || res.Width < 1 || res.Height < 1 {
			t.Fatalf("output %dx%d outside the box", res.Width, res.Height)
		}
	})
}

// FuzzEXIF checks that malformed EXIF blocks never panic the orientation
// and thumbnail readers or the metadata rewriter, that they allocate little
// more than a copy of the block, and that a rewritten block always reads as
// upright and without a thumbnail (else a rendition, upright already, would
// be turned again by a viewer or by a render from it).
func FuzzEXIF(f *testing.F) {
	for _, c := range exiftest.TIFFs() {
		f.Add(append([]byte("Exif\x00\x00"), c.Data...))
	}
	f.Add(testimage.OrientationEXIF(6, nil))
	f.Add(testimage.OrientationEXIF(3, []byte("\xff\xd8\xff\xd9")))
	f.Add([]byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff"))
	f.Add([]byte("Exif\x00\x00MM\x00*\xff\xff\xff\xf0"))
	f.Add(testimage.OrientationEXIF(6, nil)[:6+8+2+12]) // IFD0 without its link to IFD1
	f.Fuzz(func(t *testing.T, raw []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		o := readOrientation(raw)
		th := exifThumbnail(raw)
		out := uprightEXIF(raw, true)
		noGPS := uprightEXIF(raw, false)
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > 3*uint64(len(raw))+64<<10 {
			t.Fatalf("%d bytes allocated for a %d-byte block", n, len(raw))
		}
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		if th != nil && sniff(th) != "jpeg" {
			t.Fatalf("thumbnail is not a JPEG")
		}
		if len(out) != len(raw) {
			t.Fatalf("uprightEXIF changed the length")
		}
		if bytes.HasPrefix(raw, []byte("Exif\x00\x00")) {
			if o := readOrientation(out); o != 1 {
				t.Fatalf("rewritten block reads as orientation %d", o)
			}
			if exifThumbnail(out) != nil {
				t.Fatalf("rewritten block keeps its thumbnail")
			}
		}
		if noGPS != nil {
			if len(noGPS) != len(raw) {
				t.Fatalf("uprightEXIF without GPS changed the length")
			}
			if d, err := exif.Parse(noGPS); err == nil && d.HasGPS {
				t.Fatalf("a block without GPS reads as %v, %v", d.Latitude, d.Longitude)
			}
		}
	})
}
