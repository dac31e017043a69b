package rendition

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math"
)

// A baseline JPEG decoder that decodes at 1/2, 1/4 or 1/8 of the size in
// the DCT domain, the way libjpeg's scaled IDCT does. The Go decoder always
// decodes every pixel; when the output is much smaller than the source, most
// of its inverse DCT work is thrown away by the resize. Here each 8x8 block
// yields n x n pixels (n = 8/k), each the exact mean of a (k x k) cell of the
// block's full inverse DCT, computed from the few coefficients the mean
// depends on; the entropy decoding still reads every coefficient.
//
// It handles what cameras and most encoders write: baseline (one
// interleaved scan) or progressive (jpegprog.go) Huffman, 8-bit, one
// component or three (YCbCr) with chroma sampled once per MCU, with or
// without restart intervals. Anything else makes it return errNotScalable
// and the caller uses image/jpeg at full size.

var errNotScalable = errors.New("rendition: JPEG layout not handled by the scaled decoder")

// unzig maps zig-zag order to natural order.
var unzig = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// cellMeans[n] is the n x 8 matrix M with M[i][u] the mean over the i-th
// cell of 8/n samples of the 1-D IDCT basis u (including the 1/2 C(u)
// factor), so a block's n x n means are M F M^T.
var cellMeans = func() map[int][][8]float32 {
	out := map[int][][8]float32{}
	for _, n := range []int{1, 2, 4} {
		m := make([][8]float32, n)
		cell := 8 / n
		for i := range n {
			for u := range 8 {
				c := 1.0
				if u == 0 {
					c = 1 / math.Sqrt2
				}
				var s float64
				for x := i * cell; x < (i+1)*cell; x++ {
					s += 0.5 * c * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16)
				}
				if v := s / float64(cell); math.Abs(v) > 1e-9 {
					m[i][u] = float32(v)
				}
			}
		}
		out[n] = m
	}
	return out
}()

type huffTable struct {
	lut     [1 << 9]uint16 // code length << 8 | value, for codes of up to 9 bits
	maxCode [17]int32      // largest code of each length, -1 if none
	valPtr  [17]int32      // index in vals of the first code of each length
	minCode [17]int32
	vals    []uint8
	ok      bool
	// fast decodes, for a 9-bit lookahead, an AC code together with the
	// bits of its value when both fit: value << 16 | run << 5 | bits
	// used; 0 when they do not (or for EOB and ZRL).
	fast [1 << 9]uint32
}

func (h *huffTable) build(counts [16]uint8, vals []uint8) error {
	h.vals = vals
	h.lut, h.fast = [1 << 9]uint16{}, [1 << 9]uint32{}
	code, k := int32(0), 0
	for l := 1; l <= 16; l++ {
		n := int(counts[l-1])
		h.valPtr[l] = int32(k)
		h.minCode[l] = code
		if n == 0 {
			h.maxCode[l] = -1
		} else {
			h.maxCode[l] = code + int32(n) - 1
		}
		for range n {
			if l <= 9 {
				base := int(code) << (9 - l)
				for i := range 1 << (9 - l) {
					if base+i >= len(h.lut) {
						return fmt.Errorf("%w: bad Huffman table", ErrCorrupt)
					}
					h.lut[base+i] = uint16(l)<<8 | uint16(vals[k])
				}
			}
			code++
			k++
		}
		if code > 1<<l {
			return fmt.Errorf("%w: bad Huffman table", ErrCorrupt)
		}
		code <<= 1
	}
	for i, e := range h.lut {
		l, rs := uint(e>>8), e&0xFF
		r, sz := uint32(rs>>4), uint(rs&15)
		if e == 0 || sz == 0 || l+sz > 9 {
			continue
		}
		v := extend(int32(i>>(9-l-sz))&(1<<sz-1), sz)
		h.fast[i] = uint32(uint16(int16(v)))<<16 | r<<5 | uint32(l+sz)
	}
	h.ok = true
	return nil
}

// bitReader reads entropy-coded bits, removing byte stuffing; at a marker
// or the end it feeds zeros and remembers that it did.
type bitReader struct {
	data  []byte
	pos   int
	acc   uint64
	n     uint
	atEnd bool // ran off the data without a marker: truncated
}

