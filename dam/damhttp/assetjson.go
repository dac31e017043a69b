package damhttp

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
)

// A page of assets is the answer read most: a library page of 100
// thumbnails, opened by a whole team. Encoding it through emptyLists and
// encoding/json costs as much CPU as reading its rows, so this file
// appends the same bytes directly: the fields of dam.Asset and what it
// holds in encoding/json's order, its omitempty rules, [] and {} for nil
// lists and maps (emptyLists), map keys sorted, and strings escaped as
// encoding/json escapes them with HTML escaping on. TestAssetPageJSON and
// FuzzAssetPageJSON hold it to encoding/json byte for byte over assets of
// every shape, with every field of the types filled by reflection, so a
// field added to dam.Asset and not here fails them.
//
// What encoding/json would refuse (a time outside years 0–9999 or with an
// offset it cannot write, a NaN or infinite coordinate) is left to it:
// appendAssetPage reports false and the page goes the general way, with
// the same error.

// assetPageBuffers holds scratch buffers: a page is appended to one and
// copied out at its exact size, the size the listing cache keeps.
var assetPageBuffers = sync.Pool{New: func() any { return new(assetPageBuffer) }}

type assetPageBuffer struct {
	b    []byte
	keys []string
}

// maxPooledPage bounds the scratch buffer kept for the next page.
const maxPooledPage = 4 << 20

// appendAssetPage appends what encodeJSON(newPage(as, next)) returns, and
// reports whether it could; when not, what was appended is garbage.
func appendAssetPage(dst []byte, as []dam.Asset, next string, keys *[]string) ([]byte, bool) {
	dst = append(dst, `{"items":[`...)
	ok := true
	for i := range as {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendAsset(dst, &as[i], keys); !ok {
			return dst, false
		}
	}
	return appendPageEnd(dst, next), true
}

// appendPageEnd ends a page's items and the page, with the next cursor.
func appendPageEnd(dst []byte, next string) []byte {
	dst = append(dst, ']')
	if next != "" {
		dst = append(dst, `,"next_cursor":`...)
		dst = appendJSONString(dst, next)
	}
	return append(dst, "}\n"...)
}

func appendAsset(b []byte, a *dam.Asset, keys *[]string) ([]byte, bool) {
	ok := true
	b = append(b, `{"id":`...)
	b = appendJSONString(b, a.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, a.Name)
	b = append(b, `,"folder_id":`...)
	b = appendJSONString(b, a.FolderID)
	b = append(b, `,"domain":`...)
	b = appendJSONString(b, a.Domain)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(a.Kind))
	b = append(b, `,"metadata":{"title":`...)
	b = appendJSONString(b, a.Meta.Title)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, a.Meta.Description)
	b = append(b, `,"keywords":`...)
	b = appendStringList(b, a.Meta.Keywords)
	b = append(b, `,"fields":`...)
	b = appendMap(b, a.Meta.Fields, keys, appendJSONString)
	b = append(b, `},"availability":`...)
	b = appendJSONString(b, string(a.Availability))
	if a.ExpiresAt != nil {
		b = append(b, `,"expires_at":`...)
		if b, ok = appendJSONTime(b, *a.ExpiresAt); !ok {
			return b, false
		}
	}
	b = append(b, `,"protection":`...)
	b = appendJSONString(b, string(a.Protection))
	b = append(b, `,"licence":`...)
	b = appendJSONString(b, a.Licence)
	b = append(b, `,"current":`...)
	if b, ok = appendVersion(b, &a.Current, keys); !ok {
		return b, false
	}
	b = append(b, `,"created_by":`...)
	b = appendJSONString(b, a.CreatedBy)
	b = append(b, `,"created_at":`...)
	if b, ok = appendJSONTime(b, a.CreatedAt); !ok {
		return b, false
	}
	b = append(b, `,"updated_by":`...)
	b = appendJSONString(b, a.UpdatedBy)
	b = append(b, `,"updated_at":`...)
	if b, ok = appendJSONTime(b, a.UpdatedAt); !ok {
		return b, false
	}
	if a.DeletedAt != nil {
		b = append(b, `,"deleted_at":`...)
		if b, ok = appendJSONTime(b, *a.DeletedAt); !ok {
			return b, false
		}
	}
	if a.DeletedBy != "" {
		b = append(b, `,"deleted_by":`...)
		b = appendJSONString(b, a.DeletedBy)
	}
	b = append(b, `,"categories":`...)
	b = appendStringList(b, a.Categories)
	return append(b, '}'), true
}

