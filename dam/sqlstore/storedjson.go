package sqlstore

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
)

// A listing decodes five JSON columns a row (keywords, fields, and a
// version's EXIF summary, embedded metadata and media facts): through
// encoding/json's reflection that was half of the store's time for a page
// of photographs. The store writes these columns itself, compactly and
// without escapes in the common case, so decodeStored reads that form
// directly and leaves everything else to json.Unmarshal: a string with an
// escape or invalid UTF-8, whitespace, null (but for a list in a map),
// a key it does not know
// (a field added to a type and not here), a number out of range. It
// answers exactly what json.Unmarshal would (TestStoredJSON,
// FuzzStoredJSON) or reports false having set nothing.
//
// Strings decoded here share the column text's memory: a value keeps the
// text of its column alive, about its own size.

// decodeStored decodes s into v when v is one of the listing's types and s
// is in the plain form, and reports whether it did.
func decodeStored(s string, v any) bool {
	r := storedReader{s: s}
	switch v := v.(type) {
	case *[]string:
		l, ok := r.stringList()
		if !ok || !r.end() {
			return false
		}
		*v = l
	case *map[string]string:
		m, ok := r.stringMap()
		if !ok || !r.end() {
			return false
		}
		*v = m
	case *dam.EXIF:
		var e dam.EXIF
		if !r.exif(&e) || !r.end() {
			return false
		}
		*v = e
	case *dam.Embedded:
		var e dam.Embedded
		if !r.embedded(&e) || !r.end() {
			return false
		}
		*v = e
	case *dam.Media:
		var m dam.Media
		if !r.media(&m) || !r.end() {
			return false
		}
		*v = m
	default:
		return false
	}
	return true
}

// storedReader reads the plain form of stored JSON from s at i.
type storedReader struct {
	s string
	i int
}

func (r *storedReader) end() bool { return r.i == len(r.s) }

// next consumes c if it comes next.
func (r *storedReader) next(c byte) bool {
	if r.i < len(r.s) && r.s[r.i] == c {
		r.i++
		return true
	}
	return false
}

// quoted reads a string without escapes or control characters, in valid
// UTF-8, and returns it with its quotes.
func (r *storedReader) quoted() (string, bool) {
	if !r.next('"') {
		return "", false
	}
	start := r.i - 1
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			r.i++
			q := r.s[start:r.i]
			return q, utf8.ValidString(q)
		case c == '\\' || c < 0x20:
			return "", false
		}
		r.i++
	}
	return "", false
}

func (r *storedReader) str() (string, bool) {
	q, ok := r.quoted()
	if !ok {
		return "", false
	}
	return q[1 : len(q)-1], true
}

// number reads a number in JSON's grammar.
func (r *storedReader) number() (string, bool) {
	start := r.i
	r.next('-')
	digits := func() bool {
		n := r.i
		for r.i < len(r.s) && '0' <= r.s[r.i] && r.s[r.i] <= '9' {
			r.i++
		}
		return r.i > n
	}
	if r.next('0') {
		// a single 0 before the fraction
	} else if !digits() {
		return "", false
	}
	if r.next('.') && !digits() {
		return "", false
	}
	if r.next('e') || r.next('E') {
		if !r.next('+') {
			r.next('-')
		}
		if !digits() {
			return "", false
		}
	}
	return r.s[start:r.i], true
}

// integer reads a number json.Unmarshal takes for an integer field.
func (r *storedReader) integer() (int64, bool) {
	lit, ok := r.number()
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	return n, err == nil
}

func (r *storedReader) float() (*float64, bool) {
	lit, ok := r.number()
	if !ok {
		return nil, false
	}
	f, err := strconv.ParseFloat(lit, 64)
	return &f, err == nil
}

// null consumes null if it comes next.
func (r *storedReader) null() bool {
	if len(r.s)-r.i >= 4 && r.s[r.i:r.i+4] == "null" {
		r.i += 4
		return true
	}
	return false
}

func (r *storedReader) boolean() (bool, bool) {
	switch {
	case len(r.s)-r.i >= 4 && r.s[r.i:r.i+4] == "true":
		r.i += 4
		return true, true
	case len(r.s)-r.i >= 5 && r.s[r.i:r.i+5] == "false":
		r.i += 5
		return false, true
	}
	return false, false
}

// time reads a time as json.Unmarshal does: time.Time's UnmarshalJSON on
// the quoted text.
func (r *storedReader) time() (*time.Time, bool) {
	q, ok := r.quoted()
	if !ok {
		return nil, false
	}
	var t time.Time
	if err := t.UnmarshalJSON([]byte(q)); err != nil {
		return nil, false
	}
	return &t, true
}

