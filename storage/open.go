package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// works with no import in the host
	_ "gocloud.dev/blob/memblob"  // mem:// works with no import in the host
)

// tempPrefix is where TempWriter stages bytes before Publish.
const tempPrefix = "tmp/"

// Bucket is a blob bucket holding a library's originals, renditions and
// archive parts. It is safe for concurrent use.
type Bucket struct {
	bucket *blob.Bucket
	// fileRoot is the bucket's directory when it was opened from a file://
	// URL on a system with hard links; empty otherwise. It enables the
	// zero-copy Publish.
	fileRoot string
	publish  publishLocks
}

// Open opens the bucket named by a gocloud.dev URL.
//
// file:// and mem:// are always available. For file://, the directory is
// created if missing (file:///abs/path, or file://./rel/path for a path
// relative to the working directory); every fileblob query parameter is
// accepted. s3://, gs:// and azblob:// work when the host program
// blank-imports gocloud.dev/blob/s3blob, gcsblob or azureblob.
func Open(ctx context.Context, rawURL string) (*Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("storage: open %q: %w", rawURL, err)
	}
	if u.Scheme != "file" {
		bb, err := blob.OpenBucket(ctx, rawURL)
		if err != nil {
			return nil, fmt.Errorf("storage: open %q (s3://, gs:// and azblob:// need a blank import of their gocloud.dev/blob driver): %w", rawURL, err)
		}
		return New(bb), nil
	}
	root, err := fileURLRoot(u)
	if err != nil {
		return nil, fmt.Errorf("storage: open %q: %w", rawURL, err)
	}
	if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(tempPrefix)), 0o777); err != nil {
		return nil, fmt.Errorf("storage: open %q: %w", rawURL, err)
	}
	q := u.Query()
	if _, set := q["no_tmp_dir"]; !set && !renamesFromTempDir(root) {
		// fileblob stages its writes in os.TempDir and renames them into
		// place; across file systems that rename fails, so stage next to
		// the destination instead.
		q.Set("no_tmp_dir", "1")
		u.RawQuery = q.Encode()
	}
	bb, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, fmt.Errorf("storage: open %q: %w", rawURL, err)
	}
	b := New(bb)
	if runtime.GOOS != "windows" {
		// fileblob escapes more characters in file names on Windows; the
		// direct path mapping used by Publish only holds elsewhere.
		b.fileRoot = root
	}
	return b, nil
}

// New wraps a bucket the host opened itself. The Bucket takes ownership:
// Close closes bb. Publish on such a bucket uses the driver's Copy, even
// for fileblob, because the directory behind it is unknown.
func New(bb *blob.Bucket) *Bucket {
	return &Bucket{bucket: bb}
}

// Close releases the bucket. Writers still open fail afterwards.
func (b *Bucket) Close() error {
	return b.bucket.Close()
}

// fileURLRoot returns the absolute directory a file:// URL names, the way
// fileblob reads it: host "." means a path relative to the working
// directory.
func fileURLRoot(u *url.URL) (string, error) {
	p := u.Path
	if u.Host == "." || os.PathSeparator != '/' {
		p = strings.TrimPrefix(p, "/")
	}
	if p == "" {
		return "", errors.New("file URL has no path")
	}
	return filepath.Abs(filepath.FromSlash(p))
}

// renamesFromTempDir reports whether a file created in os.TempDir can be
// renamed into root, which fileblob's default writer relies on.
func renamesFromTempDir(root string) bool {
	f, err := os.CreateTemp("", "damkit-storage-probe-*")
	if err != nil {
		return false
	}
	name := f.Name()
	_ = f.Close()
	dst := filepath.Join(root, filepath.FromSlash(tempPrefix), filepath.Base(name))
	if err := os.Rename(name, dst); err != nil {
		_ = os.Remove(name)
		return false
	}
	_ = os.Remove(dst)
	return true
}
