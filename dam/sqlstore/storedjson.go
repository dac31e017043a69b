package sqlstore

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
)

// A listing decodes five JSON columns a row (keywords, fields, and a
// version's EXIF summary, embedded metadata and media facts): through
// encoding/json's reflection that was half of the store's time for a page
// of photographs. The store writes these columns itself, compactly and
// without escapes in the common case, so decodeStored reads that form
// directly and leaves everything else to json.Unmarshal: whitespace,
// null (but for a list in a map), a time with an escape, a key it does not know
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
// UTF-8, and returns it with its quotes (for a time: time.Time's
// UnmarshalJSON reads the text as it is, escapes included).
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

// str reads a string. The plain form is the column's own text; escapes
// and invalid UTF-8 are read as json.Unmarshal reads them (unescape).
func (r *storedReader) str() (string, bool) {
	if !r.next('"') {
		return "", false
	}
	start, plain := r.i, true
	for r.i < len(r.s) {
		switch c := r.s[r.i]; {
		case c == '"':
			v := r.s[start:r.i]
			r.i++
			if plain && utf8.ValidString(v) {
				return v, true
			}
			return unescape(v)
		case c < 0x20:
			return "", false
		case c == '\\':
			plain = false
			r.i++ // the escaped byte, which unescape checks
		}
		r.i++
	}
	return "", false
}

// unescape reads the content of a JSON string as encoding/json does: the
// escapes JSON allows (a \u surrogate without its pair, or a lone one, as
// U+FFFD) and each byte of invalid UTF-8 as U+FFFD. It reports false for
// an escape JSON does not allow.
func unescape(v string) (string, bool) {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '\\':
			if i+1 >= len(v) {
				return "", false
			}
			switch e := v[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r1 := hex4(v[i:])
				if r1 < 0 {
					return "", false
				}
				i += 6
				if utf16.IsSurrogate(r1) {
					if d := utf16.DecodeRune(r1, hex4(v[i:])); d != unicode.ReplacementChar {
						b = utf8.AppendRune(b, d)
						i += 6
						continue
					}
					r1 = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, r1)
				continue
			default:
				return "", false
			}
			i += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(v[i:])
			b = utf8.AppendRune(b, r) // U+FFFD for a byte of invalid UTF-8
			i += size
		}
	}
	return string(b), true
}

// hex4 reads the \uXXXX at the start of s, or returns -1.
func hex4(s string) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range []byte(s[2:6]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
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
