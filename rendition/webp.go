package rendition

import (
	"image"
	"io"

	"github.com/gen2brain/webp"
)

// encodeWebP writes img as lossy WebP at quality (1..100). The encoder is
// libwebp, loaded from the system when present (purego, no cgo) or else
// compiled to WebAssembly and run by wazero; each call has its own
// instance, so concurrent renders do not share state.
func encodeWebP(w io.Writer, img image.Image, quality int) error {
	if m, ok := img.(*image.YCbCr); ok {
		img = toRGBA(m)
	}
	return webp.Encode(w, img, webp.Options{Quality: quality, Method: 4})
}
