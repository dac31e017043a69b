package httpdam

import (
	"bytes"
	"io"
)

// memContent is a body held in memory (dam.Download.Bytes: a small
// rendition) handed to http.ServeContent. ServeContent decides the status,
// Range, conditional requests and HEAD as for a file, then copies an
// io.LimitedReader of it into rangeErrorWriter, whose ReadFrom writes the
// asked-for slice in one Write instead of through a copy buffer: net/http
// then sends the header and the body in two writes (its 4 KiB buffer,
// then the rest), as many system calls as a header and a sendfile, and no
// file is opened.
type memContent struct {
	*bytes.Reader
	b []byte
}

func newMemContent(b []byte) *memContent {
	return &memContent{Reader: bytes.NewReader(b), b: b}
}

// next returns at most n bytes from the current offset, and moves past
// them.
func (m *memContent) next(n int64) []byte {
	off := m.Size() - int64(m.Len())
	end := min(off+max(n, 0), int64(len(m.b)))
	_, _ = m.Seek(end, io.SeekStart)
	return m.b[off:end]
}

// writeMem is ReadFrom for a memContent, or an io.LimitedReader of one;
// ok is false for any other src.
func writeMem(w io.Writer, src io.Reader) (n int64, ok bool, err error) {
	var m *memContent
	limit := int64(-1)
	switch r := src.(type) {
	case *memContent:
		m = r
	case *io.LimitedReader:
		if m, ok = r.R.(*memContent); !ok {
			return 0, false, nil
		}
		limit = r.N
		defer func() { r.N -= n }()
	default:
		return 0, false, nil
	}
	if limit < 0 {
		limit = int64(m.Len())
	}
	p := m.next(limit)
	k, err := w.Write(p)
	if k < len(p) {
		// Unwritten bytes stay to be read.
		_, _ = m.Seek(int64(k-len(p)), io.SeekCurrent)
	}
	return int64(k), true, err
}
