package dam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/damkit/damkit/policy"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/storage"
)

// previewProfile is the built-in preview recipe ("thumb", unless a stored
// profile takes that name): 256 px inside, in the source's format.
var previewProfile = Profile{Name: "thumb", Width: 256, Height: 256, Fit: rendition.FitContain, Format: rendition.FormatSource}

// largePreviewProfile is the built-in preview of an asset's own page
// ("large", unless a stored profile takes that name): 1280 px inside.
var largePreviewProfile = Profile{Name: "large", Width: 1280, Height: 1280, Fit: rendition.FitContain, Format: rendition.FormatSource}

// videoPreviewProfile is the built-in preview a page plays in a <video>
// element ("video", unless a stored profile takes that name): an MP4 of at
// most 1280 x 720, made by an engine that transcodes video.
var videoPreviewProfile = Profile{Name: "video", Width: 1280, Height: 720, Fit: rendition.FitContain, Format: rendition.FormatMP4, Quality: 70}

// previewRendition is the recipe rp of a preview, with the library's
// tiled watermark when the view decision asks for one. A watermark cannot
// be drawn on a video preview: such a viewer sees the poster only.
func (l *Library) previewRendition(op string, a Asset, rp rendition.Profile, watermark bool) (rendition.Profile, error) {
	if !watermark {
		return rp, nil
	}
	if rp.Format.IsVideo() {
		return rendition.Profile{}, E(op, FailedPrecondition, "asset %s is watermarked where you see it: it previews as a still image only", a.ID)
	}
	text := l.opts.WatermarkText
	if text == "" {
		text = DefaultWatermarkText
	}
	rp.Watermark = &rendition.Watermark{Text: text, Position: rendition.PositionTile, Opacity: 40}
	return rp, nil
}

// PlaysVideo reports whether assets of mediaType have a video preview
// (a registered engine for the type writes MP4), so a page offers a
// <video> player rather than the poster alone.
func (l *Library) PlaysVideo(mediaType string) bool {
	if MediaKindOf(mediaType) != MediaVideo {
		return false
	}
	e, err := l.renders.registry.Lookup(mediaType)
	if err != nil {
		return false
	}
	d, ok := e.(rendition.Describer)
	return ok && slices.Contains(d.Describe().Outputs, rendition.FormatMP4)
}

// DefaultWatermarkText is drawn over protected previews when the library
// shows watermarks and Options.WatermarkText is empty.
const DefaultWatermarkText = "PROTECTED"

// renditionPrefix is where renditions live in the bucket:
// renditions/<version sha256>/<profile hash>[-wm], with a JSON sidecar
// (<key>.json) written after the bytes. The sidecar is the commit mark: a
// rendition without one is not served.
const renditionPrefix = "renditions/"

func renditionKey(sha, profileHash string, watermarked bool) string {
	k := renditionPrefix + sha + "/" + profileHash
	if watermarked {
		k += "-wm"
	}
	return k
}

