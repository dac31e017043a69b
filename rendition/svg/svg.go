// Package svg is a rendition engine that rasterizes SVG drawings with
// librsvg's rsvg-convert program, so an SVG is previewed and exported as
// an image and never served to a browser as a document (scripts inside it
// stay inert: librsvg does not run them, and the server only ever sends
// the rasterized pixels).
//
// Why rsvg-convert and not a pure-Go rasterizer: librsvg implements SVG 1.1
// and most of SVG 2 (text with system fonts, filters, masks, CSS), is
// maintained by GNOME and fuzzed in OSS-Fuzz, loads no network resources
// and only files beside the document (here, a private directory holding
// nothing else). The pure-Go options (srwiley/oksvg, tdewolff/canvas) skip
// text, filters or CSS, so common logos and icons would render wrong.
//
// The tool runs as rendition/internal/command runs every external program:
// no shell, a private temporary directory, a deadline, an address-space
// limit.
package svg

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/internal/command"
)

// Options bound the engine; nil or zero fields mean the defaults.
type Options struct {
	// Timeout bounds one rasterization (default 30 s).
	Timeout time.Duration
	// MemoryLimit bounds the child's address space (default 1 GiB), where
	// prlimit(1) is installed.
	MemoryLimit int64
	// MaxSourceBytes bounds the drawing (default 32 MiB).
	MaxSourceBytes int64
	// MaxPixels bounds a rasterization (default 50 million).
	MaxPixels int64
	// DefaultSize is the longer side of a drawing that states no size
	// (default 1024).
	DefaultSize int
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.Timeout <= 0 {
		v.Timeout = 30 * time.Second
	}
	if v.MemoryLimit <= 0 {
		v.MemoryLimit = 1 << 30
	}
	if v.MaxSourceBytes <= 0 {
		v.MaxSourceBytes = 32 << 20
	}
	if v.MaxPixels <= 0 {
		v.MaxPixels = 50_000_000
	}
	if v.DefaultSize <= 0 {
		v.DefaultSize = 1024
	}
	return v
}

// Engine rasterizes SVG. It is safe for concurrent use.
type Engine struct {
	rsvg    command.Tool
	opts    Options
	version string
}

// New finds rsvg-convert on PATH; the error says it is missing.
func New(ctx context.Context, o *Options) (*Engine, error) {
	t, err := command.Find("rsvg-convert")
	if err != nil {
		return nil, err
	}
	return &Engine{rsvg: t, opts: o.withDefaults(), version: t.Version(ctx, "--version")}, nil
}

// Accepts reports whether mediaType is SVG.
func (*Engine) Accepts(mediaType string) bool {
	mt, _, _ := strings.Cut(mediaType, ";")
	return strings.ToLower(strings.TrimSpace(mt)) == "image/svg+xml"
}

// Describe says what the engine renders.
func (e *Engine) Describe() rendition.Description {
	return rendition.Description{Name: "rsvg-convert", Renders: []string{"image/svg+xml"},
		Outputs: []rendition.Format{rendition.FormatPNG, rendition.FormatJPEG, rendition.FormatWebP, rendition.FormatTIFF, rendition.FormatGIF},
		Version: e.version}
}

