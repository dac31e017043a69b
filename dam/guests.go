package dam

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/damkit/damkit/policy"
	"github.com/damkit/damkit/share"
	"github.com/damkit/damkit/storage"
)

type guestKey struct{}

// guestLink is what a guest context carries: the token's hash, so every
// operation checks the share again.
type guestLink struct{ hash []byte }

// GuestActor checks a share link token and returns a context acting as the
// guest (an ActorGuest known by email), with the share. A malformed,
// unknown, expired, disabled or removed token, and any token while shares
// are turned off, all give the same NotFound. Guest operations (GuestShare,
// GuestOpen) check the share again on every call.
func (l *Library) GuestActor(ctx context.Context, token string) (context.Context, *Share, error) {
	const op = "dam.GuestActor"
	h, err := l.linkHash(ctx, op, token)
	if err != nil {
		return nil, nil, err
	}
	actor, _, sh, err := l.guest(ctx, op, h)
	if err != nil {
		return nil, nil, err
	}
	ctx = context.WithValue(WithActor(ctx, actor), guestKey{}, guestLink{hash: h})
	return ctx, &sh, nil
}

// tokenHash checks a link token's form and returns its hash.
func tokenHash(op, token string) ([]byte, error) {
	if err := share.ParseToken(token); err != nil {
		return nil, &Error{Op: op, Kind: NotFound, Err: errNoShare}
	}
	return share.Hash(token), nil
}

// guestRecord resolves a token hash to the guest and the live share,
// without asking for the share's password: a removed or expired guest, a
// disabled or expired share, and shares turned off all answer NotFound.
func (l *Library) guestRecord(ctx context.Context, op string, h []byte) (Guest, Share, error) {
	none := &Error{Op: op, Kind: NotFound, Err: errNoShare}
	g, err := l.store.GuestByTokenHash(ctx, h)
	if KindOf(err) == NotFound {
		return Guest{}, Share{}, none
	}
	if err != nil {
		return Guest{}, Share{}, wrap(op, Internal, err)
	}
	now := l.now().UTC()
	if subtle.ConstantTimeCompare(g.TokenHash, h) != 1 || !g.Active(now) {
		return Guest{}, Share{}, none
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		return Guest{}, Share{}, wrap(op, Internal, err)
	}
	sh, err := l.store.Share(ctx, g.ShareID)
	if KindOf(err) == NotFound {
		return Guest{}, Share{}, none
	}
	if err != nil {
		return Guest{}, Share{}, wrap(op, Internal, err)
	}
	if !s.SharesEnabled || !sh.Active(now) {
		return Guest{}, Share{}, none
	}
	return g, sh, nil
}

// guest resolves a token hash to the guest actor and the live share,
// unlocked by the share key in ctx when it has a password.
func (l *Library) guest(ctx context.Context, op string, h []byte) (Actor, Guest, Share, error) {
	g, sh, err := l.guestRecord(ctx, op, h)
	if err != nil {
		return Actor{}, Guest{}, Share{}, err
	}
	if !unlocked(ctx, sh, h) {
		return Actor{}, Guest{}, Share{}, &Error{Op: op, Kind: Unauthenticated, Err: ErrPasswordRequired}
	}
	return Actor{Kind: ActorGuest, UserID: g.UserID, Email: g.Email}, g, sh, nil
}

// guestFrom checks the share of a guest context again.
func (l *Library) guestFrom(ctx context.Context, op string) (Actor, Share, error) {
	a, _, sh, err := l.guestOf(ctx, op)
	return a, sh, err
}

// guestOf checks the share of a guest context again, with the guest.
func (l *Library) guestOf(ctx context.Context, op string) (Actor, Guest, Share, error) {
	gl, ok := ctx.Value(guestKey{}).(guestLink)
	if a, isActor := ActorFrom(ctx); !ok || !isActor || a.Kind != ActorGuest {
		return Actor{}, Guest{}, Share{}, E(op, Unauthenticated, "no share link")
	}
	return l.guest(ctx, op, gl.hash)
}

// policyShare is the share as the policy sees it.
func policyShare(sh Share) *policy.Share {
	return &policy.Share{ID: sh.ID, Assets: policy.NewAssetSet(sh.AssetIDs...), Profile: sh.Profile,
		Enabled: sh.Enabled, Until: sh.ExpiresAt, ViewOnly: sh.ViewOnly}
}

