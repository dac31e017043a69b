package rendition

import (
	"context"
	"image"
	"math"
)

// Smart crops (FitSmart) place the crop window by content, as libvips'
// "attention" strategy and smartcrop.js do: every pixel of a small copy of
// the image gets an attention score made of three cues, and the window is
// put where the scores inside it add up to the most.
//
//   - detail: the magnitude of the luma Laplacian (edges and texture; a
//     subject is usually sharper and busier than its background);
//   - skin: how close the pixel's chromaticity is to skin tones, for
//     pixels neither too dark nor blown out (faces and people);
//   - saturation: HSL saturation above a floor, at mid lightness
//     (products, flowers, signs against a dull background).
//
// The copy is at most attentionSide pixels on its longer side (the planar
// resizer with its box prefilter makes it), so the measure costs a few
// hundred microseconds whatever the source size, little beside the resize
// (see BenchmarkSmartCrop).

// attentionSide bounds the longer side of the copy attention is measured on.
const attentionSide = 128

// Weights of the cues, each in [0, 1] per pixel. Skin dominates as in
// smartcrop.js (1.8 against 0.2 for detail); saturation weighs a little
// more here than there, since product shots are common in a DAM.
const (
	detailWeight     = 0.2
	skinWeight       = 1.8
	saturationWeight = 0.3
)

// SmartWindow returns the top-left corner, in img's pixels, of the window
// of cropW x cropH pixels that holds the most attention (the measure of
// FitSmart), for engines that crop elsewhere: the video engine places a
// video's crop by its poster frame.
func SmartWindow(ctx context.Context, img image.Image, cropW, cropH float64) (x0, y0 float64, err error) {
	return smartOffset(ctx, img, cropW, cropH)
}

// smartOffset returns the top-left corner, in img's pixels, of the window
// of cropW x cropH pixels of img (upright) that holds the most attention;
// ties keep the window nearest the centre.
func smartOffset(ctx context.Context, img image.Image, cropW, cropH float64) (float64, float64, error) {
	b := img.Bounds()
	W, H := float64(b.Dx()), float64(b.Dy())
	cx, cy := (W-cropW)/2, (H-cropH)/2
	if cropW >= W-0.5 && cropH >= H-0.5 {
		return max(0, cx), max(0, cy), nil
	}
	s := max(1, max(W, H)/attentionSide)
	sw, sh := max(1, int(math.Round(W/s))), max(1, int(math.Round(H/s)))
	src, rows := everyOtherRow(img, sh)
	small, err := resizeImage(ctx, src, window{scaleX: W / float64(sw), scaleY: H / rows / float64(sh)}, sw, sh)
	if err != nil {
		return 0, 0, err
	}
	score := attention(toRGBA(small))
	// The window in the copy's pixels, and the best place for it.
	kx, ky := float64(sw)/W, float64(sh)/H
	cw := min(sw, max(1, int(math.Round(cropW*kx))))
	ch := min(sh, max(1, int(math.Round(cropH*ky))))
	bx, by := bestWindow(score, sw, sh, cw, ch)
	// Centre the full-size window on the chosen one's centre.
	x0 := (float64(bx)+float64(cw)/2)/kx - cropW/2
	y0 := (float64(by)+float64(ch)/2)/ky - cropH/2
	return math.Max(0, math.Min(x0, W-cropW)), math.Max(0, math.Min(y0, H-cropH)), nil
}

// everyOtherRow returns, for a YCbCr image at least 8 times taller than
// the h rows the attention copy has, a view of every other row (no copy:
// the strides double), which halves what the box prefilter reads; the
// second result is the rows of img per row of the view. Other images are
// returned as they are, with 1.
func everyOtherRow(img image.Image, h int) (image.Image, float64) {
	m, ok := img.(*image.YCbCr)
	b := img.Bounds()
	if !ok || b.Dy() < 8*h || b.Min != (image.Point{}) {
		return img, 1
	}
	v := *m
	v.YStride = 2 * m.YStride
	v.Rect = image.Rect(0, 0, b.Dx(), b.Dy()/2)
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422:
		v.CStride = 2 * m.CStride // chroma rows follow the luma rows
	case image.YCbCrSubsampleRatio420:
		v.SubsampleRatio = image.YCbCrSubsampleRatio422 // row y of the view is chroma row y
	case image.YCbCrSubsampleRatio440:
		v.SubsampleRatio = image.YCbCrSubsampleRatio444
	default:
		return img, 1
	}
	return &v, 2
}