func (b *bitReader) fill() {
	if b.pos+8 <= len(b.data) {
		// Eight bytes at once when none of them is 0xFF (no stuffing, no
		// marker): as many whole bytes as the accumulator takes.
		w := binary.BigEndian.Uint64(b.data[b.pos:])
		if x := ^w; (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
			k := (64 - b.n) / 8
			b.acc |= w >> (64 - 8*k) << (64 - 8*k - b.n)
			b.n += 8 * k
			b.pos += int(k)
			return
		}
	}
	for b.n <= 56 {
		var c byte
		if b.pos >= len(b.data) {
			b.atEnd = true
		} else if c = b.data[b.pos]; c == 0xFF {
			if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0x00 {
				b.pos += 2
			} else {
				c = 0 // a marker: stay put, feed zeros
			}
		} else {
			b.pos++
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

func (b *bitReader) bits(s uint) int32 {
	if b.n < s {
		b.fill()
	}
	v := int32(b.acc >> (64 - s))
	b.acc <<= s
	b.n -= s
	return v
}

func (b *bitReader) decode(h *huffTable) (uint8, error) {
	if b.n < 16 {
		b.fill()
	}
	if e := h.lut[b.acc>>55]; e != 0 {
		l := uint(e >> 8)
		b.acc <<= l
		b.n -= l
		return uint8(e), nil
	}
	code := int32(0)
	for l := 1; l <= 16; l++ {
		code = code<<1 | int32(b.acc>>63)
		b.acc <<= 1
		b.n--
		if code <= h.maxCode[l] {
			return h.vals[h.valPtr[l]+code-h.minCode[l]], nil
		}
	}
	return 0, fmt.Errorf("%w: bad Huffman code", ErrCorrupt)
}

// restart skips to the byte after the next RST marker.
func (b *bitReader) restart() error {
	b.acc, b.n = 0, 0
	for b.pos+1 < len(b.data) {
		if b.data[b.pos] == 0xFF && b.data[b.pos+1] >= 0xD0 && b.data[b.pos+1] <= 0xD7 {
			b.pos += 2
			return nil
		}
		b.pos++
	}
	return fmt.Errorf("%w: missing restart marker", ErrCorrupt)
}

func extend(v int32, s uint) int32 {
	if s > 0 && v < 1<<(s-1) {
		v += -1<<s + 1
	}
	return v
}

type scaledComp struct {
	id, h, v, tq uint8
	td, ta       uint8
	pix          []byte
	stride       int
}

// decodeJPEGScaled decodes a whole baseline JPEG at 1/k size (k = 2, 4 or 8).
func decodeJPEGScaled(ctx context.Context, data []byte, k int) (img image.Image, err error) {
	// A bug in this decoder must fail one render, not the process that
	// runs it in a worker goroutine; the fuzz targets hunt for such bugs.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: scaled JPEG decoder failed: %v", ErrCorrupt, r)
		}
	}()
	n := 8 / k
	var (
		quant    [4][64]float32 // zig-zag order
		dcT, acT [4]huffTable
		comps    []scaledComp
		w, h     int
		ri       int
		adobeRGB bool

		progressive bool
		prog        *progDecoder
	)
	i := 2
	for {
		if i+2 > len(data) || (i+4 > len(data) && data[i+1] != 0xD9) {
			return nil, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
		}
		if data[i] == 0xFF && data[i+1] == 0xD9 {
			if prog == nil {
				return nil, fmt.Errorf("%w: JPEG without image data", ErrCorrupt)
			}
			return prog.image(&quant), nil
		}
		if data[i] != 0xFF {
			return nil, fmt.Errorf("%w: JPEG marker expected", ErrCorrupt)
		}
		m := data[i+1]
		if m == 0xFF {
			i++
			continue
		}
		if m == 0x01 || m >= 0xD0 && m <= 0xD7 {
			i += 2
			continue
		}
		length := int(data[i+2])<<8 | int(data[i+3])
		if length < 2 || i+2+length > len(data) {
			return nil, fmt.Errorf("%w: bad JPEG segment", ErrCorrupt)
		}
		seg := data[i+4 : i+2+length]
		i += 2 + length
		switch m {
		case 0xDB: // DQT
			for len(seg) > 0 {
				pq, tq := seg[0]>>4, seg[0]&3
				if pq != 0 || len(seg) < 65 {
					return nil, errNotScalable
				}
				for j := range 64 {
					quant[tq][j] = float32(seg[1+j])
				}
				seg = seg[65:]
			}
		case 0xC4: // DHT
			for len(seg) > 17 {
				tc, th := seg[0]>>4, seg[0]&3
				var counts [16]uint8
				copy(counts[:], seg[1:17])
				total := 0
				for _, c := range counts {
					total += int(c)
				}
				if total > 256 || len(seg) < 17+total || tc > 1 {
					return nil, fmt.Errorf("%w: bad Huffman table", ErrCorrupt)
				}
				t := &dcT[th]
				if tc == 1 {
					t = &acT[th]
				}
				if err := t.build(counts, append([]uint8(nil), seg[17:17+total]...)); err != nil {
					return nil, err
				}
				seg = seg[17+total:]
			}
		case 0xC0, 0xC1, 0xC2: // baseline, extended sequential or progressive, Huffman
			progressive = m == 0xC2
			if comps != nil {
				return nil, fmt.Errorf("%w: multiple JPEG frame headers", ErrCorrupt)
			}
			if len(seg) < 6 || seg[0] != 8 {
				return nil, errNotScalable
			}
			h = int(seg[1])<<8 | int(seg[2])
			w = int(seg[3])<<8 | int(seg[4])
			nc := int(seg[5])
			if (nc != 1 && nc != 3) || len(seg) < 6+3*nc || w == 0 || h == 0 {
				return nil, errNotScalable
			}
			for j := range nc {
				c := seg[6+3*j:]
				comps = append(comps, scaledComp{id: c[0], h: c[1] >> 4, v: c[1] & 15, tq: c[2] & 3})
			}
		case 0xDD: // DRI
			if len(seg) >= 2 {
				ri = int(seg[0])<<8 | int(seg[1])
			}
		case 0xEE: // APP14 Adobe: transform 0 with 3 components is RGB
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" && seg[11] == 0 {
				adobeRGB = true
			}
		case 0xDA: // SOS
			if comps == nil || adobeRGB {
				return nil, errNotScalable
			}
			if len(comps) == 3 && comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B' {
				return nil, errNotScalable
			}
			if !progressive {
				return scanScaled(ctx, data[i:], seg, comps, w, h, n, ri, &quant, &dcT, &acT)
			}
			if prog == nil {
				var err error
				if prog, err = newProgDecoder(comps, w, h, n); err != nil {
					return nil, err
				}
			}
			used, err := prog.scan(ctx, data[i:], seg, ri, &dcT, &acT)
			if err != nil {
				return nil, err
			}
			i += used
		case 0xD9:
			if prog == nil {
				return nil, fmt.Errorf("%w: JPEG without image data", ErrCorrupt)
			}
			return prog.image(&quant), nil
		default:
			if m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
				return nil, errNotScalable // progressive, lossless, arithmetic
			}
		}
	}
}