// forAsset is ps as the policy sees it for one asset of sh: the profile
// offered is the asset's own (Share.AssetProfile).
func forAsset(ps *policy.Share, sh Share, assetID string) *policy.Share {
	if sh.Profile != "" || sh.AssetProfiles[assetID] == "" {
		return ps
	}
	c := *ps
	c.Profile = sh.AssetProfiles[assetID]
	return &c
}

// SharedAsset is one asset as a guest sees it.
type SharedAsset struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      MediaKind `json:"kind"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"` // of the original; a profile's rendition differs
	// Profile is the export profile the asset is delivered in, the only one
	// offered ("" the original): the share's, or its own in a shared
	// collection.
	Profile string `json:"profile,omitempty"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
	// Licence names the licence that governs downloading the asset, and
	// LicencePending says the guest or visitor must accept it first.
	Licence         string `json:"licence,omitempty"`
	LicencePending  bool   `json:"licence_pending,omitempty"`
	LicenceAccepted bool   `json:"licence_accepted,omitempty"` // its current version, by this guest or visitor
}

// GuestView is what a guest's link shows.
type GuestView struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Profile     string        `json:"profile,omitempty"`
	ExpiresAt   time.Time     `json:"expires_at"`
	Assets      []SharedAsset `json:"assets"`
	Licences    []Licence     `json:"licences,omitempty"` // the texts the assets' licences name
	// ViewOnly says the share shows its assets and hands out no download.
	ViewOnly bool `json:"view_only"`
	// DownloadsLeft is how many more downloads (files or ZIPs) the guest
	// gets under the share's limit and their own; nil when neither limits.
	DownloadsLeft *int `json:"downloads_left,omitempty"`
}

// guestListed reports whether a guest's page lists an asset whose
// download decision is d: allowed, or allowed but for a licence or for a
// view-only share (the page shows it, without a download).
func guestListed(d policy.Decision) bool {
	return allowedButForLicence(d) || d.Reason == policy.ReasonViewOnly
}

// downloadsLeft is what remains of the share's and the guest's download
// limits, the smaller; nil when neither has one.
func downloadsLeft(sh Share, g Guest) *int {
	left := -1
	if sh.DownloadLimit > 0 {
		left = max(0, sh.DownloadLimit-sh.Downloads)
	}
	if g.DownloadLimit > 0 {
		if n := max(0, g.DownloadLimit-g.Downloads); left < 0 || n < left {
			left = n
		}
	}
	if left < 0 {
		return nil
	}
	return &left
}

// countDownload counts one download of a guest context against the
// share's and the guest's limits, and one of each of assetIDs (what the
// file or ZIP holds) against the share's per-asset limit (Gone once any
// is used up). Without
// any limit it writes nothing: downloads are counted while a limit is set
// (the usage log has them all).
func (l *Library) countDownload(ctx context.Context, op string, assetIDs ...string) error {
	_, g, sh, err := l.guestOf(ctx, op)
	if err != nil {
		return err
	}
	if sh.AssetDownloadLimit > 0 && len(assetIDs) > 0 {
		// One transaction counts the share, the guest and each asset.
		if err := l.store.CountAssetDownloads(ctx, sh.ID, g.ID, assetIDs, sh.AssetDownloadLimit); err != nil {
			if KindOf(err) == Gone {
				return &Error{Op: op, Kind: Gone, Err: ErrDownloadsUsedUp}
			}
			return wrap(op, Internal, err)
		}
		return nil
	}
	if sh.DownloadLimit == 0 && g.DownloadLimit == 0 {
		return nil
	}
	if err := l.store.CountDownload(ctx, sh.ID, g.ID); err != nil {
		if KindOf(err) == Gone {
			return &Error{Op: op, Kind: Gone, Err: ErrDownloadsUsedUp}
		}
		return wrap(op, Internal, err)
	}
	return nil
}

// ErrDownloadsUsedUp is the cause of the Gone refusal of a download past a
// share's or a guest's download limit.
var ErrDownloadsUsedUp = errors.New("the downloads this link allows are used up")

// GuestShare returns the share of a guest context with the assets the
// guest may download now (an asset taken down since it was shared drops
// out of the list).
func (l *Library) GuestShare(ctx context.Context) (GuestView, error) {
	const op = "dam.GuestShare"
	actor, g, sh, err := l.guestOf(ctx, op)
	if err != nil {
		return GuestView{}, err
	}
	acc, err := l.loadAccess(ctx, op, actor, sh.AssetIDs)
	if err != nil {
		return GuestView{}, err
	}
	ps := policyShare(sh)
	v := GuestView{ID: sh.ID, Title: sh.Title, Description: sh.Description, Profile: sh.Profile, ExpiresAt: sh.ExpiresAt,
		ViewOnly: sh.ViewOnly, DownloadsLeft: downloadsLeft(sh, g), Assets: []SharedAsset{}}
	if g.ExpiresAt != nil && g.ExpiresAt.Before(v.ExpiresAt) {
		v.ExpiresAt = *g.ExpiresAt
	}
	for _, id := range sh.AssetIDs {
		a, err := l.store.Asset(ctx, id)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return GuestView{}, wrap(op, Internal, err)
		}
		profile := sh.AssetProfile(id)
		in := acc.input(actor, a, policy.ActionDownload, profile)
		in.Share = forAsset(ps, sh, id)
		d := policy.Decide(in)
		if !guestListed(d) {
			continue
		}
		sa := acc.sharedAsset(a, d)
		sa.Profile = profile
		v.Assets = append(v.Assets, sa)
	}
	v.Licences = acc.licenceTexts(v.Assets)
	l.record(ctx, Event{ActorID: actor.Email, Action: EventShareOpen, Detail: "share " + sh.ID})
	return v, nil
}

// GuestOpen opens an asset of the guest's share for download: profile ""
// means the profile the share offers the asset in (Share.AssetProfile: the
// share's, or the asset's own in a shared collection; the original when
// there is none); naming another profile, or "original", where one is
// offered is refused. The
// download is recorded with the guest's email and the share.
func (l *Library) GuestOpen(ctx context.Context, assetID, profile string) (*Download, error) {
	const op = "dam.GuestOpen"
	actor, sh, err := l.guestFrom(ctx, op)
	if err != nil {
		return nil, err
	}
	dl, detail, err := l.guestOpen(ctx, op, actor, sh, assetID, profile)
	if err != nil {
		return nil, err
	}
	if err := l.countDownload(ctx, op, dl.Asset.ID); err != nil {
		_ = dl.Close()
		return nil, err
	}
	l.record(ctx, Event{ActorID: actor.Email, Action: EventDownload, AssetID: dl.Asset.ID, Detail: detail})
	return dl, nil
}

// guestOpen opens an asset of sh for a guest under the policy, recording
// nothing; detail says what was opened through which share. The download
// checks the share and the policy again while it is read.
func (l *Library) guestOpen(ctx context.Context, op string, actor Actor, sh Share, assetID, profile string) (*Download, string, error) {
	a, profile, err := l.guestAsset(ctx, op, actor, sh, assetID, profile)
	if err != nil {
		return nil, "", err
	}
	check := func(ctx context.Context) error {
		actor, sh, err := l.guestFrom(ctx, op)
		if err == nil {
			_, _, err = l.guestAsset(ctx, op, actor, sh, a.ID, profile)
		}
		return err
	}
	var dl *Download
	detail := fmt.Sprintf("share %s original", sh.ID)
	if profile == "" {
		v := a.Current
		dl = &Download{Asset: a, Version: v, ETag: originalETag(v)}
		// A small local file is sent whole by the kernel: no recheck
		// would fall due while it goes (localFile).
		if f := l.localFile(ctx, storage.OriginalKey(v.SHA256), v.Size); f != nil {
			dl.ReadSeekCloser = f
		} else {
			dl.ReadSeekCloser = l.newStream(ctx, op, &blobReader{ctx: ctx, bucket: l.bucket, key: storage.OriginalKey(v.SHA256), size: v.Size},
				v.Size, check, false, nil)
		}
	} else {
		name, rp, err := l.exportProfile(ctx, op, a, profile)
		if err != nil {
			return nil, "", err
		}
		if dl, err = l.openRendition(ctx, op, a, rp, false); err != nil {
			return nil, "", err
		}
		if !dl.whole() {
			dl.ReadSeekCloser = l.newStream(ctx, op, dl.ReadSeekCloser, dl.Version.Size, check, false, nil)
		}
		detail = fmt.Sprintf("share %s profile %s", sh.ID, name)
	}
	return dl, detail, nil
}

// guestAsset decides, recording nothing, whether a guest of sh may
// download an asset in a profile ("": the share's; "original"), and
// returns it with the profile it is downloaded in ("": the original).
func (l *Library) guestAsset(ctx context.Context, op string, actor Actor, sh Share, assetID, profile string) (Asset, string, error) {
	switch profile {
	case "":
		profile = sh.AssetProfile(assetID)
	case ProfileOriginal:
		profile = ""
	}
	notFound := E(op, NotFound, "asset %.30q not found in this share", assetID)
	if !validID(assetID) || !policyShare(sh).Assets.Has(assetID) {
		return Asset{}, "", notFound
	}
	a, err := l.store.Asset(ctx, assetID)
	if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
		return Asset{}, "", notFound
	}
	if err != nil {
		return Asset{}, "", wrap(op, Internal, err)
	}
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return Asset{}, "", err
	}
	in := acc.input(actor, a, linkAction(ctx), profile)
	in.Share = forAsset(policyShare(sh), sh, a.ID)
	if d := policy.Decide(in); !d.Allowed {
		return Asset{}, "", acc.refusal(op, a, d)
	}
	return a, profile, nil
}

// maxNoticesPerSweep bounds the notices one sweep sends.
const maxNoticesPerSweep = 500

// SweepShares tells sharers that a share expires soon (Options.
// ShareExpiryNotice ahead) and that it has expired. Each notice is
// recorded before it is sent, so it goes at most once even with several
// processes sweeping. It returns the number sent.
func (l *Library) SweepShares(ctx context.Context) (int, error) {
	const op = "dam.SweepShares"
	now := l.now().UTC()
	due, err := l.store.SharesDue(ctx, now.Add(l.opts.ShareExpiryNotice), now, maxNoticesPerSweep)
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	sent := 0
	for _, sh := range due {
		n, kind, subject := NoticeExpiring, NotifyShareExpiring, "Your share \u201c"+sh.Title+"\u201d expires soon"
		if !now.Before(sh.ExpiresAt) {
			n, kind, subject = NoticeExpired, NotifyShareExpired, "Your share \u201c"+sh.Title+"\u201d has expired"
			if sh.ExpiringNoticeAt == nil {
				// Too late to warn ahead: the expired notice says it all.
				if _, err := l.store.MarkShareNotice(ctx, sh.ID, NoticeExpiring, now); err != nil {
					return sent, wrap(op, Internal, err)
				}
			}
		}
		marked, err := l.store.MarkShareNotice(ctx, sh.ID, n, now)
		if err != nil {
			return sent, wrap(op, Internal, err)
		}
		if marked && n == NoticeExpired {
			l.record(ctx, Event{ActorID: sh.CreatedBy, Action: EventShareExpire, Detail: "share " + sh.ID})
		}
		if !marked || !sh.Enabled {
			continue // sent already, or the sharer turned the share off: nothing to tell
		}
		u, err := l.store.User(ctx, sh.CreatedBy)
		if err != nil {
			l.log.Warn("share notice without a sharer", "share", sh.ID, "err", err)
			continue
		}
		text := fmt.Sprintf("Your share %q of %d asset%s expires on %s; its guests' links stop working then.",
			sh.Title, len(sh.AssetIDs), plural(len(sh.AssetIDs)), sh.ExpiresAt.Format(time.RFC1123))
		if n == NoticeExpired {
			text = fmt.Sprintf("Your share %q expired on %s; its guests' links no longer work.", sh.Title, sh.ExpiresAt.Format(time.RFC1123))
		}
		l.notify(ctx, Message{Kind: kind, To: Recipient{UserID: u.ID, Email: u.Email, Name: u.Name}, Subject: subject, Text: text,
			Details: []Detail{{Label: "Share", Value: sh.ID}, {Label: "Expires", Value: sh.ExpiresAt.Format(time.RFC1123)}}})
		sent++
	}
	return sent, nil
}
