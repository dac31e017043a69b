// Package iptc reads the IPTC-IIM application record (the "IPTC" panel of
// photo tools: object name, caption, keywords, by-line, copyright notice,
// credit, source, creation date) from untrusted files, with bounded work and
// memory.
//
// No Go library was taken for this: the IIM record format is a flat list of
// datasets, each a 5-byte header (0x1C, record, dataset, 16-bit length) and
// its bytes, and the Photoshop resource block that wraps it in JPEG APP13 is
// as simple; the libraries that read it (dsoprea's go-jpeg-image-structure
// with go-iptc, the IPTC part of trimmer.io/go-xmp) bring a JPEG writer or a
// whole metadata model, copy every value, and set no limits we could rely
// on. Here every length is checked against the bytes present before use,
// at most [MaxDatasets] datasets are read, values are cut at [MaxValue]
// bytes, and only the datasets of record 2 are kept, so one call costs a
// few times the input's size at most.
package iptc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/internal/imagefile"
)

// ErrNoIPTC means the input holds no IIM datasets.
var ErrNoIPTC = errors.New("iptc: no IPTC-IIM data")

// Limits of the parser.
const (
	// MaxInput bounds the bytes of a record read; the rest is ignored.
	MaxInput = 1 << 20
	// MaxDatasets bounds the datasets read (real files have a few dozen).
	MaxDatasets = 1024
	// MaxValue bounds the bytes kept of one value (IIM's longest, the
	// caption, is 2000).
	MaxValue = 4096
	// MaxValues bounds the values kept of one repeatable dataset.
	MaxValues = 256
)

// Data is what Parse found in record 2. Text is UTF-8: values of a record
// that declares UTF-8 (1:90), or that is valid UTF-8, are kept as they
// are; others are read as ISO 8859-1, what most older writers meant.
type Data struct {
	ObjectName string   // 2:05, the title
	Headline   string   // 2:105
	Caption    string   // 2:120
	Keywords   []string // 2:25
	Byline     []string // 2:80, the creators
	Copyright  string   // 2:116
	Credit     string   // 2:110
	Source     string   // 2:115
	// Instructions (2:40) is where some tools put usage terms.
	Instructions string
	DateCreated  string // 2:55, CCYYMMDD
	TimeCreated  string // 2:60, HHMMSS±HHMM
	City         string // 2:90
	Country      string // 2:101
	// Raw holds every text dataset of record 2 as found, keyed by its IIM
	// name ("Caption-Abstract") or, when unknown, "2:NNN".
	Raw map[string][]string
}

// CreatedAt returns the creation time of the content: DateCreated with
// TimeCreated when given (UTC when it has no offset, midnight when absent).
func (d *Data) CreatedAt() (time.Time, bool) {
	if len(d.DateCreated) != 8 {
		return time.Time{}, false
	}
	day, err := time.Parse("20060102", d.DateCreated)
	if err != nil {
		return time.Time{}, false
	}
	for _, layout := range []string{"150405-0700", "150405"} {
		if t, err := time.Parse(layout, d.TimeCreated); err == nil {
			return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), t.Second(), 0, t.Location()), true
		}
	}
	return day, true
}

// names are the IIM names of the record-2 datasets kept by name.
var names = map[byte]string{
	5: "ObjectName", 7: "EditStatus", 10: "Urgency", 12: "SubjectReference", 15: "Category",
	20: "SupplementalCategories", 22: "FixtureIdentifier", 25: "Keywords", 26: "ContentLocationCode",
	27: "ContentLocationName", 30: "ReleaseDate", 35: "ReleaseTime", 37: "ExpirationDate",
	38: "ExpirationTime", 40: "SpecialInstructions", 45: "ReferenceService", 55: "DateCreated",
	60: "TimeCreated", 62: "DigitalCreationDate", 63: "DigitalCreationTime", 65: "OriginatingProgram",
	70: "ProgramVersion", 75: "ObjectCycle", 80: "By-line", 85: "By-lineTitle", 90: "City",
	92: "Sub-location", 95: "Province-State", 100: "Country-PrimaryLocationCode",
	101: "Country-PrimaryLocationName", 103: "OriginalTransmissionReference", 105: "Headline",
	110: "Credit", 115: "Source", 116: "CopyrightNotice", 118: "Contact", 120: "Caption-Abstract",
	122: "Writer-Editor", 135: "LanguageIdentifier",
}

// Find returns the IIM record of a file: the Photoshop resource 0x0404 of
// a JPEG's APP13 segment, as a sub-slice of file, or nil. (A TIFF keeps it
// in IFD0 tag 33723, which internal/exif returns.)
func Find(file []byte) []byte {
	for m, payload := range imagefile.JPEGSegments(file) {
		if m == 0xED {
			if b := FromPhotoshop(payload); b != nil {
				return b
			}
		}
	}
	return nil
}

