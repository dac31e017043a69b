// Package storagetest is the conformance suite every bucket behind a
// *storage.Bucket must pass. Call Run from a driver's test with a function
// that opens a fresh, empty bucket, for example an S3 bucket named by an
// environment variable.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/storage"
)

// Run runs every conformance test against buckets made by open. Each
// subtest opens its own bucket; open should register its cleanup with t.
func Run(t *testing.T, open func(t *testing.T) *storage.Bucket) {
	t.Run("PublishReadBack", func(t *testing.T) { testPublishReadBack(t, open(t)) })
	t.Run("PublishExisting", func(t *testing.T) { testPublishExisting(t, open(t)) })
	t.Run("ConcurrentPublish", func(t *testing.T) { testConcurrentPublish(t, open(t)) })
	t.Run("CancelledWrite", func(t *testing.T) { testCancelledWrite(t, open(t)) })
	t.Run("Abort", func(t *testing.T) { testAbort(t, open(t)) })
	t.Run("NewWriter", func(t *testing.T) { testNewWriter(t, open(t)) })
	t.Run("RangeReader", func(t *testing.T) { testRangeReader(t, open(t)) })
	t.Run("ReaderAt", func(t *testing.T) { testReaderAt(t, open(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, open(t)) })
	t.Run("List", func(t *testing.T) { testList(t, open(t)) })
	t.Run("SweepTemp", func(t *testing.T) { testSweepTemp(t, open(t)) })
	t.Run("SignedURL", func(t *testing.T) { testSignedURL(t, open(t)) })
	t.Run("InvalidKeys", func(t *testing.T) { testInvalidKeys(t, open(t)) })
}

// Publish stages data and publishes it under key.
func Publish(t *testing.T, b *storage.Bucket, key string, data []byte) (existed bool) {
	t.Helper()
	w, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	defer func() { _ = w.Abort() }()
	n, err := w.Write(data)
	require.NoError(t, err)
	require.Equal(t, len(data), n)
	require.Equal(t, int64(len(data)), w.Written())
	existed, err = w.Publish(t.Context(), key)
	require.NoError(t, err)
	return existed
}

// ReadAll reads the whole object.
func ReadAll(t *testing.T, b *storage.Bucket, key string) []byte {
	t.Helper()
	r, err := b.NewRangeReader(t.Context(), key, 0, -1)
	require.NoError(t, err)
	defer func() { require.NoError(t, r.Close()) }()
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	return data
}

// Keys lists the keys under prefix.
func Keys(t *testing.T, b *storage.Bucket, prefix string) []string {
	t.Helper()
	var keys []string
	require.NoError(t, b.List(t.Context(), prefix, func(key string, _ int64) error {
		keys = append(keys, key)
		return nil
	}))
	return keys
}

func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i/251)
	}
	return p
}

func testPublishReadBack(t *testing.T, b *storage.Bucket) {
	tests := []struct {
		name string
		size int
	}{
		{"empty", 0},
		{"small", 13},
		{"several writes", 3<<20 + 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := pattern(tt.size)
			key := storage.OriginalKey(fmt.Sprintf("%064x", tt.size))
			w, err := b.NewTempWriter(t.Context())
			require.NoError(t, err)
			for rest := data; len(rest) > 0; {
				chunk := rest[:min(len(rest), 1<<20)]
				_, err := w.Write(chunk)
				require.NoError(t, err)
				rest = rest[len(chunk):]
			}
			existed, err := w.Publish(t.Context(), key)
			require.NoError(t, err)
			assert.False(t, existed)
			assert.Equal(t, data, ReadAll(t, b, key))
			attrs, err := b.Attributes(t.Context(), key)
			require.NoError(t, err)
			assert.Equal(t, int64(tt.size), attrs.Size)
			assert.False(t, attrs.ModTime.IsZero())
			assert.NotEmpty(t, attrs.ETag)
			ok, err := b.Exists(t.Context(), key)
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Empty(t, Keys(t, b, "tmp/"))
			assert.NoError(t, w.Abort(), "Abort after Publish is a no-op")
			assert.Equal(t, data, ReadAll(t, b, key), "Abort after Publish keeps the object")
		})
	}
}

