package dam

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/damkit/damkit/storage"
)

// Download is an open original: its metadata and a seekable reader over its
// bytes, suitable for http.ServeContent (Range requests read only the bytes
// asked for). Close it.
type Download struct {
	Asset   Asset
	Version Version
	ETag    string // strong, derived from the content hash
	// SignedURL, set when Options.PresignedDownloads is on and the bucket
	// can sign, reads the same bytes straight from the bucket until it
	// expires; hosts may redirect to it instead of streaming.
	SignedURL string
	io.ReadSeekCloser
}

// Open opens the current version (or version n > 0) of an asset for
// download and records the download in the usage log. The policy decides
// first: a protected asset without a valid grant gives NeedsRequest.
func (l *Library) Open(ctx context.Context, assetID string, n int) (*Download, error) {
	const op = "dam.Open"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	a, err := l.servedAsset(ctx, op, actor, assetID)
	if err != nil {
		return nil, err
	}
	d, err := l.authorizeDownload(ctx, op, actor, a, "")
	if err != nil {
		return nil, err
	}
	v := a.Current
	if n > 0 && n != v.Number {
		vs, err := l.store.Versions(ctx, assetID)
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		found := false
		for _, x := range vs {
			if x.Number == n {
				v, found = x, true
			}
		}
		if !found {
			return nil, E(op, NotFound, "version %d of asset %s not found", n, assetID)
		}
	}
	detail := "original"
	if d.GrantID != "" {
		detail += " grant " + d.GrantID
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventDownload, AssetID: a.ID, Detail: detail})
	key := storage.OriginalKey(v.SHA256)
	dl := &Download{Asset: a, Version: v, ETag: `"sha256-` + v.SHA256 + `"`, SignedURL: l.presign(ctx, key)}
	if dl.SignedURL == "" {
		if f := l.localFile(ctx, key, v.Size); f != nil {
			dl.ReadSeekCloser = f
			return dl, nil
		}
	}
	dl.ReadSeekCloser = l.newStream(ctx, op, &blobReader{ctx: ctx, bucket: l.bucket, key: key, size: v.Size},
		v.Size, l.downloadCheck(op, actor, a.ID, ""), false, nil)
	return dl, nil
}

// localFile opens the bytes of key as a file when the bucket is a local
// directory and the object, size bytes, is small enough that no access
// recheck (Options.RecheckBytes) falls due while it is sent: the HTTP layer
// then hands the file to the kernel (Download.File). It returns nil
// otherwise, and when the file is not the size the store says.
func (l *Library) localFile(ctx context.Context, key string, size int64) *os.File {
	if size > l.opts.RecheckBytes {
		return nil
	}
	f, err := l.bucket.OpenFile(ctx, key)
	if err != nil {
		return nil
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() != size {
		_ = f.Close()
		return nil
	}
	return f
}

// File returns the open file behind d when the bucket is a local directory
// and the download is small enough (at most Options.RecheckBytes) to be
// sent whole without an access recheck: servers hand it to the kernel
// (http.ServeContent over the *os.File takes sendfile). It is nil
// otherwise; read through d then. Close d, not the file.
func (d *Download) File() *os.File {
	f, _ := d.ReadSeekCloser.(*os.File)
	return f
}

// downloadCheck asks again, recording nothing, whether actor may still
// download an asset in profile ("": the original): a stream under way
// stops once a grant is revoked or the asset protected or deleted.
func (l *Library) downloadCheck(op string, actor Actor, assetID, profile string) func(context.Context) error {
	return func(ctx context.Context) error {
		a, err := l.servedAsset(ctx, op, actor, assetID)
		if err == nil {
			_, err = l.authorizeDownload(ctx, op, actor, a, profile)
		}
		return err
	}
}

// blobReader is a lazy io.ReadSeekCloser over a blob: Seek is free, and the
// first Read after a Seek opens one range reader from that offset to the
// end, so a sequential copy costs one request however small the reads are.
type blobReader struct {
	ctx    context.Context
	bucket *storage.Bucket
	key    string
	size   int64
	off    int64
	rc     io.ReadCloser
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if r.rc == nil {
		rc, err := r.bucket.NewRangeReader(r.ctx, r.key, r.off, -1)
		if err != nil {
			return 0, err
		}
		r.rc = rc
	}
	n, err := r.rc.Read(p)
	r.off += int64(n)
	if err == io.EOF && r.off < r.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

var errBadSeek = errors.New("dam: seek out of range")

func (r *blobReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.off + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, errBadSeek
	}
	if abs < 0 {
		return 0, errBadSeek
	}
	if abs != r.off && r.rc != nil {
		_ = r.rc.Close()
		r.rc = nil
	}
	r.off = abs
	return abs, nil
}

func (r *blobReader) Close() error {
	if r.rc == nil {
		return nil
	}
	err := r.rc.Close()
	r.rc = nil
	return err
}