// renditionMeta is the sidecar of a cached rendition: what serving it and
// putting it in a ZIP need without reading the bytes.
type renditionMeta struct {
	MediaType string `json:"media_type"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Size      int64  `json:"size"`
	CRC32     uint32 `json:"crc32"`
	Served    string `json:"served"`
}

// OpenRendition opens an asset's current version rendered in the export
// profile named profile ("" or "original" open the original, as Open does),
// or in the custom rendition profile refers to (CustomRendition.Ref,
// within Settings.CustomRenditions), under the same policy decision as
// the original, and records the download.
// The rendition is served from the bucket's cache, or rendered and cached
// first. The Download's Version describes the rendition (MediaType, Size,
// CRC32, Width, Height, OriginalName with the right extension) except its
// SHA256, which stays the original's: read the bytes through the Download.
func (l *Library) OpenRendition(ctx context.Context, assetID, profile string) (*Download, error) {
	const op = "dam.OpenRendition"
	if profile == "" || profile == ProfileOriginal {
		return l.Open(ctx, assetID, 0)
	}
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	a, err := l.servedAsset(ctx, op, actor, assetID)
	if err != nil {
		return nil, err
	}
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return nil, err
	}
	name, rp, err := l.exportProfileIn(ctx, op, acc.snap, a, profile)
	if err != nil {
		return nil, err
	}
	d := policy.Decide(acc.input(actor, a, policy.ActionDownload, name))
	if !d.Allowed {
		return nil, acc.refusal(op, a, d)
	}
	dl, err := l.openRendition(ctx, op, a, rp, false)
	if err != nil {
		return nil, err
	}
	if !dl.whole() {
		dl.ReadSeekCloser = l.newStream(ctx, op, dl.ReadSeekCloser, dl.Version.Size, l.downloadCheck(op, actor, a.ID, name), false, nil)
	}
	detail := "profile " + name
	if d.GrantID != "" {
		detail += " grant " + d.GrantID
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventDownload, AssetID: a.ID, Detail: detail})
	return dl, nil
}

// OpenPreview opens a preview of an asset's current version for display:
// the export profile named profile, or a built-in 256 px "thumb" when
// profile is "", or the built-in 1280 px "large", or the built-in 720p MP4
// "video" of a video (stored profiles of those names win), or the custom
// rendition profile refers to (CustomRendition.Ref).
// It follows the policy's view decision, not the download one: where the
// library shows watermarks and the actor could not download the asset, the
// preview carries a tiled text watermark (cached apart from clean ones).
func (l *Library) OpenPreview(ctx context.Context, assetID, profile string) (*Download, error) {
	const op = "dam.OpenPreview"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	a, err := l.servedAsset(ctx, op, actor, assetID)
	if err != nil {
		return nil, err
	}
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return nil, err
	}
	p := previewProfile
	switch profile {
	case largePreviewProfile.Name:
		p = largePreviewProfile
	case videoPreviewProfile.Name:
		p = videoPreviewProfile
	}
	name, rp := p.Name, p.Rendition()
	if profile != "" && profile != p.Name {
		if name, rp, err = l.exportProfileIn(ctx, op, acc.snap, a, profile); err != nil {
			return nil, err
		}
	} else if profile == p.Name {
		if stored, err := l.lookupProfileIn(ctx, op, acc.snap, profile); err == nil {
			rp = stored.Rendition()
		} else if KindOf(err) != NotFound {
			return nil, err
		}
	}
	dec := policy.Decide(acc.input(actor, a, policy.ActionView, name))
	if !dec.Allowed {
		return nil, refusal(op, a, dec)
	}
	rp, err = l.previewRendition(op, a, rp, dec.Watermark)
	if err != nil {
		return nil, err
	}
	return l.openRendition(ctx, op, a, rp, dec.Watermark)
}

// exportProfileIn is exportProfile with a stored profile read through an
// access snapshot (lookupProfileIn).
func (l *Library) exportProfileIn(ctx context.Context, op string, snap *accessSnap, a Asset, profile string) (string, rendition.Profile, error) {
	if IsCustomRef(profile) {
		return l.exportProfile(ctx, op, a, profile)
	}
	p, err := l.lookupProfileIn(ctx, op, snap, profile)
	if err != nil {
		return "", rendition.Profile{}, err
	}
	return p.Name, p.Rendition(), nil
}

// noEngineError says no rendition engine renders an asset's media type:
// an export profile does not apply to it (downloads then take the
// original, archives.go).
type noEngineError string

func (e noEngineError) Error() string { return string(e) }

// openRendition serves rp of a's current version from the cache, rendering
// it first when missing.
func (l *Library) openRendition(ctx context.Context, op string, a Asset, rp rendition.Profile, watermarked bool) (*Download, error) {
	v := a.Current
	if _, err := l.renders.registry.Lookup(v.MediaType); err != nil {
		return nil, &Error{Op: op, Kind: FailedPrecondition, Err: noEngineError(fmt.Sprintf(
			"asset %s is %s, which no rendition engine here renders: only its original can be downloaded", a.ID, baseType(v.MediaType)))}
	}
	hash := rp.Hash()
	key := renditionKey(v.SHA256, hash, watermarked)
	m, err := l.cachedOrRender(ctx, op, key, v, rp)
	if err != nil {
		return nil, err
	}
	etag := renditionETag + v.SHA256[:min(32, len(v.SHA256))] + "-" + hash[:32]
	if watermarked {
		etag += "-wm"
	}
	etag += `"`
	v.MediaType, v.Size, v.CRC32, v.Width, v.Height = m.MediaType, m.Size, m.CRC32, m.Width, m.Height
	v.OriginalName = RenditionFilename(a.Name, m.MediaType)
	dl := &Download{Asset: a, Version: v, ETag: etag}
	if b := l.smallRendition(ctx, key, m.Size); b != nil {
		dl.ReadSeekCloser = memBody{Reader: bytes.NewReader(b), b: b}
	} else if f := l.localFile(ctx, key, m.Size); f != nil {
		dl.ReadSeekCloser = f
	} else {
		dl.ReadSeekCloser = &blobReader{ctx: ctx, bucket: l.bucket, key: key, size: m.Size}
	}
	return dl, nil
}

