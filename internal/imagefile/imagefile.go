// Package imagefile walks the containers of image files — JPEG marker
// segments, PNG chunks, WebP (RIFF) chunks — yielding each block's payload
// as a sub-slice of the input. Every length read from the file is checked
// against the bytes present before it is used, and nothing is copied, so a
// walk costs no memory whatever the file claims. The metadata parsers
// (internal/exif, internal/iptc, internal/xmp) find their blocks through it.
package imagefile

import (
	"bytes"
	"encoding/binary"
	"iter"
)

// IsJPEG, IsPNG and IsWebP report the container of a file from its first bytes.
func IsJPEG(b []byte) bool { return len(b) >= 4 && b[0] == 0xFF && b[1] == 0xD8 }

// IsPNG reports a PNG signature.
func IsPNG(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }

// IsWebP reports a RIFF WEBP header.
func IsWebP(b []byte) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// IsTIFF reports a TIFF header in either byte order.
func IsTIFF(b []byte) bool {
	return bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*"))
}

// JPEGSegments yields the marker and payload of each marker segment of a
// JPEG up to the first scan (or the end of the image), walking the segment
// lengths and never scanning the bytes for a marker. It stops at the first
// malformed or truncated segment. Payloads are sub-slices of b with their
// capacity capped at their length.
func JPEGSegments(b []byte) iter.Seq2[byte, []byte] {
	return func(yield func(byte, []byte) bool) {
		if !IsJPEG(b) {
			return
		}
		i := 2
		for i+4 <= len(b) {
			if b[i] != 0xFF {
				return
			}
			m := b[i+1]
			switch {
			case m == 0xFF: // fill byte
				i++
				continue
			case m == 0x01 || m >= 0xD0 && m <= 0xD8: // no length
				i += 2
				continue
			case m == 0xD9 || m == 0xDA: // end of image, start of scan
				return
			}
			length := int(binary.BigEndian.Uint16(b[i+2:]))
			if length < 2 || i+2+length > len(b) {
				return
			}
			end := i + 2 + length
			if !yield(m, b[i+4:end:end]) {
				return
			}
			i = end
		}
	}
}

// PNGChunks yields the type and data of each PNG chunk whose data lies
// wholly in b, in file order; it stops at IEND or at the first chunk that
// runs past the end of b. CRCs are not checked.
func PNGChunks(b []byte) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		if !IsPNG(b) {
			return
		}
		i := uint64(8)
		for i+12 <= uint64(len(b)) {
			n := uint64(binary.BigEndian.Uint32(b[i:]))
			typ := string(b[i+4 : i+8])
			end := i + 12 + n
			if end > uint64(len(b)) || typ == "IEND" {
				return
			}
			if !yield(typ, b[i+8:i+8+n:i+8+n]) {
				return
			}
			i = end
		}
	}
}

// WebPChunks yields the FourCC and data of each chunk of a WebP file that
// lies wholly in b; chunks are padded to even sizes.
func WebPChunks(b []byte) iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		if !IsWebP(b) {
			return
		}
		i := uint64(12)
		for i+8 <= uint64(len(b)) {
			n := uint64(binary.LittleEndian.Uint32(b[i+4:]))
			end := i + 8 + n
			if end > uint64(len(b)) {
				return
			}
			if !yield(string(b[i:i+4]), b[i+8:end:end]) {
				return
			}
			i = end + n&1
		}
	}
}
