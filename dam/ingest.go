package dam

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"image"
	_ "image/gif" // DecodeConfig for GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gabriel-vasile/mimetype"
	_ "golang.org/x/image/bmp" // DecodeConfig for BMP, TIFF, WebP
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/imagefile"
	"github.com/damkit/damkit/storage"
)

// ingestChunk is the unit of the ingest pipeline: large enough that the
// per-chunk overhead vanishes, small enough that a few of them keep the
// memory of an upload bounded whatever its size.
const (
	ingestChunk   = 1 << 20
	ingestBuffers = 4
)

var chunkPool = sync.Pool{New: func() any { b := make([]byte, ingestChunk); return &b }}

// ingested is what one pass over an upload learns.
type ingested struct {
	SHA256    string
	CRC32     uint32
	Size      int64
	MediaType string
	Width     int
	Height    int
	EXIF      *EXIF
	Embedded  *Embedded
	Media     *Media
	Existed   bool // the bytes were already stored
}

// chunk is a buffer on its way to the hasher and the writer; the last of
// the two to finish returns it.
type chunk struct {
	buf     *[]byte
	n       int
	pending atomic.Int32
}

// ingest streams r into the bucket under its content address while
// computing SHA-256, CRC-32 and size in one pass; hashing and writing run
// side by side so the upload goes at the speed of the slower of the two.
// The head of the stream is kept to sniff the media type, read image
// dimensions (DecodeConfig only) and EXIF. Nothing becomes visible unless
// the whole stream arrives.
func (l *Library) ingest(ctx context.Context, r io.Reader) (ingested, error) {
	const op = "dam.ingest"
	tw, err := l.bucket.NewTempWriter(ctx)
	if err != nil {
		return ingested{}, wrap(op, Internal, err)
	}
	published := false
	defer func() {
		if !published {
			_ = tw.Abort()
		}
	}()

	sha := sha256.New()
	crc := crc32.NewIEEE()
	free := make(chan *chunk, ingestBuffers)
	for range ingestBuffers {
		free <- &chunk{}
	}
	toHash := make(chan *chunk, ingestBuffers)
	toWrite := make(chan *chunk, ingestBuffers)
	release := func(c *chunk) {
		if c.pending.Add(-1) == 0 {
			chunkPool.Put(c.buf)
			c.buf = nil
			free <- c
		}
	}
	var writeErr atomic.Pointer[error]
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		hashChunks(toHash, sha, crc, release)
	}()
	go func() {
		defer wg.Done()
		for c := range toWrite {
			if writeErr.Load() == nil {
				if _, err := tw.Write((*c.buf)[:c.n]); err != nil {
					writeErr.Store(&err)
				}
			}
			release(c)
		}
	}()

	var head []byte
	var size int64
	var scan *imagefile.JPEGMetaScanner // a JPEG's metadata segments, past the head too
	readErr := func() error {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			if p := writeErr.Load(); p != nil {
				return *p
			}
			c := <-free
			c.buf = chunkPool.Get().(*[]byte)
			n, err := fill(r, *c.buf)
			if n > 0 {
				size += int64(n)
				if size > l.opts.MaxUploadSize {
					c.pending.Store(1)
					release(c)
					return E(op, TooLarge, "upload exceeds the limit of %d bytes", l.opts.MaxUploadSize)
				}
				if size == int64(n) && imagefile.IsJPEG((*c.buf)[:n]) {
					scan = &imagefile.JPEGMetaScanner{Budget: maxMetaSegments, MaxScan: maxMetaScan}
				}
				if scan != nil && !scan.Done() {
					_, _ = scan.Write((*c.buf)[:n]) // before the chunk is handed on (and reused)
				}
				if int64(len(head)) < l.opts.MaxEXIFBytes {
					take := min(int64(n), l.opts.MaxEXIFBytes-int64(len(head)))
					head = append(head, (*c.buf)[:take]...)
				}
				c.n = n
				c.pending.Store(2)
				toHash <- c
				toWrite <- c
			} else {
				c.pending.Store(1)
				release(c)
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}()
	close(toHash)
	close(toWrite)
	wg.Wait()
	if readErr == nil {
		if p := writeErr.Load(); p != nil {
			readErr = *p
		}
	}
	if readErr != nil {
		if KindOf(readErr) == TooLarge {
			return ingested{}, readErr
		}
		if ctx.Err() != nil {
			return ingested{}, &Error{Op: op, Kind: Canceled, Err: ctx.Err()}
		}
		return ingested{}, &Error{Op: op, Kind: Invalid, Err: fmt.Errorf("upload interrupted: %w", readErr)}
	}
	if size == 0 {
		return ingested{}, E(op, Invalid, "empty upload")
	}
	in := ingested{SHA256: hex.EncodeToString(sha.Sum(nil)), CRC32: crc.Sum32(), Size: size}
	var meta []byte
	if scan != nil && size > int64(len(head)) {
		meta = scan.JPEG() // the head was cut: read the metadata segments gathered from the whole file
	}
	inspectHead(head, meta, &in)
	existed, err := tw.Publish(ctx, storage.OriginalKey(in.SHA256))
	if err != nil {
		return ingested{}, wrap(op, Internal, err)
	}
	published = true
	in.Existed = existed
	l.probeMedia(ctx, &in)
	return in, nil
}

