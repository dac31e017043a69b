package rendition

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// maxOverlayPixels bounds a watermark image.
const maxOverlayPixels = 16 << 20

var (
	fontOnce sync.Once
	goFont   *opentype.Font
	fontErr  error
)

func watermarkFont() (*opentype.Font, error) {
	fontOnce.Do(func() { goFont, fontErr = opentype.Parse(goregular.TTF) })
	return goFont, fontErr
}

// drawWatermark draws w on img (converted to RGBA) and returns the result.
func drawWatermark(ctx context.Context, img image.Image, w *Watermark) (image.Image, error) {
	dst := toRGBA(img)
	b := dst.Bounds()
	short := min(b.Dx(), b.Dy())
	var mark *image.RGBA
	var err error
	if w.Text != "" {
		mark, err = textMark(w.Text, max(10, short/12))
	} else {
		mark, err = imageMark(ctx, w.Image, max(8, short/4))
	}
	if err != nil {
		return nil, err
	}
	alpha := uint8((w.Opacity*255 + 50) / 100)
	mask := image.NewUniform(color.Alpha{A: alpha})
	mb := mark.Bounds()
	margin := short / 32
	place := func(at image.Point) {
		r := image.Rectangle{Min: at, Max: at.Add(mb.Size())}
		draw.DrawMask(dst, r, mark, image.Point{}, mask, image.Point{}, draw.Over)
	}
	switch w.Position {
	case PositionTile:
		stepX, stepY := mb.Dx()+max(mb.Dx()/2, 8), mb.Dy()*3
		for y, row := margin, 0; y < b.Dy(); y, row = y+stepY, row+1 {
			for x := margin - (row%2)*stepX/2; x < b.Dx(); x += stepX {
				place(image.Pt(x, y))
			}
		}
	case PositionCenter:
		place(image.Pt((b.Dx()-mb.Dx())/2, (b.Dy()-mb.Dy())/2))
	case PositionTopLeft:
		place(image.Pt(margin, margin))
	case PositionTopRight:
		place(image.Pt(b.Dx()-mb.Dx()-margin, margin))
	case PositionBottomLeft:
		place(image.Pt(margin, b.Dy()-mb.Dy()-margin))
	default:
		place(image.Pt(b.Dx()-mb.Dx()-margin, b.Dy()-mb.Dy()-margin))
	}
	return dst, nil
}

// textMark renders text in white over a dark shadow, px pixels high.
func textMark(text string, px int) (*image.RGBA, error) {
	f, err := watermarkFont()
	if err != nil {
		return nil, fmt.Errorf("rendition: watermark font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("rendition: watermark font: %w", err)
	}
	defer face.Close()
	m := face.Metrics()
	shadow := max(1, px/16)
	width := font.MeasureString(face, text).Ceil() + 2*shadow
	height := (m.Ascent + m.Descent).Ceil() + 2*shadow
	out := image.NewRGBA(image.Rect(0, 0, width, height))
	dr := font.Drawer{Dst: out, Face: face}
	base := fixed.P(shadow, m.Ascent.Ceil()+shadow)
	dr.Src = image.NewUniform(color.RGBA{A: 160})
	for _, d := range []image.Point{{shadow, shadow}, {-shadow, 0}, {shadow, 0}, {0, -shadow}, {0, shadow}} {
		dr.Dot = base.Add(fixed.P(d.X, d.Y))
		dr.DrawString(text)
	}
	dr.Src = image.White
	dr.Dot = base
	dr.DrawString(text)
	return out, nil
}

// imageMark decodes an overlay and scales it to width px (never up).
func imageMark(ctx context.Context, data []byte, px int) (*image.RGBA, error) {
	var cfg image.Config
	var err error
	var decode func([]byte) (image.Image, error)
	switch sniff(data) {
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "gif":
		cfg, err = gif.DecodeConfig(bytes.NewReader(data))
		decode = func(b []byte) (image.Image, error) { return gif.Decode(bytes.NewReader(b)) }
	default:
		return nil, fmt.Errorf("%w: watermark image is not PNG, JPEG or GIF", ErrInvalidProfile)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: watermark image: %v", ErrInvalidProfile, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxOverlayPixels {
		return nil, fmt.Errorf("%w: watermark image is %dx%d", ErrInvalidProfile, cfg.Width, cfg.Height)
	}
	src, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("%w: watermark image: %v", ErrInvalidProfile, err)
	}
	rgba := toRGBA(planar(src))
	if cfg.Width <= px {
		return rgba, nil
	}
	ow := px
	oh := max(1, cfg.Height*px/cfg.Width)
	out, err := resizeImage(ctx, rgba, window{scaleX: float64(cfg.Width) / float64(ow), scaleY: float64(cfg.Height) / float64(oh)}, ow, oh)
	if err != nil {
		return nil, err
	}
	return out.(*image.RGBA), nil
}
