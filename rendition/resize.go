package rendition

import (
	"context"
	"image"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// The resizer is a separable Lanczos-3 filter on 8-bit planes (one channel
// for Y, Cb, Cr and gray; four interleaved for premultiplied RGBA). Weights
// are precomputed per output column and row in 14-bit fixed point; rows are
// spread over one worker per core; intermediate planes come from a pool.
//
// For large reductions a k x k box average first shrinks the plane while it
// stays at least boxMargin (2) times the target, so the Lanczos step always
// reduces by 2x or more. Box averaging aliases only near its own Nyquist
// frequency, which the following Lanczos filter removes, so the output keeps
// the quality of a direct Lanczos reduction.

const (
	lanczosA  = 3
	weightOne = 1 << 14
	boxMargin = 2
)

// plane is one 8-bit image plane with ch interleaved channels.
type plane struct {
	pix    []byte
	w, h   int
	stride int
	ch     int
}

// window is the part of a plane to resize, in plane pixels: output pixel i
// takes its centre from start + (i+0.5)*scale.
type window struct {
	x0, y0         float64
	scaleX, scaleY float64
}

func lanczos(x float64) float64 {
	if x == 0 {
		return 1
	}
	if x <= -lanczosA || x >= lanczosA {
		return 0
	}
	px := math.Pi * x
	return lanczosA * math.Sin(px) * math.Sin(px/lanczosA) / (px * px)
}

// weights are the taps of one axis: output i reads src[start[i]+t] for
// t < taps with weight w[i*taps+t].
type weights struct {
	taps  int
	start []int32
	w     []int16
}

func makeWeights(srcLen, dstLen int, start, scale float64) weights {
	support := float64(lanczosA)
	stretch := 1.0
	if scale > 1 {
		stretch = scale
		support *= scale
	}
	taps := int(math.Ceil(2*support)) + 1
	taps = min(taps, srcLen)
	wt := weights{taps: taps, start: make([]int32, dstLen), w: make([]int16, dstLen*taps)}
	fw := make([]float64, taps)
	for i := 0; i < dstLen; i++ {
		c := start + (float64(i)+0.5)*scale
		lo := int(math.Floor(c - support))
		lo = max(0, min(lo, srcLen-taps))
		sum := 0.0
		for t := 0; t < taps; t++ {
			v := lanczos((float64(lo+t) + 0.5 - c) / stretch)
			fw[t] = v
			sum += v
		}
		if sum == 0 {
			// The window is outside the plane: use the nearest edge pixel.
			near := max(0, min(int(c), srcLen-1)) - lo
			for t := range fw {
				fw[t] = 0
			}
			fw[near] = 1
			sum = 1
		}
		wt.start[i] = int32(lo)
		total := 0
		best := 0
		row := wt.w[i*taps : (i+1)*taps]
		for t := 0; t < taps; t++ {
			q := int(math.Round(fw[t] / sum * weightOne))
			row[t] = int16(q)
			total += q
			if fw[t] > fw[best] {
				best = t
			}
		}
		row[best] += int16(weightOne - total)
	}
	return wt
}

var bufPool sync.Pool

// getBuf returns a pooled byte slice of length n.
func getBuf(n int) []byte {
	if p, ok := bufPool.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n)
}

func putBuf(b []byte) {
	if cap(b) == 0 {
		return
	}
	bufPool.Put(&b)
}

