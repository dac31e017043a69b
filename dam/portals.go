package dam

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"time"

	"github.com/damkit/damkit/policy"
	"github.com/damkit/damkit/share"
	"github.com/damkit/damkit/storage"
)

// Usage events of portals.
const (
	EventPortalCreate  EventAction = "portal_create"
	EventPortalEdit    EventAction = "portal_edit"
	EventPortalDelete  EventAction = "portal_delete"
	EventPortalRequest EventAction = "portal_request"
)

// Limits of portals.
const (
	maxPortalTitle = 200
	maxPortalItems = 1000
)

// NewPortal is what an owner sets on a portal.
type NewPortal struct {
	Slug          string     `json:"slug"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	AssetIDs      []string   `json:"asset_ids"`
	CollectionIDs []string   `json:"collection_ids"`
	Mode          PortalMode `json:"mode"`
	Enabled       *bool      `json:"enabled"` // nil: enabled
	// Licence is the ID of a licence visitors accept before downloading
	// the assets that resolve none of their own; "" for none.
	Licence string `json:"licence"`
}

// portalOwner checks that the actor is an owner.
func portalOwner(ctx context.Context, op string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.IsOwner() {
		return Actor{}, E(op, PermissionDenied, "only owners manage portals")
	}
	return actor, nil
}

// checkPortal validates np and the owner's reach over its items into p.
func (l *Library) checkPortal(ctx context.Context, op string, actor Actor, np NewPortal, p *Portal) error {
	if !validSlug(np.Slug) {
		return E(op, Invalid, "slug must be 3 to 64 lowercase letters, digits or dashes")
	}
	title := cleanText(np.Title, maxPortalTitle+1)
	if title == "" || len([]rune(title)) > maxPortalTitle {
		return E(op, Invalid, "title must be 1 to %d characters", maxPortalTitle)
	}
	switch np.Mode {
	case "":
		np.Mode = PortalRequest
	case PortalOpen, PortalRequest, PortalAutoApprove, PortalDisabled:
	default:
		return E(op, Invalid, "mode must be open, request, auto_approve or disabled")
	}
	ids, cols := slices.Compact(slices.Sorted(slices.Values(np.AssetIDs))), slices.Compact(slices.Sorted(slices.Values(np.CollectionIDs)))
	if len(ids)+len(cols) > maxPortalItems {
		return E(op, Invalid, "at most %d assets and collections per portal", maxPortalItems)
	}
	for _, id := range ids {
		if _, err := l.visibleAsset(ctx, op, actor, id); err != nil {
			return err
		}
	}
	for _, id := range cols {
		if _, err := l.ownCollection(ctx, op, actor, id); err != nil {
			return err
		}
	}
	if np.Licence != "" {
		if _, err := l.licence(ctx, op, np.Licence); err != nil {
			return err
		}
	}
	p.Slug, p.Title, p.Description, p.Mode, p.Licence = np.Slug, title, cleanText(np.Description, maxReason), np.Mode, np.Licence
	p.AssetIDs, p.CollectionIDs = ids, cols
	p.Enabled = np.Enabled == nil || *np.Enabled
	return nil
}

// CreatePortal makes a public portal (owners only).
func (l *Library) CreatePortal(ctx context.Context, np NewPortal) (Portal, error) {
	const op = "dam.CreatePortal"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return Portal{}, err
	}
	now := l.now().UTC()
	p := Portal{ID: NewID(now), CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := l.checkPortal(ctx, op, actor, np, &p); err != nil {
		return Portal{}, err
	}
	if err := l.store.CreatePortal(ctx, p); err != nil {
		if KindOf(err) == AlreadyExists {
			return Portal{}, E(op, AlreadyExists, "slug %q is taken", p.Slug)
		}
		return Portal{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventPortalCreate, Detail: "portal " + p.ID})
	return p, nil
}

// Portal returns a portal (owners whose reach it is in).
func (l *Library) Portal(ctx context.Context, id string) (Portal, error) {
	const op = "dam.Portal"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return Portal{}, err
	}
	return l.portalByID(ctx, op, actor, id)
}

// portalByID returns a portal in the actor's reach: the portal's maker and
// every asset it shows (collections included) are of the actor's domains.
// Any other portal is NotFound, exactly as a missing one.
func (l *Library) portalByID(ctx context.Context, op string, actor Actor, id string) (Portal, error) {
	if !validID(id) {
		return Portal{}, absent(op, "portal", id)
	}
	p, err := l.store.Portal(ctx, id)
	if err != nil {
		return Portal{}, wrap(op, Internal, err)
	}
	ok, err := l.reachesPortal(ctx, op, actor, p)
	if err != nil {
		return Portal{}, err
	}
	if !ok {
		return Portal{}, absent(op, "portal", id)
	}
	return p, nil
}

func (l *Library) reachesPortal(ctx context.Context, op string, actor Actor, p Portal) (bool, error) {
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return false, err
	}
	return l.reachesObject(ctx, op, actor, p.CreatedBy, ids)
}

// Portals lists the portals in the owner's reach, newest first.
func (l *Library) Portals(ctx context.Context) ([]Portal, error) {
	const op = "dam.Portals"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return nil, err
	}
	ps, err := l.store.Portals(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := make([]Portal, 0, len(ps))
	for _, p := range ps {
		ok, err := l.reachesPortal(ctx, op, actor, p)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// UpdatePortal replaces a portal's settings (owners only).
func (l *Library) UpdatePortal(ctx context.Context, id string, np NewPortal) (Portal, error) {
	const op = "dam.UpdatePortal"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return Portal{}, err
	}
	p, err := l.portalByID(ctx, op, actor, id)
	if err != nil {
		return Portal{}, err
	}
	if err := l.checkPortal(ctx, op, actor, np, &p); err != nil {
		return Portal{}, err
	}
	p.UpdatedAt = l.now().UTC()
	if err := l.store.UpdatePortal(ctx, p); err != nil {
		if KindOf(err) == AlreadyExists {
			return Portal{}, E(op, AlreadyExists, "slug %q is taken", p.Slug)
		}
		return Portal{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventPortalEdit, Detail: "portal " + p.ID})
	return p, nil
}

// DeletePortal removes a portal (owners only); grants given through it
// stay until revoked, but its links stop answering.
func (l *Library) DeletePortal(ctx context.Context, id string) error {
	const op = "dam.DeletePortal"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return err
	}
	if _, err := l.portalByID(ctx, op, actor, id); err != nil {
		return err
	}
	if err := l.store.DeletePortal(ctx, id); err != nil {
		return wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventPortalDelete, Detail: "portal " + id})
	return nil
}

// PortalAsset is one asset as a portal visitor sees it.
type PortalAsset struct {
	SharedAsset
	Downloadable bool `json:"downloadable"` // the visitor may download it now
	Watermarked  bool `json:"watermarked"`  // its previews carry a watermark
}

// PortalView is what a portal shows a visitor.
type PortalView struct {
	ID          string        `json:"id"`
	Slug        string        `json:"slug"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Mode        PortalMode    `json:"mode"`
	Email       string        `json:"email,omitempty"` // the visitor of a signed link
	Assets      []PortalAsset `json:"assets"`
	Licences    []Licence     `json:"licences,omitempty"` // the texts the assets' licences name
}