func testPublishExisting(t *testing.T, b *storage.Bucket) {
	key := storage.OriginalKey("ab")
	first := []byte("the first bytes")
	require.False(t, Publish(t, b, key, first))
	before, err := b.Attributes(t.Context(), key)
	require.NoError(t, err)

	assert.True(t, Publish(t, b, key, []byte("other bytes that must not replace it")))
	assert.Equal(t, first, ReadAll(t, b, key))
	after, err := b.Attributes(t.Context(), key)
	require.NoError(t, err)
	assert.Equal(t, before.Size, after.Size)
	assert.Empty(t, Keys(t, b, "tmp/"))
	assert.Equal(t, []string{key}, Keys(t, b, ""))
}

func testConcurrentPublish(t *testing.T, b *storage.Bucket) {
	const writers = 8
	key := storage.OriginalKey("c0ffee")
	data := pattern(256<<10 + 3)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		errs    []error
	)
	for range writers {
		wg.Go(func() {
			existed, err := publishOnce(t.Context(), b, key, data)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if !existed {
				created++
			}
		})
	}
	wg.Wait()
	require.Empty(t, errs)
	assert.Equal(t, 1, created, "exactly one publish creates the object")
	assert.Equal(t, data, ReadAll(t, b, key))
	assert.Equal(t, []string{key}, Keys(t, b, ""), "one object, no staged leftovers")
}

// publishOnce is Publish without testify, for goroutines.
func publishOnce(ctx context.Context, b *storage.Bucket, key string, data []byte) (bool, error) {
	w, err := b.NewTempWriter(ctx)
	if err != nil {
		return false, err
	}
	defer func() { _ = w.Abort() }()
	for rest := data; len(rest) > 0; {
		n, err := w.Write(rest[:min(len(rest), 64<<10)])
		if err != nil {
			return false, err
		}
		rest = rest[n:]
	}
	return w.Publish(ctx, key)
}

func testCancelledWrite(t *testing.T, b *storage.Bucket) {
	tests := []struct {
		name string
		// finish is what the caller does after the cancelled Write.
		finish func(t *testing.T, w *storage.TempWriter, key string)
	}{
		{"abort", func(t *testing.T, w *storage.TempWriter, _ string) {
			assert.NoError(t, w.Abort())
		}},
		{"publish", func(t *testing.T, w *storage.TempWriter, key string) {
			_, err := w.Publish(t.Context(), key)
			assert.ErrorIs(t, err, context.Canceled)
			assert.NoError(t, w.Abort())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "originals/sha256/cancelled-" + tt.name
			ctx, cancel := context.WithCancel(t.Context())
			w, err := b.NewTempWriter(ctx)
			require.NoError(t, err)
			_, err = w.Write(pattern(1 << 20))
			require.NoError(t, err)
			cancel()
			_, err = w.Write(pattern(1 << 20))
			require.ErrorIs(t, err, context.Canceled)
			tt.finish(t, w, key)
			ok, err := b.Exists(t.Context(), key)
			require.NoError(t, err)
			assert.False(t, ok)
			assert.Empty(t, Keys(t, b, ""), "nothing visible, nothing under tmp/")
		})
	}
	t.Run("publish ctx", func(t *testing.T) {
		w, err := b.NewTempWriter(t.Context())
		require.NoError(t, err)
		_, err = w.Write([]byte("bytes"))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err = w.Publish(ctx, "originals/sha256/publish-ctx")
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, Keys(t, b, ""))
	})
	t.Run("cancelled before start", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := b.NewTempWriter(ctx)
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, Keys(t, b, ""))
	})
}

func testAbort(t *testing.T, b *storage.Bucket) {
	w, err := b.NewTempWriter(t.Context())
	require.NoError(t, err)
	_, err = w.Write(pattern(4096))
	require.NoError(t, err)
	require.NoError(t, w.Abort())
	require.NoError(t, w.Abort(), "Abort twice is fine")
	_, err = w.Write([]byte("x"))
	assert.Error(t, err)
	_, err = w.Publish(t.Context(), "originals/sha256/aborted")
	assert.Error(t, err)
	assert.Empty(t, Keys(t, b, ""))
}