// fill reads until buf is full or the stream ends. Unlike io.ReadFull it
// keeps io.EOF (a complete stream) apart from io.ErrUnexpectedEOF, which
// net/http returns when a client disconnects before its Content-Length.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func hashChunks(in <-chan *chunk, sha hash.Hash, crc hash.Hash32, release func(*chunk)) {
	for c := range in {
		b := (*c.buf)[:c.n]
		sha.Write(b)
		crc.Write(b)
		release(c)
	}
}

// Bounds of the metadata segments of a JPEG gathered past its head: at
// most 4 MiB of them kept, and no segment looked for past 64 MiB.
const (
	maxMetaSegments = 4 << 20
	maxMetaScan     = 64 << 20
)

// inspectHead sniffs the media type and, for images, reads dimensions,
// EXIF, IPTC and XMP from the first bytes of an upload. It never decodes
// pixels, and reads no more than the head, except for a JPEG longer than
// the head: meta (when not nil) is then its metadata and frame segments,
// gathered from the whole stream (imagefile.JPEGMetaScanner), read instead.
func inspectHead(head, meta []byte, in *ingested) {
	mt := mimetype.Detect(head)
	in.MediaType = mt.String()
	if MediaKindOf(in.MediaType) != MediaImage {
		return
	}
	if cfg, err := decodeConfig(head); err == nil {
		in.Width, in.Height = cfg.Width, cfg.Height
	} else if meta != nil {
		if cfg, err := decodeConfig(meta); err == nil {
			in.Width, in.Height = cfg.Width, cfg.Height
		}
	}
	if meta != nil {
		head = meta
	}
	x, err := exif.Read(head)
	if err != nil {
		x = nil
	}
	in.EXIF = summariseEXIF(x)
	in.Embedded = readEmbedded(head, x)
}

// decodeConfig reads an image's dimensions from its head. A TIFF is read
// through a ReaderAt, and only when its first IFD lies in the head: behind
// image.DecodeConfig's bufio.Reader, x/image/tiff buffers the stream up to
// the offsets a file claims (10 MB for a 22-byte head), and it allocates the
// 12 bytes × count an IFD claims (786 KB for a 10-byte head) before finding
// them missing.
func decodeConfig(head []byte) (image.Config, error) {
	var bo binary.ByteOrder
	switch {
	case bytes.HasPrefix(head, []byte("II*\x00")):
		bo = binary.LittleEndian
	case bytes.HasPrefix(head, []byte("MM\x00*")):
		bo = binary.BigEndian
	default:
		cfg, _, err := image.DecodeConfig(bytes.NewReader(head))
		return cfg, err
	}
	if !tiffIFDFits(head, bo) {
		return image.Config{}, errors.New("TIFF IFD runs past the bytes read")
	}
	return tiff.DecodeConfig(bytes.NewReader(head))
}

// tiffIFDFits reports whether the first IFD of a TIFF head, with the entries
// it claims, lies inside the head.
func tiffIFDFits(head []byte, bo binary.ByteOrder) bool {
	if len(head) < 8 {
		return false
	}
	off := uint64(bo.Uint32(head[4:]))
	if off+2 > uint64(len(head)) {
		return false
	}
	return off+2+12*uint64(bo.Uint16(head[off:])) <= uint64(len(head))
}

// summariseEXIF summarises the EXIF data of an image's head (nil: none).
// The parser checks every count and offset against the bytes present before
// reading a value, so a crafted block costs no more than its size; capture
// times without an offset are read as local time, as cameras write them.
func summariseEXIF(x *exif.Data) *EXIF {
	if x == nil {
		return nil
	}
	var e EXIF
	if t, ok := x.CapturedAt(time.Local); ok {
		t = t.UTC()
		e.CapturedAt = &t
	}
	e.Make = cleanText(x.Make, 128)
	e.Model = cleanText(x.Model, 128)
	e.Lens = cleanText(x.LensModel, 128)
	e.Description = cleanText(x.Description, maxDescription)
	e.Artist = cleanText(x.Artist, 256)
	e.Copyright = cleanText(x.Copyright, 256)
	e.Orientation = x.Orientation
	if x.HasGPS && validCoord(x.Latitude, 90) && validCoord(x.Longitude, 180) {
		lat, long := x.Latitude, x.Longitude
		e.Latitude, e.Longitude = &lat, &long
	}
	e.HasThumbnail = x.Thumbnail != nil
	if e == (EXIF{}) {
		return nil
	}
	return &e
}

func validCoord(v, limit float64) bool { return v == v && v >= -limit && v <= limit }
