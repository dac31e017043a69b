// Package testimage generates pictures for tests and demos: smooth
// photo-like gradients, PNGs, and JPEGs carrying a small EXIF block, so no
// binary fixture has to be committed.
package testimage

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
)

// Gradient draws a smooth, photo-like test picture; phase varies it.
func Gradient(w, h int, phase float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 128 + 127*math.Sin(6*fx+phase)
			g := 128 + 127*math.Sin(5*fy+phase/2)
			b := 128 + 127*math.Cos(4*(fx+fy)+phase)
			img.Set(x, y, color.RGBA{uint8(r), uint8(g), uint8(b), 255})
		}
	}
	return img
}

func PNG(img image.Image) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// JPEGWithEXIF encodes img and inserts an APP1 EXIF segment with camera
// make, model, orientation and capture time right after the SOI marker.
func JPEGWithEXIF(img image.Image, camMake, model string, orientation uint16) ([]byte, error) {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	tiff := EXIF(camMake, model, orientation, "2026:06:21 05:42:00")
	var out bytes.Buffer
	out.Write(enc.Bytes()[:2]) // SOI
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, binary.BigEndian, uint16(2+6+len(tiff)))
	out.WriteString("Exif\x00\x00")
	out.Write(tiff)
	out.Write(enc.Bytes()[2:])
	return out.Bytes(), nil
}

// EXIF builds a little-endian TIFF structure: IFD0 with Make, Model,
// Orientation and a pointer to an Exif IFD holding DateTimeOriginal.
func EXIF(camMake, model string, orientation uint16, when string) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // ASCII data (placed after the IFDs) or inline value
	}
	ascii := func(s string) []byte { return append([]byte(s), 0) }
	ifd0 := []entry{
		{0x010F, 2, uint32(len(camMake) + 1), ascii(camMake)},
		{0x0110, 2, uint32(len(model) + 1), ascii(model)},
		{0x0112, 3, 1, binary.LittleEndian.AppendUint16(nil, orientation)},
		{0x8769, 4, 1, nil}, // Exif IFD pointer, filled below
	}
	exifIFD := []entry{{0x9003, 2, uint32(len(when) + 1), ascii(when)}}
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	ifd0Off := 8
	exifOff := ifd0Off + ifdSize(len(ifd0))
	dataOff := exifOff + ifdSize(len(exifIFD))
	var data []byte
	write := func(buf []byte, es []entry) []byte {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(len(es)))
		for _, e := range es {
			buf = binary.LittleEndian.AppendUint16(buf, e.tag)
			buf = binary.LittleEndian.AppendUint16(buf, e.typ)
			buf = binary.LittleEndian.AppendUint32(buf, e.count)
			switch {
			case e.tag == 0x8769:
				buf = binary.LittleEndian.AppendUint32(buf, uint32(exifOff))
			case len(e.value) > 4:
				buf = binary.LittleEndian.AppendUint32(buf, uint32(dataOff+len(data)))
				data = append(data, e.value...)
			default:
				v := make([]byte, 4)
				copy(v, e.value)
				buf = append(buf, v...)
			}
		}
		return binary.LittleEndian.AppendUint32(buf, 0)
	}
	buf := []byte{'I', 'I', 42, 0}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(ifd0Off))
	buf = write(buf, ifd0)
	buf = write(buf, exifIFD)
	return append(buf, data...)
}

// OrientationEXIF builds an APP1 EXIF payload (the bytes after "Exif\x00\x00"): big-endian TIFF with IFD0 holding
// the orientation and, when thumb is set, IFD1 pointing at the thumbnail.
func OrientationEXIF(orientation int, thumb []byte) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&t, be, v) }
	w32 := func(v uint32) { binary.Write(&t, be, v) }
	t.WriteString("MM\x00*")
	w32(8)
	// IFD0 at 8: one entry, then the next-IFD offset.
	w16(1)
	w16(0x0112)
	w16(3)
	w32(1)
	w16(uint16(orientation))
	w16(0)
	ifd1 := uint32(8 + 2 + 12 + 4)
	if thumb == nil {
		w32(0)
	} else {
		w32(ifd1)
		// IFD1: JPEGInterchangeFormat and its length.
		w16(2)
		data := ifd1 + 2 + 2*12 + 4
		w16(0x0201)
		w16(4)
		w32(1)
		w32(data)
		w16(0x0202)
		w16(4)
		w32(1)
		w32(uint32(len(thumb)))
		w32(0)
		t.Write(thumb)
	}
	return append([]byte("Exif\x00\x00"), t.Bytes()...)
}
