package dam

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/damkit/damkit/rendition"
)

// CustomRendition is a rendition a downloader asks for on the spot rather
// than by an export profile's name (reference 004's dynamic renditions):
// a size, a fit, a format, a quality, a resolution and a colour space,
// within the bounds owners set (Settings.CustomRenditions). Zero fields
// take their defaults; equal requests, defaults written out or not, share
// one cached rendition. A custom rendition never enlarges the source and
// carries no EXIF, colour profile or GPS position (the rights statements
// of a JPEG or PNG, as with every export profile).
type CustomRendition struct {
	// Width and Height of the box, 1..65535 px; zero leaves a side free.
	// With neither, the rendition keeps the source's size.
	Width  int `json:"w,omitempty"`
	Height int `json:"h,omitempty"`
	// Fit is contain (the default), cover, smart, fill or none; all but
	// contain need both sides.
	Fit rendition.Fit `json:"fit,omitempty"`
	// Format is jpeg, png, gif, webp or tiff, each only where the library
	// allows it; "" keeps the source's format (JPEG, PNG or GIF; other
	// sources become PNG).
	Format rendition.Format `json:"format,omitempty"`
	// Quality 1..100 of a JPEG or WebP (0: 85); lossless formats ignore it.
	Quality int `json:"quality,omitempty"`
	// DPI 1..4800 is written into a JPEG, PNG or TIFF (WebP and GIF have
	// no place for it and refuse it); it changes no pixel.
	DPI int `json:"dpi,omitempty"`
	// ColorSpace is srgb (the default: the pixels as decoded, which
	// renditions take to be sRGB) or grey (one luminance channel).
	ColorSpace string `json:"colorspace,omitempty"`
}

// Colour spaces of a custom rendition.
const (
	ColorSpaceSRGB = "srgb"
	ColorSpaceGrey = "grey"
)

// CustomRenditionSettings are the bounds owners set on custom renditions.
// They are off by default: every distinct request is a render and a cached
// file, which a library turns on knowingly. Turned on with the zero bounds,
// a rendition may have up to DefaultCustomMaxPixels and be a JPEG, PNG or
// WebP.
type CustomRenditionSettings struct {
	Enabled bool `json:"enabled"`
	// MaxPixels bounds width x height of the box asked for and of the
	// rendition made; 0 means DefaultCustomMaxPixels, at most
	// rendition.DefaultMaxOutputPixels.
	MaxPixels int64 `json:"max_pixels"`
	// Formats lists the formats that may be asked for (jpeg, png, gif,
	// webp, tiff); empty means DefaultCustomFormats. Keeping the source's
	// format is always allowed.
	Formats []rendition.Format `json:"formats"`
}

// Defaults of CustomRenditionSettings.
const DefaultCustomMaxPixels = 4096 * 4096

// DefaultCustomFormats are the formats a custom rendition may have when
// the settings name none: TIFF and GIF are left out (large, or poor).
var DefaultCustomFormats = []rendition.Format{rendition.FormatJPEG, rendition.FormatPNG, rendition.FormatWebP}

// customFormats are the formats custom renditions can have at all.
var customFormats = []rendition.Format{rendition.FormatJPEG, rendition.FormatPNG, rendition.FormatGIF, rendition.FormatWebP, rendition.FormatTIFF}

// maxPixels is s.MaxPixels with its default.
func (s CustomRenditionSettings) maxPixels() int64 {
	if s.MaxPixels <= 0 {
		return DefaultCustomMaxPixels
	}
	return s.MaxPixels
}

// formats is s.Formats with its default.
func (s CustomRenditionSettings) formats() []rendition.Format {
	if len(s.Formats) == 0 {
		return DefaultCustomFormats
	}
	return s.Formats
}

