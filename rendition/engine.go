package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Sentinel errors; every error this package returns wraps one of them or a
// context error.
var (
	// ErrUnsupported: not an image this engine renders (HTML, SVG, PDF, ...)
	// or a profile that cannot apply to it.
	ErrUnsupported = errors.New("rendition: unsupported source")
	// ErrTooLarge: the source or the output exceeds a Limit.
	ErrTooLarge = errors.New("rendition: too large")
	// ErrInvalidProfile: the profile does not validate.
	ErrInvalidProfile = errors.New("rendition: invalid profile")
	// ErrCorrupt: the source claims a supported format but does not decode.
	ErrCorrupt = errors.New("rendition: corrupt source")
)

// Source is the bytes of one image. The engine reads it with ReadAt only, so
// one Source may serve concurrent renders.
type Source struct {
	Data io.ReaderAt
	Size int64
}

// BytesSource wraps an in-memory image.
func BytesSource(b []byte) Source {
	return Source{Data: bytes.NewReader(b), Size: int64(len(b))}
}

// Options tune one render; nil means defaults.
type Options struct {
	// Limits bound the work; zero fields mean the defaults.
	Limits Limits
	// Larger is a rendition of the same image the caller already has (a
	// cached one, say): upright, uncropped, without modifiers or watermark,
	// in JPEG, PNG or GIF. It is used instead of the original when it is at
	// least as large as the output and has the original's aspect ratio.
	Larger *Source
	// NoThumbnail stops the engine from rendering from the EXIF thumbnail.
	NoThumbnail bool
	// GIFFrame picks the frame of an animated GIF to render (0: the first).
	// Frames up to it are composited as a viewer shows them.
	GIFFrame int
	// Rights are written into JPEG and PNG renditions unless the profile
	// strips metadata (see [Rights]); nil writes none.
	Rights *Rights
}

func (o *Options) orDefault() *Options {
	if o == nil {
		return &Options{}
	}
	return o
}

// Served says which input a rendition was made from.
type Served string

const (
	ServedOriginal  Served = "original"
	ServedThumbnail Served = "thumbnail"
	ServedLarger    Served = "larger"
)

// Result is one encoded rendition.
type Result struct {
	Data          []byte
	MediaType     string // "image/jpeg", "image/png", "video/mp4", ...
	Width, Height int
	Served        Served
}

// Engine renders profiles. Implementations must be safe for concurrent use.
type Engine interface {
	// Accepts reports whether the engine renders sources of this media type
	// ("image/jpeg"); parameters after ';' are ignored.
	Accepts(mediaType string) bool
	// Render produces one rendition of src, or an error wrapping one of the
	// package's sentinel errors or a context error.
	Render(ctx context.Context, src Source, p Profile, opts *Options) (Result, error)
}

// Description says what an engine renders, for a health page.
type Description struct {
	// Name is short and stable ("builtin", "ffmpeg", "pdftoppm").
	Name string `json:"name"`
	// Renders are the source media types the engine accepts.
	Renders []string `json:"renders"`
	// Outputs are the formats it writes.
	Outputs []Format `json:"outputs"`
	// Version is the external tool's version line, if any.
	Version string `json:"version,omitempty"`
}

// Describer is implemented by engines that can say what they render.
type Describer interface {
	Describe() Description
}

// Describe lists what the registered engines render, preferred first;
// engines that are not Describers appear with their Go type as the name.
func (r *Registry) Describe() []Description {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Description, 0, len(r.engines))
	for i := len(r.engines) - 1; i >= 0; i-- {
		if d, ok := r.engines[i].(Describer); ok {
			out = append(out, d.Describe())
		} else {
			out = append(out, Description{Name: fmt.Sprintf("%T", r.engines[i])})
		}
	}
	return out
}

// Registry chooses an Engine by media type. Engines registered later take
// precedence, so a host can put libvips in front of the Builtin engine for
// the formats it prefers. The zero value is empty; safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	engines []Engine
}

// NewRegistry returns a registry holding the engines, the last one preferred.
func NewRegistry(engines ...Engine) *Registry {
	r := &Registry{}
	for _, e := range engines {
		r.Register(e)
	}
	return r
}

// DefaultRegistry returns a registry holding only the Builtin engine.
func DefaultRegistry() *Registry { return NewRegistry(Builtin{}) }

// Register adds e in front of the engines already registered.
func (r *Registry) Register(e Engine) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.engines = append(r.engines, e)
}

// Lookup returns the preferred engine for mediaType or an error wrapping
// ErrUnsupported.
func (r *Registry) Lookup(mediaType string) (Engine, error) {
	mt := baseMediaType(mediaType)
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i := len(r.engines) - 1; i >= 0; i-- {
		if r.engines[i].Accepts(mt) {
			return r.engines[i], nil
		}
	}
	return nil, fmt.Errorf("%w: no engine renders %q", ErrUnsupported, mt)
}

// Render renders src with the engine registered for mediaType.
func (r *Registry) Render(ctx context.Context, mediaType string, src Source, p Profile, opts *Options) (Result, error) {
	e, err := r.Lookup(mediaType)
	if err != nil {
		return Result{}, err
	}
	return e.Render(ctx, src, p, opts)
}

func baseMediaType(mt string) string {
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// Builtin is the pure-Go Engine: JPEG, PNG, GIF, BMP, TIFF and WebP in;
// JPEG, PNG, GIF, WebP and TIFF out. It holds no state.
type Builtin struct{}

// Describe says what Builtin renders.
func (Builtin) Describe() Description {
	return Description{Name: "builtin",
		Renders: []string{"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp"},
		Outputs: []Format{FormatJPEG, FormatPNG, FormatGIF, FormatWebP, FormatTIFF}}
}

var builtinTypes = map[string]bool{
	"image/jpeg": true, "image/jpg": true, "image/pjpeg": true,
	"image/png": true, "image/gif": true, "image/bmp": true, "image/x-ms-bmp": true,
	"image/tiff": true, "image/webp": true,
}

// Accepts reports whether mediaType is one of the raster formats Builtin
// decodes. The engine still sniffs the bytes and does not trust the type.
func (Builtin) Accepts(mediaType string) bool { return builtinTypes[baseMediaType(mediaType)] }

// Render renders one profile; see RenderMany.
func (b Builtin) Render(ctx context.Context, src Source, p Profile, opts *Options) (Result, error) {
	res, err := b.RenderMany(ctx, src, []Profile{p}, opts)
	if err != nil {
		return Result{}, err
	}
	return res[0], nil
}

// Render renders p from src with the Builtin engine.
func Render(ctx context.Context, src Source, p Profile, opts *Options) (Result, error) {
	return Builtin{}.Render(ctx, src, p, opts)
}

// RenderMany renders several profiles from src with the Builtin engine,
// decoding each input once.
func RenderMany(ctx context.Context, src Source, profiles []Profile, opts *Options) ([]Result, error) {
	return Builtin{}.RenderMany(ctx, src, profiles, opts)
}
