package dam

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckLicenceText feeds licence titles and texts from outside to the
// validator: whatever it accepts is valid UTF-8, a non-empty single-line
// title without control characters, and a bounded text without control
// characters other than line breaks and tabs.
func FuzzCheckLicenceText(f *testing.F) {
	for _, s := range [][2]string{{"House", "Use in print."}, {" T ", "a\r\nb\tc"}, {"x\x00", "y"}, {"", ""}, {"ok", "\xff"}, {"a\u202eb", "\x1b[31m"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, title, text string) {
		gotTitle, gotText, err := checkLicenceText("fuzz", title, text, 1<<10)
		if err != nil {
			if k := KindOf(err); k != Invalid && k != TooLarge {
				t.Fatalf("kind %v for %q / %q", k, title, text)
			}
			return
		}
		if !utf8.ValidString(gotTitle) || !utf8.ValidString(gotText) {
			t.Fatalf("invalid UTF-8 accepted")
		}
		if gotTitle == "" || gotTitle != strings.TrimSpace(gotTitle) || strings.ContainsAny(gotTitle, "\n\r\t") {
			t.Fatalf("title %q accepted", gotTitle)
		}
		if len(gotText) > 1<<10 || strings.TrimSpace(gotText) == "" || gotText != text {
			t.Fatalf("text %q accepted or changed", gotText)
		}
		for _, r := range gotTitle + gotText {
			if r < ' ' && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
				t.Fatalf("control character %U accepted", r)
			}
		}
	})
}
