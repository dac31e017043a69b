package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// Sentinel errors. Compare with errors.Is: they come wrapped with the key.
var (
	ErrNotFound     = errors.New("storage: object not found")
	ErrNotSupported = errors.New("storage: not supported by this bucket")
	ErrInvalidKey   = errors.New("storage: invalid key")
	// ErrInvalidRange means a range read starts past the end of the object
	// (HTTP 416 territory).
	ErrInvalidRange = errors.New("storage: range not satisfiable")
)

// Attributes describes a stored object.
type Attributes struct {
	Size        int64
	ModTime     time.Time
	ContentType string
	// ETag is the service's entity tag, quoted as in HTTP.
	ETag string
}

// WriterOptions tunes NewWriter. The zero value is fine.
type WriterOptions struct {
	// ContentType is stored with the object; empty means it is sniffed
	// from the first 512 bytes.
	ContentType string
}

// OriginalKey is the content-addressed key of an original, named by the
// lowercase hex SHA-256 of its bytes.
func OriginalKey(sha256Hex string) string {
	return "originals/sha256/" + sha256Hex
}

// ValidateKey reports why key cannot name an object, wrapping
// ErrInvalidKey. Keys are valid UTF-8, slash-separated paths with no
// leading or trailing slash, no empty or "." segment, no ".." anywhere,
// no control characters, and not ending in ".attrs" (reserved by
// fileblob). These are the keys fileblob stores under their own name,
// which keeps one key one file name and lets Publish link files directly.
func ValidateKey(key string) error {
	reason := ""
	switch {
	case key == "":
		reason = "empty"
	case !utf8.ValidString(key):
		reason = "not valid UTF-8"
	case strings.HasPrefix(key, "/"):
		reason = "starts with /"
	case strings.HasSuffix(key, "/"):
		reason = "ends with /"
	case strings.HasSuffix(key, ".attrs"):
		reason = `ends with ".attrs", reserved by fileblob`
	case strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		reason = "contains a NUL or control character"
	case strings.Contains(key, ".."):
		reason = `contains ".."`
	default:
		for seg := range strings.SplitSeq(key, "/") {
			switch seg {
			case "":
				reason = "has an empty segment (//)"
			case ".":
				reason = `has a "." segment`
			}
			if reason != "" {
				break
			}
		}
	}
	if reason == "" {
		return nil
	}
	return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, reason)
}

// wrapErr maps gocloud error codes to the package sentinels and names the
// operation and key.
func wrapErr(op, key string, err error) error {
	if err == nil {
		return nil
	}
	switch gcerrors.Code(err) {
	case gcerrors.NotFound:
		return fmt.Errorf("storage: %s %q: %w", op, key, ErrNotFound)
	case gcerrors.Unimplemented:
		return fmt.Errorf("storage: %s %q: %w: %w", op, key, ErrNotSupported, err)
	}
	return fmt.Errorf("storage: %s %q: %w", op, key, err)
}

// NewWriter writes key, replacing any previous object, for renditions and
// archive parts. The object appears only when Close returns nil; a write
// whose ctx is cancelled before Close leaves nothing visible.
func (b *Bucket) NewWriter(ctx context.Context, key string, opts *WriterOptions) (io.WriteCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	var wo blob.WriterOptions
	if opts != nil {
		wo.ContentType = opts.ContentType
	}
	w, err := b.bucket.NewWriter(ctx, key, &wo)
	if err != nil {
		return nil, wrapErr("write", key, err)
	}
	return &objectWriter{w: w, key: key}, nil
}

// objectWriter names the key in errors and keeps blob.Writer's ReadFrom
// reachable for io.Copy.
type objectWriter struct {
	w   *blob.Writer
	key string
}

func (w *objectWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	return n, wrapErr("write", w.key, err)
}

func (w *objectWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := w.w.ReadFrom(r)
	return n, wrapErr("write", w.key, err)
}

func (w *objectWriter) Close() error {
	return wrapErr("write", w.key, w.w.Close())
}