func testNewWriter(t *testing.T, b *storage.Bucket) {
	key := "renditions/a/thumb.jpg"
	write := func(ctx context.Context, data []byte) error {
		w, err := b.NewWriter(ctx, key, &storage.WriterOptions{ContentType: "image/jpeg"})
		require.NoError(t, err)
		if _, err := w.Write(data); err != nil {
			return err
		}
		return w.Close()
	}
	require.NoError(t, write(t.Context(), []byte("first")))
	attrs, err := b.Attributes(t.Context(), key)
	require.NoError(t, err)
	assert.Equal(t, "image/jpeg", attrs.ContentType)
	assert.Equal(t, int64(5), attrs.Size)

	require.NoError(t, write(t.Context(), []byte("second")), "NewWriter replaces")
	assert.Equal(t, []byte("second"), ReadAll(t, b, key))

	ctx, cancel := context.WithCancel(t.Context())
	w, err := b.NewWriter(ctx, "renditions/a/cancelled.jpg", nil)
	require.NoError(t, err)
	_, err = w.Write(pattern(100 << 10))
	require.NoError(t, err)
	cancel()
	assert.Error(t, w.Close())
	ok, err := b.Exists(t.Context(), "renditions/a/cancelled.jpg")
	require.NoError(t, err)
	assert.False(t, ok, "a cancelled write leaves nothing")

	require.Error(t, write(ctx, []byte("third")), "cancelled before Close")
	assert.Equal(t, []byte("second"), ReadAll(t, b, key), "a cancelled write does not replace")
}

func testRangeReader(t *testing.T, b *storage.Bucket) {
	data := pattern(1000)
	key := storage.OriginalKey("range")
	Publish(t, b, key, data)
	tests := []struct {
		name           string
		offset, length int64
		want           []byte
		wantErr        error
	}{
		{"whole", 0, -1, data, nil},
		{"head", 0, 10, data[:10], nil},
		{"middle", 100, 50, data[100:150], nil},
		{"to end", 990, -1, data[990:], nil},
		{"runs past end", 990, 100, data[990:], nil},
		{"zero length", 5, 0, []byte{}, nil},
		{"at end", 1000, -1, []byte{}, nil},
		{"past end", 1001, 10, nil, storage.ErrInvalidRange},
		{"negative offset", -1, 10, nil, storage.ErrInvalidRange},
		{"bad length", 0, -2, nil, storage.ErrInvalidRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := b.NewRangeReader(t.Context(), key, tt.offset, tt.length)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			got, err := io.ReadAll(r)
			require.NoError(t, err)
			require.NoError(t, r.Close())
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := b.NewRangeReader(t.Context(), "originals/sha256/missing", 0, -1)
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

func testReaderAt(t *testing.T, b *storage.Bucket) {
	data := pattern(5000)
	key := storage.OriginalKey("readerat")
	Publish(t, b, key, data)
	ra := b.ReaderAt(t.Context(), key, int64(len(data)))
	want := bytes.NewReader(data)
	tests := []struct {
		name string
		off  int64
		n    int
	}{
		{"start", 0, 100},
		{"middle", 2500, 1000},
		{"exact tail", 4900, 100},
		{"short tail", 4950, 100},
		{"at end", 5000, 10},
		{"past end", 6000, 10},
		{"empty", 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]byte, tt.n)
			n, err := ra.ReadAt(got, tt.off)
			exp := make([]byte, tt.n)
			en, eerr := want.ReadAt(exp, tt.off)
			assert.Equal(t, en, n)
			assert.Equal(t, eerr, err)
			assert.Equal(t, exp[:en], got[:n])
		})
	}
	_, err := ra.ReadAt(make([]byte, 1), -1)
	assert.ErrorIs(t, err, storage.ErrInvalidRange)

	long := b.ReaderAt(t.Context(), key, int64(len(data))+10)
	_, err = long.ReadAt(make([]byte, 20), int64(len(data))-5)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "a size larger than the object is reported")
}