// livePortal returns an enabled portal by slug; anything else is NotFound.
func (l *Library) livePortal(ctx context.Context, op, slug string) (Portal, error) {
	none := E(op, NotFound, "portal not found")
	if !validSlug(slug) {
		return Portal{}, none
	}
	p, err := l.store.PortalBySlug(ctx, slug)
	if KindOf(err) == NotFound {
		return Portal{}, none
	}
	if err != nil {
		return Portal{}, wrap(op, Internal, err)
	}
	if !p.Enabled {
		return Portal{}, none
	}
	return p, nil
}

// portalAssetIDs is the portal's assets with those of its collections.
func (l *Library) portalAssetIDs(ctx context.Context, op string, p Portal) ([]string, error) {
	ids := slices.Clone(p.AssetIDs)
	for _, cid := range p.CollectionIDs {
		c, err := l.store.Collection(ctx, cid)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		for _, it := range c.Items {
			ids = append(ids, it.AssetID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func policyPortal(p Portal, ids []string) *policy.Portal {
	m := policy.DownloadsOnRequest
	switch p.Mode {
	case PortalOpen:
		m = policy.DownloadsOpen
	case PortalAutoApprove:
		m = policy.DownloadsAutoApproved
	case PortalDisabled:
		m = policy.DownloadsDisabled
	}
	return &policy.Portal{ID: p.ID, Assets: policy.NewAssetSet(ids...), Mode: m, Enabled: p.Enabled, Licence: p.Licence}
}

// portalView lists the portal's viewable assets as the visitor sees them.
func (l *Library) portalView(ctx context.Context, op string, p Portal, visitor Actor) (PortalView, error) {
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return PortalView{}, err
	}
	acc, err := l.loadAccess(ctx, op, visitor, ids)
	if err != nil {
		return PortalView{}, err
	}
	pp := policyPortal(p, ids)
	v := PortalView{ID: p.ID, Slug: p.Slug, Title: p.Title, Description: p.Description, Mode: p.Mode, Email: visitor.Email, Assets: []PortalAsset{}}
	for _, id := range ids {
		a, err := l.store.Asset(ctx, id)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return PortalView{}, wrap(op, Internal, err)
		}
		in := acc.input(visitor, a, policy.ActionView, "")
		in.Portal = pp
		if !policy.Decide(in).Allowed {
			continue
		}
		in.Profile = previewProfile.Name
		watermark := policy.Decide(in).Watermark
		in.Action, in.Profile = policy.ActionDownload, ""
		d := policy.Decide(in)
		v.Assets = append(v.Assets, PortalAsset{Downloadable: d.Allowed, Watermarked: watermark, SharedAsset: acc.sharedAsset(a, d)})
	}
	shared := make([]SharedAsset, len(v.Assets))
	for i, pa := range v.Assets {
		shared[i] = pa.SharedAsset
	}
	v.Licences = acc.licenceTexts(shared)
	return v, nil
}

// PortalPage returns the public page of an enabled portal: anyone may
// look; Downloadable is set when the portal is open. Each call counts as
// one open of the page in the portal's usage.
func (l *Library) PortalPage(ctx context.Context, slug string) (PortalView, error) {
	const op = "dam.PortalPage"
	p, err := l.livePortal(ctx, op, slug)
	if err != nil {
		return PortalView{}, err
	}
	v, err := l.portalView(ctx, op, p, Actor{Kind: ActorVisitor})
	if err == nil {
		l.countOpen(ctx, p.ID)
	}
	return v, err
}

// PortalPreview returns a portal's page as an anonymous visitor will see
// it (owners whose reach it is in), even while it is disabled; it counts
// no open.
func (l *Library) PortalPreview(ctx context.Context, id string) (PortalView, error) {
	const op = "dam.PortalPreview"
	actor, err := portalOwner(ctx, op)
	if err != nil {
		return PortalView{}, err
	}
	p, err := l.portalByID(ctx, op, actor, id)
	if err != nil {
		return PortalView{}, err
	}
	p.Enabled = true
	return l.portalView(ctx, op, p, Actor{Kind: ActorVisitor})
}

// countOpen adds one open of a portal's page today (UTC); a failure is
// logged, never shown to the visitor.
func (l *Library) countOpen(ctx context.Context, portalID string) {
	if err := l.store.CountPortalOpen(ctx, portalID, l.now().UTC().Format(time.DateOnly)); err != nil {
		l.log.ErrorContext(ctx, "counting a portal open", "portal", portalID, "err", err)
	}
}

// portalSecret is the library's link-signing secret, made on first use.
func (l *Library) portalSecret(ctx context.Context, op string) ([]byte, error) {
	c := make([]byte, 32)
	if _, err := rand.Read(c); err != nil {
		return nil, wrap(op, Internal, err)
	}
	s, err := l.store.PortalSecret(ctx, c)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	return s, nil
}

// visitor checks a signed link against the portal of slug and returns the
// visitor it names; a link for another portal, tampered or expired, is
// NotFound.
func (l *Library) visitor(ctx context.Context, op, slug, token string) (Portal, Actor, error) {
	p, err := l.livePortal(ctx, op, slug)
	if err != nil {
		return Portal{}, Actor{}, err
	}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		return Portal{}, Actor{}, err
	}
	pid, email, until, ok := parseVisitorToken(secret, token)
	if !ok || pid != p.ID || email == "" || !until.IsZero() && !l.now().Before(until) {
		return Portal{}, Actor{}, E(op, NotFound, "link not found")
	}
	return p, Actor{Kind: ActorVisitor, Email: email}, nil
}

// PortalAccess returns the portal as the visitor of a signed link sees it:
// Downloadable marks what they may download now.
func (l *Library) PortalAccess(ctx context.Context, slug, token string) (PortalView, error) {
	const op = "dam.PortalAccess"
	p, v, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return PortalView{}, err
	}
	pv, err := l.portalView(ctx, op, p, v)
	if err == nil {
		l.countOpen(ctx, p.ID)
	}
	return pv, err
}