// FromPhotoshop returns the IPTC-IIM resource (ID 0x0404) of a Photoshop
// APP13 payload ("Photoshop 3.0\x00" and its 8BIM image resource blocks)
// as a sub-slice, or nil.
func FromPhotoshop(b []byte) []byte {
	b, ok := bytes.CutPrefix(b, []byte("Photoshop 3.0\x00"))
	if !ok {
		return nil
	}
	i := uint64(0)
	for i+12 <= uint64(len(b)) {
		sig := b[i : i+4]
		if !bytes.Equal(sig, []byte("8BIM")) && !bytes.Equal(sig, []byte("PHUT")) &&
			!bytes.Equal(sig, []byte("AgHg")) && !bytes.Equal(sig, []byte("DCSR")) {
			return nil
		}
		id := binary.BigEndian.Uint16(b[i+4:])
		// A Pascal name: its length byte and bytes, padded to an even size.
		nameLen := uint64(b[i+6])
		j := i + 6 + (1+nameLen+1)&^1
		if j+4 > uint64(len(b)) {
			return nil
		}
		size := uint64(binary.BigEndian.Uint32(b[j:]))
		start := j + 4
		end := start + size
		if end > uint64(len(b)) {
			return nil
		}
		if id == 0x0404 {
			return b[start:end:end]
		}
		i = end + size&1
	}
	return nil
}

// Parse reads the datasets of an IIM record. It returns ErrNoIPTC when b
// does not start with a dataset; a malformed or truncated dataset ends the
// reading, keeping what came before.
func Parse(b []byte) (*Data, error) {
	if len(b) < 5 || b[0] != 0x1C {
		return nil, ErrNoIPTC
	}
	if len(b) > MaxInput {
		b = b[:MaxInput]
	}
	d := &Data{}
	utf8Declared := false
	i := 0
	for n := 0; n < MaxDatasets && i+5 <= len(b) && b[i] == 0x1C; n++ {
		rec, num := b[i+1], b[i+2]
		size := int(binary.BigEndian.Uint16(b[i+3:]))
		i += 5
		if size&0x8000 != 0 {
			// Extended dataset: the low 15 bits give the bytes of the
			// length that follows (at most 4 here).
			k := size & 0x7FFF
			if k == 0 || k > 4 || i+k > len(b) {
				break
			}
			size = 0
			for _, c := range b[i : i+k] {
				size = size<<8 | int(c)
			}
			i += k
		}
		if size < 0 || size > len(b)-i {
			break
		}
		v := b[i : i+size]
		i += size
		switch rec {
		case 1:
			if num == 90 && (bytes.Equal(v, []byte("\x1b%G")) || bytes.Equal(v, []byte("\x1b%/G"))) {
				utf8Declared = true
			}
		case 2:
			if num == 0 { // record version: binary
				continue
			}
			d.add(num, text(v, utf8Declared))
		}
	}
	if d.Raw == nil {
		return nil, ErrNoIPTC
	}
	return d, nil
}

func (d *Data) add(num byte, s string) {
	if s == "" {
		return
	}
	key, ok := names[num]
	if !ok {
		key = fmt.Sprintf("2:%03d", num)
	}
	if d.Raw == nil {
		d.Raw = map[string][]string{}
	}
	if len(d.Raw[key]) >= MaxValues {
		return
	}
	d.Raw[key] = append(d.Raw[key], s)
	first := func(p *string) {
		if *p == "" {
			*p = s
		}
	}
	switch num {
	case 5:
		first(&d.ObjectName)
	case 25:
		d.Keywords = append(d.Keywords, s)
	case 40:
		first(&d.Instructions)
	case 55:
		first(&d.DateCreated)
	case 60:
		first(&d.TimeCreated)
	case 80:
		d.Byline = append(d.Byline, s)
	case 90:
		first(&d.City)
	case 101:
		first(&d.Country)
	case 105:
		first(&d.Headline)
	case 110:
		first(&d.Credit)
	case 115:
		first(&d.Source)
	case 116:
		first(&d.Copyright)
	case 120:
		first(&d.Caption)
	}
}

// text decodes a value: UTF-8 when declared or valid, else ISO 8859-1;
// cut at MaxValue bytes (on a rune boundary) and at a NUL, trimmed.
func text(v []byte, utf8Declared bool) string {
	if i := bytes.IndexByte(v, 0); i >= 0 {
		v = v[:i]
	}
	if len(v) > MaxValue {
		v = v[:MaxValue]
	}
	var s string
	if utf8Declared || utf8.Valid(v) {
		s = strings.ToValidUTF8(string(v), "\uFFFD")
	} else {
		r := make([]rune, len(v))
		for i, c := range v {
			r[i] = rune(c)
		}
		s = string(r)
	}
	return strings.TrimSpace(s)
}