// checkCustomSettings validates the bounds as owners submit them and
// returns them normalized (formats deduplicated, in a fixed order).
func checkCustomSettings(op string, s CustomRenditionSettings) (CustomRenditionSettings, error) {
	if s.MaxPixels < 0 || s.MaxPixels > rendition.DefaultMaxOutputPixels {
		return s, E(op, Invalid, "custom_renditions.max_pixels must be 0 (the default, %d) to %d (got %d)",
			DefaultCustomMaxPixels, rendition.DefaultMaxOutputPixels, s.MaxPixels)
	}
	var fs []rendition.Format
	for _, f := range s.Formats {
		if f == "jpg" {
			f = rendition.FormatJPEG
		}
		if !slices.Contains(customFormats, f) {
			return s, E(op, Invalid, "custom_renditions.formats: unknown format %.20q (want jpeg, png, gif, webp or tiff)", f)
		}
		fs = append(fs, f)
	}
	s.Formats = []rendition.Format{}
	for _, f := range customFormats {
		if slices.Contains(fs, f) {
			s.Formats = append(s.Formats, f)
		}
	}
	return s.withDefaults(), nil
}

// withDefaults writes the default bounds out, so the settings say what
// applies.
func (s CustomRenditionSettings) withDefaults() CustomRenditionSettings {
	s.MaxPixels = s.maxPixels()
	s.Formats = slices.Clone(s.formats())
	return s
}

// customPrefix starts the reference of a custom rendition, which stands
// where an export profile's name does (OpenRendition, OpenPreview,
// GuestOpen, a download job's items). Profile names cannot hold ':'.
const customPrefix = "custom:"

// IsCustomRef reports whether profile is a custom rendition's reference
// (CustomRendition.Ref) rather than an export profile's name.
func IsCustomRef(profile string) bool { return strings.HasPrefix(profile, customPrefix) }

// Ref is the reference of c, which OpenRendition, OpenPreview and
// GuestOpen take in place of a profile name: "custom:" and the canonical
// compact form of the rendition ("custom:w800-contain-jpeg-q85-dpi300").
// Equal requests have equal references. The error (Invalid) says how c is
// wrong in itself, whatever the bounds; the bounds are checked where the
// reference is used.
func (c CustomRendition) Ref() (string, error) {
	rp, err := c.rendition()
	if err != nil {
		return "", E("dam.CustomRendition", Invalid, "%s", err)
	}
	return customPrefix + rp.String(), nil
}

// fullBox is the box of a custom rendition that names no size: contain
// within the largest box, never enlarged, is the source's own size.
const fullBox = rendition.MaxDimension

// rendition is the recipe of c, checked in itself (not against bounds).
func (c CustomRendition) rendition() (rendition.Profile, error) {
	bad := func(format string, args ...any) (rendition.Profile, error) {
		return rendition.Profile{}, fmt.Errorf(format, args...)
	}
	for _, d := range []struct {
		name string
		v    int
	}{{"w", c.Width}, {"h", c.Height}} {
		if d.v < 0 || d.v > rendition.MaxDimension {
			return bad("%s must be 1..%d pixels (got %d)", d.name, rendition.MaxDimension, d.v)
		}
	}
	fit := c.Fit
	if fit == "" {
		fit = rendition.FitContain
	}
	switch fit {
	case rendition.FitContain, rendition.FitCover, rendition.FitSmart, rendition.FitFill, rendition.FitNone:
	default:
		return bad("unknown fit %.20q (want contain, cover, smart, fill or none)", fit)
	}
	if fit != rendition.FitContain && (c.Width == 0 || c.Height == 0) {
		return bad("fit %s needs both w and h", fit)
	}
	f := c.Format
	switch f {
	case "", rendition.FormatSource:
		f = rendition.FormatSource
	case "jpg":
		f = rendition.FormatJPEG
	default:
		if !slices.Contains(customFormats, f) {
			return bad("unknown format %.20q (want jpeg, png, gif, webp or tiff)", f)
		}
	}
	if c.Quality < 0 || c.Quality > 100 {
		return bad("quality must be 1..100 (got %d)", c.Quality)
	}
	if c.DPI < 0 || c.DPI > rendition.MaxDPI {
		return bad("dpi must be 1..%d (got %d)", rendition.MaxDPI, c.DPI)
	}
	grey := false
	switch strings.ToLower(c.ColorSpace) {
	case "", ColorSpaceSRGB:
	case ColorSpaceGrey, "gray":
		grey = true
	default:
		return bad("colorspace must be srgb or grey (got %.20q)", c.ColorSpace)
	}
	rp := rendition.Profile{Width: c.Width, Height: c.Height, Fit: fit, Format: f, Quality: c.Quality, DPI: c.DPI, Grayscale: grey}
	if c.Width == 0 && c.Height == 0 {
		rp.Width, rp.Height = fullBox, fullBox
	}
	if err := rp.Validate(); err != nil {
		return bad("%s", strings.TrimPrefix(trimSentinel(err), "invalid profile: "))
	}
	return rp.Normalized(), nil
}

