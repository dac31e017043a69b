// Package exif reads the few EXIF tags damkit uses (orientation, camera make,
// model and lens, capture time, GPS position, description, artist and
// copyright, the embedded JPEG thumbnail, and the XMP and IPTC blocks a TIFF
// carries in IFD0) from untrusted files, with bounded work and memory.
//
// Every IFD entry's count × size is computed in 64 bits and checked against
// the bytes actually present before its value is looked at; values are read
// in place, never copied into slices sized by a count from the file. At most
// [maxIFDs] directories are visited, each once, with at most [MaxEntries]
// entries each, so the work is linear in the input and the memory is a few
// short strings whatever the input says.
package exif

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrNoEXIF means the input holds no readable TIFF header.
var ErrNoEXIF = errors.New("exif: no EXIF data")

// Limits of the parser.
const (
	// MaxEntries bounds the entries of one IFD; a directory claiming more is
	// skipped whole (real files have a few dozen).
	MaxEntries = 1024
	// MaxString bounds the bytes kept of one ASCII value.
	MaxString = 256
	// maxIFDs is the number of directories read: IFD0, IFD1 (thumbnail),
	// the Exif IFD and the GPS IFD.
	maxIFDs = 4
)

// Data is what Parse found. Absent or malformed tags leave their zero value.
type Data struct {
	// Orientation is the TIFF orientation 1..8, or 0 when absent or invalid.
	Orientation int
	// Make and Model are the camera's ASCII strings, at most MaxString bytes,
	// cut at the first NUL. They are not cleaned of control characters; nor
	// are the other strings.
	Make, Model string
	// LensMake and LensModel are the lens's, from the Exif IFD.
	LensMake, LensModel string
	// Description, Artist and Copyright are IFD0's ImageDescription, Artist
	// and Copyright (its photographer part, before the first NUL).
	Description, Artist, Copyright string
	// DateTimeOriginal and DateTime are the raw "YYYY:MM:DD HH:MM:SS" values
	// of the Exif and 0th IFDs; OffsetTimeOriginal is "+HH:MM" when written.
	DateTimeOriginal, DateTime, OffsetTimeOriginal string
	// HasGPS reports that Latitude and Longitude (degrees, south and west
	// negative) were both read and are in range.
	HasGPS              bool
	Latitude, Longitude float64
	// Thumbnail is the JPEG thumbnail of IFD1: a sub-slice of the input
	// (capacity capped at its length), nil when absent, out of bounds or not
	// starting with a JPEG SOI marker.
	Thumbnail []byte
	// XMP and IPTC are IFD0's XMP packet (tag 700) and IPTC-NAA record
	// (tag 33723) as sub-slices of the input (capacity capped at their
	// length), nil when absent or out of bounds. Only TIFF files carry them
	// here; JPEG keeps them in segments of their own.
	XMP, IPTC []byte
}