// Engines describes the rendition engines the library uses, preferred
// first (the built-in pure-Go one last), for a health page.
func (l *Library) Engines() []rendition.Description { return l.renders.registry.Describe() }

// renditionETag starts the ETag of every rendition.
const renditionETag = `"r-`

// IsRendition reports whether d serves a rendition rather than an original.
func (d *Download) IsRendition() bool { return strings.HasPrefix(d.ETag, renditionETag) }

// RenditionFilename is name with the extension of mediaType, for the file
// a rendition is saved as ("beach.tif" in image/jpeg is "beach.jpg").
func RenditionFilename(name, mediaType string) string {
	ext := ""
	switch baseType(mediaType) {
	case "image/jpeg":
		ext = ".jpg"
	case "image/png":
		ext = ".png"
	case "image/gif":
		ext = ".gif"
	case "image/webp":
		ext = ".webp"
	case "image/tiff":
		ext = ".tif"
	case "video/mp4":
		ext = ".mp4"
	case "video/webm":
		ext = ".webm"
	default:
		return name
	}
	base := strings.TrimSuffix(name, path.Ext(name))
	if base == "" {
		base = "rendition"
	}
	return base + ext
}

func baseType(mt string) string {
	mt, _, _ = strings.Cut(mt, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// cachedOrRender returns the sidecar of the cached rendition at key,
// rendering it once however many callers ask at the same time.
func (l *Library) cachedOrRender(ctx context.Context, op string, key string, v Version, rp rendition.Profile) (renditionMeta, error) {
	for attempt := 0; ; attempt++ {
		if m, ok, err := l.cachedRendition(ctx, op, key); err != nil || ok {
			return m, err
		}
		m, err := l.renders.do(ctx, op, key, func() (renditionMeta, error) {
			// Another caller may have finished between our look and the flight.
			if m, ok, err := l.cachedRendition(ctx, op, key); err != nil || ok {
				return m, err
			}
			release, err := l.renders.acquire(ctx, op)
			if err != nil {
				return renditionMeta{}, err
			}
			defer release()
			return l.render(ctx, op, key, v, rp)
		})
		// The caller that led the render gave up: render for ourselves.
		if KindOf(err) == Canceled && ctx.Err() == nil && attempt < 2 {
			continue
		}
		return m, err
	}
}

// cachedRendition reads the sidecar of key.
func (l *Library) cachedRendition(ctx context.Context, op, key string) (renditionMeta, bool, error) {
	if m, ok := l.renders.meta(key); ok {
		return m, true, nil
	}
	rc, err := l.bucket.NewRangeReader(ctx, key+".json", 0, -1)
	if errors.Is(err, storage.ErrNotFound) {
		return renditionMeta{}, false, nil
	}
	if err != nil {
		return renditionMeta{}, false, wrap(op, Internal, err)
	}
	defer rc.Close()
	var m renditionMeta
	if err := json.NewDecoder(io.LimitReader(rc, 4096)).Decode(&m); err != nil || m.MediaType == "" || m.Size <= 0 {
		// A damaged sidecar: render again and overwrite it.
		return renditionMeta{}, false, nil
	}
	l.renders.remember(key, m)
	return m, true, nil
}

// render renders v in rp and caches the result; a failed render caches
// nothing.
func (l *Library) render(ctx context.Context, op, key string, v Version, rp rendition.Profile) (renditionMeta, error) {
	eng, err := l.renders.registry.Lookup(v.MediaType)
	if err != nil {
		return renditionMeta{}, renderError(op, v, err)
	}
	src := rendition.Source{Data: l.bucket.ReaderAt(ctx, storage.OriginalKey(v.SHA256), v.Size), Size: v.Size}
	opts := &rendition.Options{Limits: l.opts.RenderLimits, Larger: l.largerRendition(ctx, v, rp), Rights: v.rights()}
	l.renders.rendered.Add(1)
	res, err := eng.Render(ctx, src, rp, opts)
	if err != nil {
		return renditionMeta{}, renderError(op, v, err)
	}
	if len(res.Data) == 0 || res.MediaType == "" {
		return renditionMeta{}, E(op, Internal, "the %T engine returned an empty rendition", eng)
	}
	m := renditionMeta{MediaType: res.MediaType, Width: res.Width, Height: res.Height, Size: int64(len(res.Data)),
		CRC32: crc32.ChecksumIEEE(res.Data), Served: string(res.Served)}
	side, err := json.Marshal(m)
	if err != nil {
		return renditionMeta{}, wrap(op, Internal, err)
	}
	if err := l.writeBlob(ctx, key, res.MediaType, res.Data); err != nil {
		return renditionMeta{}, ioError(ctx, op, err)
	}
	if err := l.writeBlob(ctx, key+".json", "application/json", side); err != nil {
		return renditionMeta{}, ioError(ctx, op, err)
	}
	l.renders.remember(key, m)
	return m, nil
}

// ioError classifies a bucket error: Canceled when the caller's context
// ended (the request went away; a caller waiting on the same render then
// renders for itself), Internal otherwise.
func ioError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return wrap(op, Canceled, err)
	}
	return wrap(op, Internal, err)
}

