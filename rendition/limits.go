package rendition

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/png"
	"io"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Limits bound the resources one render may take. They are checked from the
// headers before any pixel is allocated. Zero fields mean the defaults.
type Limits struct {
	// MaxSourcePixels bounds width x height x frames of the source
	// (default 100 million).
	MaxSourcePixels int64
	// MaxSourceBytes bounds the encoded source (default 256 MiB).
	MaxSourceBytes int64
	// MaxOutputPixels bounds width x height of a rendition (default 50 million).
	MaxOutputPixels int64
	// MaxJPEGScans bounds the scans of a progressive JPEG (default 100; real
	// encoders write at most a dozen, crafted files thousands).
	MaxJPEGScans int
	// Timeout is the per-render deadline added to ctx (default 60s).
	Timeout time.Duration
}

// Default limits.
const (
	DefaultMaxSourcePixels = 100_000_000
	DefaultMaxSourceBytes  = 256 << 20
	DefaultMaxOutputPixels = 50_000_000
	DefaultMaxJPEGScans    = 100
	DefaultTimeout         = 60 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.MaxSourcePixels <= 0 {
		l.MaxSourcePixels = DefaultMaxSourcePixels
	}
	if l.MaxSourceBytes <= 0 {
		l.MaxSourceBytes = DefaultMaxSourceBytes
	}
	if l.MaxOutputPixels <= 0 {
		l.MaxOutputPixels = DefaultMaxOutputPixels
	}
	if l.MaxJPEGScans <= 0 {
		l.MaxJPEGScans = DefaultMaxJPEGScans
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	return l
}

// Info is what the headers of a source say, read without decoding pixels.
type Info struct {
	Format    string // "jpeg", "png", "gif", "bmp", "tiff" or "webp"
	MediaType string
	// Width and Height as stored, before the EXIF orientation.
	Width, Height int
	// Orientation is the EXIF orientation 1..8 (1 when absent or invalid).
	Orientation int
	// Frames is the number of frames (GIF), else 1.
	Frames int
	// Progressive is true for a progressive JPEG.
	Progressive bool

	exif []byte   // JPEG APP1 payload starting "Exif\x00\x00"
	icc  [][]byte // JPEG APP2 ICC_PROFILE payloads, in order
}

// UprightSize is the size after the EXIF orientation is applied.
func (i Info) UprightSize() (w, h int) {
	if i.Orientation >= 5 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Probe reads the headers of src, checks them against the limits and
// returns what they say. It reads the JPEG segments before the first scan,
// the PNG, BMP, TIFF and WebP headers, and the block structure of a GIF; it
// allocates no pixels.
func Probe(ctx context.Context, src Source, limits *Limits) (Info, error) {
	var l Limits
	if limits != nil {
		l = *limits
	}
	return probe(ctx, src, l.withDefaults())
}

func probe(ctx context.Context, src Source, l Limits) (Info, error) {
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if src.Data == nil || src.Size <= 0 {
		return Info{}, fmt.Errorf("%w: empty source", ErrUnsupported)
	}
	if src.Size > l.MaxSourceBytes {
		return Info{}, fmt.Errorf("%w: source is %d bytes, limit %d", ErrTooLarge, src.Size, l.MaxSourceBytes)
	}
	var magic [16]byte
	n, err := src.Data.ReadAt(magic[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Info{}, fmt.Errorf("rendition: reading source: %w", err)
	}
	info := Info{Format: sniff(magic[:n]), Orientation: 1, Frames: 1}
	sr := io.NewSectionReader(src.Data, 0, src.Size)
	var cfg image.Config
	switch info.Format {
	case "":
		return Info{}, fmt.Errorf("%w: not a JPEG, PNG, GIF, BMP, TIFF or WebP image", ErrUnsupported)
	case "jpeg":
		err = probeJPEG(sr, &info)
	case "png":
		cfg, err = png.DecodeConfig(bufio.NewReaderSize(sr, 512))
	case "gif":
		cfg, err = gif.DecodeConfig(bufio.NewReaderSize(sr, 1024))
		if err == nil {
			info.Frames, err = countGIFFrames(io.NewSectionReader(src.Data, 0, src.Size))
		}
	case "bmp":
		cfg, err = bmp.DecodeConfig(sr)
	case "tiff":
		if err = checkTIFFIFD(sr); err == nil {
			cfg, err = tiff.DecodeConfig(sr)
		}
	case "webp":
		cfg, err = webp.DecodeConfig(sr)
	}
	if err != nil {
		if errors.Is(err, ErrUnsupported) || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrCorrupt) {
			return Info{}, err
		}
		return Info{}, fmt.Errorf("%w: %s header: %v", ErrCorrupt, info.Format, err)
	}
	if info.Format != "jpeg" {
		info.Width, info.Height = cfg.Width, cfg.Height
	}
	info.MediaType = "image/" + info.Format
	if info.Width <= 0 || info.Height <= 0 {
		return Info{}, fmt.Errorf("%w: %s claims %dx%d pixels", ErrCorrupt, info.Format, info.Width, info.Height)
	}
	px := int64(info.Width) * int64(info.Height) * int64(info.Frames)
	if px > l.MaxSourcePixels {
		return Info{}, fmt.Errorf("%w: source is %dx%d x %d frames = %d pixels, limit %d",
			ErrTooLarge, info.Width, info.Height, info.Frames, px, l.MaxSourcePixels)
	}
	info.Orientation = readOrientation(info.exif)
	return info, nil
}

// sniff names the format from magic bytes; names and declared types are
// never trusted.
func sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(b, []byte("BM")) && len(b) >= 14:
		return "bmp"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// checkTIFFIFD refuses a TIFF whose first IFD claims more entries than the
// file holds: x/image/tiff allocates the 12 bytes × count it claims (up to
// 786 KB for a 10-byte file) before finding them missing.
func checkTIFFIFD(r *io.SectionReader) error {
	var hdr [8]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return fmt.Errorf("%w: short TIFF header", ErrCorrupt)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if hdr[0] == 'M' {
		bo = binary.BigEndian
	}
	off := int64(bo.Uint32(hdr[4:]))
	var n [2]byte
	if _, err := r.ReadAt(n[:], off); err != nil {
		return fmt.Errorf("%w: TIFF IFD offset %d is past the end", ErrCorrupt, off)
	}
	if end := off + 2 + 12*int64(bo.Uint16(n[:])); end > r.Size() {
		return fmt.Errorf("%w: TIFF IFD of %d entries runs past the end", ErrCorrupt, bo.Uint16(n[:]))
	}
	return nil
}

// maxJPEGSegments bounds the marker segments before the first scan.
const maxJPEGSegments = 4096

// probeJPEG walks the marker segments up to the first SOS, reading only
// their headers and the EXIF, ICC and SOF payloads.
func probeJPEG(r *io.SectionReader, info *Info) error {
	off := int64(2)
	var hdr [4]byte
	sawSOF := false
	for seg := 0; ; seg++ {
		if seg > maxJPEGSegments {
			return fmt.Errorf("%w: more than %d JPEG segments before the image data", ErrCorrupt, maxJPEGSegments)
		}
		if _, err := r.ReadAt(hdr[:2], off); err != nil {
			return fmt.Errorf("%w: JPEG ends before the image data", ErrCorrupt)
		}
		if hdr[0] != 0xFF {
			return fmt.Errorf("%w: JPEG marker expected at offset %d", ErrCorrupt, off)
		}
		m := hdr[1]
		if m == 0xFF { // fill byte
			off++
			continue
		}
		if m == 0x01 || m >= 0xD0 && m <= 0xD8 {
			off += 2
			continue
		}
		if m == 0xD9 {
			return fmt.Errorf("%w: JPEG without image data", ErrCorrupt)
		}
		if _, err := r.ReadAt(hdr[2:4], off+2); err != nil {
			return fmt.Errorf("%w: JPEG ends in a segment header", ErrCorrupt)
		}
		length := int64(binary.BigEndian.Uint16(hdr[2:4]))
		if length < 2 {
			return fmt.Errorf("%w: JPEG segment length %d", ErrCorrupt, length)
		}
		if off+2+length > r.Size() {
			return fmt.Errorf("%w: JPEG ends inside a segment", ErrCorrupt)
		}
		payload := func() ([]byte, error) {
			b := make([]byte, length-2)
			if _, err := r.ReadAt(b, off+4); err != nil {
				return nil, fmt.Errorf("%w: JPEG ends inside a segment", ErrCorrupt)
			}
			return b, nil
		}
		switch {
		case m == 0xDA:
			if !sawSOF {
				return fmt.Errorf("%w: JPEG scan before the frame header", ErrCorrupt)
			}
			info.icc = iccProfile(info.icc)
			return nil
		case m == 0xC0 || m == 0xC1 || m == 0xC2:
			b, err := payload()
			if err != nil {
				return err
			}
			if len(b) < 6 {
				return fmt.Errorf("%w: short JPEG frame header", ErrCorrupt)
			}
			info.Height = int(binary.BigEndian.Uint16(b[1:3]))
			info.Width = int(binary.BigEndian.Uint16(b[3:5]))
			if info.Height == 0 {
				return fmt.Errorf("%w: JPEG with the height in a DNL marker", ErrUnsupported)
			}
			if nc := b[5]; nc != 1 && nc != 3 && nc != 4 {
				return fmt.Errorf("%w: JPEG with %d components", ErrUnsupported, nc)
			}
			info.Progressive = m == 0xC2
			sawSOF = true
		case m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			return fmt.Errorf("%w: lossless, hierarchical or arithmetic-coded JPEG (SOF%d)", ErrUnsupported, m-0xC0)
		case m == 0xE1 && info.exif == nil && length >= 8:
			b, err := payload()
			if err != nil {
				return err
			}
			if bytes.HasPrefix(b, []byte("Exif\x00\x00")) {
				info.exif = b
			}
		case m == 0xE2 && length > 16 && len(info.icc) <= maxICCSegments:
			b, err := payload()
			if err != nil {
				return err
			}
			if bytes.HasPrefix(b, []byte("ICC_PROFILE\x00")) {
				info.icc = append(info.icc, b)
			}
		}
		off += 2 + length
	}
}

// An ICC profile in a JPEG is split into at most 255 APP2 segments, each
// "ICC_PROFILE\x00", its sequence number 1..n and n, then its part.
const (
	maxICCSegments = 255
	maxICCBytes    = 4 << 20 // larger profiles are dropped, not copied into every rendition
)

// iccProfile returns the ICC segments in sequence order when they form one
// whole profile (every segment states the same count n, each number 1..n
// appears once, nothing else), and nil otherwise: the count a file states is
// checked against the segments present before the profile is carried over.
func iccProfile(segs [][]byte) [][]byte {
	n := len(segs)
	if n == 0 || n > maxICCSegments {
		return nil
	}
	out := make([][]byte, n)
	total := 0
	for _, s := range segs {
		seq, count := int(s[12]), int(s[13])
		if count != n || seq < 1 || seq > n || out[seq-1] != nil {
			return nil
		}
		out[seq-1] = s
		total += len(s) - 14
	}
	if total > maxICCBytes {
		return nil
	}
	return out
}

// countJPEGScans counts the SOS markers of a whole JPEG without decoding,
// skipping entropy-coded data by its byte stuffing; it stops early past max.
func countJPEGScans(b []byte, max int) (int, error) {
	scans := 0
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			return scans, fmt.Errorf("%w: JPEG marker expected at offset %d", ErrCorrupt, i)
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0xD9:
			return scans, nil
		case m == 0x01 || m >= 0xD0 && m <= 0xD8:
			i += 2
			continue
		}
		if i+3 >= len(b) {
			return scans, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
		}
		length := int(b[i+2])<<8 | int(b[i+3])
		if length < 2 {
			return scans, fmt.Errorf("%w: JPEG segment length %d", ErrCorrupt, length)
		}
		i += 2 + length
		if m != 0xDA {
			continue
		}
		scans++
		if scans > max {
			return scans, nil
		}
		// Skip entropy-coded data: 0xFF is followed by 0x00 (stuffing),
		// a restart marker or fill bytes; anything else is the next marker.
		for i < len(b) {
			j := bytes.IndexByte(b[i:], 0xFF)
			if j < 0 {
				return scans, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
			}
			i += j
			if i+1 >= len(b) {
				return scans, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
			}
			n := b[i+1]
			if n == 0x00 || n >= 0xD0 && n <= 0xD7 {
				i += 2
				continue
			}
			if n == 0xFF {
				i++
				continue
			}
			break
		}
	}
	return scans, fmt.Errorf("%w: truncated JPEG", ErrCorrupt)
}

