package dam

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCheckName: whatever comes in, an accepted name is a single clean
// path component within the limit, and checking it again changes nothing.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"photo.jpg", "../x", "a\x00b", " spaced ", "e\u0301", "CON", strings.Repeat("x", 300), "\u202etxt.exe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := checkName("fuzz", "asset", in, 255)
		if err != nil {
			if KindOf(err) != Invalid {
				t.Fatalf("kind %v for %q", KindOf(err), in)
			}
			return
		}
		if out == "" || out == "." || out == ".." || strings.ContainsAny(out, "/\\") || !utf8.ValidString(out) {
			t.Fatalf("accepted %q as %q", in, out)
		}
		if utf8.RuneCountInString(out) > 255 {
			t.Fatalf("accepted %d runes", utf8.RuneCountInString(out))
		}
		for _, r := range out {
			if unicode.IsControl(r) {
				t.Fatalf("control character in %q", out)
			}
		}
		again, err := checkName("fuzz", "asset", out, 255)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q (%v)", out, again, err)
		}
	})
}

func FuzzCheckMetadata(f *testing.F) {
	f.Add("title", "desc", "k1,k2", "key", "value")
	f.Fuzz(func(t *testing.T, title, desc, kws, key, value string) {
		m, err := checkMetadata("fuzz", Metadata{Title: title, Description: desc, Keywords: strings.Split(kws, ","), Fields: map[string]string{key: value}})
		if err != nil {
			if KindOf(err) != Invalid {
				t.Fatalf("kind %v", KindOf(err))
			}
			return
		}
		for _, s := range append([]string{m.Title, m.Description}, m.Keywords...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 kept: %q", s)
			}
		}
	})
}
