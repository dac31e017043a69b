// Package xmp reads the descriptive properties of an XMP packet (Dublin
// Core title, description, subject, creator and rights; Photoshop credit,
// source and creation date; XMP Rights usage terms; EXIF capture date, GPS
// position, camera and lens) from untrusted files, with bounded work and
// memory.
//
// It is a small reader over encoding/xml rather than a library: the Go XMP
// SDKs (trimmer.io/go-xmp, dsoprea/go-xmp) build a full typed model of every
// namespace, have not been maintained since 2021, and set no size or depth
// limits; bep/imagemeta (Hugo's, well kept) hands XMP to the caller as a
// stream for its own decoding and would re-read EXIF, which internal/exif
// already does with the bounds damkit needs. What is needed here is the
// values of a few dozen simple properties, which RDF/XML writes in three
// shapes (an attribute of rdf:Description, an element's text, the rdf:li
// items of an rdf:Alt, rdf:Bag or rdf:Seq). encoding/xml expands no entities
// beyond the five predefined ones and reads no DTD, so the packet is parsed
// in time and memory linear in its size; on top of that, packets over
// [MaxPacket] bytes are refused before parsing, elements nest at most
// [MaxDepth] deep, and at most [MaxProperties] properties of [MaxValues]
// values of [MaxValue] bytes are kept.
package xmp

import (
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/internal/imagefile"
)

// Errors of Parse.
var (
	ErrNoXMP    = errors.New("xmp: no XMP packet")
	ErrTooLarge = errors.New("xmp: packet too large")
)

// Limits of the parser.
const (
	MaxPacket     = 512 << 10
	MaxDepth      = 32
	MaxProperties = 256
	MaxValues     = 256
	MaxValue      = 8192
)

// Namespaces of the properties read.
const (
	nsRDF       = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsXML       = "http://www.w3.org/XML/1998/namespace"
	nsDC        = "http://purl.org/dc/elements/1.1/"
	nsPhotoshop = "http://ns.adobe.com/photoshop/1.0/"
	nsRights    = "http://ns.adobe.com/xap/1.0/rights/"
	nsXMP       = "http://ns.adobe.com/xap/1.0/"
	nsEXIF      = "http://ns.adobe.com/exif/1.0/"
	nsEXIFEX    = "http://cipa.jp/exif/1.0/"
	nsAux       = "http://ns.adobe.com/exif/1.0/aux/"
	nsTIFF      = "http://ns.adobe.com/tiff/1.0/"
	nsIPTCCore  = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
	nsPlus      = "http://ns.useplus.org/ldf/xmp/1.0/"
	nsLR        = "http://ns.adobe.com/lightroom/1.0/"
)

// prefixes are the conventional prefixes the raw values are keyed by;
// properties of other namespaces are keyed by their namespace URI.
var prefixes = map[string]string{
	nsDC: "dc", nsPhotoshop: "photoshop", nsRights: "xmpRights", nsXMP: "xmp", nsEXIF: "exif",
	nsEXIFEX: "exifEX", nsAux: "aux", nsTIFF: "tiff", nsIPTCCore: "Iptc4xmpCore", nsPlus: "plus",
	nsLR: "lr", nsNote: "xmpNote",
}

// Data is what Parse found. Language alternatives (rdf:Alt) give their
// x-default item first.
type Data struct {
	// Raw holds every simple property as found, keyed "prefix:Name" with
	// the conventional prefix of its namespace ("dc:title"), or
	// "{namespace}Name" for namespaces not listed here.
	Raw map[string][]string
}

// Find returns the XMP packet of a JPEG (its APP1 segment), PNG (its iTXt
// "XML:com.adobe.xmp" chunk) or WebP file (its "XMP " chunk), or nil: a
// sub-slice of file, except a compressed iTXt chunk's text, inflated into
// at most MaxPacket+1 new bytes (Parse refuses a packet that fills them as
// too large, so a small chunk that inflates to gigabytes costs no more).
// A TIFF keeps it in IFD0 tag 700, which internal/exif returns. A JPEG's
// extended XMP (split over several segments) is FindExtended's.
func Find(file []byte) []byte {
	switch {
	case imagefile.IsJPEG(file):
		for m, payload := range imagefile.JPEGSegments(file) {
			if p, ok := bytes.CutPrefix(payload, []byte("http://ns.adobe.com/xap/1.0/\x00")); m == 0xE1 && ok {
				return p
			}
		}
	case imagefile.IsPNG(file):
		for typ, data := range imagefile.PNGChunks(file) {
			if p, ok := bytes.CutPrefix(data, []byte("XML:com.adobe.xmp\x00")); typ == "iTXt" && ok {
				return pngText(p)
			}
		}
	case imagefile.IsWebP(file):
		for typ, data := range imagefile.WebPChunks(file) {
			if typ == "XMP " {
				return data
			}
		}
	}
	return nil
}

