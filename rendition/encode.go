package rendition

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// outputFormat resolves FormatSource against the source format.
func outputFormat(f Format, srcFormat string, lossyOpaque bool) Format {
	if f != FormatSource && f != "" {
		return f
	}
	switch srcFormat {
	case "jpeg":
		return FormatJPEG
	case "gif":
		return FormatGIF
	case "webp":
		if lossyOpaque {
			return FormatJPEG
		}
	}
	return FormatPNG
}

var mediaTypes = map[Format]string{FormatJPEG: "image/jpeg", FormatPNG: "image/png", FormatGIF: "image/gif"}

// metadata is what KeepMetadata carries over from the original.
type metadata struct {
	exif []byte   // APP1 payload starting "Exif\x00\x00"
	icc  [][]byte // APP2 ICC_PROFILE payloads
}

// encode writes img in format f. Metadata, when kept, goes into JPEG APP1
// and APP2 segments or PNG eXIf and iCCP chunks; GIF carries none.
func encode(img image.Image, f Format, quality int, md *metadata) ([]byte, error) {
	b := img.Bounds()
	var buf bytes.Buffer
	buf.Grow(b.Dx()*b.Dy()/4 + 4096)
	switch f {
	case FormatJPEG:
		if m, ok := img.(*image.RGBA); ok {
			flatten(m)
		}
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
			return nil, err
		}
		if md != nil {
			return withJPEGMetadata(buf.Bytes(), md), nil
		}
	case FormatPNG:
		if m, ok := img.(*image.YCbCr); ok {
			img = toRGBA(m)
		}
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
		if md != nil {
			return withPNGMetadata(buf.Bytes(), md), nil
		}
	case FormatGIF:
		if m, ok := img.(*image.YCbCr); ok {
			img = toRGBA(m)
		}
		if err := gif.Encode(&buf, img, &gif.Options{NumColors: 256}); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// withJPEGMetadata inserts the EXIF (orientation reset to 1, thumbnail
// dropped, since the output is upright and the thumbnail would be stale) and
// ICC segments after SOI.
func withJPEGMetadata(enc []byte, md *metadata) []byte {
	var out bytes.Buffer
	out.Grow(len(enc) + len(md.exif) + 4096)
	out.Write(enc[:2])
	seg := func(marker byte, payload []byte) {
		if len(payload)+2 > 0xFFFF {
			return
		}
		out.Write([]byte{0xFF, marker, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)})
		out.Write(payload)
	}
	if md.exif != nil {
		seg(0xE1, uprightEXIF(md.exif))
	}
	for _, icc := range md.icc {
		seg(0xE2, icc)
	}
	out.Write(enc[2:])
	return out.Bytes()
}

// withPNGMetadata inserts eXIf and iCCP chunks after IHDR.
func withPNGMetadata(enc []byte, md *metadata) []byte {
	const ihdrEnd = 8 + 8 + 13 + 4
	if len(enc) < ihdrEnd {
		return enc
	}
	var out bytes.Buffer
	out.Write(enc[:ihdrEnd])
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], crc.Sum32())
		out.Write(n[:])
	}
	if len(md.icc) > 0 {
		var profile []byte
		for _, seg := range md.icc {
			if len(seg) > 14 {
				profile = append(profile, seg[14:]...)
			}
		}
		var z bytes.Buffer
		z.WriteString("ICC Profile\x00\x00")
		zw := zlib.NewWriter(&z)
		zw.Write(profile)
		zw.Close()
		chunk("iCCP", z.Bytes())
	}
	if len(md.exif) > 6 {
		chunk("eXIf", uprightEXIF(md.exif)[6:])
	}
	out.Write(enc[ihdrEnd:])
	return out.Bytes()
}

// uprightEXIF returns a copy of an APP1 EXIF payload with the orientation
// entry rewritten as SHORT 1 (whatever type and count it had: the reader
// accepts LONG too, so the pixels were turned) and the link to IFD1 (the
// thumbnail) cut. Unparseable blocks are returned unchanged.
func uprightEXIF(app1 []byte) []byte {
	out := append([]byte(nil), app1...)
	if len(out) < 6+8 || !bytes.HasPrefix(out, []byte("Exif\x00\x00")) {
		return out
	}
	t := out[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return out
	}
	ifd := int(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > len(t) {
		return out
	}
	n := int(bo.Uint16(t[ifd:]))
	end := ifd + 2 + 12*n
	if end > len(t) {
		return out
	}
	for i := 0; i < n; i++ {
		e := t[ifd+2+12*i:]
		if bo.Uint16(e) == 0x0112 { // Orientation: SHORT 1, whatever it said
			bo.PutUint16(e[2:], 3)
			bo.PutUint32(e[4:], 1)
			bo.PutUint16(e[8:], 1)
			bo.PutUint16(e[10:], 0)
		}
	}
	if end+4 <= len(t) { // the link to IFD1; a reader takes a missing one as none
		bo.PutUint32(t[end:], 0)
	}
	return out
}
