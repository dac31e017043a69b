package main

import (
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"

	"golang.org/x/image/draw"
)

// qualityReport compares both tools' 1024 px outputs with a reference made
// by x/image/draw's Catmull-Rom (a slow, exact two-pass filter) from the
// fully decoded original, as PSNR of the luma in dB: aliasing or blur in a
// fast path shows as a lower figure.
// A nearest-neighbour control row shows what an aliasing scaler scores.
func qualityReport(photo string, outputs [][2]string) error {
	orig, err := decodeFile(photo)
	if err != nil {
		return err
	}
	var ref *image.Gray
	for _, o := range outputs {
		name, path := o[0], o[1]
		out, err := decodeFile(path)
		if err != nil {
			return err
		}
		b := out.Bounds()
		if ref == nil || ref.Bounds() != b {
			rgba := image.NewRGBA(b)
			draw.CatmullRom.Scale(rgba, b, orig, orig.Bounds(), draw.Src, nil)
			ref = luma(rgba)
			nn := image.NewRGBA(b)
			draw.NearestNeighbor.Scale(nn, b, orig, orig.Bounds(), draw.Src, nil)
			fmt.Printf("| control: nearest neighbour %d | %dx%d | %.2f dB |\n", b.Dx(), b.Dx(), b.Dy(), psnr(luma(nn), ref))
		}
		fmt.Printf("| %s | %dx%d | %.2f dB |\n", name, b.Dx(), b.Dy(), psnr(luma(out), ref))
	}
	return nil
}

func decodeFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jpeg.Decode(f)
}

func luma(m image.Image) *image.Gray {
	b := m.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), m, b.Min, draw.Src)
	return g
}

func psnr(a, b *image.Gray) float64 {
	var se float64
	for i := range a.Pix {
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		se += d * d
	}
	mse := se / float64(len(a.Pix))
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}
