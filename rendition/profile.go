package rendition

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Fit says how the source is placed in the profile's Width x Height box.
// The names follow CSS object-fit.
type Fit string

const (
	// FitContain scales the whole image to fit inside the box, keeping its
	// aspect ratio. Width or Height may be zero (unconstrained) with Contain.
	FitContain Fit = "contain"
	// FitCover scales the image to cover the box, keeping its aspect ratio,
	// and crops the rest (centred).
	FitCover Fit = "cover"
	// FitFill stretches the image to exactly Width x Height.
	FitFill Fit = "fill"
	// FitNone does not scale: the centre of the image is cut to the box.
	FitNone Fit = "none"
	// FitSmart scales like Cover and places the crop by content (edges,
	// skin tones, saturation) rather than in the centre, so an off-centre
	// subject stays in the picture. Video outputs crop the centre.
	FitSmart Fit = "smart"
)

// Format is an output encoding.
type Format string

const (
	// FormatSource encodes in the source's format when it has an encoder
	// (JPEG, PNG, GIF); BMP, TIFF and lossless or transparent WebP become PNG,
	// lossy opaque WebP becomes JPEG.
	FormatSource Format = "src"
	FormatJPEG   Format = "jpeg"
	FormatPNG    Format = "png"
	FormatGIF    Format = "gif"
	// FormatWebP is lossy WebP at Quality (the Builtin engine, pure Go).
	FormatWebP Format = "webp"
	// FormatTIFF is uncompressed-or-deflate TIFF, lossless.
	FormatTIFF Format = "tiff"
	// FormatMP4 (H.264/AAC) and FormatWebM (VP9/Opus) are video outputs: only
	// an engine for video sources renders them.
	FormatMP4  Format = "mp4"
	FormatWebM Format = "webm"
)

// IsVideo reports whether f is a video output format.
func (f Format) IsVideo() bool { return f == FormatMP4 || f == FormatWebM }

// lossy reports whether Quality applies to f.
func (f Format) lossy() bool {
	return f == FormatJPEG || f == FormatSource || f == FormatWebP || f.IsVideo()
}

// Position places a watermark.
type Position string

const (
	PositionCenter      Position = "c"
	PositionTopLeft     Position = "tl"
	PositionTopRight    Position = "tr"
	PositionBottomLeft  Position = "bl"
	PositionBottomRight Position = "br"
	// PositionTile repeats the watermark over the whole image.
	PositionTile Position = "tile"
)

// Profile limits and defaults.
const (
	// MaxDimension is the largest Width or Height a profile may ask for
	// (the JPEG format's limit).
	MaxDimension = 65535
	// DefaultQuality is the JPEG quality used when Profile.Quality is zero.
	DefaultQuality = 85
	// DefaultOpacity is the watermark opacity (percent) used when zero.
	DefaultOpacity = 50
	// MaxNameLen is the longest profile name.
	MaxNameLen = 64
	// MaxWatermarkText is the longest watermark text in bytes.
	MaxWatermarkText = 64
	// MaxPage is the highest page a profile may ask for.
	MaxPage = 99999
	// MaxAt is the latest poster time a profile may ask for.
	MaxAt = 999999 * time.Millisecond
)

// Watermark is drawn on the output after the modifiers.
type Watermark struct {
	// Text is drawn in white with a dark outline when set (at most
	// MaxWatermarkText bytes of printable UTF-8).
	Text string
	// Image is an encoded PNG, JPEG or GIF overlay used when Text is empty.
	// It is scaled to a quarter of the output's shorter side. Image overlays
	// come from configuration only: the URL string form names them by digest
	// and ParseProfile refuses them.
	Image []byte
	// Position defaults to PositionBottomRight.
	Position Position
	// Opacity in percent, 1..100; zero means DefaultOpacity.
	Opacity int
}

