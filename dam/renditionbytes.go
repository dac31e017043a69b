package dam

import (
	"bytes"
	"context"
	"io"
	"sync"
)

// Small renditions (thumbnails, web previews: at most smallRenditionMax
// bytes) are served from memory: the bytes of a rendition never change
// once written (its key is the version's content hash, the profile's hash
// and the watermark), so a copy kept in memory is always that rendition.
// A cached preview then costs no file open, fstat and close (with the
// descriptor's poller registration, about a tenth of the request on a
// local bucket) and no GET on a remote one. The kernel's sendfile is not
// needed for bodies this small: the HTTP layer writes them whole from
// memory (internal/httpdam), two writes as a header and sendfile were.
// Measured on the bench's 46 kB preview: 73 µs a request against 80–87
// with the file (bench/http/RESULTS.md). Keeping descriptors open instead
// was not an option: Go's sendfile reads from the file's own offset, so
// one *os.File cannot serve concurrent requests, and a descriptor per
// request is the open this avoids.
//
// The memory is bounded by Options.RenditionMemory (bytes; default
// defaultRenditionMemory, negative keeps none). When a new rendition would
// pass it, kept ones are dropped at random (Go's map order) until it fits:
// no bookkeeping on a hit, and the renditions asked for most come back at
// once. Larger renditions keep the file (sendfile) or stream paths.

// smallRenditionMax is the largest rendition kept in memory.
const smallRenditionMax = 64 << 10

// defaultRenditionMemory is Options.RenditionMemory's default: about 180
// web previews of 46 kB, or 800 thumbnails of 10 kB.
const defaultRenditionMemory = 8 << 20

// renditionBytes keeps small renditions' bytes by rendition key.
type renditionBytes struct {
	mu   sync.RWMutex
	m    map[string][]byte
	used int64
}

func (c *renditionBytes) get(key string) []byte {
	c.mu.RLock()
	b := c.m[key]
	c.mu.RUnlock()
	return b
}

// put keeps b under key within budget bytes.
func (c *renditionBytes) put(key string, b []byte, budget int64) {
	if int64(len(b)) > budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok {
		return
	}
	for k, old := range c.m {
		if c.used+int64(len(b)) <= budget {
			break
		}
		delete(c.m, k)
		c.used -= int64(len(old))
	}
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = b
	c.used += int64(len(b))
}

// renditionMemory is the byte budget of small renditions kept in memory.
func (l *Library) renditionMemory() int64 {
	switch n := l.opts.RenditionMemory; {
	case n == 0:
		return defaultRenditionMemory
	case n < 0:
		return 0
	default:
		return n
	}
}

// smallRendition returns the bytes of the rendition at key, of size bytes,
// from memory or read whole into it; nil when it is too large to keep,
// memory is off, or it cannot be read whole (the caller opens it as
// before, and reports what is wrong).
func (l *Library) smallRendition(ctx context.Context, key string, size int64) []byte {
	budget := l.renditionMemory()
	if size <= 0 || size > smallRenditionMax || size > budget || size > l.opts.RecheckBytes {
		return nil
	}
	if b := l.small.get(key); b != nil {
		return b
	}
	var rc io.ReadCloser
	if f := l.localFile(ctx, key, size); f != nil {
		rc = f
	} else {
		r, err := l.bucket.NewRangeReader(ctx, key, 0, -1)
		if err != nil {
			return nil
		}
		rc = r
	}
	defer rc.Close()
	// One byte more than the sidecar says: a file of another size is not
	// this rendition.
	b := make([]byte, size+1)
	n, err := io.ReadFull(rc, b)
	if int64(n) != size || err != io.ErrUnexpectedEOF {
		return nil
	}
	b = b[:size:size]
	l.small.put(key, b, budget)
	return b
}

// memBody is a Download's body held in memory.
type memBody struct {
	*bytes.Reader
	b []byte
}

func (m memBody) Close() error { return nil }

// Bytes returns the whole content of d when it is held in memory (a small
// rendition), nil otherwise. Like File, it is sent whole without an
// access recheck; servers write it directly. Do not modify it.
func (d *Download) Bytes() []byte {
	m, _ := d.ReadSeekCloser.(memBody)
	return m.b
}

// whole reports whether d is sent whole without access rechecks: a local
// file or bytes in memory, both at most Options.RecheckBytes.
func (d *Download) whole() bool { return d.File() != nil || d.Bytes() != nil }