func scanScaled(ctx context.Context, ecs, sos []byte, comps []scaledComp, w, h, n, ri int,
	quant *[4][64]float32, dcT, acT *[4]huffTable) (image.Image, error) {
	nc := len(comps)
	if len(sos) != 4+2*nc || int(sos[0]) != nc || sos[1+2*nc] != 0 || sos[2+2*nc] != 63 || sos[3+2*nc] != 0 {
		return nil, errNotScalable // not one interleaved scan of all components
	}
	for j := range nc {
		if sos[1+2*j] != comps[j].id {
			return nil, errNotScalable
		}
		comps[j].td, comps[j].ta = sos[2+2*j]>>4, sos[2+2*j]&15
		if comps[j].td > 3 || comps[j].ta > 3 || !dcT[comps[j].td].ok || !acT[comps[j].ta].ok {
			return nil, fmt.Errorf("%w: missing Huffman table", ErrCorrupt)
		}
	}
	if nc == 1 {
		comps[0].h, comps[0].v = 1, 1 // a single-component scan ignores sampling
	}
	hmax, vmax := comps[0].h, comps[0].v
	if hmax < 1 || hmax > 2 || vmax < 1 || vmax > 2 {
		return nil, errNotScalable
	}
	for _, c := range comps[1:] {
		if c.h != 1 || c.v != 1 {
			return nil, errNotScalable
		}
	}
	mxx := (w + 8*int(hmax) - 1) / (8 * int(hmax))
	myy := (h + 8*int(vmax) - 1) / (8 * int(vmax))
	for j := range comps {
		c := &comps[j]
		c.stride = mxx * int(c.h) * n
		c.pix = make([]byte, c.stride*myy*int(c.v)*n)
	}
	// Which coefficients the cell means depend on (natural order).
	mtx := cellMeans[n]
	var needU [8]bool
	for u := range 8 {
		for i := range n {
			needU[u] = needU[u] || mtx[i][u] != 0
		}
	}
	var needZ [64]bool
	for z := range 64 {
		pos := unzig[z]
		needZ[z] = needU[pos/8] && needU[pos%8]
	}
	br := &bitReader{data: ecs}
	var dc [3]int32
	var f [64]float32
	mcu := 0
	for my := 0; my < myy; my++ {
		if my%8 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for mx := 0; mx < mxx; mx++ {
			if ri > 0 && mcu > 0 && mcu%ri == 0 {
				if err := br.restart(); err != nil {
					return nil, err
				}
				dc = [3]int32{}
			}
			mcu++
			for ci := range comps {
				c := &comps[ci]
				q := &quant[c.tq]
				for by := 0; by < int(c.v); by++ {
					for bx := 0; bx < int(c.h); bx++ {
						s, err := br.decode(&dcT[c.td])
						if err != nil {
							return nil, err
						}
						if s > 16 {
							return nil, fmt.Errorf("%w: bad DC size", ErrCorrupt)
						}
						dc[ci] += extend(br.bits(uint(s)), uint(s))
						if n > 1 {
							f = [64]float32{}
						}
						f[0] = float32(dc[ci]) * q[0]
						rows, cols := uint8(1), uint8(1)
						at := &acT[c.ta]
						for z := 1; z < 64; {
							if br.n < 16 {
								br.fill()
							}
							if e := at.fast[br.acc>>55]; e != 0 {
								l := uint(e & 31)
								br.acc <<= l
								br.n -= l
								z += int(e >> 5 & 15)
								if z > 63 {
									return nil, fmt.Errorf("%w: bad AC run", ErrCorrupt)
								}
								if needZ[z] {
									pos := unzig[z]
									f[pos] = float32(int16(e>>16)) * q[z]
									rows |= 1 << (pos / 8)
									cols |= 1 << (pos % 8)
								}
								z++
								continue
							}
							rs, err := br.decode(at)
							if err != nil {
								return nil, err
							}
							r, sz := int(rs>>4), uint(rs&15)
							if sz == 0 {
								if r != 15 {
									break
								}
								z += 16
								continue
							}
							z += r
							if z > 63 {
								return nil, fmt.Errorf("%w: bad AC run", ErrCorrupt)
							}
							v := br.bits(sz)
							if needZ[z] {
								pos := unzig[z]
								f[pos] = float32(extend(v, sz)) * q[z]
								rows |= 1 << (pos / 8)
								cols |= 1 << (pos % 8)
							}
							z++
						}
						x0 := ((mx*int(c.h) + bx) * n)
						y0 := ((my*int(c.v) + by) * n)
						if n == 1 {
							c.pix[y0*c.stride+x0] = clampF(f[0]*mtx[0][0]*mtx[0][0] + 128)
							continue
						}
						cellBlock(&f, rows, cols, mtx, c.pix[y0*c.stride+x0:], c.stride)
					}
				}
			}
		}
	}
	if br.atEnd {
		return nil, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
	}
	sw, sh := (w*n+7)/8, (h*n+7)/8
	rect := image.Rect(0, 0, sw, sh)
	if nc == 1 {
		return &image.Gray{Pix: comps[0].pix, Stride: comps[0].stride, Rect: rect}, nil
	}
	ratio := image.YCbCrSubsampleRatio444
	switch {
	case hmax == 2 && vmax == 2:
		ratio = image.YCbCrSubsampleRatio420
	case hmax == 2:
		ratio = image.YCbCrSubsampleRatio422
	case vmax == 2:
		ratio = image.YCbCrSubsampleRatio440
	}
	return &image.YCbCr{Y: comps[0].pix, Cb: comps[1].pix, Cr: comps[2].pix,
		YStride: comps[0].stride, CStride: comps[1].stride, SubsampleRatio: ratio, Rect: rect}, nil
}

