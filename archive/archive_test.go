//go:debug zipinsecurepath=0

package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"
)

// hardNames is the selection every reader must accept.
func hardNames() []Entry {
	long := strings.Repeat("é", 150) + ".jpg" // 300 characters, 304 bytes
	return []Entry{
		bytesEntry("empty.txt", nil),
		bytesEntry("Fotos/Grüße.jpg", []byte("utf-8 name")),
		bytesEntry(norm.NFD.String("Café/Crème brûlée.png"), []byte("nfd name")),
		bytesEntry("🎉 party 👨‍👩‍👧.gif", []byte("emoji")),
		bytesEntry("CON.jpg", []byte("reserved")),
		bytesEntry("../x", []byte("dot dot")),
		bytesEntry("/etc/passwd", []byte("absolute")),
		bytesEntry(`C:\Users\me\file.txt`, []byte("drive")),
		bytesEntry("A.jpg", []byte("upper")),
		bytesEntry("a.jpg", []byte("lower")),
		bytesEntry("tab\there\x01.txt", []byte("controls")),
		bytesEntry(long, []byte("long")),
		bytesEntry(strings.Repeat("x", 300), []byte("long, no extension")),
		patternEntry("data/pattern.bin", 3<<20+17, 5),
	}
}

func TestHardNamesAllReaders(t *testing.T) {
	entries := hardNames()
	a, err := New(entries, nil)
	require.NoError(t, err)
	require.True(t, a.Rangeable())
	path := writeFile(t, a, t.TempDir(), "hard.zip")
	checkTools(t, path)
	got := checkGo(t, path, true)
	require.Len(t, got, len(entries))
	names := a.Names()
	for i, e := range entries {
		assert.Equal(t, e.CRC32, got[names[i]], names[i])
	}
	assert.Equal(t, "Café/Crème brûlée.png", names[2], "NFC")
	assert.Equal(t, "CON_.jpg", names[4])
	assert.Equal(t, "x", names[5])
	assert.Equal(t, "etc/passwd", names[6])
	assert.Equal(t, "Users/me/file.txt", names[7])
	assert.Equal(t, "a (2).jpg", names[9])
	assert.Equal(t, "tab_here_.txt", names[10])
	assert.LessOrEqual(t, len(names[11]), 255)
	assert.True(t, strings.HasSuffix(names[11], ".jpg"))
}

func TestMixedArchiveAllReaders(t *testing.T) {
	text := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog\n", 5000))
	entries := []Entry{
		bytesEntry("photo.jpg", bytes.Repeat([]byte{0xff, 0xd8}, 1000)),
		streamedEntry("rendition.png", []byte("fresh rendition bytes"), 0),
		streamedEntry("big-hint.mp4", []byte("small, but hinted as 5 GiB"), 5<<30),
		bytesEntry("notes.txt", text),
	}
	entries[3].MediaType = "text/plain; charset=utf-8"
	a, err := New(entries, &Options{DeflateText: true})
	require.NoError(t, err)
	_, ok := a.Size()
	assert.False(t, ok)
	assert.Empty(t, a.ETag())
	_, err = a.NewReader(t.Context())
	require.ErrorIs(t, err, ErrNotRangeable)
	_, err = a.ReadAt(t.Context(), make([]byte, 4), 0)
	require.ErrorIs(t, err, ErrNotRangeable)

	path := writeFile(t, a, t.TempDir(), "mixed.zip")
	checkTools(t, path)
	got := checkGo(t, path, true)
	assert.Equal(t, crc32.ChecksumIEEE(text), got["notes.txt"])
	assert.Equal(t, crc32.ChecksumIEEE([]byte("fresh rendition bytes")), got["rendition.png"])

	r, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, uint16(zip.Deflate), r.File[3].Method)
	assert.Less(t, r.File[3].CompressedSize64, uint64(len(text)/10))
	assert.Equal(t, uint16(zip.Store), r.File[0].Method)
	assert.Equal(t, testTime, r.File[0].Modified.UTC())
}

func TestZip64EndForManyEntries(t *testing.T) {
	const n = 70_000
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = bytesEntry(fmt.Sprintf("f/%05d.txt", i), []byte{byte(i)})
	}
	a, err := New(entries, nil)
	require.NoError(t, err)
	path := writeFile(t, a, t.TempDir(), "many.zip")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), "PK\x06\x06", "ZIP64 end record")
	checkReaders(t, path, false)
	assert.Len(t, checkGo(t, path, false), n)

	small, err := New(entries[:100], nil)
	require.NoError(t, err)
	assert.NotContains(t, string(streamBytes(t, small)), "PK\x06\x06", "no ZIP64 when not needed")
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	var sums []string
	for i := range 2 {
		a, err := New(hardNames(), &Options{FolderPerAsset: true})
		require.NoError(t, err)
		sums = append(sums, fileSHA(t, writeFile(t, a, dir, fmt.Sprintf("run%d.zip", i))))
	}
	assert.Equal(t, sums[0], sums[1])

	a1, err := New(hardNames(), nil)
	require.NoError(t, err)
	a2, err := New(hardNames(), nil)
	require.NoError(t, err)
	assert.Equal(t, a1.ETag(), a2.ETag())
	changed := hardNames()
	changed[1].ModTime = changed[1].ModTime.Add(2e9)
	a3, err := New(changed, nil)
	require.NoError(t, err)
	assert.NotEqual(t, a1.ETag(), a3.ETag())
}

