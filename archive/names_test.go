package archive

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

func TestCleanPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"photo.jpg", "photo.jpg"},
		{"a/b/c.txt", "a/b/c.txt"},
		{`a\b\c.txt`, "a/b/c.txt"},
		{"/abs/path.txt", "abs/path.txt"},
		{"../../etc/passwd", "etc/passwd"},
		{"a/./b/../c", "a/b/c"},
		{"C:\\Windows\\x.dll", "Windows/x.dll"},
		{"c:relative.txt", "relative.txt"},
		{"CON", "CON_"},
		{"con.tar.gz", "con_.tar.gz"},
		{"dir/LPT9.txt", "dir/LPT9_.txt"},
		{"COM¹.txt", "COM¹_.txt"},
		{"CONSOLE.txt", "CONSOLE.txt"},
		{"trailing. . ", "trailing"},
		{"what?<>|*.txt", "what_____.txt"},
		{"bell\a.txt", "bell_.txt"},
		{"photo\u202egpj.exe", "photogpj.exe"},
		{norm.NFD.String("é.txt"), "é.txt"},
		{"bad\xffutf8.txt", "bad_utf8.txt"},
		{"", "unnamed"},
		{"..", "unnamed"},
		{"///", "unnamed"},
		{"👨‍👩‍👧.png", "👨‍👩‍👧.png"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, CleanPath(tt.in))
		})
	}
}

func TestCleanPathLength(t *testing.T) {
	tests := []struct {
		name, in, ext string
	}{
		{"ascii with extension", strings.Repeat("a", 400) + ".jpeg", ".jpeg"},
		{"multibyte cut on a rune", strings.Repeat("日本", 100) + ".png", ".png"},
		{"emoji", strings.Repeat("🎉", 90) + ".gif", ".gif"},
		{"long extension dropped", "x." + strings.Repeat("e", 300), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CleanPath(tt.in)
			assert.LessOrEqual(t, len(got), 255)
			assert.Greater(t, len(got), 200)
			assert.True(t, utf8.ValidString(got))
			assert.True(t, strings.HasSuffix(got, tt.ext))
		})
	}
}

func TestUniqueNames(t *testing.T) {
	n := newNamer(DefaultMaxComponentBytes)
	var got []string
	for _, p := range []string{
		"photo.jpg", "Photo.jpg", "PHOTO.JPG", "photo (2).jpg",
		"Dir/a.txt", "dir/b.txt", "x", "X/y.txt",
	} {
		got = append(got, n.file("", p))
	}
	assert.Equal(t, []string{
		"photo.jpg", "Photo (2).jpg", "PHOTO (3).JPG", "photo (2) (2).jpg",
		"Dir/a.txt", "Dir/b.txt", "x", "X (2)/y.txt",
	}, got)
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{
		"photo.jpg", "../x", "C:\\a\\b", "CON.jpg", "a/./b", "\x00\x7f", "é", norm.NFD.String("é"),
		strings.Repeat("é", 300), "a\u202eb", "...", " . ", "COM1 .txt", "x." + strings.Repeat("ü", 200),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanPath(in)
		require.NotEmpty(t, got)
		require.True(t, utf8.ValidString(got), "%q", got)
		require.True(t, norm.NFC.IsNormalString(got), "NFC %q", got)
		require.True(t, filepath.IsLocal(got), "local %q", got)
		require.NotContains(t, got, `\`)
		require.LessOrEqual(t, len(got), maxPathBytes)
		for c := range strings.SplitSeq(got, "/") {
			require.NotEmpty(t, c, "empty component in %q", got)
			require.NotEqual(t, "..", c)
			require.NotEqual(t, ".", c)
			require.LessOrEqual(t, len(c), DefaultMaxComponentBytes, "%q", c)
			require.False(t, reservedDevice(c), "reserved %q", c)
			require.False(t, strings.HasSuffix(c, ".") || strings.HasSuffix(c, " "), "trailing %q", c)
			require.False(t, strings.ContainsAny(c, "<>:\"|?*\x00\r\n\x7f"), "%q", c)
		}
		require.Equal(t, got, CleanPath(got), "idempotent")
	})
}

// TestNameLengthFitsTheZIPField: a ZIP stores a name's length in 16 bits,
// so however large MaxComponentBytes is set, no name may reach 65,536 bytes
// (it used to wrap and corrupt the archive).
func TestNameLengthFitsTheZIPField(t *testing.T) {
	long := strings.Repeat("n", 70000) + ".jpg"
	e := bytesEntry(long, []byte("data"))
	e.AssetID, e.AssetName = "1", strings.Repeat("f", 70000)
	for name, o := range map[string]*Options{
		"file name":        {MaxComponentBytes: 100000},
		"folder per asset": {MaxComponentBytes: 100000, FolderPerAsset: true},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := New([]Entry{e}, o)
			require.NoError(t, err)
			got := a.Names()[0]
			assert.LessOrEqual(t, len(got), 2*maxPathBytes+1)
			assert.True(t, strings.HasSuffix(got, ".jpg"))
			read := checkGo(t, writeFile(t, a, t.TempDir(), "long.zip"), true)
			assert.Contains(t, read, got)
		})
	}
}