func clampF(v float32) byte {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return byte(v + 0.5)
}

// cellBlock writes the n x n cell means of one block with dequantized
// coefficients f (natural order; rows and cols mark the non-zero ones)
// to out, n = len(mtx) (2 or 4). It is M F M^T computed separably with the
// symmetry of the cells (cell n-1-i is cell i mirrored, so its mean of
// basis u is (-1)^u times cell i's): each 8-point row or column costs an
// even and an odd half, as in a fast IDCT.
func cellBlock(f *[64]float32, rows, cols uint8, mtx [][8]float32, out []byte, stride int) {
	n := len(mtx)
	if rows == 1 && cols == 1 { // flat block
		v := clampF(f[0]*mtx[0][0]*mtx[0][0] + 128)
		for i := range n {
			row := out[i*stride:][:n]
			for j := range row {
				row[j] = v
			}
		}
		return
	}
	if n == 4 {
		cellBlock4(f, cols, (*[8]float32)(&mtx[0]), (*[8]float32)(&mtx[1]), out, stride)
		return
	}
	cellBlock2(f, cols, (*[8]float32)(&mtx[0]), out, stride)
}

// cellBlock4 is cellBlock for 4 x 4 cells of 2 x 2 samples; m0 and m1 are
// the first two rows of the matrix (basis 4 averages to zero over a pair).
func cellBlock4(f *[64]float32, cols uint8, m0, m1 *[8]float32, out []byte, stride int) {
	a0, a2, a6, b2, b6 := m0[0], m0[2], m0[6], m1[2], m1[6]
	a1, a3, a5, a7 := m0[1], m0[3], m0[5], m0[7]
	b1, b3, b5, b7 := m1[1], m1[3], m1[5], m1[7]
	var t [4][8]float32 // t[i][v]: the cell-row means of column v
	for v := range 8 {
		if cols&(1<<v) == 0 {
			continue
		}
		x0, x1, x2, x3 := f[v], f[8+v], f[16+v], f[24+v]
		x5, x6, x7 := f[40+v], f[48+v], f[56+v]
		e0 := a0*x0 + a2*x2 + a6*x6
		e1 := a0*x0 + b2*x2 + b6*x6
		o0 := a1*x1 + a3*x3 + a5*x5 + a7*x7
		o1 := b1*x1 + b3*x3 + b5*x5 + b7*x7
		t[0][v], t[3][v] = e0+o0, e0-o0
		t[1][v], t[2][v] = e1+o1, e1-o1
	}
	for i := range 4 {
		x := &t[i]
		e0 := a0*x[0] + a2*x[2] + a6*x[6]
		e1 := a0*x[0] + b2*x[2] + b6*x[6]
		o0 := a1*x[1] + a3*x[3] + a5*x[5] + a7*x[7]
		o1 := b1*x[1] + b3*x[3] + b5*x[5] + b7*x[7]
		row := out[i*stride:][:4]
		row[0], row[3] = clampF(e0+o0+128), clampF(e0-o0+128)
		row[1], row[2] = clampF(e1+o1+128), clampF(e1-o1+128)
	}
}

// cellBlock2 is cellBlock for 2 x 2 cells of 4 x 4 samples; m0 is the
// first row of the matrix (the even bases but 0 average to zero over a half).
func cellBlock2(f *[64]float32, cols uint8, m0 *[8]float32, out []byte, stride int) {
	a0, a1, a3, a5, a7 := m0[0], m0[1], m0[3], m0[5], m0[7]
	var t [2][8]float32
	for v := range 8 {
		if cols&(1<<v) == 0 {
			continue
		}
		e := a0 * f[v]
		o := a1*f[8+v] + a3*f[24+v] + a5*f[40+v] + a7*f[56+v]
		t[0][v], t[1][v] = e+o, e-o
	}
	for i := range 2 {
		x := &t[i]
		e := a0 * x[0]
		o := a1*x[1] + a3*x[3] + a5*x[5] + a7*x[7]
		row := out[i*stride:][:2]
		row[0], row[1] = clampF(e+o+128), clampF(e-o+128)
	}
}