// stringList reads an array of strings; [] is an empty list, not nil.
func (r *storedReader) stringList() ([]string, bool) {
	if !r.next('[') {
		return nil, false
	}
	l := []string{}
	if r.next(']') {
		return l, true
	}
	for {
		s, ok := r.str()
		if !ok {
			return nil, false
		}
		l = append(l, s)
		if r.next(']') {
			return l, true
		}
		if !r.next(',') {
			return nil, false
		}
	}
}

// object reads an object, calling member for each key with r before its
// value; member reads the value.
func (r *storedReader) object(member func(key string) bool) bool {
	if !r.next('{') {
		return false
	}
	if r.next('}') {
		return true
	}
	for {
		k, ok := r.str()
		if !ok || !r.next(':') || !member(k) {
			return false
		}
		if r.next('}') {
			return true
		}
		if !r.next(',') {
			return false
		}
	}
}

func (r *storedReader) stringMap() (map[string]string, bool) {
	m := map[string]string{}
	ok := r.object(func(k string) bool {
		v, ok := r.str()
		m[k] = v
		return ok
	})
	return m, ok
}

func (r *storedReader) listMap() (map[string][]string, bool) {
	m := map[string][]string{}
	ok := r.object(func(k string) bool {
		if r.null() {
			m[k] = nil // as json.Unmarshal sets a fresh element
			return true
		}
		l, ok := r.stringList()
		m[k] = l
		return ok
	})
	return m, ok
}

// field reads a string member into *s.
func (r *storedReader) field(s *string) bool {
	v, ok := r.str()
	*s = v
	return ok
}

func (r *storedReader) intField(n *int) bool {
	v, ok := r.integer()
	*n = int(v)
	return ok
}

func (r *storedReader) exif(e *dam.EXIF) bool {
	return r.object(func(k string) bool {
		var ok bool
		switch k {
		case "captured_at":
			e.CapturedAt, ok = r.time()
		case "make":
			ok = r.field(&e.Make)
		case "model":
			ok = r.field(&e.Model)
		case "lens":
			ok = r.field(&e.Lens)
		case "description":
			ok = r.field(&e.Description)
		case "artist":
			ok = r.field(&e.Artist)
		case "copyright":
			ok = r.field(&e.Copyright)
		case "orientation":
			ok = r.intField(&e.Orientation)
		case "latitude":
			e.Latitude, ok = r.float()
		case "longitude":
			e.Longitude, ok = r.float()
		case "has_thumbnail":
			e.HasThumbnail, ok = r.boolean()
		}
		return ok
	})
}

func (r *storedReader) embedded(e *dam.Embedded) bool {
	return r.object(func(k string) bool {
		var ok bool
		switch k {
		case "title":
			ok = r.field(&e.Title)
		case "description":
			ok = r.field(&e.Description)
		case "keywords":
			e.Keywords, ok = r.stringList()
		case "creators":
			e.Creators, ok = r.stringList()
		case "copyright":
			ok = r.field(&e.Copyright)
		case "credit":
			ok = r.field(&e.Credit)
		case "source":
			ok = r.field(&e.Source)
		case "usage_terms":
			ok = r.field(&e.UsageTerms)
		case "captured_at":
			e.CapturedAt, ok = r.time()
		case "camera_make":
			ok = r.field(&e.CameraMake)
		case "camera_model":
			ok = r.field(&e.CameraModel)
		case "lens":
			ok = r.field(&e.Lens)
		case "latitude":
			e.Latitude, ok = r.float()
		case "longitude":
			e.Longitude, ok = r.float()
		case "iptc":
			// json.Unmarshal merges a repeated object into the map it
			// filled: leave that to it.
			ok = e.IPTC == nil
			if ok {
				e.IPTC, ok = r.listMap()
			}
		case "xmp":
			ok = e.XMP == nil
			if ok {
				e.XMP, ok = r.listMap()
			}
		}
		return ok
	})
}

func (r *storedReader) media(m *dam.Media) bool {
	return r.object(func(k string) bool {
		var ok bool
		switch k {
		case "duration_ms":
			m.DurationMS, ok = r.integer()
		case "codec":
			ok = r.field(&m.Codec)
		case "audio_codec":
			ok = r.field(&m.AudioCodec)
		case "rotation":
			ok = r.intField(&m.Rotation)
		case "pages":
			ok = r.intField(&m.Pages)
		}
		return ok
	})
}
