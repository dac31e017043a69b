// Package pdf is a rendition engine for PDF documents through poppler's
// pdftoppm and pdfinfo programs: a page (the first, or Profile.Page)
// rasterized at the size the profile needs and rendered in any image
// profile; the page count and first page size read at ingest.
//
// The tools run as rendition/internal/command runs every external
// program: no shell, the document copied into a private temporary
// directory, a deadline, an address-space limit, bounded output. The
// caller bounds how many run at once.
package pdf

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/internal/command"
)

// Options bound the engine; nil or zero fields mean the defaults.
type Options struct {
	// DPI is the resolution of a page's natural size (default 150): a
	// profile that does not enlarge never rasterizes finer.
	DPI int
	// Timeout bounds one run of a tool (default 30 s).
	Timeout time.Duration
	// MemoryLimit bounds each child's address space (default 1 GiB),
	// where prlimit(1) is installed.
	MemoryLimit int64
	// MaxSourceBytes bounds the document (default 512 MiB).
	MaxSourceBytes int64
	// MaxPixels bounds a rasterized page (default 50 million).
	MaxPixels int64
}

func (o *Options) withDefaults() Options {
	var v Options
	if o != nil {
		v = *o
	}
	if v.DPI <= 0 {
		v.DPI = 150
	}
	if v.Timeout <= 0 {
		v.Timeout = 30 * time.Second
	}
	if v.MemoryLimit <= 0 {
		v.MemoryLimit = 1 << 30
	}
	if v.MaxSourceBytes <= 0 {
		v.MaxSourceBytes = 512 << 20
	}
	if v.MaxPixels <= 0 {
		v.MaxPixels = 50_000_000
	}
	return v
}

// Engine renders PDF pages. It is safe for concurrent use.
type Engine struct {
	pdftoppm, pdfinfo command.Tool
	opts              Options
	version           string
}

// New finds pdftoppm and pdfinfo on PATH; the error names the missing one.
func New(ctx context.Context, o *Options) (*Engine, error) {
	ppm, err := command.Find("pdftoppm")
	if err != nil {
		return nil, err
	}
	info, err := command.Find("pdfinfo")
	if err != nil {
		return nil, err
	}
	return &Engine{pdftoppm: ppm, pdfinfo: info, opts: o.withDefaults(), version: ppm.Version(ctx, "-v")}, nil
}

