package storage_test

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gocloud.dev/blob/fileblob"
	"gocloud.dev/blob/memblob"

	"github.com/damkit/damkit/storage"
	"github.com/damkit/damkit/storage/storagetest"
)

func openFile(t *testing.T) (*storage.Bucket, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	b, err := storage.Open(t.Context(), (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	return b, dir
}

func openMem(t *testing.T) *storage.Bucket {
	t.Helper()
	b, err := storage.Open(t.Context(), "mem://")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, b.Close()) })
	return b
}

func TestConformance(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) *storage.Bucket {
			b, _ := openFile(t)
			return b
		})
	})
	t.Run("file staging next to objects", func(t *testing.T) {
		// What Open picks when os.TempDir is on another file system.
		storagetest.Run(t, func(t *testing.T) *storage.Bucket {
			dir := filepath.Join(t.TempDir(), "blobs")
			b, err := storage.Open(t.Context(), "file://"+filepath.ToSlash(dir)+"?no_tmp_dir=1")
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, b.Close()) })
			return b
		})
	})
	t.Run("mem", func(t *testing.T) { storagetest.Run(t, openMem) })
	t.Run("New fileblob", func(t *testing.T) {
		// A bucket the host opened itself: Publish copies with the driver.
		storagetest.Run(t, func(t *testing.T) *storage.Bucket {
			bb, err := fileblob.OpenBucket(t.TempDir(), nil)
			require.NoError(t, err)
			b := storage.New(bb)
			t.Cleanup(func() { assert.NoError(t, b.Close()) })
			return b
		})
	})
	t.Run("New memblob", func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) *storage.Bucket {
			b := storage.New(memblob.OpenBucket(nil))
			t.Cleanup(func() { assert.NoError(t, b.Close()) })
			return b
		})
	})
}

// FuzzValidateKey checks that every key ValidateKey accepts names exactly
// one file inside a file:// bucket and lists back unchanged.
func FuzzValidateKey(f *testing.F) {
	for _, seed := range []string{"originals/sha256/ab", "a/b/c", "ä/ü ß", "a/../b", "a//b", "..", "x.attrs", "a\\b", ".hidden/x", "tmp/x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if storage.ValidateKey(key) != nil {
			return
		}
		if strings.HasPrefix(key, "tmp/") || len(key) > 200 {
			return // keep file names within common limits
		}
		b, dir := openFile(t)
		w, err := b.NewWriter(t.Context(), key, nil)
		require.NoError(t, err)
		_, err = w.Write([]byte("k"))
		require.NoError(t, err)
		if err := w.Close(); err != nil {
			t.Skipf("file system refused %q: %v", key, err)
		}
		assert.Equal(t, []string{key}, storagetest.Keys(t, b, ""))
		_, err = os.Stat(filepath.Join(dir, filepath.FromSlash(key)))
		assert.NoError(t, err, "the key maps to its own path")
	})
}

func TestFilePublishLinksWithoutCopy(t *testing.T) {
	b, dir := openFile(t)
	w, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = w.Write([]byte("linked"))
	require.NoError(t, err)
	staged := stagedFiles(t, dir)
	require.Len(t, staged, 1)
	before, err := os.Stat(staged[0])
	require.NoError(t, err)

	key := storage.OriginalKey("0123")
	existed, err := w.Publish(t.Context(), key)
	require.NoError(t, err)
	assert.False(t, existed)
	after, err := os.Stat(filepath.Join(dir, "originals", "sha256", "0123"))
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the staged file itself became the object")
	assert.Empty(t, stagedFiles(t, dir))
	_, err = os.Stat(filepath.Join(dir, "originals", "sha256", "0123.attrs"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no sidecar is written for originals")

	attrs, err := b.Attributes(t.Context(), key)
	require.NoError(t, err)
	assert.Equal(t, "application/octet-stream", attrs.ContentType)
}

func TestFileSweepTempByAge(t *testing.T) {
	b, dir := openFile(t)
	// A writer of a process that was killed, and one still running.
	dead, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = dead.Write([]byte("dead"))
	require.NoError(t, err)
	staged := stagedFiles(t, dir)
	require.Len(t, staged, 1)
	old := time.Now().Add(-48 * time.Hour)
	require.NoError(t, os.Chtimes(staged[0], old, old))

	live, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = live.Write([]byte("live"))
	require.NoError(t, err)

	n, err := b.SweepTemp(t.Context(), time.Now().Add(-24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.Len(t, stagedFiles(t, dir), 1)

	existed, err := live.Publish(t.Context(), storage.OriginalKey("live"))
	require.NoError(t, err)
	assert.False(t, existed)
	_, err = dead.Publish(t.Context(), storage.OriginalKey("dead"))
	assert.Error(t, err, "a swept writer cannot publish")
	assert.Empty(t, stagedFiles(t, dir))
}

func TestFilePublishOverDirectory(t *testing.T) {
	b, _ := openFile(t)
	storagetest.Publish(t, b, "a/b", []byte("child"))
	w, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = w.Publish(t.Context(), "a")
	assert.ErrorIs(t, err, storage.ErrInvalidKey)
	assert.Empty(t, storagetest.Keys(t, b, "tmp/"))
}

func TestSignedURL(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret.key")
	require.NoError(t, os.WriteFile(secret, []byte("0123456789abcdef"), 0o600))
	dir := filepath.Join(t.TempDir(), "signed")
	signing := "file://" + filepath.ToSlash(dir) + "?base_url=/show&secret_key_path=" + url.QueryEscape(secret)
	tests := []struct {
		name    string
		open    func(t *testing.T) *storage.Bucket
		wantErr error
	}{
		{"mem", openMem, storage.ErrNotSupported},
		{"file without signer", func(t *testing.T) *storage.Bucket { b, _ := openFile(t); return b }, storage.ErrNotSupported},
		{"file with signer", func(t *testing.T) *storage.Bucket {
			b, err := storage.Open(t.Context(), signing)
			require.NoError(t, err)
			t.Cleanup(func() { _ = b.Close() })
			return b
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.open(t)
			storagetest.Publish(t, b, "originals/sha256/s", []byte("s"))
			u, err := b.SignedURL(t.Context(), "originals/sha256/s", time.Minute)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, u, "/show")
		})
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{"mem", "mem://", ""},
		{"unregistered scheme", "s3://bucket", "blank import"},
		{"file without path", "file://", "no path"},
		{"unknown fileblob parameter", "file:///tmp/x?nope=1", "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := storage.Open(t.Context(), tt.url)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, b.Close())
		})
	}
}

func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "deep", "er")
	b, err := storage.Open(t.Context(), "file://"+filepath.ToSlash(dir))
	require.NoError(t, err)
	defer func() { require.NoError(t, b.Close()) }()
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.Empty(t, storagetest.Keys(t, b, ""), "the open probe leaves nothing")
}

