package rendition

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// textured is a mid-range picture with detail at every scale.
func textured(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			m.Pix[y*m.Stride+4*x] = uint8(128 + 60*math.Sin(fx/7)*math.Cos(fy/11))
			m.Pix[y*m.Stride+4*x+1] = uint8(128 + 50*math.Sin((fx+fy)/5))
			m.Pix[y*m.Stride+4*x+2] = uint8(100 + 40*math.Cos(fx/23) + float64((x^y)&15))
			m.Pix[y*m.Stride+4*x+3] = 255
		}
	}
	return m
}

// assertScaledMatches compares the DCT-domain decode at 1/k with a full
// decode averaged over k x k cells, plane by plane.
func assertScaledMatches(t *testing.T, data []byte, k int) {
	t.Helper()
	full, err := jpeg.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	scaled, err := decodeJPEGScaled(t.Context(), data, k)
	require.NoError(t, err)
	fb := full.Bounds()
	require.Equal(t, image.Pt((fb.Dx()+k-1)/k, (fb.Dy()+k-1)/k), scaled.Bounds().Size())
	type pl struct {
		pix    []byte
		stride int
		w, h   int
	}
	var fulls, scs []pl
	switch f := full.(type) {
	case *image.YCbCr:
		s := scaled.(*image.YCbCr)
		require.Equal(t, f.SubsampleRatio, s.SubsampleRatio)
		sx, sy := subsampling(f.SubsampleRatio)
		fulls = []pl{{f.Y, f.YStride, fb.Dx(), fb.Dy()}, {f.Cb, f.CStride, fb.Dx() / sx, fb.Dy() / sy}, {f.Cr, f.CStride, fb.Dx() / sx, fb.Dy() / sy}}
		scs = []pl{{s.Y, s.YStride, 0, 0}, {s.Cb, s.CStride, 0, 0}, {s.Cr, s.CStride, 0, 0}}
	case *image.Gray:
		s := scaled.(*image.Gray)
		fulls = []pl{{f.Pix, f.Stride, fb.Dx(), fb.Dy()}}
		scs = []pl{{s.Pix, s.Stride, 0, 0}}
	default:
		t.Fatalf("unexpected %T", full)
	}
	for i, fp := range fulls {
		var sum, worst float64
		n := 0
		for y := 0; y+k <= fp.h; y += k {
			for x := 0; x+k <= fp.w; x += k {
				var s float64
				for j := 0; j < k; j++ {
					for l := 0; l < k; l++ {
						s += float64(fp.pix[(y+j)*fp.stride+x+l])
					}
				}
				d := math.Abs(s/float64(k*k) - float64(scs[i].pix[(y/k)*scs[i].stride+x/k]))
				sum += d
				worst = max(worst, d)
				n++
			}
		}
		assert.Less(t, sum/float64(n), 1.0, "plane %d mean difference", i)
		assert.Less(t, worst, 8.0, "plane %d worst difference", i)
	}
}

func TestDecodeJPEGScaled(t *testing.T) {
	color := encodeJPEG(t, textured(517, 389), 90)
	gray := encodeJPEG(t, grayOf(textured(300, 211)), 90)
	for _, k := range []int{2, 4, 8} {
		t.Run("420", func(t *testing.T) { assertScaledMatches(t, color, k) })
		t.Run("gray", func(t *testing.T) { assertScaledMatches(t, gray, k) })
	}
	t.Run("truncated", func(t *testing.T) {
		_, err := decodeJPEGScaled(t.Context(), color[:len(color)/2], 4)
		require.ErrorIs(t, err, ErrCorrupt)
	})
	t.Run("bad progressive scan", func(t *testing.T) {
		_, err := decodeJPEGScaled(t.Context(), jpegHeader(64, 64, 0xC2), 4)
		require.ErrorIs(t, err, ErrCorrupt)
	})
	t.Run("arithmetic falls back", func(t *testing.T) {
		_, err := decodeJPEGScaled(t.Context(), jpegHeader(64, 64, 0xC9), 4)
		require.ErrorIs(t, err, errNotScalable)
	})
}