// Profile describes one export rendition. The zero values of Fit, Format,
// Quality and the watermark's Position and Opacity mean their defaults.
type Profile struct {
	// Name identifies a stored profile ("web-large"); it is not part of the
	// string form or the hash. It may be empty for ad-hoc profiles.
	Name string
	// Width and Height of the target box in pixels. Contain accepts one of
	// them zero (unconstrained); the other fits need both.
	Width, Height int
	Fit           Fit
	// Enlarge lets Contain and Cover scale a smaller source up; without it the
	// output is never larger than the source.
	Enlarge bool
	Format  Format
	// Quality is the JPEG quality 1..100; zero means DefaultQuality.
	Quality   int
	Grayscale bool
	Invert    bool
	Watermark *Watermark
	// KeepMetadata carries the original's EXIF (upright, without its
	// thumbnail, without GPS unless KeepGPS) and ICC profile over.
	KeepMetadata bool
	// KeepGPS keeps the GPS position with KeepMetadata; by default a
	// rendition never carries where the picture was taken.
	KeepGPS bool
	// StripMetadata writes no metadata at all, not even the rights
	// statements ([Options].Rights) every other JPEG or PNG rendition carries.
	StripMetadata bool
	// Page is the page of a multi-page source (a PDF) to render, from 1;
	// zero means the first. Image engines ignore it.
	Page int
	// At is where a video's poster frame is taken; zero means at a tenth of
	// its duration. Image engines ignore it.
	At time.Duration
	// DPI is the resolution, 1..MaxDPI dots per inch, written into the
	// file: the JFIF density of a JPEG, the pHYs chunk of a PNG, the
	// XResolution and YResolution of a TIFF. It changes no pixel. WebP and
	// GIF have no such field, so a profile that names them cannot state
	// one; FormatSource writes it when the output is JPEG, PNG or TIFF.
	// Zero states none (a TIFF then says 72).
	DPI int
}

// Normalized returns p with defaults filled in, so equal renditions compare
// equal.
func (p Profile) Normalized() Profile {
	if p.Fit == "" {
		p.Fit = FitContain
	}
	if p.Format == "" {
		p.Format = FormatSource
	}
	if p.Format.lossy() {
		if p.Quality == 0 {
			p.Quality = DefaultQuality
		}
	} else {
		p.Quality = 0
	}
	if p.Page == 1 {
		p.Page = 0
	}
	p.At = p.At.Truncate(time.Millisecond)
	if p.Fit == FitFill || p.Fit == FitNone {
		p.Enlarge = false
	}
	if !p.KeepMetadata {
		p.KeepGPS = false
	}
	if p.Watermark != nil {
		w := *p.Watermark
		if w.Position == "" {
			w.Position = PositionBottomRight
		}
		if w.Opacity == 0 {
			w.Opacity = DefaultOpacity
		}
		if w.Text != "" {
			w.Image = nil
		}
		p.Watermark = &w
	}
	return p
}

