package rendition

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
)

// MaxDPI is the highest resolution a profile may state (Profile.DPI):
// above what print needs, below the JFIF density field's limit.
const MaxDPI = 4800

// carriesDPI reports whether format f has a place for a resolution: JPEG
// (the JFIF density), PNG (pHYs) and TIFF (XResolution, YResolution).
// WebP and GIF have none; video neither.
func carriesDPI(f Format) bool {
	return f == FormatJPEG || f == FormatPNG || f == FormatTIFF || f == FormatSource
}

// withDPI writes dpi (dots per inch, > 0) into an encoded JPEG, PNG or
// TIFF; other formats come back unchanged.
func withDPI(enc []byte, f Format, dpi int) []byte {
	if dpi <= 0 {
		return enc
	}
	switch f {
	case FormatJPEG:
		return jpegWithDPI(enc, dpi)
	case FormatPNG:
		return pngWithDPI(enc, dpi)
	case FormatTIFF:
		tiffSetDPI(enc, dpi)
	}
	return enc
}

// jpegWithDPI inserts a JFIF APP0 segment (version 1.02, units dots per
// inch) right after SOI, where JFIF wants it. Go's encoder writes none.
func jpegWithDPI(enc []byte, dpi int) []byte {
	if len(enc) < 2 {
		return enc
	}
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(app0[12:], uint16(dpi))
	binary.BigEndian.PutUint16(app0[14:], uint16(dpi))
	out := make([]byte, 0, len(enc)+len(app0))
	out = append(out, enc[:2]...)
	out = append(out, app0...)
	return append(out, enc[2:]...)
}

// pngWithDPI inserts a pHYs chunk (pixels per metre) after IHDR.
func pngWithDPI(enc []byte, dpi int) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	if len(enc) < ihdrEnd {
		return enc
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk, 9)
	copy(chunk[4:], "pHYs")
	binary.BigEndian.PutUint32(chunk[8:], ppm)
	binary.BigEndian.PutUint32(chunk[12:], ppm)
	chunk[16] = 1 // the unit is the metre
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	out := make([]byte, 0, len(enc)+len(chunk))
	out = append(out, enc[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, enc[ihdrEnd:]...)
}

// tiffSetDPI rewrites the XResolution and YResolution rationals of the
// first IFD in place (x/image/tiff writes 72/1 with the unit inch).
func tiffSetDPI(enc []byte, dpi int) {
	bo, ifd, n, ok := tiffIFD0(enc)
	if !ok {
		return
	}
	for i := 0; i < n; i++ {
		e := enc[ifd+2+12*i:]
		tag, typ := bo.Uint16(e), bo.Uint16(e[2:])
		if (tag != 282 && tag != 283) || typ != 5 || bo.Uint32(e[4:]) != 1 {
			continue
		}
		if off := uint64(bo.Uint32(e[8:])); off+8 <= uint64(len(enc)) {
			bo.PutUint32(enc[off:], uint32(dpi))
			bo.PutUint32(enc[off+4:], 1)
		}
	}
}

// tiffIFD0 finds the first IFD of a TIFF: its byte order, offset and entry
// count, all entries inside b.
func tiffIFD0(b []byte) (binary.ByteOrder, int, int, bool) {
	if len(b) < 8 {
		return nil, 0, 0, false
	}
	var bo binary.ByteOrder
	switch {
	case bytes.HasPrefix(b, []byte("II*\x00")):
		bo = binary.LittleEndian
	case bytes.HasPrefix(b, []byte("MM\x00*")):
		bo = binary.BigEndian
	default:
		return nil, 0, 0, false
	}
	ifd := uint64(bo.Uint32(b[4:]))
	if ifd < 8 || ifd+2 > uint64(len(b)) {
		return nil, 0, 0, false
	}
	n := uint64(bo.Uint16(b[ifd:]))
	if ifd+2+12*n > uint64(len(b)) {
		return nil, 0, 0, false
	}
	return bo, int(ifd), int(n), true
}

// DPI reads the horizontal resolution, in dots per inch rounded to whole
// dots, that an encoded JPEG (JFIF APP0), PNG (pHYs) or TIFF (XResolution
// with ResolutionUnit inch or centimetre) states; 0 when it states none or
// only an aspect ratio. It reads headers only.
func DPI(data []byte) int {
	switch {
	case len(data) > 2 && data[0] == 0xFF && data[1] == 0xD8:
		return jpegDPI(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return pngDPI(data)
	default:
		return tiffDPI(data)
	}
}

func jpegDPI(b []byte) int {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(b) {
			return 0
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE0 && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("JFIF\x00")) {
			x := int(binary.BigEndian.Uint16(seg[8:]))
			switch seg[7] {
			case 1:
				return x
			case 2:
				return int(math.Round(float64(x) * 2.54))
			}
			return 0
		}
		i += 2 + n
	}
	return 0
}

func pngDPI(b []byte) int {
	for i := 8; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || n > len(b)-i-12 || typ == "IDAT" {
			return 0
		}
		if typ == "pHYs" && n == 9 && b[i+16] == 1 {
			return int(math.Round(float64(binary.BigEndian.Uint32(b[i+8:])) * 0.0254))
		}
		i += 12 + n
	}
	return 0
}

func tiffDPI(b []byte) int {
	bo, ifd, n, ok := tiffIFD0(b)
	if !ok {
		return 0
	}
	var x float64
	unit := 2 // inch, the default
	for i := 0; i < n; i++ {
		e := b[ifd+2+12*i:]
		switch bo.Uint16(e) {
		case 282:
			if off := uint64(bo.Uint32(e[8:])); bo.Uint16(e[2:]) == 5 && off+8 <= uint64(len(b)) {
				if d := bo.Uint32(b[off+4:]); d != 0 {
					x = float64(bo.Uint32(b[off:])) / float64(d)
				}
			}
		case 296:
			unit = int(bo.Uint16(e[8:]))
		}
	}
	switch unit {
	case 2:
		return int(math.Round(x))
	case 3:
		return int(math.Round(x * 2.54))
	}
	return 0
}