// parallelRows calls fn on bands of [0, n) on one worker per core.
func parallelRows(ctx context.Context, n int, fn func(lo, hi int)) error {
	const band = 16
	workers := min(runtime.GOMAXPROCS(0), (n+band-1)/band)
	if workers <= 1 {
		for lo := 0; lo < n; lo += band {
			if err := ctx.Err(); err != nil {
				return err
			}
			fn(lo, min(lo+band, n))
		}
		return nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				lo := int(next.Add(band)) - band
				if lo >= n {
					return
				}
				fn(lo, min(lo+band, n))
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

func clamp8(v int32) byte {
	v = (v + weightOne/2) >> 14
	if uint32(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return byte(v)
}

// boxReduce averages kx x ky blocks; the last block of a row or column may
// be partial.
func boxReduce(ctx context.Context, src plane, kx, ky int) (plane, error) {
	dw, dh := (src.w+kx-1)/kx, (src.h+ky-1)/ky
	dst := plane{w: dw, h: dh, ch: src.ch, stride: dw * src.ch}
	dst.pix = getBuf(dst.stride * dh)
	ch := src.ch
	if ch == 1 && kx == 2 && ky == 2 && src.w%2 == 0 && src.h%2 == 0 {
		err := parallelRows(ctx, dh, func(lo, hi int) {
			for oy := lo; oy < hi; oy++ {
				a := src.pix[2*oy*src.stride : 2*oy*src.stride+src.w]
				b := src.pix[(2*oy+1)*src.stride : (2*oy+1)*src.stride+src.w]
				out := dst.pix[oy*dst.stride : oy*dst.stride+dw]
				b = b[:len(a)]
				for ox := range out {
					i := 2 * ox
					out[ox] = byte((uint32(a[i]) + uint32(a[i+1]) + uint32(b[i]) + uint32(b[i+1]) + 2) >> 2)
				}
			}
		})
		return dst, err
	}
	err := parallelRows(ctx, dh, func(lo, hi int) {
		acc := make([]uint32, dw*ch)
		for oy := lo; oy < hi; oy++ {
			clear(acc)
			y0, y1 := oy*ky, min(oy*ky+ky, src.h)
			for y := y0; y < y1; y++ {
				row := src.pix[y*src.stride : y*src.stride+src.w*ch]
				if ch == 1 {
					for ox := 0; ox < dw; ox++ {
						x0, x1 := ox*kx, min(ox*kx+kx, src.w)
						s := uint32(0)
						for _, v := range row[x0:x1] {
							s += uint32(v)
						}
						acc[ox] += s
					}
					continue
				}
				for ox := 0; ox < dw; ox++ {
					x0, x1 := ox*kx, min(ox*kx+kx, src.w)
					for x := x0; x < x1; x++ {
						p := row[x*ch : x*ch+ch]
						a := acc[ox*ch : ox*ch+ch]
						for c := range p {
							a[c] += uint32(p[c])
						}
					}
				}
			}
			out := dst.pix[oy*dst.stride : oy*dst.stride+dw*ch]
			ny := uint32(y1 - y0)
			for ox := 0; ox < dw; ox++ {
				n := uint32(min(ox*kx+kx, src.w)-ox*kx) * ny
				for c := 0; c < ch; c++ {
					out[ox*ch+c] = byte((acc[ox*ch+c] + n/2) / n)
				}
			}
		}
	})
	return dst, err
}

// resizePlane resizes the window of src to dst.w x dst.h into dst (whose
// pix must hold dst.h rows of dst.stride). Each worker takes output rows:
// the vertical taps are summed over the columns the horizontal taps read
// (contiguous, cache-friendly), then the row is filtered horizontally, so
// no intermediate plane is needed.
func resizePlane(ctx context.Context, src plane, win window, dst plane) error {
	dw, dh := dst.w, dst.h
	kx := int(win.scaleX / boxMargin)
	ky := int(win.scaleY / boxMargin)
	if kx >= 2 || ky >= 2 {
		kx, ky = max(kx, 1), max(ky, 1)
		reduced, err := boxReduce(ctx, src, kx, ky)
		defer putBuf(reduced.pix)
		if err != nil {
			return err
		}
		src = reduced
		win = window{x0: win.x0 / float64(kx), y0: win.y0 / float64(ky),
			scaleX: win.scaleX / float64(kx), scaleY: win.scaleY / float64(ky)}
	}
	hw := makeWeights(src.w, dw, win.x0, win.scaleX)
	vw := makeWeights(src.h, dh, win.y0, win.scaleY)
	ch := src.ch
	colLo := int(hw.start[0])
	span := (int(hw.start[dw-1]) + hw.taps - colLo) * ch
	for i := range hw.start {
		hw.start[i] -= int32(colLo)
	}
	return parallelRows(ctx, dh, func(lo, hi int) {
		acc := make([]int32, span)
		tmp := make([]byte, span)
		for y := lo; y < hi; y++ {
			clear(acc)
			s := int(vw.start[y])
			ws := vw.w[y*vw.taps : (y+1)*vw.taps]
			row := func(t int) []byte {
				off := (s+t)*src.stride + colLo*ch
				return src.pix[off : off+span]
			}
			t := 0
			for ; t+1 < len(ws); t += 2 {
				w0, w1 := int32(ws[t]), int32(ws[t+1])
				in0, in1 := row(t), row(t+1)
				a := acc[:len(in0)]
				in1 = in1[:len(in0)]
				for x := range in0 {
					a[x] += w0*int32(in0[x]) + w1*int32(in1[x])
				}
			}
			if t < len(ws) {
				w0 := int32(ws[t])
				in0 := row(t)
				a := acc[:len(in0)]
				for x := range in0 {
					a[x] += w0 * int32(in0[x])
				}
			}
			for x, v := range acc {
				tmp[x] = clamp8(v)
			}
			horizontal(tmp, dst.pix[y*dst.stride:y*dst.stride+dw*ch], hw, ch)
		}
	})
}

func horizontal(in, out []byte, hw weights, ch int) {
	taps := hw.taps
	if ch == 1 {
		for x := range out {
			s := int(hw.start[x])
			ws := hw.w[x*taps : x*taps+taps]
			src := in[s : s+len(ws)]
			var sum int32
			for t := range ws {
				sum += int32(ws[t]) * int32(src[t])
			}
			out[x] = clamp8(sum)
		}
		return
	}
	for x := 0; x < len(out)/4; x++ {
		s := int(hw.start[x]) * 4
		ws := hw.w[x*taps : x*taps+taps]
		src := in[s : s+len(ws)*4]
		var r, g, b, a int32
		for t, w := range ws {
			w32 := int32(w)
			p := src[t*4 : t*4+4]
			r += w32 * int32(p[0])
			g += w32 * int32(p[1])
			b += w32 * int32(p[2])
			a += w32 * int32(p[3])
		}
		o := out[x*4 : x*4+4]
		o[3] = clamp8(a)
		// Premultiplied colour never exceeds alpha.
		o[0] = min(clamp8(r), o[3])
		o[1] = min(clamp8(g), o[3])
		o[2] = min(clamp8(b), o[3])
	}
}

// subsampling returns the chroma subsampling factors of a YCbCr ratio.
func subsampling(r image.YCbCrSubsampleRatio) (sx, sy int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

// resizeImage resizes the window win of img (a YCbCr, Gray or RGBA image at
// the origin, coordinates in its pixels) to dw x dh, plane by plane.
func resizeImage(ctx context.Context, img image.Image, win window, dw, dh int) (image.Image, error) {
	switch m := img.(type) {
	case *image.YCbCr:
		b := m.Bounds()
		out := image.NewYCbCr(image.Rect(0, 0, dw, dh), m.SubsampleRatio)
		sx, sy := subsampling(m.SubsampleRatio)
		cw, chh := (b.Dx()+sx-1)/sx, (b.Dy()+sy-1)/sy
		ocw, och := (dw+sx-1)/sx, (dh+sy-1)/sy
		if err := resizePlane(ctx, plane{pix: m.Y, w: b.Dx(), h: b.Dy(), stride: m.YStride, ch: 1}, win,
			plane{pix: out.Y, w: dw, h: dh, stride: out.YStride, ch: 1}); err != nil {
			return nil, err
		}
		cwin := window{x0: win.x0 / float64(sx), y0: win.y0 / float64(sy), scaleX: win.scaleX, scaleY: win.scaleY}
		for _, p := range [][2][]byte{{m.Cb, out.Cb}, {m.Cr, out.Cr}} {
			if err := resizePlane(ctx, plane{pix: p[0], w: cw, h: chh, stride: m.CStride, ch: 1}, cwin,
				plane{pix: p[1], w: ocw, h: och, stride: out.CStride, ch: 1}); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *image.Gray:
		b := m.Bounds()
		out := image.NewGray(image.Rect(0, 0, dw, dh))
		err := resizePlane(ctx, plane{pix: m.Pix, w: b.Dx(), h: b.Dy(), stride: m.Stride, ch: 1}, win,
			plane{pix: out.Pix, w: dw, h: dh, stride: out.Stride, ch: 1})
		return out, err
	case *image.RGBA:
		b := m.Bounds()
		out := image.NewRGBA(image.Rect(0, 0, dw, dh))
		err := resizePlane(ctx, plane{pix: m.Pix, w: b.Dx(), h: b.Dy(), stride: m.Stride, ch: 4}, win,
			plane{pix: out.Pix, w: dw, h: dh, stride: out.Stride, ch: 4})
		return out, err
	}
	return resizeImage(ctx, planar(img), win, dw, dh)
}
