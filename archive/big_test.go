package archive

import (
	"archive/zip"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireBig(t *testing.T) {
	t.Helper()
	if os.Getenv("DAMKIT_BIG") != "1" {
		t.Skip("set DAMKIT_BIG=1 to run the 4 GiB entry and 3.5 GB split tests")
	}
}

// TestBigEntries writes entries of exactly 0xFFFFFFFF and 0x100000000 bytes
// and a small entry past the 4 GiB offset (about 8.6 GB of disk).
func TestBigEntries(t *testing.T) {
	requireBig(t)
	entries := []Entry{
		patternEntry("max32.bin", 1<<32-1, 1),
		patternEntry("four-gib.bin", 1<<32, 2),
		bytesEntry("after.txt", []byte("a small entry past the 4 GiB offset")),
	}
	a, err := New(entries, nil)
	require.NoError(t, err)
	path := writeFile(t, a, t.TempDir(), "big.zip")
	checkTools(t, path)
	got := checkGo(t, path, true)
	for i, name := range a.Names() {
		assert.Equal(t, entries[i].CRC32, got[name], name)
	}
	r, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer r.Close()
	assert.Equal(t, uint64(1<<32-1), r.File[0].UncompressedSize64)
	assert.Equal(t, uint64(1<<32), r.File[1].UncompressedSize64)
}

// TestBigSplit splits 3.5 GB under a 1 GB cap into four standalone parts.
func TestBigSplit(t *testing.T) {
	requireBig(t)
	var entries []Entry
	for i := range 35 {
		entries = append(entries, patternEntry(fmt.Sprintf("clip-%02d.mov", i), 100_000_000, int64(i)))
	}
	p, err := Split(entries, nil, &Options{MaxPartSize: 1_000_000_000})
	require.NoError(t, err)
	require.Len(t, p.Parts, 4)
	dir := t.TempDir()
	total := 0
	for i, part := range p.Parts {
		size, ok := part.Size()
		require.True(t, ok)
		assert.LessOrEqual(t, size, int64(1_000_000_000))
		path := writeFile(t, part, dir, fmt.Sprintf("part%d.zip", i+1))
		checkTools(t, path)
		total += len(checkGo(t, path, true))
		require.NoError(t, os.Remove(path))
	}
	assert.Equal(t, 36, total, "35 clips and the manifest")
}
