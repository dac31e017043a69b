package exif

import (
	"bytes"

	"github.com/damkit/damkit/internal/imagefile"
)

// Find returns the TIFF structure holding the EXIF data of a file, as a
// sub-slice of file, or nil. It knows the JPEG APP1 segment (walking the
// marker segments up to the first scan, never scanning the bytes for a
// marker), the PNG eXIf chunk, the WebP EXIF chunk, TIFF files (whose
// first IFD is IFD0) and bare APP1 payloads starting "Exif\x00\x00". Every
// length read is checked against the bytes present (see internal/imagefile).
func Find(file []byte) []byte {
	switch {
	case imagefile.IsJPEG(file):
		for m, payload := range imagefile.JPEGSegments(file) {
			if m == 0xE1 && bytes.HasPrefix(payload, []byte("Exif\x00\x00")) {
				return tiffOrNil(payload[6:])
			}
		}
	case imagefile.IsPNG(file):
		for typ, data := range imagefile.PNGChunks(file) {
			switch typ {
			case "eXIf":
				// Some writers keep the APP1 "Exif\0\0" prefix.
				return tiffOrNil(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
			case "IDAT": // eXIf must come before the image data
				return nil
			}
		}
	case imagefile.IsWebP(file):
		for typ, data := range imagefile.WebPChunks(file) {
			if typ == "EXIF" {
				return tiffOrNil(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
			}
		}
	case imagefile.IsTIFF(file):
		return file
	case bytes.HasPrefix(file, []byte("Exif\x00\x00")): // a bare APP1 payload
		return tiffOrNil(file[6:])
	}
	return nil
}

func tiffOrNil(b []byte) []byte {
	if imagefile.IsTIFF(b) {
		return b
	}
	return nil
}