// pngText returns the text of an iTXt chunk after its keyword: past the
// compression flag and method, the language tag and the translated
// keyword; inflated when compressed (zlib, the one method PNG defines),
// nil when that fails.
func pngText(b []byte) []byte {
	if len(b) < 2 || b[0] > 1 || b[1] != 0 {
		return nil
	}
	compressed := b[0] == 1
	b = b[2:]
	for range 2 {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	if !compressed {
		return b
	}
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	defer r.Close()
	text, err := io.ReadAll(io.LimitReader(r, MaxPacket+1))
	if err != nil {
		return nil
	}
	return text
}

// Get returns the first value of a property ("dc:title"), or "".
func (d *Data) Get(key string) string {
	if vs := d.Raw[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Title, Description and the others read the standard properties.
func (d *Data) Title() string { return d.Get("dc:title") }

// Description is dc:description.
func (d *Data) Description() string { return d.Get("dc:description") }

// Keywords is dc:subject.
func (d *Data) Keywords() []string { return d.Raw["dc:subject"] }

// Creators is dc:creator.
func (d *Data) Creators() []string { return d.Raw["dc:creator"] }

// Rights is dc:rights, the copyright notice.
func (d *Data) Rights() string { return d.Get("dc:rights") }

// Credit is photoshop:Credit.
func (d *Data) Credit() string { return d.Get("photoshop:Credit") }

// Source is photoshop:Source.
func (d *Data) Source() string { return d.Get("photoshop:Source") }

// UsageTerms is xmpRights:UsageTerms.
func (d *Data) UsageTerms() string { return d.Get("xmpRights:UsageTerms") }

// Make, Model and Lens are the camera's and lens's names.
func (d *Data) Make() string { return d.Get("tiff:Make") }

// Model is tiff:Model.
func (d *Data) Model() string { return d.Get("tiff:Model") }

// Lens is exifEX:LensModel, else aux:Lens.
func (d *Data) Lens() string {
	if v := d.Get("exifEX:LensModel"); v != "" {
		return v
	}
	return d.Get("aux:Lens")
}

// CapturedAt is exif:DateTimeOriginal, else photoshop:DateCreated, else
// xmp:CreateDate. A time without offset is read in loc (UTC when nil).
func (d *Data) CapturedAt(loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	for _, k := range []string{"exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"} {
		if t, ok := parseDate(d.Get(k), loc); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// GPS is exif:GPSLatitude and exif:GPSLongitude ("52,20.5N" or
// "52,20,30N"), south and west negative.
func (d *Data) GPS() (lat, lon float64, ok bool) {
	lat, ok1 := parseCoord(d.Get("exif:GPSLatitude"), 'N', 'S', 90)
	lon, ok2 := parseCoord(d.Get("exif:GPSLongitude"), 'E', 'W', 180)
	return lat, lon, ok1 && ok2
}

// Parse reads an XMP packet (or a sidecar file: an x:xmpmeta or rdf:RDF
// document). Malformed XML ends the reading, keeping what came before;
// ErrNoXMP means nothing was found.
func Parse(b []byte) (*Data, error) {
	if len(b) > MaxPacket {
		return nil, ErrTooLarge
	}
	b = bytes.TrimRight(b, "\x00 \t\r\n")
	if len(b) == 0 {
		return nil, ErrNoXMP
	}
	r := &reader{d: &Data{}}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	for {
		tok, err := dec.Token()
		// The end, malformed XML or elements nested too deep end the
		// reading; what was read before is kept.
		if err != nil || !r.token(tok) {
			break
		}
	}
	if r.d.Raw == nil {
		return nil, ErrNoXMP
	}
	return r.d, nil
}

// kind is the role of an open element.
type kind uint8

const (
	other       kind = iota
	rdfRoot          // rdf:RDF
	description      // rdf:Description (or a typed node) under rdf:RDF
	property         // a property element of a description
	container        // rdf:Alt, rdf:Bag or rdf:Seq inside a property
	item             // rdf:li inside a container
)

type open struct {
	kind kind
	key  string // of a property
	lang string // xml:lang of an item
	// simple: a property or item whose text is its value (no element
	// inside it yet).
	simple bool
}

type reader struct {
	d     *Data
	stack []open
	text  []byte
	props int
}

// token takes the next token; false means stop (too deep).
func (r *reader) token(tok xml.Token) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		if len(r.stack) >= MaxDepth {
			return false
		}
		var parent open
		if n := len(r.stack); n > 0 {
			parent = r.stack[n-1]
			r.stack[n-1].simple = false
		}
		var o open
		switch {
		case t.Name.Space == nsRDF && t.Name.Local == "RDF":
			o.kind = rdfRoot
		case parent.kind == rdfRoot:
			o.kind = description // rdf:Description, or a typed node
			for _, a := range t.Attr {
				if a.Name.Space != nsRDF && a.Name.Space != nsXML && a.Name.Space != "xmlns" && a.Name.Space != "" {
					r.add(key(a.Name), a.Value, false)
				}
			}
		case parent.kind == description && t.Name.Space != nsRDF:
			o.kind, o.key, o.simple = property, key(t.Name), true
			for _, a := range t.Attr {
				if a.Name.Space == nsRDF && a.Name.Local == "resource" {
					r.add(o.key, a.Value, false)
					o.simple = false
				}
			}
		case parent.kind == property && t.Name.Space == nsRDF &&
			(t.Name.Local == "Alt" || t.Name.Local == "Bag" || t.Name.Local == "Seq"):
			o.kind, o.key = container, parent.key
		case parent.kind == container && t.Name.Space == nsRDF && t.Name.Local == "li":
			o.kind, o.key, o.simple = item, parent.key, true
			for _, a := range t.Attr {
				if a.Name.Space == nsXML && a.Name.Local == "lang" {
					o.lang = a.Value
				}
			}
		}
		r.stack = append(r.stack, o)
		r.text = r.text[:0]
	case xml.CharData:
		if n := len(r.stack); n > 0 && r.stack[n-1].simple && len(r.text) < MaxValue {
			r.text = append(r.text, t[:min(len(t), MaxValue-len(r.text))]...)
		}
	case xml.EndElement:
		n := len(r.stack)
		if n == 0 {
			return true
		}
		o := r.stack[n-1]
		r.stack = r.stack[:n-1]
		if o.simple && (o.kind == property || o.kind == item) {
			r.add(o.key, string(r.text), o.lang == "x-default")
		}
		r.text = r.text[:0]
	}
	return true
}

// key names a property by the conventional prefix of its namespace.
func key(n xml.Name) string {
	if p, ok := prefixes[n.Space]; ok {
		return p + ":" + n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// add keeps one value of a property, within the limits; first puts it
// before the values already read (the x-default of an rdf:Alt).
func (r *reader) add(k, v string, first bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(k) > 512 {
		return
	}
	if len(v) > MaxValue {
		v = v[:MaxValue]
	}
	v = strings.ToValidUTF8(v, "\uFFFD")
	if r.d.Raw == nil {
		r.d.Raw = map[string][]string{}
	}
	vs, ok := r.d.Raw[k]
	if !ok {
		if r.props >= MaxProperties {
			return
		}
		r.props++
	}
	if len(vs) >= MaxValues {
		return
	}
	if first {
		vs = append([]string{v}, vs...)
	} else {
		vs = append(vs, v)
	}
	r.d.Raw[k] = vs
}

// parseDate reads the ISO 8601 forms XMP allows: a date, a date and time
// with or without seconds, fractions and offset.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02", "2006:01:02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseCoord reads an XMP GPS coordinate, "DDD,MM.mmk" or "DDD,MM,SSk"
// where k is pos or neg (N/S, E/W), or a plain decimal number.
func parseCoord(s string, pos, neg byte, limit float64) (float64, bool) {
	if s == "" || len(s) > 64 {
		return 0, false
	}
	sign := 1.0
	switch last := s[len(s)-1]; last {
	case pos, pos | 0x20:
		s = s[:len(s)-1]
	case neg, neg | 0x20:
		sign, s = -1, s[:len(s)-1]
	default:
		if !utf8.ValidString(s) {
			return 0, false
		}
	}
	parts := strings.Split(s, ",")
	if len(parts) > 3 {
		return 0, false
	}
	v, scale := 0.0, 1.0
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 && scale > 1 {
			return 0, false
		}
		v += f / scale
		scale *= 60
	}
	v *= sign
	if v < -limit || v > limit {
		return 0, false
	}
	return v, true
}