func TestOriginalKey(t *testing.T) {
	const hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	assert.Equal(t, "originals/sha256/"+hex, storage.OriginalKey(hex))
	assert.NoError(t, storage.ValidateKey(storage.OriginalKey(hex)))
}

func stagedFiles(t *testing.T, root string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(root, "tmp", "*"))
	require.NoError(t, err)
	return names
}

// SweepDeadTemp removes, at start, what killed processes staged (tagged
// with another process's tag, or with none as before tags existed) once
// it is older than a short cutoff, and never this process's own writers.
func TestFileSweepDeadTemp(t *testing.T) {
	b, dir := openFile(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tmp"), 0o777))
	old := time.Now().Add(-time.Hour)
	stage := func(name string, at time.Time) string {
		p := filepath.Join(dir, "tmp", name)
		require.NoError(t, os.WriteFile(p, []byte(name), 0o666))
		require.NoError(t, os.Chtimes(p, at, at))
		return p
	}
	deadTagged := stage("20260101T000000.000000000Z-0123456789ab-00112233aabbccdd", old)
	untagged := stage("20260101T000000.000000000Z-00112233aabbccdd", old)
	freshOther := stage("20260101T000000.000000000Z-ba9876543210-00112233aabbccdd", time.Now())

	own, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = own.Write([]byte("mine"))
	require.NoError(t, err)
	for _, p := range stagedFiles(t, dir) {
		if strings.Contains(filepath.Base(p), "-"+storage.ProcessTag()+"-") {
			require.NoError(t, os.Chtimes(p, old, old)) // a long upload of this process
		}
	}

	n, err := b.SweepDeadTemp(t.Context(), time.Now().Add(-10*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	left := stagedFiles(t, dir)
	assert.NotContains(t, left, deadTagged)
	assert.NotContains(t, left, untagged)
	assert.Contains(t, left, freshOther, "another live process's upload is left alone")
	require.Len(t, left, 2)
	_, err = own.Publish(t.Context(), storage.OriginalKey("mine"))
	require.NoError(t, err, "this process's writer survives the sweep")
}

// Processes starting together sweep the same leftovers: a listing that
// meets an object another one just deleted does not fail the sweep.
func TestFileSweepDeadTempConcurrently(t *testing.T) {
	b, dir := openFile(t)
	other, err := storage.Open(t.Context(), (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tmp"), 0o777))
	old := time.Now().Add(-time.Hour)
	for round := range 5 {
		for i := range 300 {
			p := filepath.Join(dir, "tmp", fmt.Sprintf("20260101T000000.000000000Z-0123456789ab-%04d%04d", round, i))
			require.NoError(t, os.WriteFile(p, []byte("x"), 0o666))
			require.NoError(t, os.Chtimes(p, old, old))
		}
		errs := make(chan error, 2)
		for _, bk := range []*storage.Bucket{b, other} {
			go func() {
				_, err := bk.SweepDeadTemp(t.Context(), time.Now().Add(-time.Minute))
				errs <- err
			}()
		}
		require.NoError(t, <-errs, "round %d", round)
		require.NoError(t, <-errs, "round %d", round)
		assert.Empty(t, stagedFiles(t, dir))
	}
}

func TestOpenFile(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(dir))
	require.NoError(t, err)
	defer b.Close()
	w, err := b.NewWriter(ctx, "originals/sha256/abc", nil)
	require.NoError(t, err)
	_, err = w.Write([]byte("local bytes"))
	require.NoError(t, err)
	require.NoError(t, w.Close())

	f, err := b.OpenFile(ctx, "originals/sha256/abc")
	require.NoError(t, err)
	got, err := io.ReadAll(f)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, "local bytes", string(got), "the file holds what the bucket wrote")

	for _, tc := range []struct {
		name, key string
		want      error
	}{
		{"missing", "originals/sha256/none", storage.ErrNotFound},
		{"escaping", "../outside", storage.ErrInvalidKey},
		{"empty", "", storage.ErrInvalidKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.OpenFile(ctx, tc.key)
			assert.ErrorIs(t, err, tc.want)
		})
	}

	mem, err := storage.Open(ctx, "mem://")
	require.NoError(t, err)
	defer mem.Close()
	_, err = mem.OpenFile(ctx, "originals/sha256/abc")
	assert.ErrorIs(t, err, storage.ErrNotSupported, "a bucket with no local directory")
}
