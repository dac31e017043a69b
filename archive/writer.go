package archive

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

// bufSize is the copy buffer: large enough that a Stored entry costs one
// read and one write system call per MiB and nothing per byte.
const bufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

var deflaters [10]sync.Pool

// sink batches headers and data into one buffer so w sees large writes.
type sink struct {
	ctx     context.Context
	w       io.Writer
	buf     []byte
	n       int
	written int64
}

func newSink(ctx context.Context, w io.Writer) *sink {
	return &sink{ctx: ctx, w: w, buf: *bufPool.Get().(*[]byte)}
}

func (s *sink) release() {
	b := s.buf
	s.buf = nil
	bufPool.Put(&b)
}

func (s *sink) flush() error {
	if s.n == 0 {
		return nil
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	n, err := s.w.Write(s.buf[:s.n])
	s.written += int64(n)
	if err == nil && n < s.n {
		err = io.ErrShortWrite
	}
	s.n = 0
	return err
}

// Write makes the sink an io.Writer, for the deflater.
func (s *sink) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		if s.n == len(s.buf) {
			if err := s.flush(); err != nil {
				return total - len(p), err
			}
		}
		c := copy(s.buf[s.n:], p)
		s.n += c
		p = p[c:]
	}
	return total, nil
}

// fill copies exactly n bytes of r into the archive, through the buffer.
// With sum set it returns their CRC-32.
func (s *sink) fill(r io.Reader, n int64, sum bool) (uint32, error) {
	var crc uint32
	for n > 0 {
		if s.n == len(s.buf) {
			if err := s.flush(); err != nil {
				return 0, err
			}
		}
		want := int64(len(s.buf) - s.n)
		if want > n {
			want = n
		}
		k, err := io.ReadFull(r, s.buf[s.n:s.n+int(want)])
		if sum {
			crc = crc32.Update(crc, crc32.IEEETable, s.buf[s.n:s.n+k])
		}
		s.n += k
		n -= int64(k)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return 0, ErrSourceSize
			}
			return 0, err
		}
	}
	return crc, nil
}

// Stream writes the whole archive to w and returns the bytes written. It
// works for every archive, streamed entries included. A source error or a
// source of the wrong length stops it with an error, so a short archive is
// never mistaken for a complete one; ctx stops it between buffer fills.
func (a *Archive) Stream(ctx context.Context, w io.Writer) (int64, error) {
	if a.rangeable {
		return a.copyRange(ctx, w, 0, a.size)
	}
	return a.stream(ctx, w)
}

// StreamFrom writes the archive from byte off to its end, to resume an
// interrupted download. It needs a rangeable archive (ErrNotRangeable).
func (a *Archive) StreamFrom(ctx context.Context, w io.Writer, off int64) (int64, error) {
	if !a.rangeable {
		if off == 0 {
			return a.stream(ctx, w)
		}
		return 0, ErrNotRangeable
	}
	if off < 0 || off > a.size {
		return 0, fmt.Errorf("archive: offset %d outside 0..%d", off, a.size)
	}
	return a.copyRange(ctx, w, off, a.size)
}

// copyRange writes bytes [off, end) of a rangeable archive, opening only
// the sources those bytes overlap.
func (a *Archive) copyRange(ctx context.Context, w io.Writer, off, end int64) (int64, error) {
	s := newSink(ctx, w)
	defer s.release()
	var hdr []byte
	for i := a.segmentAt(off); off < end && i < len(a.segs); i++ {
		if err := ctx.Err(); err != nil {
			return s.written, err
		}
		seg := a.segs[i]
		stop := min(a.segmentEnd(i), end)
		if seg.kind != segData {
			hdr = a.render(hdr[:0], seg)
			if _, err := s.Write(hdr[off-seg.start : stop-seg.start]); err != nil {
				return s.written, err
			}
			off = stop
			continue
		}
		it := &a.items[seg.idx]
		if err := s.copySource(ctx, it, off-seg.start, stop-off); err != nil {
			return s.written, err
		}
		off = stop
	}
	err := s.flush()
	return s.written, err
}