// PortalOpen opens the original of a portal asset for download: token ""
// is an anonymous visitor (an open portal), otherwise the visitor's signed
// link, whose grants are checked under the policy on every call.
func (l *Library) PortalOpen(ctx context.Context, slug, token, assetID string) (*Download, error) {
	return l.portalOpen(ctx, "dam.PortalOpen", slug, token, assetID, nil)
}

// PortalOpenAccepting is PortalOpen for an anonymous visitor of an open
// portal who accepts, with this very download, the given version of the
// licence that governs the asset: with no identity to remember it by, the
// acceptance counts for this download only, and is recorded in the usage
// log each time. A version other than the current one is a Conflict.
func (l *Library) PortalOpenAccepting(ctx context.Context, slug, assetID, licenceID string, version int) (*Download, error) {
	return l.portalOpen(ctx, "dam.PortalOpenAccepting", slug, "", assetID, &LicenceRef{ID: licenceID, Version: version})
}

func (l *Library) portalOpen(ctx context.Context, op, slug, token, assetID string, accept *LicenceRef) (*Download, error) {
	p, visitor, a, accepted, err := l.portalAsset(ctx, op, slug, token, assetID, accept)
	if err != nil {
		return nil, err
	}
	if accepted {
		l.record(ctx, Event{ActorID: "visitor", Action: EventLicenceAccept, AssetID: a.ID,
			Detail: fmt.Sprintf("licence %s v%d portal %s", accept.ID, accept.Version, p.ID)})
	}
	v := a.Current
	who := visitor.Email
	if who == "" {
		who = "visitor"
	}
	l.record(ctx, Event{ActorID: who, Action: EventDownload, AssetID: a.ID, Detail: "portal " + p.ID})
	// The portal, the visitor's link and the policy are asked again while
	// the original streams: disabling the portal or revoking the
	// visitor's grant stops it.
	check := func(ctx context.Context) error {
		_, _, _, _, err := l.portalAsset(ctx, op, slug, token, assetID, accept)
		return err
	}
	dl := &Download{Asset: a, Version: v, ETag: originalETag(v)}
	if f := l.localFile(ctx, storage.OriginalKey(v.SHA256), v.Size); f != nil {
		dl.ReadSeekCloser = f // sent whole by the kernel (localFile)
	} else {
		dl.ReadSeekCloser = l.newStream(ctx, op, &blobReader{ctx: ctx, bucket: l.bucket, key: storage.OriginalKey(v.SHA256), size: v.Size},
			v.Size, check, false, nil)
	}
	return dl, nil
}