// Accepts reports whether mediaType is PDF.
func (*Engine) Accepts(mediaType string) bool {
	mt, _, _ := strings.Cut(mediaType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/pdf" || mt == "application/x-pdf"
}

// Describe says what the engine renders.
func (e *Engine) Describe() rendition.Description {
	return rendition.Description{Name: "pdftoppm", Renders: []string{"application/pdf"},
		Outputs: []rendition.Format{rendition.FormatJPEG, rendition.FormatPNG, rendition.FormatWebP, rendition.FormatTIFF, rendition.FormatGIF},
		Version: e.version}
}

// page is what pdfinfo says of a document and one of its pages.
type page struct {
	pages    int
	w, h     float64 // points, before the rotation
	rotation int
}

// natural is the page's size in pixels at dpi, upright.
func (pg page) natural(dpi int) (int, int) {
	w := max(1, int(math.Round(pg.w*float64(dpi)/72)))
	h := max(1, int(math.Round(pg.h*float64(dpi)/72)))
	if pg.rotation == 90 || pg.rotation == 270 {
		w, h = h, w
	}
	return w, h
}

// Probe reads the page count and the first page's size at Options.DPI.
func (e *Engine) Probe(ctx context.Context, src rendition.Source) (rendition.MediaInfo, error) {
	wd, in, err := e.stage(ctx, src)
	if err != nil {
		return rendition.MediaInfo{}, err
	}
	defer wd.Close()
	pg, err := e.info(ctx, wd, in, 1)
	if err != nil {
		return rendition.MediaInfo{}, err
	}
	w, h := pg.natural(e.opts.DPI)
	return rendition.MediaInfo{Width: w, Height: h, Pages: pg.pages, Rotation: pg.rotation}, nil
}

// Render rasterizes the profile's page at the size the profile needs and
// renders it with the Builtin engine. FormatSource is JPEG.
func (e *Engine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, opts *rendition.Options) (rendition.Result, error) {
	if err := p.Validate(); err != nil {
		return rendition.Result{}, err
	}
	p = p.Normalized()
	if p.Format.IsVideo() {
		return rendition.Result{}, fmt.Errorf("%w: a PDF has no %s rendition", rendition.ErrUnsupported, p.Format)
	}
	wd, in, err := e.stage(ctx, src)
	if err != nil {
		return rendition.Result{}, err
	}
	defer wd.Close()
	n := max(p.Page, 1)
	pg, err := e.info(ctx, wd, in, n)
	if err != nil && n > 1 && ctx.Err() == nil {
		// pdfinfo refuses a page past the end: say so if that is why.
		if first, ferr := e.info(ctx, wd, in, 1); ferr == nil && n > first.pages {
			return rendition.Result{}, fmt.Errorf("%w: page %d of a %d-page document", rendition.ErrInvalidProfile, n, first.pages)
		}
	}
	if err != nil {
		return rendition.Result{}, err
	}
	nw, nh := pg.natural(e.opts.DPI)
	rw, rh := p.RasterSize(nw, nh)
	if int64(rw)*int64(rh) > e.opts.MaxPixels {
		return rendition.Result{}, fmt.Errorf("%w: page %d at %dx%d exceeds %d pixels", rendition.ErrTooLarge, n, rw, rh, e.opts.MaxPixels)
	}
	// -scale-to sets the longer side and keeps the page's proportions.
	args := []string{"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-scale-to", strconv.Itoa(max(rw, rh)),
		"-png", "-singlefile", in, "page"}
	if _, err := e.pdftoppm.Run(ctx, command.Spec{Dir: wd.Dir, Args: args, Timeout: e.opts.Timeout, MemoryLimit: e.opts.MemoryLimit}); err != nil {
		return rendition.Result{}, e.fail(ctx, err)
	}
	png, err := wd.ReadFile("page.png", int64(rw)*int64(rh)*4+1<<20)
	if err != nil {
		return rendition.Result{}, e.fail(ctx, err)
	}
	return command.Finish(ctx, png, p, rendition.FormatJPEG, opts)
}

func (e *Engine) stage(ctx context.Context, src rendition.Source) (*command.Workdir, string, error) {
	return command.Stage(ctx, src, e.opts.MaxSourceBytes, "source.pdf", "document")
}

// info runs pdfinfo for page n.
func (e *Engine) info(ctx context.Context, wd *command.Workdir, in string, n int) (page, error) {
	out, err := e.pdfinfo.Run(ctx, command.Spec{Dir: wd.Dir, Timeout: e.opts.Timeout, MemoryLimit: e.opts.MemoryLimit, MaxStdout: 1 << 20,
		Args: []string{"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), in}})
	if err != nil {
		return page{}, e.fail(ctx, err)
	}
	return parseInfo(string(out), n)
}

// parseInfo reads "Pages:", "Page    n size: w x h pts" and "Page    n rot:"
// from pdfinfo's output.
func parseInfo(out string, n int) (page, error) {
	var pg page
	sizeKey := fmt.Sprintf("Page %d size:", n)
	rotKey := fmt.Sprintf("Page %d rot:", n)
	for line := range strings.SplitSeq(out, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		switch {
		case strings.HasPrefix(line, "Pages:"):
			pg.pages, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Pages:")))
		case strings.HasPrefix(line, sizeKey):
			f := strings.Fields(strings.TrimPrefix(line, sizeKey))
			if len(f) >= 3 && f[1] == "x" {
				pg.w, _ = strconv.ParseFloat(f[0], 64)
				pg.h, _ = strconv.ParseFloat(f[2], 64)
			}
		case strings.HasPrefix(line, rotKey):
			r, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, rotKey)))
			pg.rotation = ((r/90)*90%360 + 360) % 360
		}
	}
	if pg.pages <= 0 {
		return page{}, fmt.Errorf("%w: pdfinfo found no pages", rendition.ErrCorrupt)
	}
	if n <= pg.pages && (pg.w <= 0 || pg.h <= 0 || pg.w > 1e6 || pg.h > 1e6) {
		return page{}, fmt.Errorf("%w: pdfinfo found no size for page %d", rendition.ErrCorrupt, n)
	}
	return pg, nil
}

func (e *Engine) fail(ctx context.Context, err error) error { return command.RenderError(ctx, err) }