// maxGIFFrames bounds the frames of a GIF. Each frame costs memory beyond
// its pixels (about 120 bytes kept and a 20 KB LZW decoder while decoding
// all frames), so a 1x1 GIF of millions of 15-byte frames passes any pixel
// limit; past this count a GIF is refused as too large.
const maxGIFFrames = 1 << 15

// countGIFFrames walks the GIF block structure, skipping the LZW data.
func countGIFFrames(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	var hdr [13]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return 0, fmt.Errorf("%w: short GIF header", ErrCorrupt)
	}
	if hdr[10]&0x80 != 0 {
		if _, err := br.Discard(3 << (hdr[10]&7 + 1)); err != nil {
			return 0, fmt.Errorf("%w: short GIF colour table", ErrCorrupt)
		}
	}
	skipSubBlocks := func() error {
		for {
			n, err := br.ReadByte()
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if _, err := br.Discard(int(n)); err != nil {
				return err
			}
		}
	}
	frames := 0
	for {
		if frames > maxGIFFrames {
			return 0, fmt.Errorf("%w: GIF has more than %d frames", ErrTooLarge, maxGIFFrames)
		}
		c, err := br.ReadByte()
		if err != nil {
			break // a truncated tail: the decoder reports it if it matters
		}
		switch c {
		case 0x21:
			if _, err := br.ReadByte(); err != nil {
				return max(frames, 1), nil
			}
			if skipSubBlocks() != nil {
				return max(frames, 1), nil
			}
		case 0x2C:
			var d [9]byte
			if _, err := io.ReadFull(br, d[:]); err != nil {
				return max(frames, 1), nil
			}
			if d[8]&0x80 != 0 {
				if _, err := br.Discard(3 << (d[8]&7 + 1)); err != nil {
					return max(frames, 1), nil
				}
			}
			frames++
			if _, err := br.ReadByte(); err != nil { // LZW minimum code size
				return frames, nil
			}
			if skipSubBlocks() != nil {
				return frames, nil
			}
		default: // 0x3B trailer or garbage
			return max(frames, 1), nil
		}
	}
	return max(frames, 1), nil
}