// portalAsset decides, recording nothing, whether the visitor of token
// ("": anonymous) may download a portal asset; accepted reports that it
// took accepting the licence accept names.
func (l *Library) portalAsset(ctx context.Context, op, slug, token, assetID string, accept *LicenceRef) (Portal, Actor, Asset, bool, error) {
	var p Portal
	visitor := Actor{Kind: ActorVisitor}
	var err error
	if token == "" {
		p, err = l.livePortal(ctx, op, slug)
	} else {
		p, visitor, err = l.visitor(ctx, op, slug, token)
	}
	if err != nil {
		return Portal{}, Actor{}, Asset{}, false, err
	}
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return Portal{}, Actor{}, Asset{}, false, err
	}
	notFound := E(op, NotFound, "asset %.30q not found in this portal", assetID)
	if !validID(assetID) || !slices.Contains(ids, assetID) {
		return Portal{}, Actor{}, Asset{}, false, notFound
	}
	a, err := l.store.Asset(ctx, assetID)
	if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
		return Portal{}, Actor{}, Asset{}, false, notFound
	}
	if err != nil {
		return Portal{}, Actor{}, Asset{}, false, wrap(op, Internal, err)
	}
	acc, err := l.loadAccess(ctx, op, visitor, []string{a.ID})
	if err != nil {
		return Portal{}, Actor{}, Asset{}, false, err
	}
	in := acc.input(visitor, a, linkAction(ctx), "")
	in.Portal = policyPortal(p, ids)
	d := policy.Decide(in)
	accepted := false
	if accept != nil && d.Reason == policy.ReasonLicenceRequired && d.Licence == accept.ID {
		if cur := acc.lic.ref(d.Licence); cur.Version != accept.Version {
			return Portal{}, Actor{}, Asset{}, false, E(op, Conflict, "licence %s is at version %d, not %d: read it again", cur.ID, cur.Version, accept.Version)
		}
		in.Accepted = policy.NewLicenceSet(d.Licence)
		d = policy.Decide(in)
		accepted = d.Allowed
	}
	if !d.Allowed {
		return Portal{}, Actor{}, Asset{}, false, acc.refusal(op, a, d)
	}
	return p, visitor, a, accepted, nil
}

