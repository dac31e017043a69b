package imagefile

// JPEGMetaScanner reads the marker segments of a JPEG stream as its bytes
// go by (Write them in order, in pieces of any size) and keeps those that
// carry metadata (APP1: EXIF and XMP; APP13: IPTC), the frame header
// (SOFn) and what says its colour model (APP0 JFIF, APP14 Adobe), until
// the first scan. JPEG() is then a small JPEG of just those segments (and
// an empty scan header, where image.DecodeConfig stops), which the
// readers of a file's head read as they would the
// file: so metadata past the head an upload keeps (an XMP packet behind a
// large ICC profile or preview) is found, with bounded memory.
//
// At most Budget bytes of segments are kept (later ones are skipped
// whole), and scanning stops after MaxScan bytes: a stream of endless
// segments costs a counter, not memory.
type JPEGMetaScanner struct {
	Budget  int
	MaxScan int64

	kept    []byte
	scanned int64
	state   scanState
	marker  byte
	length  int // of the segment's payload
	left    int // payload bytes still to come
	keep    bool
}

type scanState uint8

const (
	scanSOI0 scanState = iota
	scanSOI1
	scanFF
	scanMarker
	scanLenHi
	scanLenLo
	scanPayload
	scanDone
)

// Done reports whether the scanner has stopped (the first scan, the end
// of the image, a malformed segment or MaxScan reached).
func (s *JPEGMetaScanner) Done() bool { return s.state == scanDone }

// Write scans p; it never fails.
func (s *JPEGMetaScanner) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && s.state != scanDone {
		if s.scanned >= s.MaxScan {
			s.state = scanDone
			break
		}
		if s.state == scanPayload {
			k := min(len(p), s.left)
			if s.keep {
				s.kept = append(s.kept, p[:k]...)
			}
			s.left -= k
			s.scanned += int64(k)
			p = p[k:]
			if s.left == 0 {
				s.state = scanFF
			}
			continue
		}
		b := p[0]
		p = p[1:]
		s.scanned++
		s.step(b)
	}
	return n, nil
}

// step takes one byte of a marker or a segment's length.
func (s *JPEGMetaScanner) step(b byte) {
	switch s.state {
	case scanSOI0:
		s.state = scanDone
		if b == 0xFF {
			s.state = scanSOI1
		}
	case scanSOI1:
		s.state = scanDone
		if b == 0xD8 {
			s.state = scanFF
		}
	case scanFF:
		s.state = scanDone
		if b == 0xFF {
			s.state = scanMarker
		}
	case scanMarker:
		switch {
		case b == 0xFF: // fill byte
		case b == 0x01 || b >= 0xD0 && b <= 0xD8: // no length
			s.state = scanFF
		case b == 0xD9 || b == 0xDA: // end of image, start of scan
			s.state = scanDone
		default:
			s.marker, s.state = b, scanLenHi
		}
	case scanLenHi:
		s.length, s.state = int(b)<<8, scanLenLo
	case scanLenLo:
		s.length |= int(b)
		if s.length < 2 {
			s.state = scanDone
			return
		}
		s.left = s.length - 2
		m := s.marker
		s.keep = (m == 0xE0 || m == 0xE1 || m == 0xED || m == 0xEE || m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) &&
			len(s.kept)+2+4+s.length <= s.Budget
		if s.keep {
			if s.kept == nil {
				s.kept = append(s.kept, 0xFF, 0xD8)
			}
			s.kept = append(s.kept, 0xFF, m, byte(s.length>>8), byte(s.length))
		}
		s.state = scanPayload
		if s.left == 0 {
			s.state = scanFF
		}
	}
}

// JPEG returns the kept segments as a JPEG (SOI, the segments, an empty
// SOS header), or nil when none was kept. A segment cut short by the end of the stream
// is left out.
func (s *JPEGMetaScanner) JPEG() []byte {
	if s.kept == nil {
		return nil
	}
	out := s.kept
	if s.state == scanPayload && s.keep {
		// Drop the unfinished segment: its header and what came of it.
		out = out[:len(out)-4-(s.length-2-s.left)]
	}
	return append(out[:len(out):len(out)], 0xFF, 0xDA, 0x00, 0x02)
}
