package dam

import (
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Full-text search. The query language of AssetQuery.Text:
//
//	summer beach        both words (AND), each also as a prefix: "summ" finds "summer"
//	"summer beach"      the words next to each other, in this order (a phrase)
//	-winter             not this word (also -"a phrase", -field:value)
//	creator:"Jane Doe"  in one field: a custom field, or one of name, title,
//	keyword:press       description, keyword(s), note(s), folder, category
//
// Matching ignores case and accents ("cafe" finds "Café"). Words are runs
// of letters and digits; everything else separates them. The document an
// asset is found by and the query are both cut into words here, once, so
// every store indexes and looks up the same words: the stores only match
// them (SQLite FTS5, PostgreSQL tsvector) and rank the results.

// Limits of a search query.
const (
	MaxSearchLen   = 500 // bytes of query text
	MaxSearchTerms = 16  // terms (words, phrases, field:value) in a query
	MaxSearchWords = 32  // words in all its terms together
	maxWordRunes   = 64  // a longer word is cut here, in documents and queries alike
)

// SearchTerm is one term of a parsed query: a word or a phrase, perhaps
// restricted to a field, perhaps excluded.
type SearchTerm struct {
	Field   string   // "" for any field; otherwise a key made by SearchFieldKey
	Words   []string // folded words: one, or a phrase of several in order
	Prefix  bool     // the last word also matches longer words it begins
	Exclude bool     // assets matching the term are left out
}

// Search is a parsed query: every term that is not excluded must match,
// and no excluded term may.
type Search struct {
	Terms []SearchTerm
}

// Empty reports whether s has no terms (no text was given).
func (s Search) Empty() bool { return len(s.Terms) == 0 }

// Tokens returns the words term t matches in the index: field-restricted
// terms match the field's tagged words (SearchFieldToken).
func (t SearchTerm) Tokens() []string {
	if t.Field == "" {
		return t.Words
	}
	out := make([]string, len(t.Words))
	for i, w := range t.Words {
		out[i] = SearchFieldToken(t.Field, w)
	}
	return out
}

// knownFields maps the names users may write before a colon to the keys
// of the asset's own fields; any other name is a custom field.
var knownFields = map[string]string{
	"name": "name", "title": "title", "description": "description",
	"keyword": "keywords", "keywords": "keywords", "tag": "keywords", "tags": "keywords",
	"note": "notes", "notes": "notes", "folder": "folder", "category": "category", "categories": "category",
}

// SearchFieldKey is the key of a field name in field:value terms and in the
// index: the name's folded words run together, so "Usage Terms",
// "usage_terms" and "usage-terms" are one field. Names of the asset's own
// fields map to their key ("keyword" and "keywords" are "keywords").
func SearchFieldKey(name string) string {
	key := strings.Join(SearchWords(name, 0), "")
	if k, ok := knownFields[key]; ok {
		return k
	}
	return key
}

// SearchFieldToken is the word indexed for word w in the field with key
// key: "f", ten hex digits of the key's hash, "g", then the word. Hex
// digits never include a "g", so the tag and the word cannot run into each
// other, and a letter first keeps every engine's tokenizer from reading it
// as a number.
func SearchFieldToken(key, w string) string {
	return searchFieldTag(key) + w
}

// searchFieldTag is what begins the words of the field with key key in the
// index: "f", the first ten hexadecimal digits of the key's 64-bit FNV-1a
// hash, "g".
func searchFieldTag(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	sum := h.Sum64()
	const digits = "0123456789abcdef"
	var b [12]byte
	b[0], b[11] = 'f', 'g'
	for i := range 10 {
		b[1+i] = digits[sum>>(60-4*i)&0xf]
	}
	return string(b[:])
}

// foldSpecial spells the letters that do not decompose into a base letter
// and an accent with their plain letters.
var foldSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ł': "l", 'þ': "th", 'ð': "d", 'ı': "i", 'ħ': "h",
}

// SearchWords cuts text into folded words: runs of letters, digits and
// marks, lower-cased, with accents removed ("Café" is "cafe"), each cut to
// 64 runes. At most max words are returned (max <= 0: all).
func SearchWords(text string, max int) []string {
	for i := range len(text) {
		if text[i] >= utf8.RuneSelf {
			return unicodeWords(text, max)
		}
	}
	return asciiWords(text, max)
}

// asciiWords is SearchWords of ASCII text, which has no accents to remove
// and decomposes into itself: its words are runs of letters and digits.
func asciiWords(text string, max int) []string {
	var words []string
	for i := 0; i < len(text); {
		for i < len(text) && !asciiWordByte(text[i]) {
			i++
		}
		start := i
		for i < len(text) && asciiWordByte(text[i]) {
			i++
		}
		if i == start {
			break
		}
		words = append(words, strings.ToLower(text[start:min(i, start+maxWordRunes)]))
		if max > 0 && len(words) >= max {
			break
		}
	}
	return words
}

func asciiWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unicodeWords is SearchWords of any text.
func unicodeWords(text string, max int) []string {
	var words []string
	var cur strings.Builder
	n := 0 // runes in cur
	flush := func() bool {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
			n = 0
		}
		return max > 0 && len(words) >= max
	}
	it := norm.Iter{}
	it.InitString(norm.NFD, text)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			switch {
			case unicode.Is(unicode.Mn, r):
				continue // an accent, after decomposition
			case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.IsMark(r):
				if n >= maxWordRunes {
					continue
				}
				r = unicode.ToLower(r)
				if s, ok := foldSpecial[r]; ok {
					cur.WriteString(s)
				} else {
					cur.WriteRune(r)
				}
				n++
			default:
				if flush() {
					return words
				}
			}
		}
	}
	flush()
	if max > 0 && len(words) > max {
		words = words[:max]
	}
	return words
}

// ParseSearch parses a query (see the package's search syntax). Text
// without any word is the empty Search. A query that is too long, has too
// many terms or words, leaves a quote open, or has only excluded terms is
// Invalid, with a message naming the problem.
func ParseSearch(q string) (Search, error) {
	return parseSearch("dam.ParseSearch", q)
}

func parseSearch(op, q string) (Search, error) {
	if len(q) > MaxSearchLen {
		return Search{}, E(op, Invalid, "search text is longer than %d bytes", MaxSearchLen)
	}
	if !utf8.ValidString(q) {
		return Search{}, E(op, Invalid, "search text is not valid UTF-8")
	}
	var s Search
	words := 0
	sawText := false
	rest := q
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		sawText = true
		var t SearchTerm
		if strings.HasPrefix(rest, "-") && len(rest) > 1 && !unicode.IsSpace(rune(rest[1])) {
			t.Exclude = true
			rest = rest[1:]
		}
		if field, value, ok := cutField(rest); ok {
			t.Field = SearchFieldKey(field)
			rest = value
		}
		var text string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return Search{}, E(op, Invalid, "a quote in the search text is not closed")
			}
			text, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := strings.IndexFunc(rest, unicode.IsSpace)
			if end < 0 {
				end = len(rest)
			}
			text, rest = rest[:end], rest[end:]
			t.Prefix = true
		}
		t.Words = SearchWords(text, MaxSearchWords+1)
		if len(t.Words) == 0 {
			continue // punctuation only: nothing to match
		}
		words += len(t.Words)
		if words > MaxSearchWords {
			return Search{}, E(op, Invalid, "search text has more than %d words", MaxSearchWords)
		}
		s.Terms = append(s.Terms, t)
		if len(s.Terms) > MaxSearchTerms {
			return Search{}, E(op, Invalid, "search text has more than %d terms", MaxSearchTerms)
		}
	}
	if len(s.Terms) == 0 {
		if sawText {
			return Search{}, E(op, Invalid, "search text %q has no words to look for (words are letters and digits)", q)
		}
		return Search{}, nil
	}
	for _, t := range s.Terms {
		if !t.Exclude {
			return s, nil
		}
	}
	return Search{}, E(op, Invalid, "search text excludes words but names none to find: add a word without a leading -")
}