// VisitorRequest is a visitor's ask to download: their email, an optional
// message, and the assets (none: all the portal's).
type VisitorRequest struct {
	Email    string   `json:"email"`
	Message  string   `json:"message"`
	AssetIDs []string `json:"asset_ids"`
}

// RequestPortalDownload records a visitor's request. With auto-approve the
// visitor is granted access at once: the result's VisitorToken lets them
// in now, and the signed link is emailed for later (the requests show as
// approved on the dashboard); a visitor who already has access is told
// there is nothing to request (FailedPrecondition), with a VisitorToken
// in the result all the same; with request mode the
// owners who receive requests are notified. Open portals need no request
// and disabled ones take none (FailedPrecondition).
func (l *Library) RequestPortalDownload(ctx context.Context, slug string, pr VisitorRequest) (RequestResult, error) {
	const op = "dam.RequestPortalDownload"
	p, err := l.livePortal(ctx, op, slug)
	if err != nil {
		return RequestResult{}, err
	}
	switch p.Mode {
	case PortalOpen:
		return RequestResult{}, E(op, FailedPrecondition, "this portal's downloads are open: no request needed")
	case PortalDisabled:
		return RequestResult{}, E(op, FailedPrecondition, "this portal does not offer downloads")
	}
	email, err := share.ParseAddress(pr.Email)
	if err != nil {
		return RequestResult{}, E(op, Invalid, "give a valid email address")
	}
	msg := cleanText(pr.Message, maxReason+1)
	if len([]rune(msg)) > maxReason {
		return RequestResult{}, E(op, Invalid, "message is longer than %d characters", maxReason)
	}
	all, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return RequestResult{}, err
	}
	ids := all
	if len(pr.AssetIDs) > 0 {
		if len(pr.AssetIDs) > maxRequestedAssets {
			return RequestResult{}, E(op, Invalid, "at most %d assets per request", maxRequestedAssets)
		}
		ids = slices.Compact(slices.Sorted(slices.Values(pr.AssetIDs)))
		for _, id := range ids {
			if !slices.Contains(all, id) {
				return RequestResult{}, E(op, NotFound, "asset %.30q not found in this portal", id)
			}
		}
	}
	visitor := Actor{Kind: ActorVisitor, Email: email}
	settings, err := l.store.Settings(ctx)
	if err != nil {
		return RequestResult{}, wrap(op, Internal, err)
	}
	acc, err := l.loadAccess(ctx, op, visitor, ids)
	if err != nil {
		return RequestResult{}, err
	}
	pp := policyPortal(p, all)
	now := acc.now
	batch := NewID(now)
	auto := p.Mode == PortalAutoApprove
	var res RequestResult
	var grants []Grant
	for _, id := range ids {
		a, err := l.store.Asset(ctx, id)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return RequestResult{}, wrap(op, Internal, err)
		}
		in := acc.input(visitor, a, policy.ActionRequest, "")
		in.Portal = pp
		if d := policy.Decide(in); !d.Allowed {
			if !d.Hidden() {
				in.Action = policy.ActionDownload
				m := "not requestable"
				if policy.Decide(in).Allowed {
					m = "already downloadable"
				}
				res.Skipped = append(res.Skipped, Skipped{AssetID: a.ID, Reason: string(d.Reason), Message: m})
			}
			continue
		}
		r := Request{ID: NewID(now), Batch: batch, AssetID: a.ID, Domain: a.Domain, RequesterEmail: email, Reason: msg,
			Status: RequestPending, Validity: settings.GrantValidity, CreatedAt: now}
		if auto {
			r.Status, r.AutoApproved, r.DecidedAt, r.DecidedBy = RequestApproved, true, &now, "auto"
			grants = append(grants, newGrant(r, "auto", now))
		}
		res.Requests = append(res.Requests, r)
	}
	if len(res.Requests) == 0 {
		if auto && slices.ContainsFunc(res.Skipped, func(s Skipped) bool { return s.Message == "already downloadable" }) {
			// Asking again on an auto-approve portal lets the visitor in
			// again (anyone asking would be approved at once anyway): the
			// result carries their link beside the error.
			secret, err := l.portalSecret(ctx, op)
			if err != nil {
				return RequestResult{}, err
			}
			until, err := l.visitorUntil(ctx, op, email, ids)
			if err != nil {
				return RequestResult{}, err
			}
			res.VisitorToken = visitorToken(secret, p.ID, email, until)
		}
		return res, &Error{Op: op, Kind: FailedPrecondition, Err: fmt.Errorf("nothing to request: %s", skippedText(res.Skipped))}
	}
	if err := l.store.CreatePortalRequests(ctx, p.ID, res.Requests, grants); err != nil {
		return RequestResult{}, wrap(op, Internal, err)
	}
	es := make([]Event, 0, 2*len(res.Requests))
	for _, r := range res.Requests {
		es = append(es, Event{ActorID: email, Action: EventPortalRequest, AssetID: r.AssetID, Detail: "portal " + p.ID + " request " + r.ID})
		if auto {
			es = append(es, Event{ActorID: "auto", Action: EventApprove, AssetID: r.AssetID, Detail: r.ID})
		}
	}
	l.record(ctx, es...)
	if auto {
		secret, err := l.portalSecret(ctx, op)
		if err != nil {
			return RequestResult{}, err
		}
		var until time.Time
		if settings.GrantValidity > 0 {
			until = now.Add(settings.GrantValidity)
		}
		res.VisitorToken = visitorToken(secret, p.ID, email, until)
		l.notifyDecided(ctx, "", email, res.Requests, true, "")
	} else {
		l.notifyRecipients(ctx, settings, visitor, res.Requests)
	}
	return res, nil
}

