package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/damkit/damkit/internal/exif"
)

// readOrientation returns the EXIF orientation 1..8 of an APP1 payload, or
// 1. The parser checks every count and offset against the bytes present, so
// a crafted block costs no more than its size.
func readOrientation(raw []byte) int {
	d, err := exif.Parse(raw)
	if err != nil || d.Orientation == 0 {
		return 1
	}
	return d.Orientation
}

// exifThumbnail returns the JPEG thumbnail embedded in the EXIF block, or nil.
func exifThumbnail(raw []byte) []byte {
	d, err := exif.Parse(raw)
	if err != nil || len(d.Thumbnail) < 4 || sniff(d.Thumbnail) != "jpeg" {
		return nil
	}
	return d.Thumbnail
}

// ctxReader stops a decoder that is still reading when ctx ends; the
// decoders read in small chunks, so this bounds a render by its deadline.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// decodeImage decodes a whole source whose headers probe has checked, and
// returns a *image.YCbCr, *image.Gray or *image.RGBA (premultiplied).
func decodeImage(ctx context.Context, data []byte, info Info, gifFrame int) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrCorrupt, info.Format, r)
		}
	}()
	r := ctxReader{ctx: ctx, r: bytes.NewReader(data)}
	switch info.Format {
	case "jpeg":
		img, err = jpeg.Decode(r)
	case "png":
		img, err = png.Decode(r)
	case "gif":
		img, err = decodeGIF(r, gifFrame)
	case "bmp":
		img, err = bmp.Decode(r)
	case "tiff":
		img, err = tiff.Decode(bytes.NewReader(data))
	case "webp":
		img, err = webp.Decode(r)
	default:
		return nil, fmt.Errorf("%w: format %q", ErrUnsupported, info.Format)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		if errors.Is(err, ErrUnsupported) {
			return nil, err
		}
		var (
			jpegUnsup jpeg.UnsupportedError
			pngUnsup  png.UnsupportedError
			tiffUnsup tiff.UnsupportedError
		)
		if errors.As(err, &jpegUnsup) || errors.As(err, &pngUnsup) || errors.As(err, &tiffUnsup) {
			return nil, fmt.Errorf("%w: %s: %v", ErrUnsupported, info.Format, err)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, info.Format, err)
	}
	screen := image.Rect(0, 0, info.Width, info.Height)
	if b := img.Bounds(); b != screen && info.Format == "gif" && !screen.Empty() {
		// A GIF frame may cover part of the logical screen (or none of
		// it: a 4x0 frame is legal); a viewer shows it at its offset.
		canvas := image.NewRGBA(screen)
		draw.Draw(canvas, b, img, b.Min, draw.Over)
		img = canvas
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, fmt.Errorf("%w: decoded %dx%d, header said %dx%d", ErrCorrupt, b.Dx(), b.Dy(), info.Width, info.Height)
	}
	if img.Bounds().Empty() {
		return nil, fmt.Errorf("%w: %s without pixels", ErrCorrupt, info.Format)
	}
	return planar(img), nil
}

// decodeGIF returns frame `frame` as a viewer shows it, composited on the
// logical screen with the disposal methods of the frames before it.
func decodeGIF(r io.Reader, frame int) (image.Image, error) {
	if frame <= 0 {
		first, err := gif.Decode(r)
		if err != nil {
			return nil, err
		}
		return first, nil
	}
	all, err := gif.DecodeAll(r)
	if err != nil {
		return nil, err
	}
	if frame >= len(all.Image) {
		return nil, fmt.Errorf("%w: GIF frame %d of %d", ErrUnsupported, frame, len(all.Image))
	}
	screen := image.Rect(0, 0, all.Config.Width, all.Config.Height)
	canvas := image.NewRGBA(screen)
	var saved *image.RGBA
	for i := 0; i <= frame; i++ {
		f := all.Image[i]
		disposal := byte(0)
		if i < len(all.Disposal) {
			disposal = all.Disposal[i]
		}
		if disposal == gif.DisposalPrevious {
			saved = image.NewRGBA(screen)
			copy(saved.Pix, canvas.Pix)
		}
		draw.Draw(canvas, f.Bounds(), f, f.Bounds().Min, draw.Over)
		if i == frame {
			break
		}
		switch disposal {
		case gif.DisposalBackground:
			draw.Draw(canvas, f.Bounds(), image.Transparent, image.Point{}, draw.Src)
		case gif.DisposalPrevious:
			canvas = saved
		}
	}
	return canvas, nil
}

// planar converts a decoded image to one of the three layouts the pipeline
// works on, keeping YCbCr and Gray as they are (no RGBA detour for JPEGs).
func planar(img image.Image) image.Image {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.YCbCr:
		if b.Min == (image.Point{}) {
			return m
		}
	case *image.Gray:
		if b.Min == (image.Point{}) {
			return m
		}
	case *image.RGBA:
		if b.Min == (image.Point{}) {
			return m
		}
	case *image.Gray16:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			src := m.Pix[y*m.Stride:]
			dst := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				dst[x] = src[2*x]
			}
		}
		return g
	case *image.Paletted:
		if b.Dx() == 0 {
			break
		}
		return palettedToRGBA(m)
	}
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

func palettedToRGBA(m *image.Paletted) *image.RGBA {
	b := m.Bounds()
	var lut [256][4]uint8
	for i, c := range m.Palette {
		if i >= 256 {
			break
		}
		r, g, bb, a := c.RGBA()
		lut[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), uint8(a >> 8)}
	}
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		src := m.Pix[(y)*m.Stride : (y)*m.Stride+b.Dx()]
		row := dst.Pix[y*dst.Stride:]
		for x, idx := range src {
			copy(row[4*x:4*x+4], lut[idx][:])
		}
	}
	return dst
}

// flatten composites a premultiplied RGBA image over white, for formats
// without alpha.
func flatten(m *image.RGBA) {
	for i := 0; i+3 < len(m.Pix); i += 4 {
		a := m.Pix[i+3]
		if a == 0xFF {
			continue
		}
		k := uint16(0xFF - a)
		m.Pix[i] += uint8(k)
		m.Pix[i+1] += uint8(k)
		m.Pix[i+2] += uint8(k)
		m.Pix[i+3] = 0xFF
	}
}

// toRGBA converts the pipeline's layouts to RGBA for drawing.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	return dst
}

// grayOf returns the luma of img as a Gray image, sharing the Y plane of a
// YCbCr image.
func grayOf(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		b := m.Bounds()
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: image.Rect(0, 0, b.Dx(), b.Dy())}
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.SetGray(x, y, color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray))
		}
	}
	return g
}