func appendVersion(b []byte, v *dam.Version, keys *[]string) ([]byte, bool) {
	ok := true
	b = append(b, `{"asset_id":`...)
	b = appendJSONString(b, v.AssetID)
	b = append(b, `,"number":`...)
	b = strconv.AppendInt(b, int64(v.Number), 10)
	b = append(b, `,"sha256":`...)
	b = appendJSONString(b, v.SHA256)
	b = append(b, `,"crc32":`...)
	b = strconv.AppendUint(b, uint64(v.CRC32), 10)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, v.Size, 10)
	b = append(b, `,"media_type":`...)
	b = appendJSONString(b, v.MediaType)
	b = appendOmittedInt(b, `,"width":`, int64(v.Width))
	b = appendOmittedInt(b, `,"height":`, int64(v.Height))
	if v.EXIF != nil {
		b = append(b, `,"exif":`...)
		if b, ok = appendEXIF(b, v.EXIF); !ok {
			return b, false
		}
	}
	if v.Embedded != nil {
		b = append(b, `,"embedded":`...)
		if b, ok = appendEmbedded(b, v.Embedded, keys); !ok {
			return b, false
		}
	}
	if m := v.Media; m != nil {
		b = append(b, `,"media":`...)
		n := len(b)
		b = appendOmittedInt(b, `,"duration_ms":`, m.DurationMS)
		b = appendOmittedString(b, `,"codec":`, m.Codec)
		b = appendOmittedString(b, `,"audio_codec":`, m.AudioCodec)
		b = appendOmittedInt(b, `,"rotation":`, int64(m.Rotation))
		b = appendOmittedInt(b, `,"pages":`, int64(m.Pages))
		b = closeObject(b, n)
	}
	b = append(b, `,"original_name":`...)
	b = appendJSONString(b, v.OriginalName)
	b = append(b, `,"created_by":`...)
	b = appendJSONString(b, v.CreatedBy)
	b = append(b, `,"created_at":`...)
	if b, ok = appendJSONTime(b, v.CreatedAt); !ok {
		return b, false
	}
	return append(b, '}'), true
}

func appendEXIF(b []byte, e *dam.EXIF) ([]byte, bool) {
	ok := true
	n := len(b)
	if e.CapturedAt != nil {
		b = append(b, `,"captured_at":`...)
		if b, ok = appendJSONTime(b, *e.CapturedAt); !ok {
			return b, false
		}
	}
	b = appendOmittedString(b, `,"make":`, e.Make)
	b = appendOmittedString(b, `,"model":`, e.Model)
	b = appendOmittedString(b, `,"lens":`, e.Lens)
	b = appendOmittedString(b, `,"description":`, e.Description)
	b = appendOmittedString(b, `,"artist":`, e.Artist)
	b = appendOmittedString(b, `,"copyright":`, e.Copyright)
	b = appendOmittedInt(b, `,"orientation":`, int64(e.Orientation))
	if b, ok = appendOmittedFloat(b, `,"latitude":`, e.Latitude); !ok {
		return b, false
	}
	if b, ok = appendOmittedFloat(b, `,"longitude":`, e.Longitude); !ok {
		return b, false
	}
	b = append(b, `,"has_thumbnail":`...)
	b = strconv.AppendBool(b, e.HasThumbnail)
	return closeObject(b, n), true
}

