package rendition

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"runtime"
	"testing"

	"github.com/damkit/damkit/internal/testimage"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pngHeader is a PNG signature and IHDR claiming w x h, with no pixel data.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.WriteString("IHDR")
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte("IHDR"), ihdr...)))
	return b.Bytes()
}

// jpegHeader is SOI, a baseline SOF0 claiming w x h with 3 components, a
// DHT-free SOS and a few bytes of "entropy data".
func jpegHeader(w, h uint16, sof byte) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, sof, 0, 17, 8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 3,
		1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}
	b = append(b, 0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0)
	return append(b, 1, 2, 3, 4, 0xFF, 0xD9)
}

// tiffHeader is a little-endian TIFF whose IFD claims w x h.
func tiffHeader(w, h uint32) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	entries := [][3]uint32{{256, 4, w}, {257, 4, h}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {273, 4, 0}, {279, 4, 0}}
	binary.Write(&b, le, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, le, uint16(e[0]))
		binary.Write(&b, le, uint16(e[1]))
		binary.Write(&b, le, uint32(1))
		binary.Write(&b, le, e[2])
	}
	binary.Write(&b, le, uint32(0))
	return b.Bytes()
}

// manyFrameGIF has frames tiny frames on a w x h logical screen.
func manyFrameGIF(t testing.TB, w, h, frames int) []byte {
	g := &gif.GIF{Config: image.Config{Width: w, Height: h}}
	for i := 0; i < frames; i++ {
		f := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
		f.Pix[i%16] = 1
		g.Image = append(g.Image, f)
		g.Delay = append(g.Delay, 2)
	}
	var buf bytes.Buffer
	require.NoError(t, gif.EncodeAll(&buf, g))
	return buf.Bytes()
}

// allocatedBytes runs f and returns the bytes it allocated on the heap.
func allocatedBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHeaderBombsRejectedWithoutAllocating(t *testing.T) {
	cases := []struct {
		name string
		data []byte
	}{
		{"png 65500x65500", pngHeader(65500, 65500)},
		{"jpeg 65535x65535 (the most SOF can state)", jpegHeader(65535, 65535, 0xC0)},
		{"progressive jpeg 65535x65535", jpegHeader(65535, 65535, 0xC2)},
		{"tiff 100000x100000", tiffHeader(100000, 100000)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocatedBytes(func() {
				_, err = Render(t.Context(), BytesSource(tc.data), Profile{Width: 256}, nil)
			})
			require.ErrorIs(t, err, ErrTooLarge)
			assert.Less(t, n, uint64(256<<10), "allocated %d bytes", n)
		})
	}
}

func TestBadInputs(t *testing.T) {
	good := orientedJPEG(t, 300, 200, 1, 0)
	manyScans := jpegHeader(100, 100, 0xC2)
	manyScans = manyScans[:len(manyScans)-2]
	for i := 0; i < 150; i++ {
		manyScans = append(manyScans, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 5, 6, 0xFF, 0x00, 7)
	}
	manyScans = append(manyScans, 0xFF, 0xD9)
	twelveBit := jpegHeader(10, 10, 0xC1)
	twelveBit[6] = 12
	garbageEXIF := withAPP1(good, append([]byte("Exif\x00\x00MM\x00*\xff\xff\xff\xf0"), bytes.Repeat([]byte{0xFF}, 64)...))
	badThumb := withAPP1(good, testimage.OrientationEXIF(6, []byte("\xff\xd8\xff garbage, not a thumbnail")))
	cases := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"200-frame GIF over the pixel limit", manyFrameGIF(t, 1000, 600, 200), Limits{}, ErrTooLarge},
		{"truncated JPEG", good[:len(good)/2], Limits{}, ErrCorrupt},
		{"truncated JPEG header", good[:40], Limits{}, ErrCorrupt},
		{"HTML named .jpg", []byte("<!doctype html><html><body>hi</body></html>"), Limits{}, ErrUnsupported},
		{"SVG with script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Limits{}, ErrUnsupported},
		{"empty", nil, Limits{}, ErrUnsupported},
		{"progressive JPEG with 150 scans", manyScans, Limits{}, ErrTooLarge},
		{"source over the byte limit", good, Limits{MaxSourceBytes: 100}, ErrTooLarge},
		{"arithmetic-coded JPEG", jpegHeader(10, 10, 0xC9), Limits{}, ErrUnsupported},
		{"12-bit JPEG", twelveBit, Limits{}, ErrUnsupported},
		{"zero-sized PNG", pngHeader(0, 10), Limits{}, ErrCorrupt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Render(t.Context(), BytesSource(tc.data), Profile{Width: 100}, &Options{Limits: tc.lim})
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, res.Data)
		})
	}
	t.Run("200-frame small GIF renders its first frame", func(t *testing.T) {
		data := manyFrameGIF(t, 64, 64, 200)
		info, err := Probe(t.Context(), BytesSource(data), nil)
		require.NoError(t, err)
		assert.Equal(t, 200, info.Frames)
		res, err := Render(t.Context(), BytesSource(data), Profile{Width: 32}, nil)
		require.NoError(t, err)
		assert.Equal(t, "image/gif", res.MediaType)
	})
	for name, data := range map[string][]byte{"garbage EXIF offsets": garbageEXIF, "garbage EXIF thumbnail": badThumb} {
		t.Run(name, func(t *testing.T) {
			res, err := Render(t.Context(), BytesSource(data), Profile{Width: 100, Format: FormatPNG}, nil)
			require.NoError(t, err)
			assert.Equal(t, ServedOriginal, res.Served)
		})
	}
	t.Run("output over the limit", func(t *testing.T) {
		_, err := Render(t.Context(), BytesSource(good), Profile{Width: 20000, Enlarge: true}, nil)
		require.ErrorIs(t, err, ErrTooLarge)
	})
	t.Run("invalid profiles", func(t *testing.T) {
		for _, p := range []Profile{{}, {Width: -1}, {Width: 10, Height: -3}, {Width: 10, Fit: FitCover}, {Width: 10, Quality: 101}} {
			_, err := Render(t.Context(), BytesSource(good), p, nil)
			require.ErrorIs(t, err, ErrInvalidProfile, "%+v", p)
		}
	})
}

func TestProbe(t *testing.T) {
	info, err := Probe(t.Context(), BytesSource(orientedJPEG(t, 300, 200, 8, 64)), nil)
	require.NoError(t, err)
	assert.Equal(t, "jpeg", info.Format)
	assert.Equal(t, "image/jpeg", info.MediaType)
	assert.Equal(t, 8, info.Orientation)
	assert.Equal(t, 200, info.Width)
	assert.Equal(t, 300, info.Height)
	w, h := info.UprightSize()
	assert.Equal(t, [2]int{300, 200}, [2]int{w, h})

	_, err = Probe(t.Context(), BytesSource(pngHeader(20000, 20000)), &Limits{MaxSourcePixels: 1e8})
	require.ErrorIs(t, err, ErrTooLarge)
}

func TestCountJPEGScans(t *testing.T) {
	good := orientedJPEG(t, 64, 64, 1, 0)
	n, err := countJPEGScans(good, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = countJPEGScans(good[:len(good)-10], 100)
	require.ErrorIs(t, err, ErrCorrupt)
}