// bestWindow slides a cw x ch window over the w x h scores and returns the
// top-left corner where they sum highest (summed-area table), preferring
// the position nearest the centre among equal sums.
func bestWindow(score []float32, w, h, cw, ch int) (int, int) {
	sat := make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		row := 0.0
		for x := 0; x < w; x++ {
			row += float64(score[y*w+x])
			sat[(y+1)*(w+1)+x+1] = sat[y*(w+1)+x+1] + row
		}
	}
	sum := func(x, y int) float64 {
		return sat[(y+ch)*(w+1)+x+cw] - sat[y*(w+1)+x+cw] - sat[(y+ch)*(w+1)+x] + sat[y*(w+1)+x]
	}
	mx, my := (w-cw)/2, (h-ch)/2
	bx, by := mx, my
	best, bestDist := sum(mx, my), 0
	for y := 0; y <= h-ch; y++ {
		for x := 0; x <= w-cw; x++ {
			v := sum(x, y)
			d := (x-mx)*(x-mx) + (y-my)*(y-my)
			if v > best*(1+1e-9)+1e-12 || math.Abs(v-best) <= 1e-9*math.Abs(best)+1e-12 && d < bestDist {
				bx, by, best, bestDist = x, y, v, d
			}
		}
	}
	return bx, by
}

// attention scores every pixel of m (see the cues above).
func attention(m *image.RGBA) []float32 {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	lum := make([]float32, w*h)
	out := make([]float32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := m.Pix[y*m.Stride+4*x : y*m.Stride+4*x+4]
			r, g, bl, a := float64(p[0])/255, float64(p[1])/255, float64(p[2])/255, float64(p[3])/255
			if a > 0 { // premultiplied
				r, g, bl = r/a, g/a, bl/a
			}
			lum[y*w+x] = float32(0.2126*r + 0.7152*g + 0.0722*bl)
			out[y*w+x] = float32(a * (skinWeight*skin(r, g, bl) + saturationWeight*saturation(r, g, bl)))
		}
	}
	at := func(x, y int) float32 {
		return lum[min(max(y, 0), h-1)*w+min(max(x, 0), w-1)]
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			lap := 4*at(x, y) - at(x-1, y) - at(x+1, y) - at(x, y-1) - at(x, y+1)
			out[y*w+x] += detailWeight * min(1, 4*float32(math.Abs(float64(lap))))
		}
	}
	return out
}

// skin is how close r, g, b is to skin chromaticity (the normalised colour
// (0.78, 0.57, 0.44) of smartcrop.js), 0 unless close and of a plausible
// lightness.
func skin(r, g, b float64) float64 {
	mag := math.Sqrt(r*r + g*g + b*b)
	if mag == 0 {
		return 0
	}
	dr, dg, db := r/mag-0.78, g/mag-0.57, b/mag-0.44
	s := 1 - math.Sqrt(dr*dr+dg*dg+db*db)
	l := (max(r, g, b) + min(r, g, b)) / 2
	const threshold = 0.8
	if s < threshold || l < 0.2 || l > 0.95 {
		return 0
	}
	return (s - threshold) / (1 - threshold)
}

// saturation is HSL saturation above 0.4, at lightness 0.05..0.9, scaled
// to [0, 1].
func saturation(r, g, b float64) float64 {
	mx, mn := max(r, g, b), min(r, g, b)
	l := (mx + mn) / 2
	if mx == mn || l < 0.05 || l > 0.9 {
		return 0
	}
	d := mx - mn
	s := d / (mx + mn)
	if l > 0.5 {
		s = d / (2 - mx - mn)
	}
	const floor = 0.4
	if s < floor {
		return 0
	}
	return (s - floor) / (1 - floor)
}