// visitorUntil is how long a link for the visitor's live grants on ids
// lasts: until the last of them ends (zero: one lasts until revoked).
func (l *Library) visitorUntil(ctx context.Context, op, email string, ids []string) (time.Time, error) {
	gs, err := l.store.Grants(ctx, GrantQuery{Email: email, AssetIDs: ids, Live: true})
	if err != nil {
		return time.Time{}, wrap(op, Internal, err)
	}
	var until time.Time
	for _, g := range gs {
		if g.Until == nil {
			return time.Time{}, nil
		}
		if g.Until.After(until) {
			until = *g.Until
		}
	}
	return until, nil
}

// visitorLink is the signed link an approved visitor request is emailed
// with: "" for requests of users, or when the host builds no portal links.
func (l *Library) visitorLink(ctx context.Context, r Request) string {
	const op = "dam.visitorLink"
	pl, ok := l.opts.Links.(PortalLinks)
	if !ok || r.RequesterID != "" || r.RequesterEmail == "" {
		return ""
	}
	pid, err := l.store.RequestPortal(ctx, r.ID)
	if err != nil {
		return ""
	}
	p, err := l.store.Portal(ctx, pid)
	if err != nil {
		return ""
	}
	secret, err := l.portalSecret(ctx, op)
	if err != nil {
		l.log.Error("portal link secret", "err", err)
		return ""
	}
	var until time.Time
	if r.Validity > 0 && r.DecidedAt != nil {
		until = r.DecidedAt.Add(r.Validity)
	}
	return pl.PortalAccess(p.Slug, visitorToken(secret, p.ID, r.RequesterEmail, until))
}