// Validate reports the first problem with p, wrapping ErrInvalidProfile.
func (p Profile) Validate() error {
	if p.Name != "" {
		if err := ValidateName(p.Name); err != nil {
			return err
		}
	}
	n := p.Normalized()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidProfile, fmt.Sprintf(format, args...))
	}
	if n.Width < 0 || n.Height < 0 {
		return bad("width and height must not be negative (got %dx%d)", n.Width, n.Height)
	}
	if n.Width > MaxDimension || n.Height > MaxDimension {
		return bad("width and height must be at most %d (got %dx%d)", MaxDimension, n.Width, n.Height)
	}
	switch n.Fit {
	case FitContain:
		if n.Width == 0 && n.Height == 0 {
			return bad("contain needs a width or a height")
		}
	case FitCover, FitFill, FitNone, FitSmart:
		if n.Width == 0 || n.Height == 0 {
			return bad("%s needs both a width and a height (got %dx%d)", n.Fit, n.Width, n.Height)
		}
	default:
		return bad("unknown fit %q (want contain, cover, smart, fill or none)", string(n.Fit))
	}
	switch n.Format {
	case FormatSource, FormatJPEG, FormatPNG, FormatGIF, FormatWebP, FormatTIFF, FormatMP4, FormatWebM:
	default:
		return bad("unknown format %q (want jpeg, png, gif, webp, tiff, mp4, webm or src)", string(n.Format))
	}
	if n.Page < 0 || n.Page > MaxPage {
		return bad("page must be 1..%d (got %d)", MaxPage, n.Page)
	}
	if n.At < 0 || n.At > MaxAt {
		return bad("poster time must be 0..%s (got %s)", MaxAt, n.At)
	}
	if p.Quality < 0 || p.Quality > 100 {
		return bad("quality must be 1..100 (got %d)", p.Quality)
	}
	if n.DPI < 0 || n.DPI > MaxDPI {
		return bad("dpi must be 1..%d (got %d)", MaxDPI, n.DPI)
	}
	if n.DPI > 0 && !carriesDPI(n.Format) {
		return bad("%s has no resolution field: dpi applies to jpeg, png and tiff", n.Format)
	}
	if p.StripMetadata && p.KeepMetadata {
		return bad("strip metadata or keep it, not both")
	}
	if w := n.Watermark; w != nil {
		switch w.Position {
		case PositionCenter, PositionTopLeft, PositionTopRight, PositionBottomLeft, PositionBottomRight, PositionTile:
		default:
			return bad("unknown watermark position %q", string(w.Position))
		}
		if w.Opacity < 1 || w.Opacity > 100 {
			return bad("watermark opacity must be 1..100 percent (got %d)", w.Opacity)
		}
		if w.Text == "" && len(w.Image) == 0 {
			return bad("watermark needs a text or an image")
		}
		if len(w.Text) > MaxWatermarkText {
			return bad("watermark text longer than %d bytes", MaxWatermarkText)
		}
		for _, r := range w.Text {
			if r == 0xFFFD || r < 0x20 || r == 0x7F {
				return bad("watermark text must be printable UTF-8")
			}
		}
	}
	return nil
}

// ValidateName checks a profile name: 1..MaxNameLen characters of a-z, 0-9,
// '-' and '_', starting with a letter or digit, so names are safe in URLs,
// file names and cache keys.
func ValidateName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("%w: name must be 1..%d characters (got %d)", ErrInvalidProfile, MaxNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_') && i > 0:
		default:
			return fmt.Errorf("%w: name %q may hold only a-z, 0-9, '-' and '_' and must start with a letter or digit", ErrInvalidProfile, name)
		}
	}
	return nil
}

// String is the canonical compact form, for example
// "w1024-h768-cover-jpeg-q85-gray". Tokens come in a fixed order; defaults are
// written out so equal renditions have equal strings. An image watermark is
// written as "wm.<pos>.<opacity>.i.<sha256 hex>" and cannot be parsed back.
func (p Profile) String() string {
	n := p.Normalized()
	var b strings.Builder
	tok := func(s string) {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(s)
	}
	if n.Width > 0 {
		tok("w" + strconv.Itoa(n.Width))
	}
	if n.Height > 0 {
		tok("h" + strconv.Itoa(n.Height))
	}
	tok(string(n.Fit))
	if n.Enlarge {
		tok("up")
	}
	tok(string(n.Format))
	if n.Quality > 0 {
		tok("q" + strconv.Itoa(n.Quality))
	}
	if n.Grayscale {
		tok("gray")
	}
	if n.Invert {
		tok("invert")
	}
	if n.KeepMetadata {
		tok("meta")
	}
	if n.KeepGPS {
		tok("gps")
	}
	if n.StripMetadata {
		tok("strip")
	}
	if n.Page > 0 {
		tok("p" + strconv.Itoa(n.Page))
	}
	if n.At > 0 {
		tok("t" + strconv.FormatInt(n.At.Milliseconds(), 10))
	}
	if n.DPI > 0 {
		tok("dpi" + strconv.Itoa(n.DPI))
	}
	if w := n.Watermark; w != nil {
		head := "wm." + string(w.Position) + "." + strconv.Itoa(w.Opacity)
		if w.Text != "" {
			tok(head + ".t." + hex.EncodeToString([]byte(w.Text)))
		} else {
			sum := sha256.Sum256(w.Image)
			tok(head + ".i." + hex.EncodeToString(sum[:]))
		}
	}
	return b.String()
}

