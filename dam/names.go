package dam

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// checkName validates an asset, folder or collection name from outside and
// returns it in canonical form (NFC, surrounding white space trimmed). Names
// are single path components: no separators, no "." or "..", no control
// characters, bounded length. The error message says what is wrong.
func checkName(op, what, name string, maxRunes int) (string, error) {
	if !utf8.ValidString(name) {
		return "", E(op, Invalid, "%s name is not valid UTF-8", what)
	}
	name = norm.NFC.String(strings.TrimSpace(name))
	switch {
	case name == "":
		return "", E(op, Invalid, "%s name is empty", what)
	case name == "." || name == "..":
		return "", E(op, Invalid, "%s name %q is not allowed", what, name)
	case strings.ContainsAny(name, "/\\"):
		return "", E(op, Invalid, "%s name must not contain / or \\", what)
	case utf8.RuneCountInString(name) > maxRunes:
		return "", E(op, Invalid, "%s name is longer than %d characters", what, maxRunes)
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) && r != '\u200d' {
			return "", E(op, Invalid, "%s name contains a control character (%U)", what, r)
		}
	}
	return name, nil
}

// cleanText drops control characters (keeping newlines and tabs) from free
// text such as notes, titles and EXIF strings, and bounds its length.
func cleanText(s string, maxRunes int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	return s
}

// Text limits of metadata fields.
const (
	maxTitle       = 500
	maxDescription = 10000
	maxKeywords    = 200
	maxKeyword     = 100
	maxFields      = 200
	maxFieldKey    = 100
	maxFieldValue  = 4000
	maxNote        = 10000
)

// checkMetadata validates metadata from outside.
func checkMetadata(op string, m Metadata) (Metadata, error) {
	var out Metadata
	if utf8.RuneCountInString(m.Title) > maxTitle {
		return out, E(op, Invalid, "title is longer than %d characters", maxTitle)
	}
	if utf8.RuneCountInString(m.Description) > maxDescription {
		return out, E(op, Invalid, "description is longer than %d characters", maxDescription)
	}
	if len(m.Keywords) > maxKeywords {
		return out, E(op, Invalid, "more than %d keywords", maxKeywords)
	}
	if len(m.Fields) > maxFields {
		return out, E(op, Invalid, "more than %d custom fields", maxFields)
	}
	out.Title = cleanText(m.Title, maxTitle)
	out.Description = cleanText(m.Description, maxDescription)
	seen := map[string]bool{}
	for _, k := range m.Keywords {
		k = cleanText(strings.ReplaceAll(k, "\n", " "), maxKeyword+1)
		if utf8.RuneCountInString(k) > maxKeyword {
			return out, E(op, Invalid, "keyword %.20q... is longer than %d characters", k, maxKeyword)
		}
		if k != "" && !seen[k] {
			seen[k] = true
			out.Keywords = append(out.Keywords, k)
		}
	}
	if len(m.Fields) > 0 {
		out.Fields = make(map[string]string, len(m.Fields))
		for k, v := range m.Fields {
			ck := cleanText(k, maxFieldKey+1)
			if ck == "" || utf8.RuneCountInString(ck) > maxFieldKey || strings.ContainsAny(ck, "\n\t") {
				return out, E(op, Invalid, "custom field name %.20q is empty, multi-line or too long", k)
			}
			if utf8.RuneCountInString(v) > maxFieldValue {
				return out, E(op, Invalid, "custom field %q is longer than %d characters", ck, maxFieldValue)
			}
			out.Fields[ck] = cleanText(v, maxFieldValue)
		}
	}
	return out, nil
}
