package rendition

import (
	"context"
	"fmt"
	"image"
	"math/bits"
)

// Progressive JPEGs for the scaled decoder. image/jpeg keeps 32-bit
// coefficients for every block of a progressive image (about 370 MB for a
// 24 MP photo); here each block keeps a bit mask of its non-zero
// coefficients (refinement scans need it) and int16 values only for the
// coefficients the chosen scale reads: one per block at 1/8 size, 25 at 1/4,
// 49 at 1/2.

type progComp struct {
	bw, bh   int // blocks per row and column, padded to whole MCUs
	cw, ch   int // blocks a non-interleaved scan covers
	coef     []int16
	nonZero  []uint64 // bit z: zig-zag coefficient z is non-zero
	dcPred   int32
	td, ta   uint8
	hs, vs   int
	tq       uint8
	id       uint8
	plane    []byte
	planeStr int
}

type progDecoder struct {
	comps  []progComp
	w, h   int
	n      int // output pixels per block side
	slot   [64]int8
	nslots int
	mxx    int
	myy    int
	hmax   int
	vmax   int
	eobRun int
}

func newProgDecoder(comps []scaledComp, w, h, n int) (*progDecoder, error) {
	d := &progDecoder{w: w, h: h, n: n}
	if len(comps) == 1 {
		comps[0].h, comps[0].v = 1, 1
	}
	d.hmax, d.vmax = int(comps[0].h), int(comps[0].v)
	if d.hmax < 1 || d.hmax > 2 || d.vmax < 1 || d.vmax > 2 {
		return nil, errNotScalable
	}
	for _, c := range comps[1:] {
		if c.h != 1 || c.v != 1 {
			return nil, errNotScalable
		}
	}
	mtx := cellMeans[n]
	var needU [8]bool
	for u := range 8 {
		for i := range n {
			needU[u] = needU[u] || mtx[i][u] != 0
		}
	}
	for z := range 64 {
		d.slot[z] = -1
		if pos := unzig[z]; needU[pos/8] && needU[pos%8] {
			d.slot[z] = int8(d.nslots)
			d.nslots++
		}
	}
	d.mxx = (w + 8*d.hmax - 1) / (8 * d.hmax)
	d.myy = (h + 8*d.vmax - 1) / (8 * d.vmax)
	for _, c := range comps {
		pc := progComp{id: c.id, hs: int(c.h), vs: int(c.v), tq: c.tq}
		pc.bw, pc.bh = d.mxx*pc.hs, d.myy*pc.vs
		cw := (w*pc.hs + d.hmax - 1) / d.hmax
		ch := (h*pc.vs + d.vmax - 1) / d.vmax
		pc.cw, pc.ch = (cw+7)/8, (ch+7)/8
		pc.coef = make([]int16, pc.bw*pc.bh*d.nslots)
		pc.nonZero = make([]uint64, pc.bw*pc.bh)
		d.comps = append(d.comps, pc)
	}
	return d, nil
}

