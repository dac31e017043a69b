package rendition

import (
	"errors"
	"image"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/exif/exiftest"
)

// TestRenderOfCraftedEXIF renders files whose EXIF entries claim counts of
// up to 0xC0000001 values: goexif allocated them (24 GiB, a fatal error at
// every preview of such a file). The orientation is ignored, the picture
// renders, and the render allocates about what the picture needs.
func TestRenderOfCraftedEXIF(t *testing.T) {
	for _, c := range exiftest.Files() {
		t.Run(c.Name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			info, probeErr := Probe(t.Context(), BytesSource(c.Data), nil)
			res, err := Render(t.Context(), BytesSource(c.Data), Profile{Width: 32, Format: FormatPNG, KeepMetadata: true}, nil)
			runtime.ReadMemStats(&after)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "bytes allocated")
			if strings.HasPrefix(c.Name, "jpeg ") || strings.HasPrefix(c.Name, "png ") {
				require.NoError(t, probeErr)
				require.NoError(t, err)
				assert.Equal(t, 1, info.Orientation, "an unreadable orientation entry counts as none")
				assert.Equal(t, image.Pt(8, 8), image.Pt(res.Width, res.Height), "not enlarged")
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupported), "%v", err)
		})
	}
}

// TestKeptEXIFIsUprightWhateverTheOrientationType: an orientation written as
// LONG (or with a crafted count) turns the pixels like a SHORT one, so the
// EXIF copied into the upright rendition must say 1 too; it used to keep 6
// and viewers turned the rendition a second time.
func TestKeptEXIFIsUprightWhateverTheOrientationType(t *testing.T) {
	for name, tiff := range map[string][]byte{
		"long":                       exiftest.TIFF(4, 1),
		"short with a crafted count": exiftest.TIFF(3, exiftest.HugeCount),
	} {
		t.Run(name, func(t *testing.T) {
			src := withAPP1(encodeJPEG(t, storeAs(300, 200, 6), 92), append([]byte("Exif\x00\x00"), tiff...))
			res, err := Render(t.Context(), BytesSource(src), Profile{Width: 100, Format: FormatJPEG, KeepMetadata: true}, nil)
			require.NoError(t, err)
			info, err := Probe(t.Context(), BytesSource(res.Data), nil)
			require.NoError(t, err)
			require.NotNil(t, info.exif, "EXIF kept")
			d, err := exif.Parse(info.exif)
			require.NoError(t, err)
			assert.Equal(t, 1, d.Orientation, "the kept EXIF says upright")
		})
	}
}

// emptyFrameGIF is a GIF whose 4x4 logical screen holds one 4x0 frame: the
// frame decodes to an image with no rows.
func emptyFrameGIF() []byte {
	return []byte{
		'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0, // screen 4x4, global table of 2
		0, 0, 0, 255, 255, 255,
		0x2C, 0, 0, 0, 0, 4, 0, 0, 0, 0, // frame at 0,0 sized 4x0
		2, 1, 0x2C, 0, // LZW min code 2: clear, end of information
		0x3B,
	}
}

// TestRenderOfEmptyGIFFrame: a frame without rows was resized as a 4x0
// plane and the filter indexed its first row (a panic the fuzzer found).
// A viewer shows such a frame on the logical screen, and so does a render.
func TestRenderOfEmptyGIFFrame(t *testing.T) {
	res, err := Render(t.Context(), BytesSource(emptyFrameGIF()), Profile{Width: 32, Height: 32, Format: FormatPNG}, nil)
	require.NoError(t, err)
	assert.Equal(t, image.Pt(4, 4), image.Pt(res.Width, res.Height), "the 4x4 screen, not enlarged")
}
