package dam

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // watermark overlays may be GIFs
	_ "image/jpeg"
	_ "image/png"
	"time"

	"github.com/damkit/damkit/rendition"
)

// Profile is an export profile: a named rendition recipe that owners keep in
// the library's settings ("web-large": 1024 px JPEG). Users download an
// asset in a profile instead of its original.
type Profile struct {
	Name      string            `json:"name"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Fit       rendition.Fit     `json:"fit"`     // contain (default), cover, smart, fill or none
	Enlarge   bool              `json:"enlarge"` // scale smaller sources up
	Format    rendition.Format  `json:"format"`  // jpeg, png, gif, webp, tiff, mp4, webm or src (default)
	Quality   int               `json:"quality"` // JPEG quality 1..100; 0 means 85
	Grayscale bool              `json:"grayscale"`
	Invert    bool              `json:"invert"`
	Watermark *ProfileWatermark `json:"watermark,omitempty"`
	// KeepMetadata carries the original's EXIF (without GPS unless
	// KeepGPS) and colour profile into the rendition. Either way a JPEG or
	// PNG rendition carries the rights statements found in the original
	// (copyright, creators, credit, usage terms) unless StripMetadata.
	KeepMetadata  bool `json:"keep_metadata"`
	KeepGPS       bool `json:"keep_gps,omitempty"`
	StripMetadata bool `json:"strip_metadata,omitempty"`
	// Page is the page of a PDF the profile renders (0 or 1: the first).
	Page int `json:"page,omitempty"`
	// PosterAtMS is where a video's poster frame is taken, in milliseconds
	// (0: at a tenth of the video).
	PosterAtMS int64 `json:"poster_at_ms,omitempty"`
	// SmartCrop makes the profile one of the library's smart crops (a
	// 1:1, 4:5 or 16:9 crop placed by content, Fit "smart"): "download all
	// smart crops" (DownloadRequest.Crops) puts this rendition of each
	// asset in the ZIP, named after the profile ("photo_square.jpg").
	SmartCrop bool `json:"smart_crop,omitempty"`
	// DPI is the resolution (1..4800 dots per inch) written into a JPEG,
	// PNG or TIFF rendition; 0 states none. WebP and GIF cannot carry it.
	DPI       int       `json:"dpi,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProfileWatermark is a profile's own watermark: a text, or an image
// overlay (PNG, JPEG or GIF; base64 in JSON) of at most MaxWatermarkImage bytes.
type ProfileWatermark struct {
	Text     string             `json:"text,omitempty"`
	Image    []byte             `json:"image,omitempty"`
	Position rendition.Position `json:"position,omitempty"` // c, tl, tr, bl, br (default) or tile
	Opacity  int                `json:"opacity,omitempty"`  // percent; 0 means 50
}

// MaxWatermarkImage bounds a profile's watermark overlay, so profiles stay
// small rows that every listing can carry.
const MaxWatermarkImage = 1 << 20

// maxWatermarkSide bounds the overlay's decoded size.
const maxWatermarkSide = 4096

// ProfileOriginal is the reserved name of the untouched file.
const ProfileOriginal = "original"

// Rendition returns the rendition recipe of p.
func (p Profile) Rendition() rendition.Profile {
	rp := rendition.Profile{Name: p.Name, Width: p.Width, Height: p.Height, Fit: p.Fit, Enlarge: p.Enlarge,
		Format: p.Format, Quality: p.Quality, Grayscale: p.Grayscale, Invert: p.Invert, KeepMetadata: p.KeepMetadata,
		KeepGPS: p.KeepGPS, StripMetadata: p.StripMetadata, Page: p.Page, DPI: p.DPI}
	if p.PosterAtMS > 0 && p.PosterAtMS <= rendition.MaxAt.Milliseconds() {
		rp.At = time.Duration(p.PosterAtMS) * time.Millisecond
	}
	if w := p.Watermark; w != nil {
		rp.Watermark = &rendition.Watermark{Text: w.Text, Image: w.Image, Position: w.Position, Opacity: w.Opacity}
	}
	return rp.Normalized()
}

// Spec is the profile's compact string form ("w1024-h1024-contain-jpeg-q85").
func (p Profile) Spec() string { return p.Rendition().String() }

// ProfileStore keeps export profiles, unique by name.
type ProfileStore interface {
	// CreateProfile inserts p (AlreadyExists when the name is taken).
	CreateProfile(ctx context.Context, p Profile) error
	// Profile returns the profile named name (NotFound).
	Profile(ctx context.Context, name string) (Profile, error)
	// Profiles lists every profile by name.
	Profiles(ctx context.Context) ([]Profile, error)
	// UpdateProfile replaces the settings of the profile named p.Name
	// (NotFound); CreatedBy and CreatedAt stay as stored.
	UpdateProfile(ctx context.Context, p Profile) error
	// DeleteProfile removes a profile (NotFound).
	DeleteProfile(ctx context.Context, name string) error
}

// checkProfile validates a profile as owners submit it.
func checkProfile(op string, p Profile) error {
	if p.Name == ProfileOriginal {
		return E(op, Invalid, "profile name %q is reserved for the untouched file", ProfileOriginal)
	}
	if err := rendition.ValidateName(p.Name); err != nil {
		return E(op, Invalid, "%s", trimSentinel(err))
	}
	if w := p.Watermark; w != nil && w.Text == "" && len(w.Image) > 0 {
		if len(w.Image) > MaxWatermarkImage {
			return E(op, Invalid, "watermark image is %d bytes: at most %d", len(w.Image), MaxWatermarkImage)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(w.Image))
		if err != nil {
			return E(op, Invalid, "watermark image must be a PNG, JPEG or GIF: %v", err)
		}
		if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxWatermarkSide || cfg.Height > maxWatermarkSide {
			return E(op, Invalid, "watermark image is %dx%d: at most %d px a side", cfg.Width, cfg.Height, maxWatermarkSide)
		}
	}
	if p.PosterAtMS < 0 || p.PosterAtMS > rendition.MaxAt.Milliseconds() {
		return E(op, Invalid, "poster_at_ms must be 0..%d (got %d)", rendition.MaxAt.Milliseconds(), p.PosterAtMS)
	}
	if err := p.Rendition().Validate(); err != nil {
		return E(op, Invalid, "%s", trimSentinel(err))
	}
	if p.SmartCrop && p.Rendition().Fit != rendition.FitSmart {
		return E(op, Invalid, "a smart crop places its crop by content: its fit must be %q (got %q)", rendition.FitSmart, p.Rendition().Fit)
	}
	return nil
}

// CreateProfile adds an export profile (administrators only).
func (l *Library) CreateProfile(ctx context.Context, p Profile) (Profile, error) {
	const op = "dam.CreateProfile"
	actor, err := administrator(ctx, op, "export profiles")
	if err != nil {
		return Profile{}, err
	}
	if err := checkProfile(op, p); err != nil {
		return Profile{}, err
	}
	p = normalizedProfile(p)
	now := l.now().UTC()
	p.CreatedBy, p.CreatedAt, p.UpdatedBy, p.UpdatedAt = actor.UserID, now, actor.UserID, now
	if err := l.store.CreateProfile(ctx, p); err != nil {
		return Profile{}, wrap(op, Internal, err)
	}
	return p, nil
}

// Profiles lists the export profiles (any user may read them).
func (l *Library) Profiles(ctx context.Context) ([]Profile, error) {
	const op = "dam.Profiles"
	if _, err := actorFor(ctx, op); err != nil {
		return nil, err
	}
	ps, err := l.store.Profiles(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	if ps == nil {
		ps = []Profile{}
	}
	return ps, nil
}

// Profile returns one export profile (any user may read it).
func (l *Library) Profile(ctx context.Context, name string) (Profile, error) {
	const op = "dam.Profile"
	if _, err := actorFor(ctx, op); err != nil {
		return Profile{}, err
	}
	return l.lookupProfile(ctx, op, name)
}

func (l *Library) lookupProfile(ctx context.Context, op, name string) (Profile, error) {
	return l.lookupProfileIn(ctx, op, nil, name)
}

// lookupProfileIn is lookupProfile through an access snapshot (nil: the
// store), which keeps the profiles it read until one changes.
func (l *Library) lookupProfileIn(ctx context.Context, op string, snap *accessSnap, name string) (Profile, error) {
	if rendition.ValidateName(name) != nil {
		return Profile{}, E(op, NotFound, "export profile %.70q not found", name)
	}
	p, err := snap.loadProfile(ctx, l.store, name)
	if KindOf(err) == NotFound {
		return Profile{}, E(op, NotFound, "export profile %.70q not found", name)
	}
	if err != nil {
		return Profile{}, wrap(op, Internal, err)
	}
	return p, nil
}

// UpdateProfile replaces the settings of the profile named p.Name (administrators
// only). Renditions are cached by their settings, so old ones are simply
// no longer asked for.
func (l *Library) UpdateProfile(ctx context.Context, p Profile) (Profile, error) {
	const op = "dam.UpdateProfile"
	actor, err := administrator(ctx, op, "export profiles")
	if err != nil {
		return Profile{}, err
	}
	cur, err := l.lookupProfile(ctx, op, p.Name)
	if err != nil {
		return Profile{}, err
	}
	if err := checkProfile(op, p); err != nil {
		return Profile{}, err
	}
	p = normalizedProfile(p)
	p.CreatedBy, p.CreatedAt = cur.CreatedBy, cur.CreatedAt
	p.UpdatedBy, p.UpdatedAt = actor.UserID, l.now().UTC()
	if err := l.store.UpdateProfile(ctx, p); err != nil {
		return Profile{}, wrap(op, Internal, err)
	}
	return p, nil
}

// DeleteProfile removes an export profile (administrators only). Collections that
// name it fall back to a NotFound on download until they are changed.
func (l *Library) DeleteProfile(ctx context.Context, name string) error {
	const op = "dam.DeleteProfile"
	if _, err := administrator(ctx, op, "export profiles"); err != nil {
		return err
	}
	if _, err := l.lookupProfile(ctx, op, name); err != nil {
		return err
	}
	return wrap(op, Internal, l.store.DeleteProfile(ctx, name))
}

// normalizedProfile fills in the defaults, so what is stored is what renders.
func normalizedProfile(p Profile) Profile {
	rp := p.Rendition()
	p.Fit, p.Format, p.Quality, p.Enlarge, p.Page = rp.Fit, rp.Format, rp.Quality, rp.Enlarge, rp.Page
	if w := rp.Watermark; w != nil {
		p.Watermark = &ProfileWatermark{Text: w.Text, Image: w.Image, Position: w.Position, Opacity: w.Opacity}
	}
	return p
}