func TestRandomRanges(t *testing.T) {
	entries := hardNames()
	counters := make([]*countingOpener, len(entries))
	for i := range entries {
		counters[i] = &countingOpener{open: entries[i].Open}
		entries[i].Open = counters[i].opener()
	}
	a, err := New(entries, nil)
	require.NoError(t, err)
	full := streamBytes(t, a)
	size, ok := a.Size()
	require.True(t, ok)
	require.Equal(t, int64(len(full)), size)

	rd, err := a.NewReader(t.Context())
	require.NoError(t, err)
	defer rd.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 1000 {
		off := rng.Int64N(size)
		n := 1 + rng.Int64N(min(size-off, 1<<20))
		for _, c := range counters {
			c.calls = nil
		}
		got := make([]byte, n)
		k, err := a.ReadAt(t.Context(), got, off)
		require.NoError(t, err)
		require.Equal(t, int(n), k)
		require.Equal(t, full[off:off+n], got, "range %d: %d+%d", i, off, n)
		for j, c := range counters { // only overlapping source ranges are read
			for _, call := range c.calls {
				it := a.items[j]
				dataStart := it.offset + it.localLen()
				assert.LessOrEqual(t, off, dataStart+call[0])
				assert.LessOrEqual(t, dataStart+call[0]+call[1], off+n)
			}
		}
		// the same range through the io.ReadSeeker used by http.ServeContent
		_, err = rd.Seek(off, io.SeekStart)
		require.NoError(t, err)
		got2 := make([]byte, n)
		_, err = io.ReadFull(rd, got2)
		require.NoError(t, err)
		require.Equal(t, got, got2)
	}
	sr := io.NewSectionReader(rd, 0, size)
	all, err := io.ReadAll(sr)
	require.NoError(t, err)
	assert.Equal(t, full, all)
	_, err = a.ReadAt(t.Context(), make([]byte, 10), size-5)
	assert.ErrorIs(t, err, io.EOF)
}

func TestResumeAfterCut(t *testing.T) {
	a, err := New(hardNames(), nil)
	require.NoError(t, err)
	full := streamBytes(t, a)
	size, _ := a.Size()
	cut := size * 37 / 100

	var got bytes.Buffer
	_, err = a.Stream(t.Context(), &limitedWriter{w: &got, left: cut})
	require.ErrorIs(t, err, errCut)
	require.Equal(t, cut, int64(got.Len()))
	n, err := a.StreamFrom(t.Context(), &got, cut)
	require.NoError(t, err)
	assert.Equal(t, size-cut, n)
	assert.Equal(t, sha256.Sum256(full), sha256.Sum256(got.Bytes()))
}

var errCut = errors.New("connection cut")

type limitedWriter struct {
	w    io.Writer
	left int64
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		n, _ := l.w.Write(p[:l.left])
		l.left = 0
		return n, errCut
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}