// NewRangeReader reads length bytes of key from offset; length -1 reads to
// the end. A range that starts past the end fails with ErrInvalidRange; one
// that runs past the end is cut short.
func (b *Bucket) NewRangeReader(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("storage: read %q: offset %d length %d: %w", key, offset, length, ErrInvalidRange)
	}
	r, err := b.bucket.NewRangeReader(ctx, key, offset, length, nil)
	if err != nil && offset > 0 && gcerrors.Code(err) != gcerrors.NotFound {
		// S3 answers 416 to a range that starts at or past the end, which
		// gocloud reports as Unknown: tell it apart by the object's size.
		if a, aerr := b.bucket.Attributes(ctx, key); aerr == nil && offset >= a.Size {
			if offset == a.Size {
				return io.NopCloser(strings.NewReader("")), nil
			}
			return nil, fmt.Errorf("storage: read %q: offset %d past size %d: %w", key, offset, a.Size, ErrInvalidRange)
		}
	}
	if err != nil {
		return nil, wrapErr("read", key, err)
	}
	if offset > r.Size() {
		_ = r.Close()
		return nil, fmt.Errorf("storage: read %q: offset %d past size %d: %w", key, offset, r.Size(), ErrInvalidRange)
	}
	return &objectReader{r: r, key: key}, nil
}

type objectReader struct {
	r   *blob.Reader
	key string
}

func (r *objectReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err == io.EOF {
		return n, err
	}
	return n, wrapErr("read", r.key, err)
}

func (r *objectReader) Close() error {
	return wrapErr("read", r.key, r.r.Close())
}

// ReaderAt returns an io.ReaderAt over the first size bytes of key, for
// readers such as archive/zip that seek around. Each ReadAt call opens
// its own range read: on file:// that is an open, a seek and a read; on
// S3, GCS and Azure it is one HTTP GET. Read in large chunks (wrap it in a
// buffered reader for sequential scans). ctx governs every call.
func (b *Bucket) ReaderAt(ctx context.Context, key string, size int64) io.ReaderAt {
	return &rangeReaderAt{ctx: ctx, b: b, key: key, size: size}
}

type rangeReaderAt struct {
	ctx  context.Context
	b    *Bucket
	key  string
	size int64
}

func (r *rangeReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("storage: read %q at %d: %w", r.key, off, ErrInvalidRange)
	}
	if off >= r.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.size-off)
	if want == 0 {
		return 0, nil
	}
	rc, err := r.b.NewRangeReader(r.ctx, r.key, off, want)
	if err != nil {
		return 0, err
	}
	defer func() { _ = rc.Close() }()
	n, err := io.ReadFull(rc, p[:want])
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return n, err
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// Attributes returns the size, modification time, content type and ETag
// of key.
func (b *Bucket) Attributes(ctx context.Context, key string) (Attributes, error) {
	if err := ValidateKey(key); err != nil {
		return Attributes{}, err
	}
	a, err := b.bucket.Attributes(ctx, key)
	if err != nil {
		return Attributes{}, wrapErr("attributes", key, err)
	}
	return Attributes{Size: a.Size, ModTime: a.ModTime, ContentType: a.ContentType, ETag: a.ETag}, nil
}

// Exists reports whether key names an object.
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	if err := ValidateKey(key); err != nil {
		return false, err
	}
	ok, err := b.bucket.Exists(ctx, key)
	return ok, wrapErr("exists", key, err)
}

// Delete removes key; it fails with ErrNotFound if there is no such
// object.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	return wrapErr("delete", key, b.bucket.Delete(ctx, key))
}

// SignedURL returns a URL that reads key without credentials until expiry
// passes. It fails with ErrNotSupported where the driver cannot sign:
// memblob, and fileblob opened without base_url and secret_key_path.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	s, err := b.bucket.SignedURL(ctx, key, &blob.SignedURLOptions{Expiry: expiry})
	return s, wrapErr("sign", key, err)
}

// List calls fn for every object whose key starts with prefix, in key
// order. An error from fn stops the walk and is returned as is. Staged
// writes live under "tmp/" and show up when prefix covers it.
func (b *Bucket) List(ctx context.Context, prefix string, fn func(key string, size int64) error) error {
	return b.list(ctx, prefix, func(o *blob.ListObject) error { return fn(o.Key, o.Size) })
}

func (b *Bucket) list(ctx context.Context, prefix string, fn func(*blob.ListObject) error) error {
	it := b.bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return wrapErr("list", prefix, err)
		}
		if o.IsDir {
			continue
		}
		if err := fn(o); err != nil {
			return err
		}
	}
}
