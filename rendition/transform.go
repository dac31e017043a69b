package rendition

import (
	"image"
	"math"
)

// geometry computes the output size of p for an upright source of sw x sh
// pixels and the source window that maps onto it. Crops are centred, so the
// window is symmetric and survives the EXIF flips unchanged.
func geometry(p Profile, sw, sh int) (ow, oh int, win window) {
	fw, fh := float64(sw), float64(sh)
	W, H := float64(p.Width), float64(p.Height)
	round := func(v float64) int { return max(1, int(math.Round(v))) }
	switch p.Fit {
	case FitFill:
		ow, oh = p.Width, p.Height
		return ow, oh, window{scaleX: fw / W, scaleY: fh / H}
	case FitNone:
		ow, oh = min(p.Width, sw), min(p.Height, sh)
		return ow, oh, window{x0: float64((sw - ow) / 2), y0: float64((sh - oh) / 2), scaleX: 1, scaleY: 1}
	case FitCover, FitSmart: // a smart crop's window is moved after decoding (smartOffset)
		s := math.Min(fw/W, fh/H)
		ow, oh = p.Width, p.Height
		if !p.Enlarge && s < 1 {
			// Shrink the box to fit the source instead of enlarging it.
			ow, oh = min(sw, round(W*s)), min(sh, round(H*s))
			s = 1
		}
		return ow, oh, window{x0: (fw - float64(ow)*s) / 2, y0: (fh - float64(oh)*s) / 2, scaleX: s, scaleY: s}
	}
	var s float64
	switch {
	case p.Width == 0:
		s = fh / H
	case p.Height == 0:
		s = fw / W
	default:
		s = math.Max(fw/W, fh/H)
	}
	if !p.Enlarge && s < 1 {
		s = 1
	}
	ow, oh = round(fw/s), round(fh/s)
	return ow, oh, window{scaleX: fw / float64(ow), scaleY: fh / float64(oh)}
}

// storedWindow maps an upright window and size to the stored (pre-EXIF)
// orientation: orientations 5..8 swap the axes.
func storedWindow(o, ow, oh int, win window) (int, int, window) {
	if o >= 5 {
		return oh, ow, window{x0: win.y0, y0: win.x0, scaleX: win.scaleY, scaleY: win.scaleX}
	}
	return ow, oh, win
}

func isIdentity(w, h int, win window, sw, sh int) bool {
	return w == sw && h == sh && win.x0 == 0 && win.y0 == 0 && win.scaleX == 1 && win.scaleY == 1
}

// orientPlane returns the plane transformed so that EXIF orientation o
// displays upright.
func orientPlane(src plane, o int) plane {
	w, h, ch := src.w, src.h, src.ch
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := plane{w: dw, h: dh, ch: ch, stride: dw * ch, pix: make([]byte, dw*dh*ch)}
	for y := 0; y < dh; y++ {
		row := dst.pix[y*dst.stride : y*dst.stride+dw*ch]
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			default:
				sx, sy = x, y
			}
			copy(row[x*ch:x*ch+ch], src.pix[sy*src.stride+sx*ch:sy*src.stride+sx*ch+ch])
		}
	}
	return dst
}

// orient applies EXIF orientation o to a YCbCr, Gray or RGBA image.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	switch m := img.(type) {
	case *image.YCbCr:
		ratio := m.SubsampleRatio
		if o >= 5 {
			switch ratio {
			case image.YCbCrSubsampleRatio422:
				ratio = image.YCbCrSubsampleRatio440
			case image.YCbCrSubsampleRatio440:
				ratio = image.YCbCrSubsampleRatio422
			case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
				// 1:4 chroma has no YCbCr ratio; rotate in RGBA.
				return orient(toRGBA(m), o)
			}
		}
		b := m.Bounds()
		sx, sy := subsampling(m.SubsampleRatio)
		cw, chh := (b.Dx()+sx-1)/sx, (b.Dy()+sy-1)/sy
		y := orientPlane(plane{pix: m.Y, w: b.Dx(), h: b.Dy(), stride: m.YStride, ch: 1}, o)
		cb := orientPlane(plane{pix: m.Cb, w: cw, h: chh, stride: m.CStride, ch: 1}, o)
		cr := orientPlane(plane{pix: m.Cr, w: cw, h: chh, stride: m.CStride, ch: 1}, o)
		return &image.YCbCr{Y: y.pix, Cb: cb.pix, Cr: cr.pix, YStride: y.stride, CStride: cb.stride,
			SubsampleRatio: ratio, Rect: image.Rect(0, 0, y.w, y.h)}
	case *image.Gray:
		b := m.Bounds()
		p := orientPlane(plane{pix: m.Pix, w: b.Dx(), h: b.Dy(), stride: m.Stride, ch: 1}, o)
		return &image.Gray{Pix: p.pix, Stride: p.stride, Rect: image.Rect(0, 0, p.w, p.h)}
	case *image.RGBA:
		b := m.Bounds()
		p := orientPlane(plane{pix: m.Pix, w: b.Dx(), h: b.Dy(), stride: m.Stride, ch: 4}, o)
		return &image.RGBA{Pix: p.pix, Stride: p.stride, Rect: image.Rect(0, 0, p.w, p.h)}
	}
	return orient(planar(img), o)
}

// cloneImage copies a YCbCr, Gray or RGBA image so in-place modifiers do
// not touch a decoded source shared by several profiles.
func cloneImage(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.YCbCr:
		c := *m
		c.Y = append([]byte(nil), m.Y...)
		c.Cb = append([]byte(nil), m.Cb...)
		c.Cr = append([]byte(nil), m.Cr...)
		return &c
	case *image.Gray:
		c := *m
		c.Pix = append([]byte(nil), m.Pix...)
		return &c
	case *image.RGBA:
		c := *m
		c.Pix = append([]byte(nil), m.Pix...)
		return &c
	}
	return planar(img)
}

// applyModifiers applies grayscale and invert, in place where it can; a
// grayscale YCbCr image becomes a Gray image sharing its Y plane.
func applyModifiers(img image.Image, gray, invert bool) image.Image {
	if gray {
		switch m := img.(type) {
		case *image.YCbCr:
			img = grayOf(m)
		case *image.RGBA:
			for i := 0; i+3 < len(m.Pix); i += 4 {
				p := m.Pix[i : i+4]
				l := uint8((19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16)
				p[0], p[1], p[2] = l, l, l
			}
		}
	}
	if invert {
		switch m := img.(type) {
		case *image.YCbCr:
			invertBytes(m.Y)
			// 256-c keeps R, G and B exact through the YCbCr transform;
			// 0 has no partner and maps to 255.
			for _, p := range [][]byte{m.Cb, m.Cr} {
				for i, v := range p {
					p[i] = uint8(min(256-int(v), 255))
				}
			}
		case *image.Gray:
			invertBytes(m.Pix)
		case *image.RGBA:
			// Premultiplied: inverted colour is alpha - c.
			for i := 0; i+3 < len(m.Pix); i += 4 {
				p := m.Pix[i : i+4]
				p[0], p[1], p[2] = p[3]-p[0], p[3]-p[1], p[3]-p[2]
			}
		}
	}
	return img
}

func invertBytes(b []byte) {
	for i, v := range b {
		b[i] = 255 - v
	}
}