// CapturedAt returns the capture time: DateTimeOriginal, else DateTime. A
// time without OffsetTimeOriginal is read in loc (UTC when nil).
func (d *Data) CapturedAt(loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	if d.OffsetTimeOriginal != "" {
		if t, err := time.Parse("-07:00", d.OffsetTimeOriginal); err == nil {
			loc = t.Location()
		}
	}
	for _, s := range []string{d.DateTimeOriginal, d.DateTime} {
		if s == "" {
			continue
		}
		if t, err := time.ParseInLocation("2006:01:02 15:04:05", s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Read finds the EXIF block of a JPEG, PNG, WebP or TIFF file and parses it.
func Read(file []byte) (*Data, error) {
	t := Find(file)
	if t == nil {
		return nil, ErrNoEXIF
	}
	return Parse(t)
}

// Parse reads the tags of a TIFF structure ("II*\x00" or "MM\x00*" first),
// or of a JPEG APP1 payload starting "Exif\x00\x00". Offsets in the TIFF
// structure are relative to its first byte.
func Parse(b []byte) (*Data, error) {
	b = bytes.TrimPrefix(b, []byte("Exif\x00\x00"))
	if len(b) < 8 {
		return nil, ErrNoEXIF
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return nil, ErrNoEXIF
	}
	p := parser{b: b, bo: bo}
	d := &Data{}
	var exifIFD, gpsIFD, thumbOff, thumbLen uint32
	var haveThumbOff, haveThumbLen bool
	ifd1 := p.dir(bo.Uint32(b[4:8]), func(e entry) {
		switch e.tag {
		case 0x010F:
			d.Make = p.ascii(e)
		case 0x0110:
			d.Model = p.ascii(e)
		case 0x0112:
			if v, ok := p.uint(e); ok && v >= 1 && v <= 8 {
				d.Orientation = int(v)
			}
		case 0x0132:
			d.DateTime = p.ascii(e)
		case 0x010E:
			d.Description = p.ascii(e)
		case 0x013B:
			d.Artist = p.ascii(e)
		case 0x8298:
			d.Copyright = p.ascii(e)
		case 0x02BC:
			d.XMP = p.bytes(e)
		case 0x83BB:
			d.IPTC = p.bytes(e)
		case 0x8769:
			exifIFD, _ = p.uint(e)
		case 0x8825:
			gpsIFD, _ = p.uint(e)
		}
	})
	p.dir(ifd1, func(e entry) {
		switch e.tag {
		case 0x0201:
			thumbOff, haveThumbOff = p.uint(e)
		case 0x0202:
			thumbLen, haveThumbLen = p.uint(e)
		}
	})
	p.dir(exifIFD, func(e entry) {
		switch e.tag {
		case 0x9003:
			d.DateTimeOriginal = p.ascii(e)
		case 0x9011:
			d.OffsetTimeOriginal = p.ascii(e)
		case 0xA433:
			d.LensMake = p.ascii(e)
		case 0xA434:
			d.LensModel = p.ascii(e)
		// Some phones write the camera's name here instead. Orientation
		// counts only in IFD0, where viewers read it and where renditions
		// reset it.
		case 0x010F:
			d.Make = cmp.Or(d.Make, p.ascii(e))
		case 0x0110:
			d.Model = cmp.Or(d.Model, p.ascii(e))
		}
	})
	var latRef, lonRef string
	var lat, lon float64
	var haveLat, haveLon bool
	p.dir(gpsIFD, func(e entry) {
		switch e.tag {
		case 0x0001:
			latRef = p.ascii(e)
		case 0x0002:
			lat, haveLat = p.degrees(e)
		case 0x0003:
			lonRef = p.ascii(e)
		case 0x0004:
			lon, haveLon = p.degrees(e)
		}
	})
	if haveLat && haveLon && latRef != "" && lonRef != "" {
		if latRef == "S" {
			lat = -lat
		}
		if lonRef == "W" {
			lon = -lon
		}
		if lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			d.HasGPS, d.Latitude, d.Longitude = true, lat, lon
		}
	}
	if haveThumbOff && haveThumbLen && thumbLen >= 2 {
		end := uint64(thumbOff) + uint64(thumbLen)
		if end <= uint64(len(b)) && b[thumbOff] == 0xFF && b[thumbOff+1] == 0xD8 {
			d.Thumbnail = b[thumbOff:end:end]
		}
	}
	return d, nil
}

// typeSizes are the byte sizes of the TIFF field types 1..13; 0 marks a type
// this parser does not know (its entries are skipped).
var typeSizes = [...]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// Field types read by this parser.
const (
	typeASCII    = 2
	typeShort    = 3
	typeLong     = 4
	typeRational = 5
	typeIFD      = 13
)

type entry struct {
	tag, typ uint16
	count    uint32
	field    []byte // the 4-byte value or offset field
}

type parser struct {
	b       []byte
	bo      binary.ByteOrder
	visited [maxIFDs]uint32
	n       int
}

// dir calls visit for each entry of the IFD at off and returns the offset
// of the next IFD (0 when there is none). Offset 0, offsets already visited,
// directories that do not fit in the input or claim more than MaxEntries
// entries, and any directory past the maxIFDs-th are skipped.
func (p *parser) dir(off uint32, visit func(entry)) uint32 {
	if off < 8 || p.n >= maxIFDs {
		return 0
	}
	for _, v := range p.visited[:p.n] {
		if v == off {
			return 0
		}
	}
	p.visited[p.n] = off
	p.n++
	start := uint64(off)
	if start+2 > uint64(len(p.b)) {
		return 0
	}
	n := uint64(p.bo.Uint16(p.b[start:]))
	end := start + 2 + 12*n
	if n > MaxEntries || end > uint64(len(p.b)) {
		return 0
	}
	for i := start + 2; i < end; i += 12 {
		e := p.b[i : i+12]
		visit(entry{tag: p.bo.Uint16(e), typ: p.bo.Uint16(e[2:]), count: p.bo.Uint32(e[4:]), field: e[8:12]})
	}
	if end+4 > uint64(len(p.b)) {
		return 0
	}
	return p.bo.Uint32(p.b[end:])
}

// value returns the bytes of e's value: inline when they fit in 4 bytes,
// else at the offset the entry gives, provided count × size bytes are
// present there. The product is computed in 64 bits, so it cannot wrap.
func (p *parser) value(e entry) ([]byte, bool) {
	if int(e.typ) >= len(typeSizes) || typeSizes[e.typ] == 0 || e.count == 0 {
		return nil, false
	}
	size := typeSizes[e.typ] * uint64(e.count)
	if size <= 4 {
		return e.field[:size], true
	}
	off := uint64(p.bo.Uint32(e.field))
	if off+size > uint64(len(p.b)) {
		return nil, false
	}
	return p.b[off : off+size], true
}

// uint reads the first value of a SHORT, LONG or IFD entry.
func (p *parser) uint(e entry) (uint32, bool) {
	if e.typ != typeShort && e.typ != typeLong && e.typ != typeIFD {
		return 0, false
	}
	v, ok := p.value(e)
	if !ok {
		return 0, false
	}
	if e.typ == typeShort {
		return uint32(p.bo.Uint16(v)), true
	}
	return p.bo.Uint32(v), true
}

// bytes returns the raw value of a BYTE, UNDEFINED or LONG entry (writers
// of XMP and IPTC blocks use all three) as a capped sub-slice of the input,
// or nil.
func (p *parser) bytes(e entry) []byte {
	if e.typ != 1 && e.typ != 7 && e.typ != typeLong {
		return nil
	}
	v, ok := p.value(e)
	if !ok {
		return nil
	}
	return v[:len(v):len(v)]
}

// ascii reads an ASCII entry up to its first NUL, keeping at most MaxString
// bytes; anything else reads as "".
func (p *parser) ascii(e entry) string {
	if e.typ != typeASCII {
		return ""
	}
	v, ok := p.value(e)
	if !ok {
		return ""
	}
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	if len(v) > MaxString {
		v = v[:MaxString]
	}
	return strings.TrimSpace(string(v))
}

// degrees reads a GPS coordinate: up to three RATIONALs (degrees, minutes,
// seconds), or the ASCII forms some phones write ("52,50,34.0118",
// "52.0,50.0,34.0118", or "52,00000,50,00000,34,01180" with commas as
// decimal marks). A zero denominator makes it unreadable.
func (p *parser) degrees(e entry) (float64, bool) {
	if e.typ == typeASCII {
		return degreesString(p.ascii(e))
	}
	if e.typ != typeRational {
		return 0, false
	}
	v, ok := p.value(e)
	if !ok {
		return 0, false
	}
	var deg float64
	scale := 1.0
	for i := 0; i < 3 && 8*i+8 <= len(v); i++ {
		num, den := p.bo.Uint32(v[8*i:]), p.bo.Uint32(v[8*i+4:])
		if den == 0 {
			return 0, false
		}
		deg += float64(num) / float64(den) / scale
		scale *= 60
	}
	return deg, true
}

func degreesString(s string) (float64, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' })
	var dms [3]float64
	switch len(parts) {
	case 6:
		for i := range dms {
			parts[i] = parts[2*i] + "." + parts[2*i+1]
		}
	case 3:
	default:
		return 0, false
	}
	for i := range dms {
		v, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		dms[i] = v
	}
	return dms[0] + math.Copysign(dms[1], dms[0])/60 + math.Copysign(dms[2], dms[0])/3600, true
}