func TestSourceErrors(t *testing.T) {
	boom := errors.New("disk on fire")
	failing := patternEntry("fail.bin", 3<<20, 1)
	inner := failing.Open
	failing.Open = func(ctx context.Context, off, n int64) (io.ReadCloser, error) {
		rc, err := inner(ctx, off, n)
		return struct {
			io.Reader
			io.Closer
		}{io.MultiReader(io.LimitReader(rc, 1<<20), errReader{boom}), rc}, err
	}
	short := bytesEntry("short.bin", []byte("12345"))
	short.Size = 10
	tests := []struct {
		name    string
		entries []Entry
		want    error
	}{
		{"error mid-stream", []Entry{bytesEntry("ok.txt", []byte("ok")), failing}, boom},
		{"short source", []Entry{short}, ErrSourceSize},
		{"short streamed source", []Entry{short, streamedEntry("s", []byte("x"), 0)}, ErrSourceSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.entries, nil)
			require.NoError(t, err)
			_, err = a.Stream(t.Context(), io.Discard)
			require.ErrorIs(t, err, tt.want)
			if a.Rangeable() {
				size, _ := a.Size()
				_, err = a.ReadAt(t.Context(), make([]byte, size), 0)
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestCancel(t *testing.T) {
	a, err := New([]Entry{patternEntry("big.bin", 64<<20, 3)}, nil)
	require.NoError(t, err)
	before := runtime.NumGoroutine()
	defer func() { assert.LessOrEqual(t, runtime.NumGoroutine(), before, "no goroutine left") }()
	ctx, cancel := context.WithCancel(t.Context())
	w := &cancelAfter{cancel: cancel, after: 2 << 20}
	n, err := a.Stream(ctx, w)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, n, int64(8<<20), "stops within a few buffers")
}

type cancelAfter struct {
	cancel context.CancelFunc
	after  int64
	n      int64
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if c.n >= c.after {
		c.cancel()
	}
	return len(p), nil
}

func TestFolderPerAsset(t *testing.T) {
	e := func(id, asset, name string) Entry {
		x := bytesEntry(name, []byte(id+name))
		x.AssetID, x.AssetName = id, asset
		return x
	}
	a, err := New([]Entry{
		e("1", "Sunset", "sunset.jpg"),
		e("1", "Sunset", "sunset-web.jpg"),
		e("2", "sunset", "sunset.jpg"),
		e("3", "", "loose.jpg"),
	}, &Options{FolderPerAsset: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"Sunset/sunset.jpg", "Sunset/sunset-web.jpg", "sunset (2)/sunset.jpg", "3/loose.jpg"}, a.Names())
	checkTools(t, writeFile(t, a, t.TempDir(), "folders.zip"))
}

func TestLimits(t *testing.T) {
	entries := []Entry{bytesEntry("a", []byte("1")), bytesEntry("b", []byte("2"))}
	_, err := New(entries, &Options{MaxEntries: 1})
	assert.ErrorIs(t, err, ErrTooManyEntries)
	_, err = New(entries, &Options{MaxTotalSize: 100})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = New([]Entry{{Name: "", Open: FromBytes(nil)}}, nil)
	assert.ErrorIs(t, err, ErrInvalidName)
	_, err = New([]Entry{{Name: "x"}}, nil)
	assert.ErrorIs(t, err, ErrInvalidEntry)
}

func TestEmptyArchive(t *testing.T) {
	a, err := New(nil, nil)
	require.NoError(t, err)
	size, ok := a.Size()
	require.True(t, ok)
	assert.Equal(t, int64(endLen), size)
	path := writeFile(t, a, t.TempDir(), "empty.zip")
	assert.Empty(t, checkGo(t, path, true))
}

func TestSplitSmall(t *testing.T) {
	var entries []Entry
	for i := range 35 {
		entries = append(entries, patternEntry(fmt.Sprintf("asset-%02d.bin", i), 100_000, int64(i)))
	}
	entries[0].SHA256 = "abc123"
	entries = append(entries, patternEntry("huge.bin", 1_500_000, 99))
	skipped := []Skipped{{AssetID: "42", Name: "secret.psd", Reason: "needs request"}}
	const maxPart = 1_000_000
	p, err := Split(entries, skipped, &Options{MaxPartSize: maxPart})
	require.NoError(t, err)
	require.Len(t, p.Parts, 5, "9+9+9+8 entries, then the oversized one alone")
	dir := t.TempDir()
	seen := map[string]bool{}
	for i, part := range p.Parts {
		n, of := part.Part()
		assert.Equal(t, i+1, n)
		assert.Equal(t, 5, of)
		size, ok := part.Size()
		require.True(t, ok)
		if i < 4 {
			assert.LessOrEqual(t, size, int64(maxPart))
		}
		path := writeFile(t, part, dir, fmt.Sprintf("part%d.zip", i+1))
		checkTools(t, path)
		for name := range checkGo(t, path, true) {
			assert.False(t, seen[name], "names unique across parts: %s", name)
			seen[name] = true
		}
	}
	assert.Equal(t, ManifestName, p.Parts[0].Names()[p.Parts[0].Len()-1])
	require.NotNil(t, p.Manifest)
	r, err := zip.OpenReader(dir + "/part1.zip")
	require.NoError(t, err)
	defer r.Close()
	f, err := r.Open(ManifestName)
	require.NoError(t, err)
	var m Manifest
	require.NoError(t, json.NewDecoder(f).Decode(&m))
	assert.Equal(t, 5, m.Parts)
	assert.Len(t, m.Entries, 36)
	assert.Equal(t, "abc123", m.Entries[0].SHA256)
	assert.Equal(t, 5, m.Entries[35].Part)
	assert.Equal(t, skipped, m.Skipped)

	one, err := Split(entries[:3], nil, nil)
	require.NoError(t, err)
	assert.Len(t, one.Parts, 1)
	assert.Nil(t, one.Manifest, "no manifest for one part with nothing skipped")
}

func TestManifestNameReserved(t *testing.T) {
	p, err := Split([]Entry{bytesEntry("Manifest.JSON", []byte("user file"))}, nil, &Options{Manifest: ManifestAlways})
	require.NoError(t, err)
	assert.Equal(t, []string{"Manifest (2).JSON", ManifestName}, p.Parts[0].Names())
}
