package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// GuestPreview opens a small preview (the built-in 256 px "thumb") of an
// asset of the guest's share, for the thumbnails of the guest's page. Like
// every guest operation it checks the share again, and it previews only
// what the guest's page lists: an asset of the share the guest may
// download now, in the share's profile. A watermark is drawn where the
// policy's view decision asks for one. Previews are not recorded as
// downloads. Assets without a rendition engine (documents, video) are
// FailedPrecondition: show an icon instead (see Previewable).
func (l *Library) GuestPreview(ctx context.Context, assetID string) (*Download, error) {
	return l.guestPreview(ctx, "dam.GuestPreview", assetID, previewProfile)
}

// GuestVideo opens the video preview (the built-in 720p MP4 "video") of a
// video of the guest's share, under the same checks as GuestPreview; a
// watermarked view has none (FailedPrecondition: show the poster).
func (l *Library) GuestVideo(ctx context.Context, assetID string) (*Download, error) {
	return l.guestPreview(ctx, "dam.GuestVideo", assetID, videoPreviewProfile)
}

func (l *Library) guestPreview(ctx context.Context, op, assetID string, p Profile) (*Download, error) {
	actor, sh, err := l.guestFrom(ctx, op)
	if err != nil {
		return nil, err
	}
	notFound := E(op, NotFound, "asset %.30q not found in this share", assetID)
	ps := policyShare(sh)
	if !validID(assetID) || !ps.Assets.Has(assetID) {
		return nil, notFound
	}
	a, err := l.store.Asset(ctx, assetID)
	if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
		return nil, notFound
	}
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return nil, err
	}
	in := acc.input(actor, a, policy.ActionDownload, sh.Profile)
	in.Share = ps
	if d := policy.Decide(in); !guestListed(d) {
		return nil, refusal(op, a, d)
	}
	in = acc.input(actor, a, policy.ActionView, p.Name)
	in.Share = ps
	dec := policy.Decide(in)
	if !dec.Allowed {
		return nil, refusal(op, a, dec)
	}
	rp, err := l.previewRendition(op, a, p.Rendition(), dec.Watermark)
	if err != nil {
		return nil, err
	}
	return l.openRendition(ctx, op, a, rp, dec.Watermark)
}

// Previewable reports whether assets of mediaType have previews (a
// rendition engine is registered for it), so a page shows a thumbnail
// rather than a generic icon.
func (l *Library) Previewable(mediaType string) bool {
	_, err := l.renders.registry.Lookup(mediaType)
	return err == nil
}

// GuestSharer returns who shared the guest's share, as the guest's page
// names them: the sharer's name, or their email when they have none, or ""
// when the sharer's account is gone. It checks the share again.
func (l *Library) GuestSharer(ctx context.Context) (string, error) {
	const op = "dam.GuestSharer"
	_, sh, err := l.guestFrom(ctx, op)
	if err != nil {
		return "", err
	}
	u, err := l.store.User(ctx, sh.CreatedBy)
	if KindOf(err) == NotFound {
		return "", nil
	}
	if err != nil {
		return "", wrap(op, Internal, err)
	}
	if u.Name != "" {
		return u.Name, nil
	}
	return u.Email, nil
}
