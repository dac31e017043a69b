package rendition

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"sync/atomic"
	"testing"

	"github.com/damkit/damkit/internal/testimage"

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
	return quadrants(w, h, [4]color.RGBA{colTL, colTR, colBL, colBR})
}

// quadrants fills the four quadrants of a w x h image (top left, top
// right, bottom left, bottom right) by copying rows, which keeps fixture
// generation cheap under the race detector.
func quadrants(w, h int, c [4]color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for half := 0; half < 2; half++ {
		y0, y1 := 0, h/2
		if half == 1 {
			y0, y1 = h/2, h
		}
		if y0 == y1 {
			continue
		}
		row := m.Pix[y0*m.Stride : y0*m.Stride+4*w]
		for x := 0; x < w; x++ {
			q := c[2*half]
			if x >= w/2 {
				q = c[2*half+1]
			}
			copy(row[4*x:], []byte{q.R, q.G, q.B, q.A})
		}
		for y := y0 + 1; y < y1; y++ {
			copy(m.Pix[y*m.Stride:], row)
		}
	}
	return m
}

// storeAs returns the image a camera stores so that EXIF orientation o
// displays the w x h upright quadrant picture: each stored quadrant takes
// the colour the EXIF definition of o shows there.
func storeAs(w, h, o int) *image.RGBA {
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	up := [4]color.RGBA{colTL, colTR, colBL, colBR}
	var c [4]color.RGBA
	for q := 0; q < 4; q++ {
		sx, sy := sw/4+(q%2)*sw/2, sh/4+(q/2)*sh/2 // centre of stored quadrant q
		var x, y int                               // the upright pixel the viewer shows there
		switch o {
		case 1:
			x, y = sx, sy
		case 2: // row 0 is the top, column 0 the visual right
			x, y = w-1-sx, sy
		case 3: // row 0 is the bottom, column 0 the right
			x, y = w-1-sx, h-1-sy
		case 4: // row 0 is the bottom, column 0 the left
			x, y = sx, h-1-sy
		case 5: // row 0 is the visual left side, column 0 the top
			x, y = sy, sx
		case 6: // row 0 is the visual right side, column 0 the top
			x, y = w-1-sy, sx
		case 7: // row 0 is the visual right side, column 0 the bottom
			x, y = w-1-sy, h-1-sx
		case 8: // row 0 is the visual left side, column 0 the bottom
			x, y = sy, h-1-sx
		}
		idx := 0
		if x >= w/2 {
			idx++
		}
		if y >= h/2 {
			idx += 2
		}
		c[q] = up[idx]
	}
	return quadrants(sw, sh, c)
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
	var thumb []byte
	if tw > 0 {
		thumb = encodeJPEG(t, storeAs(tw, tw*h/w, o), 90)
	}
	return withAPP1(encodeJPEG(t, storeAs(w, h, o), 92), testimage.OrientationEXIF(o, thumb))
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