func testDelete(t *testing.T, b *storage.Bucket) {
	key := storage.OriginalKey("gone")
	Publish(t, b, key, []byte("bye"))
	require.NoError(t, b.Delete(t.Context(), key))
	ok, err := b.Exists(t.Context(), key)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.ErrorIs(t, b.Delete(t.Context(), key), storage.ErrNotFound)
	_, err = b.Attributes(t.Context(), key)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	assert.False(t, Publish(t, b, key, []byte("back")), "a deleted key can be published again")
	assert.Equal(t, []byte("back"), ReadAll(t, b, key))
}

func testList(t *testing.T, b *storage.Bucket) {
	objects := map[string]int{
		"originals/sha256/aa": 1,
		"originals/sha256/bb": 22,
		"renditions/x/web":    333,
	}
	for key, size := range objects {
		Publish(t, b, key, pattern(size))
	}
	got := map[string]int{}
	require.NoError(t, b.List(t.Context(), "originals/", func(key string, size int64) error {
		got[key] = int(size)
		return nil
	}))
	assert.Equal(t, map[string]int{"originals/sha256/aa": 1, "originals/sha256/bb": 22}, got)

	stop := errors.New("stop")
	calls := 0
	err := b.List(t.Context(), "", func(string, int64) error {
		calls++
		return stop
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, calls)
}

func testSweepTemp(t *testing.T, b *storage.Bucket) {
	// A leftover as a killed process would leave it.
	leftover := "tmp/20200101T000000.000000000Z-dead"
	w, err := b.NewWriter(t.Context(), leftover, nil)
	require.NoError(t, err)
	_, err = w.Write([]byte("half an upload"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	keep := storage.OriginalKey("kept")
	Publish(t, b, keep, []byte("published"))

	n, err := b.SweepTemp(t.Context(), time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 0, n, "fresh staged objects stay")
	assert.Equal(t, []string{leftover}, Keys(t, b, "tmp/"))

	n, err = b.SweepTemp(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Empty(t, Keys(t, b, "tmp/"))
	assert.Equal(t, []byte("published"), ReadAll(t, b, keep), "objects outside tmp/ are never swept")
}

func testSignedURL(t *testing.T, b *storage.Bucket) {
	key := storage.OriginalKey("signed")
	Publish(t, b, key, []byte("x"))
	u, err := b.SignedURL(t.Context(), key, time.Minute)
	if err != nil {
		assert.ErrorIs(t, err, storage.ErrNotSupported)
		return
	}
	assert.NotEmpty(t, u)
}

func testInvalidKeys(t *testing.T, b *storage.Bucket) {
	keys := []string{"", "/abs", "a/../b", "..", "a/..", "a../b", "x/y..", "./a", "a/./b", "a//b", "dir/", "nul\x00byte", "tab\tkey", "x.attrs", "\xff"}
	ops := map[string]func(key string) error{
		"Publish": func(key string) error {
			w, err := b.NewTempWriter(t.Context())
			require.NoError(t, err)
			_, err = w.Publish(t.Context(), key)
			return err
		},
		"NewWriter": func(key string) error {
			_, err := b.NewWriter(t.Context(), key, nil)
			return err
		},
		"NewRangeReader": func(key string) error {
			_, err := b.NewRangeReader(t.Context(), key, 0, -1)
			return err
		},
		"ReaderAt": func(key string) error {
			_, err := b.ReaderAt(t.Context(), key, 10).ReadAt(make([]byte, 1), 0)
			return err
		},
		"Attributes": func(key string) error {
			_, err := b.Attributes(t.Context(), key)
			return err
		},
		"Exists": func(key string) error {
			_, err := b.Exists(t.Context(), key)
			return err
		},
		"Delete": func(key string) error { return b.Delete(t.Context(), key) },
		"SignedURL": func(key string) error {
			_, err := b.SignedURL(t.Context(), key, time.Minute)
			return err
		},
	}
	for name, op := range ops {
		for _, key := range keys {
			t.Run(fmt.Sprintf("%s/%q", name, key), func(t *testing.T) {
				assert.ErrorIs(t, op(key), storage.ErrInvalidKey)
			})
		}
	}
	assert.Empty(t, Keys(t, b, ""), "invalid publishes leave nothing")
}