// Render rasterizes the drawing at the size p needs and renders it with
// the Builtin engine. FormatSource is PNG (drawings are often transparent).
func (e *Engine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, opts *rendition.Options) (rendition.Result, error) {
	if err := p.Validate(); err != nil {
		return rendition.Result{}, err
	}
	p = p.Normalized()
	if p.Format.IsVideo() {
		return rendition.Result{}, fmt.Errorf("%w: a drawing has no %s rendition", rendition.ErrUnsupported, p.Format)
	}
	if src.Data != nil && src.Size > e.opts.MaxSourceBytes {
		return rendition.Result{}, fmt.Errorf("%w: drawing is %d bytes, limit %d", rendition.ErrTooLarge, src.Size, e.opts.MaxSourceBytes)
	}
	if src.Data == nil || src.Size <= 0 {
		return rendition.Result{}, fmt.Errorf("%w: empty source", rendition.ErrUnsupported)
	}
	nw, nh, err := naturalSize(io.NewSectionReader(src.Data, 0, src.Size), e.opts.DefaultSize)
	if err != nil {
		return rendition.Result{}, err
	}
	rw, rh := p.RasterSize(nw, nh)
	if int64(rw)*int64(rh) > e.opts.MaxPixels {
		return rendition.Result{}, fmt.Errorf("%w: drawing at %dx%d exceeds %d pixels", rendition.ErrTooLarge, rw, rh, e.opts.MaxPixels)
	}
	wd, in, err := command.Stage(ctx, src, e.opts.MaxSourceBytes, "source.svg", "drawing")
	if err != nil {
		return rendition.Result{}, err
	}
	defer wd.Close()
	args := []string{"--format=png", "--width=" + strconv.Itoa(rw), "--height=" + strconv.Itoa(rh),
		"--output=drawing.png", in}
	if _, err := e.rsvg.Run(ctx, command.Spec{Dir: wd.Dir, Args: args, Timeout: e.opts.Timeout, MemoryLimit: e.opts.MemoryLimit}); err != nil {
		return rendition.Result{}, command.RenderError(ctx, err)
	}
	png, err := wd.ReadFile("drawing.png", int64(rw)*int64(rh)*4+1<<20)
	if err != nil {
		return rendition.Result{}, command.RenderError(ctx, err)
	}
	return command.Finish(ctx, png, p, rendition.FormatPNG, opts)
}

// maxProlog bounds what is read before the root element.
const maxProlog = 64 << 10

// naturalSize reads the root <svg>'s width, height and viewBox: the size
// in CSS pixels it asks for, the viewBox's proportions at def pixels on
// the longer side when it gives none (or percentages), def square when it
// gives neither. A document whose root is not <svg> is refused.
func naturalSize(r io.Reader, def int) (int, int, error) {
	d := xml.NewDecoder(io.LimitReader(r, maxProlog))
	d.Strict = false
	d.Entity = map[string]string{} // no entity expansion
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("%w: no <svg> root element in the first %d bytes", rendition.ErrCorrupt, maxProlog)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !strings.EqualFold(se.Name.Local, "svg") {
			return 0, 0, fmt.Errorf("%w: the root element is <%s>, not <svg>", rendition.ErrCorrupt, se.Name.Local)
		}
		var w, h, vbw, vbh float64
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				w = length(a.Value)
			case "height":
				h = length(a.Value)
			case "viewBox":
				f := strings.FieldsFunc(a.Value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
				if len(f) == 4 {
					vbw, _ = strconv.ParseFloat(f[2], 64)
					vbh, _ = strconv.ParseFloat(f[3], 64)
				}
			}
		}
		return size(w, h, vbw, vbh, float64(def))
	}
}

// size combines the stated width, height and viewBox (zero: absent).
func size(w, h, vbw, vbh, def float64) (int, int, error) {
	okv := func(v float64) bool { return v > 0 && v < 1e6 && !math.IsNaN(v) }
	switch {
	case okv(w) && okv(h):
	case okv(w) && okv(vbw) && okv(vbh):
		h = w * vbh / vbw
	case okv(h) && okv(vbw) && okv(vbh):
		w = h * vbw / vbh
	case okv(vbw) && okv(vbh):
		s := def / max(vbw, vbh)
		w, h = vbw*s, vbh*s
	default:
		w, h = def, def
	}
	if !okv(w) || !okv(h) {
		return 0, 0, fmt.Errorf("%w: drawing size %gx%g", rendition.ErrCorrupt, w, h)
	}
	return max(1, int(math.Round(w))), max(1, int(math.Round(h))), nil
}

// length reads an SVG length in CSS pixels; percentages and unknown units
// are 0 (absent).
func length(s string) float64 {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		px     float64
	}{{"px", 1}, {"pt", 96.0 / 72}, {"pc", 16}, {"in", 96}, {"cm", 96 / 2.54}, {"mm", 96 / 25.4}, {"em", 16}, {"ex", 8}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.px
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 {
		return 0
	}
	return v * mult
}