// copySource copies n bytes of an entry's source from offset at.
func (s *sink) copySource(ctx context.Context, it *item, at, n int64) error {
	rc, err := it.entry.Open(ctx, at, n)
	if err != nil {
		return fmt.Errorf("archive: opening %q: %w", it.name, err)
	}
	_, err = s.fill(rc, n, false)
	cerr := rc.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archive: reading %q: %w", it.name, err)
	}
	return nil
}

// stream writes an archive with streamed entries: CRCs and sizes of those
// are computed on the way and written in data descriptors, and the central
// directory is built from what was written.
func (a *Archive) stream(ctx context.Context, w io.Writer) (int64, error) {
	s := newSink(ctx, w)
	defer s.release()
	items := append([]item(nil), a.items...)
	var hdr []byte
	write := func(b []byte) error { _, err := s.Write(b); return err }
	for i := range items {
		if err := ctx.Err(); err != nil {
			return s.written, err
		}
		it := &items[i]
		it.offset = s.written + int64(s.n)
		if err := write(it.appendLocal(hdr[:0])); err != nil {
			return s.written, err
		}
		if !it.stream {
			if it.size > 0 {
				if err := s.copySource(ctx, it, 0, it.size); err != nil {
					return s.written, err
				}
			}
			continue
		}
		start := s.written + int64(s.n)
		if err := s.streamEntry(ctx, it); err != nil {
			return s.written, fmt.Errorf("archive: writing %q: %w", it.name, err)
		}
		it.csize = s.written + int64(s.n) - start
		if !it.zip64Local && (it.size >= max32 || it.csize >= max32) {
			return s.written, fmt.Errorf("%w: streamed entry %q passed 4 GiB without a size hint", ErrTooLarge, it.name)
		}
		if err := write(it.appendDescriptor(hdr[:0])); err != nil {
			return s.written, err
		}
	}
	cdOffset := s.written + int64(s.n)
	for i := range items {
		if err := write(items[i].appendCentral(hdr[:0])); err != nil {
			return s.written, err
		}
	}
	cdSize := s.written + int64(s.n) - cdOffset
	if err := write(appendEnd(hdr[:0], len(items), cdOffset, cdSize)); err != nil {
		return s.written, err
	}
	err := s.flush()
	return s.written, err
}

// streamEntry copies a source of unknown CRC, stored or deflated, setting
// the item's CRC and uncompressed size.
func (s *sink) streamEntry(ctx context.Context, it *item) error {
	rc, err := it.entry.Open(ctx, 0, -1)
	if err != nil {
		return err
	}
	err = s.streamFrom(ctx, it, rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *sink) streamFrom(ctx context.Context, it *item, r io.Reader) error {
	var dst io.Writer = s
	var fw *flate.Writer
	if it.method == methodDeflate {
		fw = getDeflater(s, it.level)
		dst = fw
		defer putDeflater(fw, it.level)
	}
	chunk := *bufPool.Get().(*[]byte)
	defer bufPool.Put(&chunk)
	var crc uint32
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(chunk)
		if n > 0 {
			crc = crc32.Update(crc, crc32.IEEETable, chunk[:n])
			size += int64(n)
			if _, err := dst.Write(chunk[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if fw != nil {
		if err := fw.Close(); err != nil {
			return err
		}
	}
	it.crc, it.size = crc, size
	return nil
}

func getDeflater(w io.Writer, level int) *flate.Writer {
	if fw, ok := deflaters[level].Get().(*flate.Writer); ok {
		fw.Reset(w)
		return fw
	}
	fw, err := flate.NewWriter(w, level)
	if err != nil {
		fw, _ = flate.NewWriter(w, DefaultDeflateLevel)
	}
	return fw
}

func putDeflater(fw *flate.Writer, level int) {
	fw.Reset(io.Discard)
	deflaters[level].Put(fw)
}
