package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds fixtures and the checks that run real ZIP readers.

var testTime = time.Date(2024, 5, 17, 10, 30, 42, 0, time.UTC)

// patternTable has a prime length so patterns do not line up with buffers.
var patternTable = func() []byte {
	t := make([]byte, 65521)
	x := uint32(1)
	for i := range t {
		x = x*1664525 + 1013904223
		t[i] = byte(x >> 24)
	}
	return t
}()

// pattern is a deterministic synthetic source of any size.
type pattern struct {
	size int64
	seed int64
}

func (p pattern) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := len(b)
	if rest := p.size - off; int64(n) > rest {
		n = int(rest)
	}
	for k := 0; k < n; {
		i := (off + int64(k) + p.seed) % int64(len(patternTable))
		k += copy(b[k:n], patternTable[i:])
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (p pattern) crc() uint32 {
	buf := make([]byte, 1<<20)
	var crc uint32
	for off := int64(0); off < p.size; {
		n, _ := p.ReadAt(buf, off)
		crc = crc32.Update(crc, crc32.IEEETable, buf[:n])
		off += int64(n)
	}
	return crc
}

func patternEntry(name string, size, seed int64) Entry {
	p := pattern{size: size, seed: seed}
	return Entry{Name: name, Size: size, CRC32: p.crc(), Known: true, ModTime: testTime, Open: FromReaderAt(p, size)}
}

func bytesEntry(name string, data []byte) Entry {
	return Entry{
		Name: name, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data), Known: true,
		ModTime: testTime, Open: FromBytes(data),
	}
}

// streamedEntry has no known CRC, like a fresh rendition.
func streamedEntry(name string, data []byte, hint int64) Entry {
	e := bytesEntry(name, data)
	e.Known, e.CRC32, e.Size = false, 0, hint
	return e
}

// writeFile streams a to a file in dir and checks Size against the bytes written.
func writeFile(t *testing.T, a *Archive, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	require.NoError(t, err)
	n, err := a.Stream(t.Context(), f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	if size, ok := a.Size(); ok {
		require.Equal(t, size, n, "Size() must equal the bytes written")
	}
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, n, st.Size())
	return path
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

func streamBytes(t *testing.T, a *Archive) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := a.Stream(t.Context(), &buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// checkGo opens the archive with archive/zip, refusing insecure names the
// way GODEBUG=zipinsecurepath=0 does, and returns name -> CRC of contents.
func checkGo(t *testing.T, path string, readData bool) map[string]uint32 {
	t.Helper()
	r, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer r.Close()
	out := map[string]uint32{}
	for _, f := range r.File {
		require.True(t, filepath.IsLocal(f.Name) && !strings.Contains(f.Name, `\`), "insecure name %q", f.Name)
		require.NotZero(t, f.Flags&flagUTF8, "UTF-8 flag on %q", f.Name)
		if !readData {
			out[f.Name] = f.CRC32
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		h := crc32.NewIEEE()
		n, err := io.Copy(h, rc)
		require.NoError(t, err, f.Name)
		require.NoError(t, rc.Close())
		require.Equal(t, int64(f.UncompressedSize64), n)
		out[f.Name] = h.Sum32()
	}
	return out
}

// checkTools runs every outside ZIP reader installed; each must report the
// archive clean, with no warning.
func checkTools(t *testing.T, path string) { checkReaders(t, path, true) }

// checkReaders is checkTools; extract=false skips the bsdtar extraction,
// which takes seconds for tens of thousands of entries.
func checkReaders(t *testing.T, path string, extract bool) {
	t.Helper()
	run := func(tool, install string, args ...string) (string, bool) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not installed; .ci/run installs %s", tool, install)
			return "", false
		}
		cmd := exec.CommandContext(t.Context(), tool, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "%s %v: %s%s", tool, args, out, stderr.String())
		return string(out) + stderr.String(), true
	}
	if out, ok := run("7z", "p7zip-full", "t", path); ok {
		assert.Contains(t, out, "Everything is Ok", out)
		for _, bad := range []string{"Warning", "WARNING", "Headers Error", "ERROR"} {
			assert.NotContains(t, out, bad, out)
		}
	}
	if out, ok := run("unzip", "unzip", "-t", path); ok {
		assert.Contains(t, out, "No errors detected", out)
		assert.NotContains(t, out, "warning", out)
	}
	if out, ok := run("bsdtar", "libarchive-tools", "-tvf", path); ok {
		assert.NotContains(t, out, "bsdtar:", out)
		if extract {
			out, _ = run("bsdtar", "libarchive-tools", "-xf", path, "-C", t.TempDir())
			assert.Empty(t, out)
		}
	}
	if out, ok := run("python3", "python3", "-c",
		"import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nbad = z.testzip()\nprint('bad' if bad else 'ok', bad or '')",
		path); ok {
		assert.Equal(t, "ok", strings.TrimSpace(out), out)
	}
}

// countingOpener records the source ranges opened.
type countingOpener struct {
	open  Opener
	calls [][2]int64
}

func (c *countingOpener) opener() Opener {
	return func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		c.calls = append(c.calls, [2]int64{off, n})
		return c.open(ctx, off, n)
	}
}