// parseCustomRef reads a reference written by CustomRendition.Ref back,
// refusing anything a custom rendition cannot ask for (watermarks,
// metadata, enlarging, pages, poster times).
func parseCustomRef(ref string) (CustomRendition, error) {
	rp, err := rendition.ParseProfile(strings.TrimPrefix(ref, customPrefix))
	if err != nil {
		return CustomRendition{}, fmt.Errorf("%.100q is not a custom rendition: %s", ref, trimSentinel(err))
	}
	if rp.Enlarge || rp.Invert || rp.Watermark != nil || rp.KeepMetadata || rp.StripMetadata || rp.Page != 0 || rp.At != 0 {
		return CustomRendition{}, fmt.Errorf("%.100q asks for more than a custom rendition may (size, fit, format, quality, dpi, colour space)", ref)
	}
	c := CustomRendition{Width: rp.Width, Height: rp.Height, Fit: rp.Fit, Format: rp.Format, Quality: rp.Quality, DPI: rp.DPI}
	if rp.Grayscale {
		c.ColorSpace = ColorSpaceGrey
	}
	if rp.Fit == rendition.FitContain && rp.Width == fullBox && rp.Height == fullBox {
		c.Width, c.Height = 0, 0
	}
	return c, nil
}

// Check reports the first way c is outside itself or outside the bounds
// s, naming the bound: the error is Invalid.
func (c CustomRendition) Check(s CustomRenditionSettings) error {
	_, err := c.check("dam.CustomRendition", s)
	return err
}

// check returns the recipe of c within the bounds s.
func (c CustomRendition) check(op string, s CustomRenditionSettings) (rendition.Profile, error) {
	if !s.Enabled {
		return rendition.Profile{}, E(op, Invalid, "custom renditions are off in this library (settings: custom_renditions.enabled): download an export profile instead")
	}
	rp, err := c.rendition()
	if err != nil {
		return rendition.Profile{}, E(op, Invalid, "%s", err)
	}
	limit := s.maxPixels()
	if c.Width > 0 && c.Height > 0 && int64(c.Width)*int64(c.Height) > limit {
		return rendition.Profile{}, E(op, Invalid, "%dx%d is %d pixels, above this library's maximum of %d (custom_renditions.max_pixels)",
			c.Width, c.Height, int64(c.Width)*int64(c.Height), limit)
	}
	if rp.Format != rendition.FormatSource && !slices.Contains(s.formats(), rp.Format) {
		return rendition.Profile{}, E(op, Invalid, "format %s is not allowed here (custom_renditions.formats: %s)", rp.Format, formatList(s.formats()))
	}
	return rp, nil
}

func formatList(fs []rendition.Format) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return strings.Join(out, ", ")
}

// customFor checks ref against the library's bounds and against the size
// of a's current version: the rendition made must stay within MaxPixels
// too (a box given by one side, or none, takes its other side from the
// source). An asset whose size is not known is bounded by the box and the
// render limits only.
func (l *Library) customFor(ctx context.Context, op string, a Asset, ref string) (rendition.Profile, error) {
	s, err := l.store.Settings(ctx)
	if err != nil {
		return rendition.Profile{}, wrap(op, Internal, err)
	}
	return customWithin(op, a, ref, s.CustomRenditions)
}

