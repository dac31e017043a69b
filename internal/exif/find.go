package exif

import (
	"bytes"
	"encoding/binary"
)

// Find returns the TIFF structure holding the EXIF data of a file, as a
// sub-slice of file, or nil. It knows the JPEG APP1 segment (walking the
// marker segments up to the first scan, never scanning the bytes for a
// marker), the PNG eXIf chunk, the WebP EXIF chunk, TIFF files (whose
// first IFD is IFD0) and bare APP1 payloads starting "Exif\x00\x00". Every length read is checked against the bytes present.
func Find(file []byte) []byte {
	switch {
	case len(file) >= 4 && file[0] == 0xFF && file[1] == 0xD8:
		return findJPEG(file)
	case bytes.HasPrefix(file, []byte("\x89PNG\r\n\x1a\n")):
		return findPNG(file)
	case len(file) >= 12 && string(file[:4]) == "RIFF" && string(file[8:12]) == "WEBP":
		return findWebP(file)
	case bytes.HasPrefix(file, []byte("II*\x00")), bytes.HasPrefix(file, []byte("MM\x00*")):
		return file
	case bytes.HasPrefix(file, []byte("Exif\x00\x00")): // a bare APP1 payload
		return tiffOrNil(file[6:])
	}
	return nil
}

func findJPEG(b []byte) []byte {
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil
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
			return nil
		}
		length := int(binary.BigEndian.Uint16(b[i+2:]))
		if length < 2 || i+2+length > len(b) {
			return nil
		}
		payload := b[i+4 : i+2+length]
		if m == 0xE1 && bytes.HasPrefix(payload, []byte("Exif\x00\x00")) {
			return tiffOrNil(payload[6:])
		}
		i += 2 + length
	}
	return nil
}

func findPNG(b []byte) []byte {
	i := 8
	for i+12 <= len(b) {
		n := uint64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		end := uint64(i) + 12 + n
		if end > uint64(len(b)) {
			return nil
		}
		switch typ {
		case "eXIf":
			// Some writers keep the APP1 "Exif\0\0" prefix.
			return tiffOrNil(bytes.TrimPrefix(b[i+8:i+8+int(n)], []byte("Exif\x00\x00")))
		case "IDAT", "IEND": // eXIf must come before the image data
			return nil
		}
		i = int(end)
	}
	return nil
}

func findWebP(b []byte) []byte {
	i := 12
	for i+8 <= len(b) {
		n := uint64(binary.LittleEndian.Uint32(b[i+4:]))
		end := uint64(i) + 8 + n
		if end > uint64(len(b)) {
			return nil
		}
		if string(b[i:i+4]) == "EXIF" {
			return tiffOrNil(bytes.TrimPrefix(b[i+8:end], []byte("Exif\x00\x00")))
		}
		i = int(end + n&1) // chunks are padded to even sizes
	}
	return nil
}

func tiffOrNil(b []byte) []byte {
	if bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")) {
		return b
	}
	return nil
}