func appendEmbedded(b []byte, e *dam.Embedded, keys *[]string) ([]byte, bool) {
	ok := true
	n := len(b)
	b = appendOmittedString(b, `,"title":`, e.Title)
	b = appendOmittedString(b, `,"description":`, e.Description)
	if len(e.Keywords) > 0 {
		b = append(b, `,"keywords":`...)
		b = appendStringList(b, e.Keywords)
	}
	if len(e.Creators) > 0 {
		b = append(b, `,"creators":`...)
		b = appendStringList(b, e.Creators)
	}
	b = appendOmittedString(b, `,"copyright":`, e.Copyright)
	b = appendOmittedString(b, `,"credit":`, e.Credit)
	b = appendOmittedString(b, `,"source":`, e.Source)
	b = appendOmittedString(b, `,"usage_terms":`, e.UsageTerms)
	if e.CapturedAt != nil {
		b = append(b, `,"captured_at":`...)
		if b, ok = appendJSONTime(b, *e.CapturedAt); !ok {
			return b, false
		}
	}
	b = appendOmittedString(b, `,"camera_make":`, e.CameraMake)
	b = appendOmittedString(b, `,"camera_model":`, e.CameraModel)
	b = appendOmittedString(b, `,"lens":`, e.Lens)
	if b, ok = appendOmittedFloat(b, `,"latitude":`, e.Latitude); !ok {
		return b, false
	}
	if b, ok = appendOmittedFloat(b, `,"longitude":`, e.Longitude); !ok {
		return b, false
	}
	if len(e.IPTC) > 0 {
		b = append(b, `,"iptc":`...)
		b = appendMap(b, e.IPTC, keys, appendStringList)
	}
	if len(e.XMP) > 0 {
		b = append(b, `,"xmp":`...)
		b = appendMap(b, e.XMP, keys, appendStringList)
	}
	return closeObject(b, n), true
}

// closeObject ends an object whose members were appended from n on, each
// after a comma: the first comma becomes the opening brace.
func closeObject(b []byte, n int) []byte {
	if len(b) == n {
		return append(b, "{}"...)
	}
	b[n] = '{'
	return append(b, '}')
}

func appendOmittedString(b []byte, name, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, name...), s)
}

func appendOmittedInt(b []byte, name string, n int64) []byte {
	if n == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), n, 10)
}

func appendOmittedFloat(b []byte, name string, f *float64) ([]byte, bool) {
	if f == nil {
		return b, true
	}
	return appendJSONFloat(append(b, name...), *f)
}

// appendStringList appends ss as an array; nil is [].
func appendStringList(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendMap appends m as an object of sorted keys (nil is {}), each value
// written by value: a field map's strings, an IPTC or XMP map's lists.
func appendMap[V any](b []byte, m map[string]V, keys *[]string, value func([]byte, V) []byte) []byte {
	b = append(b, '{')
	for i, k := range sortedKeys(m, keys) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

// sortedKeys returns m's keys in encoding/json's order, in *keys' array.
func sortedKeys[V any](m map[string]V, keys *[]string) []string {
	ks := (*keys)[:0]
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	*keys = ks
	return ks
}

// appendJSONTime appends t as time.Time's MarshalJSON does, and reports
// false where that fails.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	n := len(b)
	b = t.AppendFormat(b, time.RFC3339Nano)
	// MarshalJSON's checks: a year of exactly 4 digits, an offset whose
	// hours are 2 digits below 24 and that has no seconds.
	if len(b)-n < len("2006-01-02T15:04:05Z") || b[n+4] != '-' {
		return b, false
	}
	if b[len(b)-1] != 'Z' {
		c := b[len(b)-len("Z07:00")]
		h := b[len(b)-len("07:00"):]
		if ('0' <= c && c <= '9') || 10*(h[0]-'0')+(h[1]-'0') >= 24 {
			return b, false
		}
	}
	return append(b, '"'), true
}

// appendJSONFloat appends f as encoding/json writes a float64, and
// reports false for NaN and infinities, which it refuses.
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// plainJSONByte reports the ASCII bytes a JSON string holds as they are
// when HTML is escaped: not control characters, " \ < > or &.
var plainJSONByte = func() (t [utf8.RuneSelf]bool) {
	for c := byte(0x20); c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json does with HTML
// escaping: " and \ escaped, control characters as \b \f \n \r \t or
// \u00XX, < > & as \u003c \u003e \u0026, U+2028 and U+2029 as \u2028 and
// \u2029, and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainJSONByte[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