// Hash is a stable cache key for the rendition p describes: the hex SHA-256
// of its canonical string form. The name does not take part.
func (p Profile) Hash() string {
	sum := sha256.Sum256([]byte("rendition/v1:" + p.String()))
	return hex.EncodeToString(sum[:])
}

// maxProfileString bounds the input ParseProfile accepts.
const maxProfileString = 512

// ParseProfile parses the compact string form written by Profile.String.
// Tokens may come in any order but each at most once; the result is
// validated. Image watermarks are refused: they come from configuration.
func ParseProfile(s string) (Profile, error) {
	bad := func(format string, args ...any) (Profile, error) {
		return Profile{}, fmt.Errorf("%w: %s", ErrInvalidProfile, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return bad("empty profile")
	}
	if len(s) > maxProfileString {
		return bad("profile string longer than %d bytes", maxProfileString)
	}
	var p Profile
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for tok := range strings.SplitSeq(s, "-") {
		key := tok
		switch {
		case tok == "":
			return bad("empty token in %q", s)
		case tok == "contain" || tok == "cover" || tok == "fill" || tok == "none" || tok == "smart":
			key = "fit"
			p.Fit = Fit(tok)
		case tok == "jpeg" || tok == "jpg" || tok == "png" || tok == "gif" || tok == "src" ||
			tok == "webp" || tok == "tiff" || tok == "mp4" || tok == "webm":
			key = "format"
			if tok == "jpg" {
				tok = "jpeg"
			}
			p.Format = Format(tok)
		case tok == "gray" || tok == "grey":
			key = "gray"
			p.Grayscale = true
		case tok == "invert":
			p.Invert = true
		case tok == "meta":
			p.KeepMetadata = true
		case tok == "gps":
			p.KeepGPS = true
		case tok == "strip":
			p.StripMetadata = true
		case tok == "up":
			p.Enlarge = true
		case strings.HasPrefix(tok, "dpi"):
			key = "dpi"
			v, err := parseNumber(tok[3:])
			if err != nil {
				return bad("token %q: %v", tok, err)
			}
			if v == 0 {
				return bad("dpi must be 1..%d (got 0)", MaxDPI)
			}
			p.DPI = v
		case strings.HasPrefix(tok, "wm."):
			key = "wm"
			w, err := parseWatermark(tok)
			if err != nil {
				return Profile{}, err
			}
			p.Watermark = w
		case tok[0] == 'w' || tok[0] == 'h' || tok[0] == 'q' || tok[0] == 'p' || tok[0] == 't':
			key = tok[:1]
			v, err := parseNumber(tok[1:])
			if err != nil {
				return bad("token %q: %v", tok, err)
			}
			switch tok[0] {
			case 'w':
				p.Width = v
			case 'h':
				p.Height = v
			case 'p':
				if v == 0 {
					return bad("page must be 1..%d (got 0)", MaxPage)
				}
				p.Page = v
			case 't':
				if v == 0 {
					return bad("poster time must be positive (got 0)")
				}
				p.At = time.Duration(v) * time.Millisecond
			default:
				if v == 0 {
					return bad("quality must be 1..100 (got 0)")
				}
				p.Quality = v
			}
		default:
			return bad("unknown token %q", tok)
		}
		if !once(key) {
			return bad("token %q given twice", key)
		}
	}
	if p.Width == 0 && seen["w"] || p.Height == 0 && seen["h"] {
		return bad("width and height must be positive")
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p.Normalized(), nil
}

// parseNumber reads a decimal without sign or leading zeros, at most 6 digits.
func parseNumber(s string) (int, error) {
	if s == "" || len(s) > 6 {
		return 0, fmt.Errorf("want 1 to 6 digits")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("leading zero")
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("not a number")
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, nil
}

func parseWatermark(tok string) (*Watermark, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 5 {
		return nil, fmt.Errorf("%w: watermark token %q: want wm.<pos>.<opacity>.t.<hex text>", ErrInvalidProfile, tok)
	}
	op, err := parseNumber(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: watermark opacity %q: %v", ErrInvalidProfile, parts[2], err)
	}
	if op == 0 {
		return nil, fmt.Errorf("%w: watermark opacity must be 1..100 percent", ErrInvalidProfile)
	}
	switch parts[3] {
	case "t":
	case "i":
		return nil, fmt.Errorf("%w: image watermarks come from configuration, not from a profile string", ErrInvalidProfile)
	default:
		return nil, fmt.Errorf("%w: watermark kind %q (want t)", ErrInvalidProfile, parts[3])
	}
	if parts[4] != strings.ToLower(parts[4]) {
		return nil, fmt.Errorf("%w: watermark text must be lower-case hex", ErrInvalidProfile)
	}
	text, err := hex.DecodeString(parts[4])
	if err != nil || len(text) == 0 {
		return nil, fmt.Errorf("%w: watermark text must be non-empty hex", ErrInvalidProfile)
	}
	return &Watermark{Text: string(text), Position: Position(parts[1]), Opacity: op}, nil
}

// OutputSize is the size of p's rendition of an upright source of w x h
// pixels (Info.UprightSize), so a caller can pick a cached rendition that is
// large enough to pass as Options.Larger.
func (p Profile) OutputSize(w, h int) (int, int) {
	if w <= 0 || h <= 0 || p.Validate() != nil {
		return 0, 0
	}
	ow, oh, _ := geometry(p.Normalized(), w, h)
	return ow, oh
}

// Reusable reports whether renditions of p may serve as Options.Larger for
// other profiles: uncropped, undistorted, without modifiers or watermark,
// in a format the engine decodes back.
func (p Profile) Reusable() bool {
	n := p.Normalized()
	return n.Fit == FitContain && !n.Grayscale && !n.Invert && n.Watermark == nil &&
		(n.Format == FormatSource || n.Format == FormatJPEG || n.Format == FormatPNG)
}

// RasterSize is the size at which a scalable or video source whose natural
// size is w x h pixels should be rasterized before p is applied to it, so
// that the render loses nothing and no pixel is wasted: the output size
// for Contain, the covering size for Cover and Fill, the natural size for
// None; never above the natural size unless p enlarges. Engines for PDF,
// SVG and video use it.
func (p Profile) RasterSize(w, h int) (int, int) {
	if w <= 0 || h <= 0 || p.Validate() != nil {
		return 0, 0
	}
	n := p.Normalized()
	fw, fh := float64(w), float64(h)
	W, H := float64(n.Width), float64(n.Height)
	var s float64
	switch n.Fit {
	case FitNone:
		s = 1
	case FitContain:
		switch {
		case n.Width == 0:
			s = H / fh
		case n.Height == 0:
			s = W / fw
		default:
			s = min(W/fw, H/fh)
		}
	default: // cover, fill, smart
		s = max(W/fw, H/fh)
	}
	if s > 1 && !n.Enlarge && n.Fit != FitFill {
		s = 1
	}
	if n.Fit == FitContain || n.Fit == FitNone {
		// Contain's output is this size, rounded as OutputSize rounds it.
		return max(1, int(math.Round(fw*s))), max(1, int(math.Round(fh*s)))
	}
	// The others crop or stretch to the box: never fall short of it.
	return max(1, int(math.Ceil(fw*s-1e-9))), max(1, int(math.Ceil(fh*s-1e-9)))
}
