package rendition

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/tiff"
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

var mediaTypes = map[Format]string{FormatJPEG: "image/jpeg", FormatPNG: "image/png", FormatGIF: "image/gif",
	FormatWebP: "image/webp", FormatTIFF: "image/tiff", FormatMP4: "video/mp4", FormatWebM: "video/webm"}

// MediaType is the media type of renditions in format f ("" for
// FormatSource, whose type depends on the source).
func (f Format) MediaType() string { return mediaTypes[f] }

// metadata is what a rendition carries over from the original.
type metadata struct {
	exif       []byte   // APP1 payload starting "Exif\x00\x00" (KeepMetadata)
	icc        [][]byte // APP2 ICC_PROFILE payloads (KeepMetadata)
	keepGPS    bool     // with exif: its GPS IFD stays
	xmp        []byte   // the rights as an XMP packet
	rightsEXIF []byte   // the rights as an APP1 EXIF payload, when exif is not kept
}

// forProfile returns what a rendition in p carries: nothing with
// StripMetadata; the rights, with KeepMetadata also the EXIF (its own
// Artist and Copyright then, not the rights') and ICC profile; nil when
// that is nothing.
func (md *metadata) forProfile(p Profile) *metadata {
	if md == nil || p.StripMetadata {
		return nil
	}
	out := &metadata{xmp: md.xmp}
	if p.KeepMetadata {
		out.exif, out.icc, out.keepGPS = md.exif, md.icc, p.KeepGPS
	}
	if out.exif == nil {
		out.rightsEXIF = md.rightsEXIF
	}
	if out.exif == nil && out.icc == nil && out.xmp == nil && out.rightsEXIF == nil {
		return nil
	}
	return out
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
	case FormatWebP:
		if err := encodeWebP(&buf, img, quality); err != nil {
			return nil, err
		}
	case FormatTIFF:
		if m, ok := img.(*image.YCbCr); ok {
			img = toRGBA(m)
		}
		if err := tiff.Encode(&buf, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: the builtin engine does not write %s", ErrUnsupported, f)
	}
	return buf.Bytes(), nil
}

// exifOut is the APP1 EXIF payload a rendition carries: the original's,
// upright, else the rights'; nil for none.
func (md *metadata) exifOut() []byte {
	if md.exif != nil {
		if x := uprightEXIF(md.exif, md.keepGPS); x != nil {
			return x
		}
	}
	return md.rightsEXIF
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
	if x := md.exifOut(); x != nil {
		seg(0xE1, x)
	}
	if md.xmp != nil {
		seg(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), md.xmp...))
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
	if x := md.exifOut(); len(x) > 6 {
		chunk("eXIf", x[6:])
	}
	if md.xmp != nil {
		chunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), md.xmp...))
	}
	out.Write(enc[ihdrEnd:])
	return out.Bytes()
}

// uprightEXIF returns a copy of an APP1 EXIF payload with the orientation
// entry rewritten as SHORT 1 (whatever type and count it had: the reader
// accepts LONG too, so the pixels were turned), the link to IFD1 (the
// thumbnail) cut and, unless keepGPS, the GPS IFD removed (see dropGPS).
// Unparseable blocks are returned unchanged, but for GPS: a block whose
// IFD0 cannot be walked is dropped whole (nil) rather than risk carrying a
// position.
func uprightEXIF(app1 []byte, keepGPS bool) []byte {
	out := append([]byte(nil), app1...)
	unchanged := func() []byte {
		if keepGPS {
			return out
		}
		return nil
	}
	if len(out) < 6+8 || !bytes.HasPrefix(out, []byte("Exif\x00\x00")) {
		return unchanged()
	}
	t := out[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return unchanged()
	}
	ifd := int(bo.Uint32(t[4:8]))
	if ifd < 8 || ifd+2 > len(t) {
		return unchanged()
	}
	n := int(bo.Uint16(t[ifd:]))
	end := ifd + 2 + 12*n
	if end > len(t) {
		return unchanged()
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
	if !keepGPS {
		end = dropGPS(t, bo, ifd, n)
	}
	if end+4 <= len(t) { // the link to IFD1; a reader takes a missing one as none
		bo.PutUint32(t[end:], 0)
	}
	return out
}

// dropGPS removes the GPS IFD pointer (tag 0x8825) from IFD0 of the TIFF
// structure t (n entries at ifd, all inside t) by moving the later entries
// up, and zeroes the bytes of the GPS IFD and of its entries' values, so
// the position is neither linked nor left in the bytes. It returns IFD0's
// new end; the caller writes the next-IFD link there.
func dropGPS(t []byte, bo binary.ByteOrder, ifd, n int) int {
	for i := 0; i < n; i++ {
		e := t[ifd+2+12*i : ifd+2+12*i+12]
		if bo.Uint16(e) != 0x8825 {
			continue
		}
		zeroIFD(t, bo, uint64(bo.Uint32(e[8:])))
		copy(t[ifd+2+12*i:], t[ifd+2+12*(i+1):ifd+2+12*n])
		n--
		clear(t[ifd+2+12*n : ifd+2+12*n+12])
		bo.PutUint16(t[ifd:], uint16(n))
		i--
	}
	return ifd + 2 + 12*n
}

// zeroIFD zeroes an IFD at off and the out-of-line values of its entries,
// each only when it lies wholly inside t.
func zeroIFD(t []byte, bo binary.ByteOrder, off uint64) {
	if off < 8 || off+2 > uint64(len(t)) {
		return
	}
	n := uint64(bo.Uint16(t[off:]))
	end := off + 2 + 12*n
	if end > uint64(len(t)) {
		return
	}
	for i := off + 2; i < end; i += 12 {
		e := t[i : i+12]
		typ := uint64(bo.Uint16(e[2:]))
		if size := tiffTypeSize(typ) * uint64(bo.Uint32(e[4:])); size > 4 {
			if v := uint64(bo.Uint32(e[8:])); v+size <= uint64(len(t)) {
				clear(t[v : v+size])
			}
		}
	}
	clear(t[off:min(end+4, uint64(len(t)))])
}

// tiffTypeSize is the byte size of a TIFF field type (0 when unknown).
func tiffTypeSize(typ uint64) uint64 {
	switch typ {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12:
		return 8
	}
	return 0
}
