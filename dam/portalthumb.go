package dam

import (
	"context"
	"slices"

	"github.com/damkit/damkit/policy"
)

// PortalThumb opens the small preview (the built-in 256 px "thumb") of an
// asset a portal's page shows, for its thumbnails: token "" is an
// anonymous visitor, otherwise the visitor's signed link. It previews only
// what the page lists (an asset of the portal the visitor may view), draws
// a watermark where the policy's view decision asks for one (protected
// assets, when the library shows watermarks), and records nothing: a
// preview is neither an open nor a download. Assets without a rendition
// engine are FailedPrecondition (show an icon; see Previewable).
func (l *Library) PortalThumb(ctx context.Context, slug, token, assetID string) (*Download, error) {
	return l.portalPreview(ctx, "dam.PortalThumb", slug, token, assetID, previewProfile)
}

// PortalVideo opens the video preview (the built-in 720p MP4 "video") of a
// video a portal's page shows, under the same checks as PortalThumb; a
// watermarked view has none (FailedPrecondition: show the poster).
func (l *Library) PortalVideo(ctx context.Context, slug, token, assetID string) (*Download, error) {
	return l.portalPreview(ctx, "dam.PortalVideo", slug, token, assetID, videoPreviewProfile)
}

func (l *Library) portalPreview(ctx context.Context, op, slug, token, assetID string, pp Profile) (*Download, error) {
	var p Portal
	visitor := Actor{Kind: ActorVisitor}
	var err error
	if token == "" {
		p, err = l.livePortal(ctx, op, slug)
	} else {
		p, visitor, err = l.visitor(ctx, op, slug, token)
	}
	if err != nil {
		return nil, err
	}
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return nil, err
	}
	notFound := E(op, NotFound, "asset %.30q not found in this portal", assetID)
	if !validID(assetID) || !slices.Contains(ids, assetID) {
		return nil, notFound
	}
	a, err := l.store.Asset(ctx, assetID)
	if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
		return nil, notFound
	}
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	acc, err := l.loadAccess(ctx, op, visitor, []string{a.ID})
	if err != nil {
		return nil, err
	}
	in := acc.input(visitor, a, policy.ActionView, pp.Name)
	in.Portal = policyPortal(p, ids)
	dec := policy.Decide(in)
	if !dec.Allowed {
		// What the page does not list is absent, as anything else.
		return nil, notFound
	}
	rp, err := l.previewRendition(op, a, pp.Rendition(), dec.Watermark)
	if err != nil {
		return nil, err
	}
	return l.openRendition(ctx, op, a, rp, dec.Watermark)
}
