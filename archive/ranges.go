package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ReadAt reads len(p) bytes of the archive from off, opening only the source
// ranges that overlap them. It follows io.ReaderAt: fewer bytes come only
// with an error, io.EOF at the end. It needs a rangeable archive.
func (a *Archive) ReadAt(ctx context.Context, p []byte, off int64) (int, error) {
	if !a.rangeable {
		return 0, ErrNotRangeable
	}
	if off < 0 {
		return 0, errors.New("archive: negative offset")
	}
	if off >= a.size {
		return 0, io.EOF
	}
	want := len(p)
	if rest := a.size - off; int64(want) > rest {
		p = p[:rest]
	}
	n := 0
	var hdr []byte
	for i := a.segmentAt(off); n < len(p); i++ {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		seg := a.segs[i]
		stop := min(a.segmentEnd(i), off+int64(len(p)-n))
		if seg.kind != segData {
			hdr = a.render(hdr[:0], seg)
			n += copy(p[n:], hdr[off-seg.start:stop-seg.start])
			off = stop
			continue
		}
		it := &a.items[seg.idx]
		k, err := readSource(ctx, it, off-seg.start, p[n:n+int(stop-off)])
		n += k
		if err != nil {
			return n, err
		}
		off = stop
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// readSource fills p from an entry's source at offset at.
func readSource(ctx context.Context, it *item, at int64, p []byte) (int, error) {
	rc, err := it.entry.Open(ctx, at, int64(len(p)))
	if err != nil {
		return 0, fmt.Errorf("archive: opening %q: %w", it.name, err)
	}
	k, err := io.ReadFull(rc, p)
	cerr := rc.Close()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = ErrSourceSize
	}
	if err == nil {
		err = cerr
	}
	if err != nil {
		return k, fmt.Errorf("archive: reading %q: %w", it.name, err)
	}
	return k, nil
}

// Reader is a rangeable archive as an io.ReadSeeker, io.ReaderAt and
// io.WriterTo bound to one context, for net/http.ServeContent (which then
// answers Range and If-Range with the exact Content-Length). Sequential
// Reads keep one source range open instead of reopening it for each small
// read. Close releases it. A Reader is not safe for concurrent Reads.
type Reader struct {
	ctx context.Context
	a   *Archive
	pos int64
	// the open source range, if any: entry data segment seg, next byte at srcPos
	src    io.ReadCloser
	srcSeg int
	srcPos int64
	hdr    []byte
}

// NewReader returns a Reader over a rangeable archive (ErrNotRangeable
// otherwise). ctx governs every read it makes.
func (a *Archive) NewReader(ctx context.Context) (*Reader, error) {
	if !a.rangeable {
		return nil, ErrNotRangeable
	}
	return &Reader{ctx: ctx, a: a, srcSeg: -1}, nil
}

// Size returns the archive's length.
func (r *Reader) Size() int64 { return r.a.size }

// ReadAt implements io.ReaderAt; it does not move the Read position.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) { return r.a.ReadAt(r.ctx, p, off) }

// Seek implements io.Seeker.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.pos
	case io.SeekEnd:
		offset += r.a.size
	default:
		return r.pos, errors.New("archive: invalid whence")
	}
	if offset < 0 {
		return r.pos, errors.New("archive: negative position")
	}
	r.pos = offset
	return offset, nil
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	if r.pos >= r.a.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	a := r.a
	i := a.segmentAt(r.pos)
	seg := a.segs[i]
	end := a.segmentEnd(i)
	if int64(len(p)) > end-r.pos {
		p = p[:end-r.pos]
	}
	if seg.kind != segData {
		r.hdr = a.render(r.hdr[:0], seg)
		n := copy(p, r.hdr[r.pos-seg.start:])
		r.pos += int64(n)
		return n, nil
	}
	if r.src != nil && (r.srcSeg != i || r.srcPos != r.pos) {
		r.closeSource()
	}
	it := &a.items[seg.idx]
	if r.src == nil {
		rc, err := it.entry.Open(r.ctx, r.pos-seg.start, end-r.pos)
		if err != nil {
			return 0, fmt.Errorf("archive: opening %q: %w", it.name, err)
		}
		r.src, r.srcSeg, r.srcPos = rc, i, r.pos
	}
	n, err := io.ReadAtLeast(r.src, p, 1)
	r.pos += int64(n)
	r.srcPos = r.pos
	if r.pos == end {
		r.closeSource()
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		r.closeSource()
		return n, fmt.Errorf("archive: reading %q: %w", it.name, ErrSourceSize)
	}
	if err != nil {
		r.closeSource()
		return n, fmt.Errorf("archive: reading %q: %w", it.name, err)
	}
	return n, nil
}

// WriteTo implements io.WriterTo: it writes from the Read position to the
// end with large buffers, so io.Copy(w, r) avoids small reads.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	r.closeSource()
	n, err := r.a.copyRange(r.ctx, w, r.pos, r.a.size)
	r.pos += n
	return n, err
}

// Close releases the open source range, if any.
func (r *Reader) Close() error {
	r.closeSource()
	return nil
}

func (r *Reader) closeSource() {
	if r.src != nil {
		_ = r.src.Close()
		r.src, r.srcSeg = nil, -1
	}
}
