package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
)

var errWriterDone = errors.New("storage: temp writer already published or aborted")

// TempWriter stages the bytes of an object whose key is known only once
// they are all written, such as a content-addressed original: the caller
// hashes while writing, then calls Publish with the key. It is not safe for
// concurrent use. Call Abort when giving up; it is a no-op after Publish,
// so `defer w.Abort()` is the usual pattern.
//
// The writer keeps the ctx given to NewTempWriter: once it is cancelled,
// Write fails and removes the staged bytes, and Publish publishes nothing.
type TempWriter struct {
	b       *Bucket
	ctx     context.Context
	tempKey string
	written int64
	done    bool
	err     error // sticky failure; the staged bytes are already gone

	// file:// fast path: the staged file, written directly.
	file *os.File
	path string

	// Other buckets: a driver writer to tempKey.
	bw     *blob.Writer
	cancel context.CancelFunc
}

// NewTempWriter starts staging an object under
// "tmp/<time>-<process>-<random>", where <process> is a random tag drawn
// once per process (ProcessTag). Leftovers of a process that died before
// Publish or Abort stay there until SweepTemp (by age) or SweepDeadTemp
// (another process's, at start) removes them. On file:// buckets the staged bytes go
// straight to an *os.File, with no buffering in between, so hand Write
// large slices. Like fileblob, no fsync is done.
func (b *Bucket) NewTempWriter(ctx context.Context) (*TempWriter, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("storage: stage: %w", err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tempKey := tempPrefix + time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + processTag + "-" + hex.EncodeToString(rnd[:])
	w := &TempWriter{b: b, ctx: ctx, tempKey: tempKey}
	if b.fileRoot != "" {
		w.path = filepath.Join(b.fileRoot, filepath.FromSlash(tempKey))
		f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrNotExist) {
			// Someone removed tmp/ since Open.
			if err = os.MkdirAll(filepath.Dir(w.path), 0o777); err == nil {
				f, err = os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("storage: stage %q: %w", tempKey, err)
		}
		w.file = f
		return w, nil
	}
	wctx, cancel := context.WithCancel(ctx)
	bw, err := b.bucket.NewWriter(wctx, tempKey, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		cancel()
		return nil, wrapErr("stage", tempKey, err)
	}
	w.bw, w.cancel = bw, cancel
	return w, nil
}

// Write stages p. After a failure (including a cancelled ctx) the staged
// bytes are discarded and every later call fails.
func (w *TempWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.done {
		return 0, errWriterDone
	}
	if err := w.ctx.Err(); err != nil {
		return 0, w.fail(fmt.Errorf("storage: stage %q: %w", w.tempKey, err))
	}
	var n int
	var err error
	if w.file != nil {
		n, err = w.file.Write(p)
	} else {
		n, err = w.bw.Write(p)
	}
	w.written += int64(n)
	if err != nil {
		return n, w.fail(wrapErr("stage", w.tempKey, err))
	}
	return n, nil
}

// Written is the number of bytes staged so far.
func (w *TempWriter) Written() int64 { return w.written }

// Publish finishes the write and makes the staged bytes the object key.
// If key already exists the staged bytes are discarded, the existing
// object is kept (never replaced) and existed is true. Either way nothing
// remains under tmp/. On failure nothing is published and the staged bytes
// are discarded.
//
// On file:// buckets Publish hard-links the staged file to its final name
// (an atomic create-if-absent) and copies no bytes; where the file system
// refuses hard links it renames after an existence check made under a
// per-key lock, which keeps the no-replace promise within this process.
// On other buckets it checks existence under the same lock, then uses the
// service's server-side Copy and deletes the staged object: two processes
// publishing the same key at the same instant may both copy, which for
// content-addressed keys writes identical bytes.
func (w *TempWriter) Publish(ctx context.Context, key string) (existed bool, err error) {
	if w.err != nil {
		return false, w.err
	}
	if w.done {
		return false, errWriterDone
	}
	if err := ValidateKey(key); err != nil {
		_ = w.Abort()
		return false, err
	}
	if err := ctx.Err(); err != nil {
		_ = w.Abort()
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	w.done = true
	if w.file != nil {
		return w.publishFile(key)
	}
	return w.publishCopy(ctx, key)
}

func (w *TempWriter) publishFile(key string) (existed bool, err error) {
	defer func() {
		if rerr := os.Remove(w.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
			err = fmt.Errorf("storage: publish %q: remove staged file: %w", key, rerr)
		}
	}()
	if err := w.file.Close(); err != nil {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	if err := w.ctx.Err(); err != nil {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	final := filepath.Join(w.b.fileRoot, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(final), 0o777); err != nil {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	lerr := os.Link(w.path, final)
	if lerr == nil {
		return false, nil
	}
	if errors.Is(lerr, fs.ErrExist) {
		return existingFile(key, final)
	}
	if errors.Is(lerr, fs.ErrNotExist) {
		// The staged file is gone: SweepTemp took it.
		return false, fmt.Errorf("storage: publish %q: %w", key, lerr)
	}
	// No hard links here (some network and FUSE file systems).
	unlock := w.b.publish.lock(key)
	defer unlock()
	if _, err := os.Lstat(final); err == nil {
		return existingFile(key, final)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	if err := os.Rename(w.path, final); err != nil {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	return false, nil
}

// existingFile confirms that the name in the way is an object, not a
// directory of other keys.
func existingFile(key, final string) (bool, error) {
	fi, err := os.Lstat(final)
	if err != nil {
		return false, fmt.Errorf("storage: publish %q: %w", key, err)
	}
	if fi.IsDir() {
		return false, fmt.Errorf("storage: publish %q: other keys use it as a directory: %w", key, ErrInvalidKey)
	}
	return true, nil
}

func (w *TempWriter) publishCopy(ctx context.Context, key string) (existed bool, err error) {
	defer w.cancel()
	unlock := w.b.publish.lock(key)
	defer unlock()
	if err := w.bw.Close(); err != nil {
		return false, wrapErr("publish", key, err)
	}
	// The staged object exists from here on: remove it whatever happens,
	// even if ctx is cancelled meanwhile.
	defer func() {
		derr := w.b.bucket.Delete(context.WithoutCancel(ctx), w.tempKey)
		if derr != nil && err == nil {
			err = wrapErr("publish: remove staged object", w.tempKey, derr)
		}
	}()
	existed, err = w.b.bucket.Exists(ctx, key)
	if err != nil || existed {
		return existed, wrapErr("publish", key, err)
	}
	if err := w.b.bucket.Copy(ctx, key, w.tempKey, nil); err != nil {
		return false, wrapErr("publish", key, err)
	}
	return false, nil
}

// Abort discards the staged bytes; nothing remains visible. It is a no-op
// after Publish or a failed Write.
func (w *TempWriter) Abort() error {
	if w.done || w.err != nil {
		return nil
	}
	w.done = true
	return w.discard()
}

// fail discards the staged bytes and makes err sticky.
func (w *TempWriter) fail(err error) error {
	w.err = err
	w.done = true
	_ = w.discard()
	return err
}

func (w *TempWriter) discard() error {
	if w.file != nil {
		_ = w.file.Close()
		if err := os.Remove(w.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("storage: abort %q: %w", w.tempKey, err)
		}
		return nil
	}
	// Closing a blob writer whose ctx is cancelled aborts the write.
	w.cancel()
	_ = w.bw.Close()
	return nil
}

// SweepTemp deletes staged objects under tmp/ last modified before
// olderThan: the leftovers of writers whose process died between
// NewTempWriter and Publish. Pick a cutoff well past the longest upload
// (a day is typical); a live writer older than it loses its bytes and its
// Publish fails. It returns how many objects it deleted. Staged uploads on
// S3 that never completed are multipart uploads, invisible here: expire
// them with a bucket lifecycle rule.
func (b *Bucket) SweepTemp(ctx context.Context, olderThan time.Time) (int, error) {
	return b.sweepTemp(ctx, olderThan, func(string) bool { return true })
}

// SweepDeadTemp deletes staged objects under tmp/ last modified before
// olderThan that this process did not stage: run at start with a short
// cutoff (minutes), it removes what processes killed mid-upload left,
// without waiting for SweepTemp's day. A live writer of another process
// touches its staged bytes as they arrive, so a cutoff past the upload
// read timeout spares it; this process's own writers are never touched.
func (b *Bucket) SweepDeadTemp(ctx context.Context, olderThan time.Time) (int, error) {
	return b.sweepTemp(ctx, olderThan, func(key string) bool { return !ownTempKey(key) })
}

// processTag marks the temp keys of this process (see NewTempWriter).
var processTag = func() string {
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	return hex.EncodeToString(rnd[:])
}()

// ProcessTag returns the tag this process puts in its temp keys.
func ProcessTag() string { return processTag }

// ownTempKey reports whether key was staged by this process.
func ownTempKey(key string) bool {
	return strings.Contains(strings.TrimPrefix(key, tempPrefix), "-"+processTag+"-")
}

// sweepListTries bounds the listings of one sweep (about a second of
// pauses in all).
const sweepListTries = 20

func (b *Bucket) sweepTemp(ctx context.Context, olderThan time.Time, sweepable func(key string) bool) (int, error) {
	var stale []string
	var err error
	// Another process sweeping at the same time may delete an object the
	// listing is about to describe (fileblob then fails the listing with
	// not-found): list again, after a pause that grows, so that the other
	// sweep's deletes are over (five immediate tries met them five times
	// under load: 300 leftovers, -race).
	for try := range sweepListTries {
		if try > 0 {
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(time.Duration(try) * 5 * time.Millisecond):
			}
		}
		stale = stale[:0]
		err = b.list(ctx, tempPrefix, func(o *blob.ListObject) error {
			if o.ModTime.Before(olderThan) && sweepable(o.Key) {
				stale = append(stale, o.Key)
			}
			return nil
		})
		if !errors.Is(err, ErrNotFound) {
			break
		}
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range stale {
		err := b.bucket.Delete(ctx, key)
		if err == nil {
			n++
			continue
		}
		if err = wrapErr("sweep", key, err); !errors.Is(err, ErrNotFound) {
			return n, err
		}
	}
	return n, nil
}

// publishLocks serialises existence checks and publishes of the same key
// within one process, striped so unrelated keys rarely contend.
type publishLocks [64]sync.Mutex

func (l *publishLocks) lock(key string) (unlock func()) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}
