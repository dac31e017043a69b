package archive

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// maxPathBytes bounds a whole entry path. ZIP allows 65,535 bytes; common
// extractors and file systems choke far earlier, so leading folders are
// dropped past this length.
const maxPathBytes = 4096

// maxExtBytes is the longest extension kept when a component is shortened.
const maxExtBytes = 16

// CleanPath turns an untrusted name into a safe relative ZIP path with the
// default 255-byte component limit: valid UTF-8 in NFC, '/' separators, no
// absolute paths, drive letters, '.' or '..' components, no control or
// bidi-override characters, no characters Windows forbids (<>:"|?*), no
// Windows reserved device names (CON, NUL, COM1, ...), no trailing dots or
// spaces. It never fails: a name that cleans to nothing becomes "unnamed".
func CleanPath(name string) string {
	return cleanPath(name, DefaultMaxComponentBytes)
}

func cleanPath(name string, maxComponent int) string {
	s := strings.ToValidUTF8(name, "\uFFFD")
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, `\`, "/")
	if len(s) >= 2 && s[1] == ':' && isASCIILetter(s[0]) {
		s = s[2:] // drive letter: "C:/x" and the drive-relative "C:x"
	}
	var parts []string
	for c := range strings.SplitSeq(s, "/") {
		if c = cleanComponent(c, maxComponent); c != "" {
			parts = append(parts, c)
		}
	}
	// keep the deepest components that fit: the file name matters most
	total := -1
	for i := len(parts) - 1; i >= 0; i-- {
		if total+1+len(parts[i]) > maxPathBytes && i < len(parts)-1 {
			parts = parts[i+1:]
			break
		}
		total += 1 + len(parts[i])
	}
	if len(parts) == 0 {
		return "unnamed"
	}
	return strings.Join(parts, "/")
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// cleanComponent cleans one path component; "" means drop it.
func cleanComponent(c string, maxBytes int) string {
	var b strings.Builder
	b.Grow(len(c))
	for _, r := range c {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == 0x2028, r == 0x2029, r == utf8.RuneError:
			b.WriteByte('_')
		case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
			// bidi controls can disguise an extension ("photo\u202Egpj.exe"); drop them
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s := norm.NFC.String(b.String())
	s = strings.TrimRight(s, ". ")
	if s == "" {
		return ""
	}
	if reservedDevice(s) {
		stem, ext := splitAtFirstDot(s)
		s = stem + "_" + ext
	}
	return shorten(s, maxBytes)
}

// reservedDevice reports Windows device names, which Windows refuses as
// file names with any extension ("CON.jpg", "com1.tar.gz").
func reservedDevice(s string) bool {
	stem, _ := splitAtFirstDot(s)
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) >= 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) {
		switch stem[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

func splitAtFirstDot(s string) (string, string) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// splitExt splits off a short extension worth keeping when shortening.
func splitExt(s string) (string, string) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || len(s)-i > maxExtBytes {
		return s, ""
	}
	return s[:i], s[i:]
}

// shorten cuts s to at most maxBytes on a rune boundary, keeping a short
// extension, and keeps the result NFC without trailing dots or spaces.
func shorten(s string, maxBytes int) string {
	for limit := maxBytes; len(s) > maxBytes && limit > 0; limit-- {
		stem, ext := splitExt(s)
		stem = strings.TrimRight(cutRunes(stem, limit-len(ext)), ". ")
		if stem == "" {
			stem = "_"
		}
		s = norm.NFC.String(stem + ext) // NFC rarely grows a cut string; then cut shorter
	}
	return s
}

// cutRunes returns the longest prefix of s of at most n bytes that ends on a rune boundary.
func cutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// namer makes cleaned paths unique under case folding, the way Windows and
// macOS compare names: "photo.jpg" then "Photo.jpg" gives "Photo (2).jpg".
// Folders that differ only in case merge under the first spelling seen.
type namer struct {
	max   int
	fold  cases.Caser
	files map[string]struct{}
	dirs  map[string]string // folded dir path -> the dir path used
}

func newNamer(maxComponent int) *namer {
	return &namer{
		max:   maxComponent,
		fold:  cases.Fold(),
		files: map[string]struct{}{},
		dirs:  map[string]string{},
	}
}

func (n *namer) key(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			return norm.NFC.String(n.fold.String(p))
		}
	}
	return strings.ToLower(p) // ASCII folds to lower case
}

func (n *namer) taken(key string) bool {
	_, f := n.files[key]
	_, d := n.dirs[key]
	return f || d
}

// reserve claims a file path (already clean) so no entry takes it.
func (n *namer) reserve(p string) { n.files[n.key(p)] = struct{}{} }

// dir resolves folder c inside folder parent, renaming it when a file took the name.
func (n *namer) dir(parent, c string) string {
	p := join(parent, c)
	key := n.key(p)
	if used, ok := n.dirs[key]; ok {
		return used
	}
	used := p
	if n.taken(key) {
		for k := 2; ; k++ {
			used = join(parent, suffixed(c, k, false, n.max))
			if !n.taken(n.key(used)) {
				break
			}
		}
		n.dirs[n.key(used)] = used
	}
	n.dirs[key] = used
	return used
}

// newDir claims a folder no other name uses ("sunset", "sunset (2)").
func (n *namer) newDir(c string) string {
	used := c
	for k := 2; n.taken(n.key(used)); k++ {
		used = suffixed(c, k, false, n.max)
	}
	n.dirs[n.key(used)] = used
	return used
}

// file claims a unique path for clean path p under folder base ("" for the root).
func (n *namer) file(base, p string) string {
	comps := strings.Split(p, "/")
	parent := base
	for _, c := range comps[:len(comps)-1] {
		parent = n.dir(parent, c)
	}
	last := comps[len(comps)-1]
	used := join(parent, last)
	for k := 2; n.taken(n.key(used)); k++ {
		used = join(parent, suffixed(last, k, true, n.max))
	}
	n.files[n.key(used)] = struct{}{}
	return used
}

// suffixed returns name with " (k)" before its extension, within maxBytes.
func suffixed(name string, k int, keepExt bool, maxBytes int) string {
	stem, ext := name, ""
	if keepExt {
		stem, ext = splitExt(name)
	}
	tag := " (" + strconv.Itoa(k) + ")"
	stem = strings.TrimRight(cutRunes(stem, maxBytes-len(ext)-len(tag)), ". ")
	return norm.NFC.String(stem + tag + ext)
}

func join(parent, c string) string {
	if parent == "" {
		return c
	}
	return parent + "/" + c
}
