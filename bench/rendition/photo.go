package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"github.com/damkit/damkit/internal/testimage"
)

// photo draws a photo-like YCbCr 4:2:0 picture: smooth gradients and
// low-frequency shading, sensor-like noise, and hard edges (discs and bars).
func photo(w, h int) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	type disc struct{ x, y, r, v float64 }
	var discs []disc
	for range 40 {
		discs = append(discs, disc{rng.Float64() * float64(w), rng.Float64() * float64(h),
			float64(h) * (0.02 + 0.1*rng.Float64()), 40 * (rng.Float64() - 0.5)})
	}
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		row := m.Y[y*m.YStride : y*m.YStride+w]
		for x := range row {
			fx := float64(x) / float64(w)
			v := 70 + 90*fx + 40*fy + 25*math.Sin(fx*9+fy*4)*math.Cos(fy*7)
			if (x/(w/12))%5 == 2 && y > h/3 {
				v += 35 // bars with sharp edges
			}
			for _, d := range discs {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dx*dx+dy*dy < d.r*d.r {
					v += d.v
				}
			}
			v += rng.NormFloat64() * 6
			row[x] = uint8(max(0, min(255, v)))
		}
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		fy := float64(y) / float64(ch)
		for x := 0; x < cw; x++ {
			fx := float64(x) / float64(cw)
			m.Cb[y*m.CStride+x] = uint8(110 + 40*fx + 15*math.Sin(fy*11) + rng.NormFloat64()*2)
			m.Cr[y*m.CStride+x] = uint8(120 + 30*fy + 15*math.Cos(fx*8) + rng.NormFloat64()*2)
		}
	}
	return m
}

// photoJPEG encodes photo(w, h) at quality 90 with an EXIF thumbnail of
// thumbW pixels wide (made with a plain box average: it only needs to look
// like a camera's thumbnail).
func photoJPEG(w, h, thumbW int) ([]byte, error) {
	m := photo(w, h)
	var main bytes.Buffer
	if err := jpeg.Encode(&main, m, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	th := thumbW * h / w
	t := image.NewYCbCr(image.Rect(0, 0, thumbW, th), image.YCbCrSubsampleRatio444)
	for y := 0; y < th; y++ {
		for x := 0; x < thumbW; x++ {
			var sy, scb, scr, n int
			for py := y * h / th; py < (y+1)*h/th; py++ {
				for px := x * w / thumbW; px < (x+1)*w/thumbW; px++ {
					sy += int(m.Y[py*m.YStride+px])
					ci := m.COffset(px, py)
					scb += int(m.Cb[ci])
					scr += int(m.Cr[ci])
					n++
				}
			}
			t.Y[y*t.YStride+x] = uint8(sy / n)
			t.Cb[y*t.CStride+x] = uint8(scb / n)
			t.Cr[y*t.CStride+x] = uint8(scr / n)
		}
	}
	var thumb bytes.Buffer
	if err := jpeg.Encode(&thumb, t, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	payload := testimage.OrientationEXIF(1, thumb.Bytes())
	b := main.Bytes()
	out := append([]byte{}, b[:2]...)
	n := len(payload) + 2
	out = append(out, 0xFF, 0xE1, byte(n>>8), byte(n))
	out = append(out, payload...)
	return append(out, b[2:]...), nil
}
