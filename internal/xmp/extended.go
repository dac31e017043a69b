package xmp

import (
	"bytes"
	"encoding/binary"
	"maps"
	"slices"

	"github.com/damkit/damkit/internal/imagefile"
)

// nsNote is the namespace of xmpNote:HasExtendedXMP, the GUID of the
// extended packet a JPEG's main packet announces.
const nsNote = "http://ns.adobe.com/xmp/note/"

// extensionSig starts the APP1 segments of extended XMP.
var extensionSig = []byte("http://ns.adobe.com/xmp/extension/\x00")

// maxExtensionChunks bounds the segments one extended packet is read from
// (a full MaxPacket needs 9 of 65,000 bytes).
const maxExtensionChunks = 64

// ExtendedGUID returns the GUID of the extended packet d announces
// (xmpNote:HasExtendedXMP: 32 hexadecimal digits), or "".
func (d *Data) ExtendedGUID() string {
	if d == nil {
		return ""
	}
	g := d.Get("xmpNote:HasExtendedXMP")
	if len(g) != 32 {
		return ""
	}
	for _, c := range []byte(g) {
		if (c < '0' || c > '9') && (c < 'A' || c > 'F') && (c < 'a' || c > 'f') {
			return ""
		}
	}
	return g
}

// FindExtended assembles the extended XMP packet of a JPEG: the APP1
// segments "http://ns.adobe.com/xmp/extension/" carrying guid, each with
// the packet's full length and the offset of its piece (Adobe's XMP
// specification, part 3, 1.1.3.1). Nil unless the pieces agree on a length
// of at most MaxPacket bytes, stay inside it, do not overlap and cover it
// all; at most 64 pieces are read. The one allocation is the packet's
// length, checked first.
func FindExtended(file []byte, guid string) []byte {
	if len(guid) != 32 || !imagefile.IsJPEG(file) {
		return nil
	}
	type piece struct{ off, end uint32 }
	var (
		buf    []byte
		total  uint32
		pieces []piece
	)
	for m, payload := range imagefile.JPEGSegments(file) {
		p, ok := bytes.CutPrefix(payload, extensionSig)
		if m != 0xE1 || !ok || len(p) < 40 || string(p[:32]) != guid {
			continue
		}
		full, off, data := binary.BigEndian.Uint32(p[32:]), binary.BigEndian.Uint32(p[36:]), p[40:]
		if full == 0 || full > MaxPacket || buf != nil && full != total || len(pieces) >= maxExtensionChunks {
			return nil
		}
		if uint64(off)+uint64(len(data)) > uint64(full) {
			return nil
		}
		if buf == nil {
			total, buf = full, make([]byte, full)
		}
		copy(buf[off:], data)
		pieces = append(pieces, piece{off, off + uint32(len(data))})
	}
	if buf == nil {
		return nil
	}
	slices.SortFunc(pieces, func(a, b piece) int { return int(a.off) - int(b.off) })
	next := uint32(0)
	for _, p := range pieces {
		if p.off != next { // a gap or an overlap
			return nil
		}
		next = p.end
	}
	if next != total {
		return nil
	}
	return buf
}

// Merge adds to d the properties of ext that d does not have (the main
// packet wins), within MaxProperties.
func (d *Data) Merge(ext *Data) {
	if ext == nil {
		return
	}
	if d.Raw == nil {
		d.Raw = map[string][]string{}
	}
	for _, k := range slices.Sorted(maps.Keys(ext.Raw)) {
		if _, ok := d.Raw[k]; ok {
			continue
		}
		if len(d.Raw) >= MaxProperties {
			return
		}
		d.Raw[k] = ext.Raw[k]
	}
}