func (l *Library) writeBlob(ctx context.Context, key, contentType string, data []byte) error {
	w, err := l.bucket.NewWriter(ctx, key, &storage.WriterOptions{ContentType: contentType})
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

// renderError maps the rendition package's sentinels to error kinds once.
func renderError(op string, v Version, err error) error {
	kind := Internal
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		kind = Canceled
	case errors.Is(err, rendition.ErrInvalidProfile), errors.Is(err, rendition.ErrCorrupt):
		kind = Invalid
	case errors.Is(err, rendition.ErrUnsupported):
		kind = FailedPrecondition
	case errors.Is(err, rendition.ErrTooLarge):
		kind = TooLarge
	}
	return &Error{Op: op, Kind: kind, Err: errors.New("cannot render this " + baseType(v.MediaType) + ": " + trimSentinel(err))}
}

// trimSentinel drops the "rendition: " prefix of a rendition error, which
// users do not need.
func trimSentinel(err error) string {
	return strings.TrimPrefix(err.Error(), "rendition: ")
}

// largerRendition finds a cached rendition of v, in one of the library's
// reusable profiles, at least as large as rp's output: decoding it is
// cheaper than decoding the original. It returns nil when there is none.
func (l *Library) largerRendition(ctx context.Context, v Version, rp rendition.Profile) *rendition.Source {
	uw, uh := v.Width, v.Height
	if uw <= 0 || uh <= 0 {
		return nil
	}
	if v.EXIF != nil && v.EXIF.Orientation >= 5 {
		uw, uh = uh, uw
	}
	ow, oh := rp.OutputSize(uw, uh)
	if ow <= 0 || oh <= 0 {
		return nil
	}
	ps, err := l.store.Profiles(ctx)
	if err != nil {
		return nil
	}
	want := rp.Hash()
	var best *rendition.Source
	bestArea := int64(-1)
	for _, p := range ps {
		cand := p.Rendition()
		if !cand.Reusable() || cand.Hash() == want {
			continue
		}
		cw, ch := cand.OutputSize(uw, uh)
		if cw < ow || ch < oh || bestArea >= 0 && int64(cw)*int64(ch) >= bestArea {
			continue
		}
		key := renditionKey(v.SHA256, cand.Hash(), false)
		m, ok, err := l.cachedRendition(ctx, "", key)
		if err != nil || !ok {
			continue
		}
		best = &rendition.Source{Data: l.bucket.ReaderAt(ctx, key, m.Size), Size: m.Size}
		bestArea = int64(cw) * int64(ch)
	}
	return best
}

// deleteRenditions removes the cached renditions of a blob no version
// references any more. Failure only leaves unreachable bytes behind, so it
// is logged, not returned.
func (l *Library) deleteRenditions(ctx context.Context, sha string) {
	ctx = context.WithoutCancel(ctx)
	prefix := renditionPrefix + sha + "/"
	l.renders.forget(prefix)
	var keys []string
	err := l.bucket.List(ctx, prefix, func(key string, _ int64) error {
		keys = append(keys, key)
		return nil
	})
	for _, k := range keys {
		if derr := l.bucket.Delete(ctx, k); derr != nil && !errors.Is(derr, storage.ErrNotFound) {
			err = errors.Join(err, derr)
		}
	}
	if err != nil {
		l.log.Warn("deleting cached renditions failed", "sha256", sha, "err", err)
	}
}
