package testimage

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Tag is one TIFF IFD entry for [TIFF]: values over 4 bytes are laid out
// after the directories.
type Tag struct {
	Tag, Type uint16
	Count     uint32
	Value     []byte
}

// ASCII is a NUL-terminated ASCII tag.
func ASCII(tag uint16, s string) Tag {
	return Tag{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

// Undefined is a tag of type UNDEFINED (7) holding b.
func Undefined(tag uint16, b []byte) Tag { return Tag{tag, 7, uint32(len(b)), b} }

// Rationals is a RATIONAL tag of the given numerator/denominator pairs.
func Rationals(tag uint16, v ...[2]uint32) Tag {
	var b []byte
	for _, r := range v {
		b = binary.LittleEndian.AppendUint32(b, r[0])
		b = binary.LittleEndian.AppendUint32(b, r[1])
	}
	return Tag{tag, 5, uint32(len(v)), b}
}

// TIFF lays out a little-endian TIFF structure: IFD0 with the given tags,
// and, when not empty, an Exif IFD and a GPS IFD that IFD0 points to.
func TIFF(ifd0, exifIFD, gpsIFD []Tag) []byte {
	le := binary.LittleEndian
	dirs := [][]Tag{append([]Tag(nil), ifd0...)}
	if len(exifIFD) > 0 {
		dirs[0] = append(dirs[0], Tag{0x8769, 4, 1, nil})
		dirs = append(dirs, exifIFD)
	}
	if len(gpsIFD) > 0 {
		dirs[0] = append(dirs[0], Tag{0x8825, 4, 1, nil})
		dirs = append(dirs, gpsIFD)
	}
	offs := make([]int, len(dirs))
	off := 8
	for i, d := range dirs {
		offs[i] = off
		off += 2 + 12*len(d) + 4
	}
	dataOff := off
	var data []byte
	buf := []byte("II*\x00")
	buf = le.AppendUint32(buf, 8)
	for _, d := range dirs {
		buf = le.AppendUint16(buf, uint16(len(d)))
		for _, e := range d {
			buf = le.AppendUint16(buf, e.Tag)
			buf = le.AppendUint16(buf, e.Type)
			buf = le.AppendUint32(buf, e.Count)
			switch {
			case e.Tag == 0x8769:
				buf = le.AppendUint32(buf, uint32(offs[1]))
			case e.Tag == 0x8825:
				buf = le.AppendUint32(buf, uint32(offs[len(offs)-1]))
			case len(e.Value) > 4:
				buf = le.AppendUint32(buf, uint32(dataOff+len(data)))
				data = append(data, e.Value...)
				if len(data)%2 == 1 {
					data = append(data, 0)
				}
			default:
				v := make([]byte, 4)
				copy(v, e.Value)
				buf = append(buf, v...)
			}
		}
		buf = le.AppendUint32(buf, 0)
	}
	return append(buf, data...)
}

// Segment is a JPEG marker segment for [WithSegments].
type Segment struct {
	Marker  byte // 0xE1 for APP1, 0xED for APP13
	Payload []byte
}

// WithSegments returns a JPEG with the segments inserted right after its
// SOI marker.
func WithSegments(jpg []byte, segs ...Segment) []byte {
	var out bytes.Buffer
	out.Write(jpg[:2])
	for _, s := range segs {
		out.Write([]byte{0xFF, s.Marker})
		_ = binary.Write(&out, binary.BigEndian, uint16(2+len(s.Payload)))
		out.Write(s.Payload)
	}
	out.Write(jpg[2:])
	return out.Bytes()
}

// EXIFSegment is the APP1 segment of a TIFF structure.
func EXIFSegment(tiff []byte) Segment {
	return Segment{0xE1, append([]byte("Exif\x00\x00"), tiff...)}
}

// XMPSegment is the APP1 segment of an XMP packet.
func XMPSegment(packet []byte) Segment {
	return Segment{0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), packet...)}
}

// IPTCSegment is the APP13 segment of an IPTC-IIM record, wrapped as
// Photoshop writes it: "Photoshop 3.0", one 8BIM resource 0x0404.
func IPTCSegment(iim []byte) Segment {
	return Segment{0xED, Photoshop(0x0404, iim)}
}

// Photoshop is an APP13 payload holding one image resource.
func Photoshop(id uint16, data []byte) []byte {
	b := []byte("Photoshop 3.0\x008BIM")
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0, 0) // empty Pascal name, padded to even
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// Dataset is one IPTC-IIM dataset for [IIM].
type Dataset struct {
	Record, Number byte
	Value          string
}

// IIM encodes IPTC-IIM datasets, with the UTF-8 coded character set
// (1:90) first when utf8 is set.
func IIM(utf8 bool, ds ...Dataset) []byte {
	if utf8 {
		ds = append([]Dataset{{1, 90, "\x1b%G"}}, ds...)
	}
	var b []byte
	for _, d := range ds {
		b = append(b, 0x1C, d.Record, d.Number)
		b = binary.BigEndian.AppendUint16(b, uint16(len(d.Value)))
		b = append(b, d.Value...)
	}
	return b
}

// WithChunk returns a PNG with a chunk inserted after IHDR.
func WithChunk(png []byte, typ string, data []byte) []byte {
	const ihdrEnd = 8 + 12 + 13
	var c []byte
	c = binary.BigEndian.AppendUint32(c, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	out := append([]byte(nil), png[:ihdrEnd]...)
	out = append(out, c...)
	return append(out, png[ihdrEnd:]...)
}

// XMPChunk is the iTXt chunk data of an uncompressed XMP packet.
func XMPChunk(packet []byte) []byte {
	return append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), packet...)
}

// ExtendedXMPSegments are the APP1 segments of an extended XMP packet
// with this GUID, cut into pieces of at most size bytes (Adobe's layout:
// the GUID, the full length and the piece's offset, big-endian).
func ExtendedXMPSegments(guid string, packet []byte, size int) []Segment {
	var segs []Segment
	for off := 0; off < len(packet); off += size {
		end := min(off+size, len(packet))
		p := append([]byte("http://ns.adobe.com/xmp/extension/\x00"), guid...)
		p = binary.BigEndian.AppendUint32(p, uint32(len(packet)))
		p = binary.BigEndian.AppendUint32(p, uint32(off))
		segs = append(segs, Segment{0xE1, append(p, packet[off:end]...)})
	}
	return segs
}