// cutField splits "name:value" or `name:"a phrase"` at the colon: the name
// is letters, digits, "_", "-" and "." and the value is not empty.
func cutField(s string) (field, value string, ok bool) {
	i := strings.IndexFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.')
	})
	if i <= 0 || s[i] != ':' || i+1 >= len(s) || unicode.IsSpace(rune(s[i+1])) {
		return "", "", false
	}
	if SearchFieldKey(s[:i]) == "" {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// The columns of an asset's search document, in the order stores keep
// them, from the most telling to the least: relevance weighs a match in
// SearchMain above one in SearchTags, and so on.
const (
	SearchMain    = iota // name and title
	SearchTags           // keywords and custom field values
	SearchBody           // description, folder path, category paths
	SearchNotes          // notes
	SearchFields         // every word again, tagged with its field (SearchFieldToken)
	SearchColumns        // the number of columns
)

// Bounds of a search document: words past these are not indexed. They keep
// every word's position within PostgreSQL's limit (16,383), so phrases
// match alike on every store.
const (
	maxColumnWords = 2000
	maxFieldWords  = 6000
)

// SearchDoc is the document an asset is found by: folded words, column by
// column.
type SearchDoc [SearchColumns][]string

// SearchSource is what a store knows of an asset when it indexes it.
type SearchSource struct {
	Asset      Asset
	FolderPath []string   // names of the asset's folder and its parents, root first
	Categories [][]string // per category of the asset: its name and its parents', root first
	Notes      []string   // the asset's notes, oldest first
}

// NewSearchDoc builds the document of an asset.
func NewSearchDoc(src SearchSource) SearchDoc {
	var d SearchDoc
	a := src.Asset
	add := func(col int, field, text string) {
		limit := maxColumnWords - len(d[col])
		if limit <= 0 {
			return
		}
		ws := SearchWords(text, limit)
		if len(ws) == 0 {
			return
		}
		d[col] = append(d[col], ws...)
		tag := searchFieldTag(SearchFieldKey(field))
		for _, w := range ws {
			if len(d[SearchFields]) >= maxFieldWords {
				break
			}
			d[SearchFields] = append(d[SearchFields], tag+w)
		}
	}
	add(SearchMain, "name", a.Name)
	add(SearchMain, "title", a.Meta.Title)
	for _, k := range a.Meta.Keywords {
		add(SearchTags, "keywords", k)
	}
	for _, k := range sortedKeys(a.Meta.Fields) {
		add(SearchTags, k, a.Meta.Fields[k])
	}
	add(SearchBody, "description", a.Meta.Description)
	add(SearchBody, "folder", strings.Join(src.FolderPath, " "))
	for _, c := range src.Categories {
		add(SearchBody, "category", strings.Join(c, " "))
	}
	for _, n := range src.Notes {
		add(SearchNotes, "notes", n)
	}
	return d
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// checkFilters refuses filters that cannot select anything sensible.
func checkFilters(op string, q AssetQuery) error {
	if len(q.SHA256) > MaxHashQuery {
		return E(op, Invalid, "at most %d SHA-256 digests per query, not %d", MaxHashQuery, len(q.SHA256))
	}
	for _, h := range q.SHA256 {
		if !validSHA256(h) {
			return E(op, Invalid, "a SHA-256 digest is 64 lowercase hex digits, not %.70q", h)
		}
	}
	if q.MediaType != "" {
		major, minor, ok := strings.Cut(q.MediaType, "/")
		if !ok || major == "" || minor == "" || len(q.MediaType) > 255 || strings.ContainsAny(q.MediaType, " ;,%_\\") {
			return E(op, Invalid, "media type must look like image/jpeg or image/*, not %.40q", q.MediaType)
		}
	}
	if q.Subfolders && q.FolderID == nil {
		return E(op, Invalid, "subfolders needs a folder")
	}
	if q.MinSize < 0 || q.MaxSize < 0 {
		return E(op, Invalid, "sizes are not negative")
	}
	if q.MaxSize > 0 && q.MinSize > q.MaxSize {
		return E(op, Invalid, "the smallest size (%d) is above the largest (%d)", q.MinSize, q.MaxSize)
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedTo.IsZero() && !q.CreatedFrom.Before(q.CreatedTo) {
		return E(op, Invalid, "the creation range ends before it starts")
	}
	if !q.UpdatedFrom.IsZero() && !q.UpdatedTo.IsZero() && !q.UpdatedFrom.Before(q.UpdatedTo) {
		return E(op, Invalid, "the range of changes ends before it starts")
	}
	if !q.CapturedFrom.IsZero() && !q.CapturedTo.IsZero() && !q.CapturedFrom.Before(q.CapturedTo) {
		return E(op, Invalid, "the capture range ends before it starts")
	}
	if q.MinWidth < 0 || q.MinHeight < 0 {
		return E(op, Invalid, "pixel sizes are not negative")
	}
	if q.Orientation != "" && !slices.Contains(Orientations, q.Orientation) {
		return E(op, Invalid, "orientation must be one of %s, not %.20q", strings.Join(Orientations, ", "), q.Orientation)
	}
	if q.CreatedBy != "" && !validID(q.CreatedBy) {
		return E(op, Invalid, "bad user id %.40q", q.CreatedBy)
	}
	if q.Availability != "" && q.Availability != Available && q.Availability != Unavailable {
		return E(op, Invalid, "availability must be %q or %q, not %.20q", Available, Unavailable, q.Availability)
	}
	if !q.ExpiresFrom.IsZero() && !q.ExpiresTo.IsZero() && !q.ExpiresFrom.Before(q.ExpiresTo) {
		return E(op, Invalid, "the expiry range ends before it starts")
	}
	return nil
}

// The orientations of AssetQuery.Orientation.
const (
	OrientationLandscape = "landscape"
	OrientationPortrait  = "portrait"
	OrientationSquare    = "square"
)

// Orientations are the values AssetQuery.Orientation takes.
var Orientations = []string{OrientationLandscape, OrientationPortrait, OrientationSquare}

// MaxHashQuery is how many SHA-256 digests one asset query may ask for.
const MaxHashQuery = 100

// validSHA256 reports whether h is a SHA-256 digest in lowercase hex.
func validSHA256(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := range len(h) {
		if c := h[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