// TestDecodeJPEGScaledLibjpeg checks layouts Go's encoder does not write
// (restart intervals, 4:4:4, 4:2:2) using files written by libvips.
func TestDecodeJPEGScaledLibjpeg(t *testing.T) {
	vips, err := exec.LookPath("vips")
	if err != nil {
		t.Skip("vips not installed; .ci/run installs libvips-tools")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.png")
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, textured(517, 389)))
	require.NoError(t, os.WriteFile(src, buf.Bytes(), 0o644))
	cases := map[string]string{
		"restart interval 3":   "[Q=90,restart-interval=3]",
		"4:4:4":                "[Q=90,subsample-mode=off]",
		"restart 1, 4:4:4":     "[Q=85,subsample-mode=off,restart-interval=1]",
		"progressive":          "[Q=90,interlace]",
		"progressive 4:4:4":    "[Q=75,interlace,subsample-mode=off]",
		"progressive, restart": "[Q=90,interlace,restart-interval=2]",
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, "out.jpg")
			cmd := exec.CommandContext(t.Context(), vips, "copy", src, out+opts)
			b, err := cmd.CombinedOutput()
			require.NoError(t, err, string(b))
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			for _, k := range []int{2, 4, 8} {
				assertScaledMatches(t, data, k)
			}
		})
	}
	t.Run("progressive gray", func(t *testing.T) {
		out := filepath.Join(dir, "prog-gray.jpg")
		b, err := exec.CommandContext(t.Context(), vips, "colourspace", src, out+"[Q=90,interlace]", "b-w").CombinedOutput()
		require.NoError(t, err, string(b))
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		for _, k := range []int{2, 4, 8} {
			assertScaledMatches(t, data, k)
		}
		res, err := Render(t.Context(), BytesSource(data), Profile{Width: 100, Format: FormatPNG}, nil)
		require.NoError(t, err)
		assert.Equal(t, 100, res.Width)
	})
}

func FuzzDecodeJPEGScaled(f *testing.F) {
	f.Add(encodeJPEG(f, textured(40, 24), 80), uint8(2))
	f.Add(encodeJPEG(f, grayOf(textured(17, 9)), 50), uint8(8))
	f.Add(jpegHeader(16, 16, 0xC0), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, ks uint8) {
		k := []int{2, 4, 8}[int(ks)%3]
		info, err := Probe(t.Context(), BytesSource(data), &Limits{MaxSourcePixels: 1 << 20})
		if err != nil || info.Format != "jpeg" {
			return
		}
		img, err := decodeJPEGScaled(t.Context(), data, k)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, errNotScalable) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if b := img.Bounds(); b.Dx() != (info.Width+k-1)/k || b.Dy() != (info.Height+k-1)/k {
			t.Fatalf("decoded %v for %dx%d at 1/%d", b, info.Width, info.Height, k)
		}
	})
}

// cellBlock's butterflies give M F M^T, the plain matrix product, for
// random blocks with some coefficients zero.
func TestCellBlockIsTheMatrixProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{2, 4} {
		mtx := cellMeans[n]
		for trial := range 200 {
			var f [64]float32
			var rows, cols uint8
			for u := range 8 {
				for v := range 8 {
					if !read(mtx, u) || !read(mtx, v) || rng.IntN(3) == 0 {
						continue // a coefficient the scale does not read, or a zero
					}
					f[u*8+v] = float32(rng.NormFloat64() * 40)
					rows |= 1 << u
					cols |= 1 << v
				}
			}
			f[0] = float32(rng.NormFloat64() * 200)
			rows, cols = rows|1, cols|1
			got := make([]byte, n*n)
			cellBlock(&f, rows, cols, mtx, got, n)
			for i := range n {
				for j := range n {
					var s float64
					for u := range 8 {
						for v := range 8 {
							s += float64(mtx[i][u]) * float64(f[u*8+v]) * float64(mtx[j][v])
						}
					}
					want := clampF(float32(s) + 128)
					assert.InDelta(t, want, got[i*n+j], 1, "n=%d trial %d cell %d,%d", n, trial, i, j)
				}
			}
		}
	}
}

// read reports whether a scale reads basis u (some cell's mean of it is not zero).
func read(mtx [][8]float32, u int) bool {
	for _, m := range mtx {
		if m[u] != 0 {
			return true
		}
	}
	return false
}