// scan decodes one progressive scan and returns the bytes of entropy-coded
// data it used (up to the next marker).
func (d *progDecoder) scan(ctx context.Context, ecs, sos []byte, ri int, dcT, acT *[4]huffTable) (int, error) {
	if len(sos) == 0 {
		return 0, fmt.Errorf("%w: empty SOS", ErrCorrupt)
	}
	ns := int(sos[0])
	if ns < 1 || len(sos) != 4+2*ns {
		return 0, fmt.Errorf("%w: bad SOS", ErrCorrupt)
	}
	ss, se := int(sos[1+2*ns]), int(sos[2+2*ns])
	ah, al := uint(sos[3+2*ns]>>4), uint(sos[3+2*ns]&15)
	if ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && ns != 1) || al > 13 {
		return 0, fmt.Errorf("%w: bad progressive scan parameters", ErrCorrupt)
	}
	var idx []int
	for j := range ns {
		found := -1
		for ci, c := range d.comps {
			if c.id == sos[1+2*j] {
				found = ci
			}
		}
		if found < 0 {
			return 0, fmt.Errorf("%w: unknown scan component", ErrCorrupt)
		}
		c := &d.comps[found]
		c.td, c.ta = sos[2+2*j]>>4, sos[2+2*j]&15
		if c.td > 3 || c.ta > 3 || (ss == 0 && ah == 0 && !dcT[c.td].ok) || (ss > 0 && !acT[c.ta].ok) {
			return 0, fmt.Errorf("%w: missing Huffman table", ErrCorrupt)
		}
		c.dcPred = 0
		idx = append(idx, found)
	}
	br := &bitReader{data: ecs}
	d.eobRun = 0
	mcus := 0
	block := func(c *progComp, bx, by int) error {
		b := by*c.bw + bx
		switch {
		case ss == 0 && ah == 0:
			s, err := br.decode(&dcT[c.td])
			if err != nil {
				return err
			}
			if s > 16 {
				return fmt.Errorf("%w: bad DC size", ErrCorrupt)
			}
			c.dcPred += extend(br.bits(uint(s)), uint(s))
			c.coef[b*d.nslots] = int16(c.dcPred << al)
		case ss == 0:
			if br.bits(1) != 0 {
				c.coef[b*d.nslots] |= 1 << al
			}
		case ah == 0:
			return d.acFirst(br, &acT[c.ta], c, b, ss, se, al)
		default:
			return d.acRefine(br, &acT[c.ta], c, b, ss, se, int32(1)<<al)
		}
		return nil
	}
	restart := func() error {
		if ri > 0 && mcus > 0 && mcus%ri == 0 {
			if err := br.restart(); err != nil {
				return err
			}
			d.eobRun = 0
			for _, ci := range idx {
				d.comps[ci].dcPred = 0
			}
		}
		mcus++
		return nil
	}
	if ns == 1 {
		c := &d.comps[idx[0]]
		for by := 0; by < c.ch; by++ {
			if by%32 == 0 && ctx.Err() != nil {
				return 0, ctx.Err()
			}
			for bx := 0; bx < c.cw; bx++ {
				if err := restart(); err != nil {
					return 0, err
				}
				if err := block(c, bx, by); err != nil {
					return 0, err
				}
			}
		}
	} else {
		for my := 0; my < d.myy; my++ {
			if my%16 == 0 && ctx.Err() != nil {
				return 0, ctx.Err()
			}
			for mx := 0; mx < d.mxx; mx++ {
				if err := restart(); err != nil {
					return 0, err
				}
				for _, ci := range idx {
					c := &d.comps[ci]
					for v := 0; v < c.vs; v++ {
						for h := 0; h < c.hs; h++ {
							if err := block(c, mx*c.hs+h, my*c.vs+v); err != nil {
								return 0, err
							}
						}
					}
				}
			}
		}
	}
	if br.atEnd {
		return 0, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
	}
	return br.pos, nil
}

func (d *progDecoder) set(c *progComp, b, z int, v int32) {
	c.nonZero[b] |= 1 << z
	if s := d.slot[z]; s >= 0 {
		c.coef[b*d.nslots+int(s)] = int16(v)
	}
}

func (d *progDecoder) acFirst(br *bitReader, t *huffTable, c *progComp, b, ss, se int, al uint) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	for z := ss; z <= se; z++ {
		rs, err := br.decode(t)
		if err != nil {
			return err
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r != 15 {
				d.eobRun = 1 << r
				if r > 0 {
					d.eobRun |= int(br.bits(uint(r)))
				}
				d.eobRun--
				return nil
			}
			z += 15
			continue
		}
		z += r
		if z > se {
			return nil
		}
		d.set(c, b, z, extend(br.bits(s), s)<<al)
	}
	return nil
}

