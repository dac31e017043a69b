package rendition

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// Quadrant colours of the upright test image: a recognisable, asymmetric
// picture, so every wrong flip or rotation shows.
var (
	colTL = color.RGBA{220, 30, 30, 255}  // red
	colTR = color.RGBA{30, 200, 40, 255}  // green
	colBL = color.RGBA{30, 40, 220, 255}  // blue
	colBR = color.RGBA{240, 230, 40, 255} // yellow
)

// uprightImage is w x h with four coloured quadrants.
func uprightImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := colTL
			switch {
			case x >= w/2 && y < h/2:
				c = colTR
			case x < w/2 && y >= h/2:
				c = colBL
			case x >= w/2 && y >= h/2:
				c = colBR
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// storeAs returns the image a camera would store so that EXIF orientation
// o displays u upright: the inverse of the orientation's transform.
func storeAs(u *image.RGBA, o int) *image.RGBA {
	w, h := u.Bounds().Dx(), u.Bounds().Dy()
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	s := image.NewRGBA(image.Rect(0, 0, sw, sh))
	// For each upright pixel, find where the stored image keeps it.
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sx, sy int
			switch o {
			case 1:
				sx, sy = x, y
			case 2: // mirrored: stored flipped left-right
				sx, sy = w-1-x, y
			case 3: // rotated 180
				sx, sy = w-1-x, h-1-y
			case 4: // flipped top-bottom
				sx, sy = x, h-1-y
			case 5: // row 0 is the visual left side, column 0 the top
				sx, sy = y, x
			case 6: // row 0 is the visual right side, column 0 the top
				sx, sy = y, sh-1-x
			case 7: // row 0 is the visual right side, column 0 the bottom
				sx, sy = sw-1-y, sh-1-x
			case 8: // row 0 is the visual left side, column 0 the bottom
				sx, sy = sw-1-y, x
			}
			s.SetRGBA(sx, sy, u.RGBAAt(x, y))
		}
	}
	return s
}

// tiffEXIF builds an APP1 EXIF payload: big-endian TIFF with IFD0 holding
// the orientation and, when thumb is set, IFD1 pointing at the thumbnail.
func tiffEXIF(orientation int, thumb []byte) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&t, be, v) }
	w32 := func(v uint32) { binary.Write(&t, be, v) }
	t.WriteString("MM\x00*")
	w32(8)
	// IFD0 at 8: one entry, then the next-IFD offset.
	w16(1)
	w16(0x0112)
	w16(3)
	w32(1)
	w16(uint16(orientation))
	w16(0)
	ifd1 := uint32(8 + 2 + 12 + 4)
	if thumb == nil {
		w32(0)
	} else {
		w32(ifd1)
		// IFD1: JPEGInterchangeFormat and its length.
		w16(2)
		data := ifd1 + 2 + 2*12 + 4
		w16(0x0201)
		w16(4)
		w32(1)
		w32(data)
		w16(0x0202)
		w16(4)
		w32(1)
		w32(uint32(len(thumb)))
		w32(0)
		t.Write(thumb)
	}
	return append([]byte("Exif\x00\x00"), t.Bytes()...)
}

// withAPP1 inserts an APP1 segment after SOI.
func withAPP1(jpg, payload []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	n := len(payload) + 2
	out = append(out, 0xFF, 0xE1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}))
	return buf.Bytes()
}

// orientedJPEG is an upright w x h quadrant picture stored with orientation
// o, optionally with an EXIF thumbnail of tw pixels wide (0: none).
func orientedJPEG(t testing.TB, w, h, o, tw int) []byte {
	t.Helper()
	u := uprightImage(w, h)
	var thumb []byte
	if tw > 0 {
		thumb = encodeJPEG(t, storeAs(uprightImage(tw, tw*h/w), o), 90)
	}
	return withAPP1(encodeJPEG(t, storeAs(u, o), 92), tiffEXIF(o, thumb))
}

// decodeAny decodes a rendition for inspection.
func decodeAny(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img
}

// near reports whether c is within tol of want on each channel.
func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, w uint8) bool {
		v := int(a>>8) - int(w)
		return v <= tol && v >= -tol
	}
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

// quadrantsUpright checks the colour at the centre of each quadrant.
func quadrantsUpright(t testing.TB, img image.Image) {
	t.Helper()
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	probe := map[string]struct {
		p    image.Point
		want color.RGBA
	}{
		"top-left":     {image.Pt(w/4, h/4), colTL},
		"top-right":    {image.Pt(3*w/4, h/4), colTR},
		"bottom-left":  {image.Pt(w/4, 3*h/4), colBL},
		"bottom-right": {image.Pt(3*w/4, 3*h/4), colBR},
	}
	for name, q := range probe {
		c := img.At(b.Min.X+q.p.X, b.Min.Y+q.p.Y)
		require.Truef(t, near(c, q.want, 40), "%s: got %v, want %v", name, c, q.want)
	}
}

// countingReaderAt counts whole-source reads (a decode reads everything).
type countingReaderAt struct {
	r          io.ReaderAt
	size       int64
	wholeReads atomic.Int32
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off == 0 && int64(len(p)) == c.size {
		c.wholeReads.Add(1)
	}
	return c.r.ReadAt(p, off)
}

func countingSource(b []byte) (Source, *countingReaderAt) {
	c := &countingReaderAt{r: bytes.NewReader(b), size: int64(len(b))}
	return Source{Data: c, Size: int64(len(b))}, c
}