// customWithin is customFor with the settings already read.
func customWithin(op string, a Asset, ref string, s CustomRenditionSettings) (rendition.Profile, error) {
	c, err := parseCustomRef(ref)
	if err != nil {
		return rendition.Profile{}, E(op, Invalid, "%s", err)
	}
	rp, err := c.check(op, s)
	if err != nil {
		return rendition.Profile{}, err
	}
	if err := customSize(op, a, rp, s.maxPixels()); err != nil {
		return rendition.Profile{}, err
	}
	return rp, nil
}

// customRequest returns req with its custom renditions checked against
// the bounds and turned into references: Rendition into Profile,
// Renditions into Profiles (a copy; the caller's map is left alone).
func (l *Library) customRequest(ctx context.Context, op string, req DownloadRequest) (DownloadRequest, error) {
	st, err := l.store.Settings(ctx)
	if err != nil {
		return req, wrap(op, Internal, err)
	}
	ref := func(c CustomRendition, where string) (string, error) {
		rp, err := c.check(op, st.CustomRenditions)
		if err != nil {
			return "", E(op, Invalid, "%s: %s", where, ErrorMessage(err))
		}
		return customPrefix + rp.String(), nil
	}
	if req.Rendition != nil {
		if req.Profile != "" {
			return req, E(op, Invalid, "ask for a profile or a rendition, not both")
		}
		if req.Profile, err = ref(*req.Rendition, "rendition"); err != nil {
			return req, err
		}
		req.Rendition = nil
	}
	if len(req.Renditions) > 0 {
		profiles := make(map[string]string, len(req.Profiles)+len(req.Renditions))
		for id, p := range req.Profiles {
			profiles[id] = p
		}
		ids := make([]string, 0, len(req.Renditions))
		for id := range req.Renditions {
			ids = append(ids, id)
		}
		slices.Sort(ids) // the first problem named is always the same one
		for _, id := range ids {
			if profiles[id] != "" {
				return req, E(op, Invalid, "asset %.30q: ask for a profile or a rendition, not both", id)
			}
			if profiles[id], err = ref(req.Renditions[id], fmt.Sprintf("renditions[%.30q]", id)); err != nil {
				return req, err
			}
		}
		req.Profiles, req.Renditions = profiles, nil
	}
	return req, nil
}

// customSize refuses a rendition of a larger than limit pixels.
func customSize(op string, a Asset, rp rendition.Profile, limit int64) error {
	uw, uh := a.Current.Width, a.Current.Height
	if a.Current.EXIF != nil && a.Current.EXIF.Orientation >= 5 {
		uw, uh = uh, uw
	}
	if uw <= 0 || uh <= 0 {
		return nil
	}
	ow, oh := rp.OutputSize(uw, uh)
	if int64(ow)*int64(oh) > limit {
		return E(op, Invalid, "the rendition of %.70q would be %dx%d, %d pixels, above this library's maximum of %d (custom_renditions.max_pixels): ask for a smaller w or h",
			a.Name, ow, oh, int64(ow)*int64(oh), limit)
	}
	return nil
}

// exportProfile resolves what a download or preview of a asks for: a
// stored export profile by name, or a custom rendition by reference
// (checked against the bounds and a's size). It returns the name the
// policy and the usage log know it by and its recipe.
func (l *Library) exportProfile(ctx context.Context, op string, a Asset, profile string) (string, rendition.Profile, error) {
	if IsCustomRef(profile) {
		rp, err := l.customFor(ctx, op, a, profile)
		if err != nil {
			return "", rendition.Profile{}, err
		}
		return customPrefix + rp.String(), rp, nil
	}
	p, err := l.lookupProfile(ctx, op, profile)
	if err != nil {
		return "", rendition.Profile{}, err
	}
	return p.Name, p.Rendition(), nil
}