// acRefine is the successive-approximation refinement of section G.1.2.3.
func (d *progDecoder) acRefine(br *bitReader, t *huffTable, c *progComp, b, ss, se int, delta int32) error {
	z := ss
	if d.eobRun == 0 {
		for ; z <= se; z++ {
			rs, err := br.decode(t)
			if err != nil {
				return err
			}
			r, s := int(rs>>4), rs&15
			var v int32
			switch s {
			case 0:
				if r != 15 {
					d.eobRun = 1 << r
					if r > 0 {
						d.eobRun |= int(br.bits(uint(r)))
					}
				}
			case 1:
				v = delta
				if br.bits(1) == 0 {
					v = -delta
				}
			default:
				return fmt.Errorf("%w: bad refinement code", ErrCorrupt)
			}
			if d.eobRun > 0 {
				break
			}
			z = d.refineNonZero(br, c, b, z, se, r, delta)
			if z > se {
				return fmt.Errorf("%w: too many coefficients", ErrCorrupt)
			}
			if v != 0 {
				d.set(c, b, z, v)
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		d.refineNonZero(br, c, b, z, se, -1, delta)
	}
	return nil
}

// refineNonZero reads correction bits for the non-zero coefficients from z
// on, skipping zeroRun zero coefficients (-1: all of them); it returns the
// position of the zero coefficient after the run.
func (d *progDecoder) refineNonZero(br *bitReader, c *progComp, b, z, se, zeroRun int, delta int32) int {
	for ; z <= se; z++ {
		if c.nonZero[b]&(1<<z) == 0 {
			if zeroRun == 0 {
				break
			}
			zeroRun--
			continue
		}
		if br.bits(1) == 0 {
			continue
		}
		if s := d.slot[z]; s >= 0 {
			p := &c.coef[b*d.nslots+int(s)]
			if *p >= 0 {
				*p += int16(delta)
			} else {
				*p -= int16(delta)
			}
		}
	}
	return z
}

// image turns the coefficients into n x n cell means per block.
func (d *progDecoder) image(quant *[4][64]float32) image.Image {
	n := d.n
	mtx := cellMeans[n]
	var f [64]float32
	for ci := range d.comps {
		c := &d.comps[ci]
		c.planeStr = c.bw * n
		c.plane = make([]byte, c.planeStr*c.bh*n)
		q := &quant[c.tq]
		for b := 0; b < c.bw*c.bh; b++ {
			coefs := c.coef[b*d.nslots : (b+1)*d.nslots]
			rows, cols := uint8(1), uint8(1)
			f[0] = float32(coefs[0]) * q[0]
			for m := c.nonZero[b] &^ 1; m != 0; m &= m - 1 {
				z := bits.TrailingZeros64(m)
				if s := d.slot[z]; s >= 0 {
					pos := unzig[z]
					f[pos] = float32(coefs[s]) * q[z]
					rows |= 1 << (pos / 8)
					cols |= 1 << (pos % 8)
				}
			}
			x0, y0 := (b%c.bw)*n, (b/c.bw)*n
			out := c.plane[y0*c.planeStr+x0:]
			if n == 1 {
				out[0] = clampF(f[0]*mtx[0][0]*mtx[0][0] + 128)
			} else {
				cellBlock(&f, rows, cols, mtx, out, c.planeStr)
			}
			for m := c.nonZero[b] &^ 1; m != 0; m &= m - 1 {
				f[unzig[bits.TrailingZeros64(m)]] = 0
			}
		}
		c.coef, c.nonZero = nil, nil
	}
	rect := image.Rect(0, 0, (d.w*n+7)/8, (d.h*n+7)/8)
	if len(d.comps) == 1 {
		return &image.Gray{Pix: d.comps[0].plane, Stride: d.comps[0].planeStr, Rect: rect}
	}
	ratio := image.YCbCrSubsampleRatio444
	switch {
	case d.hmax == 2 && d.vmax == 2:
		ratio = image.YCbCrSubsampleRatio420
	case d.hmax == 2:
		ratio = image.YCbCrSubsampleRatio422
	case d.vmax == 2:
		ratio = image.YCbCrSubsampleRatio440
	}
	return &image.YCbCr{Y: d.comps[0].plane, Cb: d.comps[1].plane, Cr: d.comps[2].plane,
		YStride: d.comps[0].planeStr, CStride: d.comps[1].planeStr, SubsampleRatio: ratio, Rect: rect}
}
