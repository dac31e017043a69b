package dam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/policy"
)

// Limits of the request workflow.
const (
	maxReason          = 2000
	maxRequestedAssets = 1000
)

// NewRequest is what a requester asks for: assets, or a whole collection,
// with a reason.
type NewRequest struct {
	AssetIDs     []string `json:"asset_ids"`
	CollectionID string   `json:"collection_id"`
	Reason       string   `json:"reason"`
}

// RequestResult says what became of a request for several assets: assets
// already downloadable or not requestable are listed apart with why.
type RequestResult struct {
	Requests []Request `json:"requests"`
	Skipped  []Skipped `json:"skipped"`
	// VisitorToken, for a visitor of an auto-approve portal, is the
	// signed link token (as PortalAccess takes it) that lets them in at
	// once; the same access is emailed to them for later.
	VisitorToken string `json:"visitor_token,omitempty"`
}

// Skipped is an asset left out of an operation, with the reason code.
type Skipped struct {
	AssetID string `json:"asset_id"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// RequestDownload asks for permission to download protected assets. With
// auto-approve the grants are made at once and the requests are recorded as
// approved; otherwise the owners who receive requests are notified.
func (l *Library) RequestDownload(ctx context.Context, nr NewRequest) (RequestResult, error) {
	const op = "dam.RequestDownload"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return RequestResult{}, err
	}
	ids := slices.Clone(nr.AssetIDs)
	if nr.CollectionID != "" {
		c, err := l.ownCollection(ctx, op, actor, nr.CollectionID)
		if err != nil {
			return RequestResult{}, err
		}
		for _, it := range c.Items {
			ids = append(ids, it.AssetID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return RequestResult{}, E(op, Invalid, "name the assets or the collection to request")
	}
	if len(ids) > maxRequestedAssets {
		return RequestResult{}, E(op, Invalid, "at most %d assets per request", maxRequestedAssets)
	}
	settings, err := l.store.Settings(ctx)
	if err != nil {
		return RequestResult{}, wrap(op, Internal, err)
	}
	reason := cleanText(nr.Reason, maxReason+1)
	if len([]rune(reason)) > maxReason {
		return RequestResult{}, E(op, Invalid, "reason is longer than %d characters", maxReason)
	}
	if reason == "" && settings.ReasonRequiredToRequest {
		return RequestResult{}, E(op, Invalid, "a reason is required to request a download")
	}
	assets := make([]Asset, 0, len(ids))
	for _, id := range ids {
		a, err := l.visibleAsset(ctx, op, actor, id)
		if err != nil {
			return RequestResult{}, err
		}
		assets = append(assets, a)
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return RequestResult{}, err
	}
	waiting, err := l.pendingRequests(ctx, op, actor, ids)
	if err != nil {
		return RequestResult{}, err
	}
	now := acc.now
	batch := NewID(now)
	var res RequestResult
	var grants []Grant
	var fresh []Request // made now; the rest already waited
	for _, a := range assets {
		d := policy.Decide(acc.input(actor, a, policy.ActionRequest, ""))
		if !d.Allowed {
			dl := policy.Decide(acc.input(actor, a, policy.ActionDownload, ""))
			msg := "not requestable"
			if dl.Allowed {
				msg = "already downloadable"
			} else if err := refusal(op, a, dl); err != nil {
				msg = ErrorMessage(err)
			}
			res.Skipped = append(res.Skipped, Skipped{AssetID: a.ID, Reason: string(d.Reason), Message: msg})
			continue
		}
		if r, ok := waiting[a.ID]; ok && !settings.AutoApprove {
			// Asking again while waiting merges into the request that
			// waits: owners see one request per person and asset.
			res.Requests = append(res.Requests, r)
			continue
		}
		r := Request{ID: NewID(now), Batch: batch, AssetID: a.ID, Domain: a.Domain, RequesterID: actor.UserID,
			RequesterEmail: actor.Email, Reason: reason, Status: RequestPending, Validity: settings.GrantValidity, CreatedAt: now}
		if settings.AutoApprove {
			r.Status, r.AutoApproved, r.DecidedAt, r.DecidedBy = RequestApproved, true, &now, "auto"
			grants = append(grants, newGrant(r, "auto", now))
		}
		res.Requests = append(res.Requests, r)
		fresh = append(fresh, r)
	}
	if len(res.Requests) == 0 {
		return res, &Error{Op: op, Kind: FailedPrecondition, Err: fmt.Errorf("nothing to request: %s", skippedText(res.Skipped))}
	}
	if len(fresh) == 0 {
		return res, nil // everything asked for already waits for an answer
	}
	if err := l.store.CreateRequests(ctx, fresh, grants); err != nil {
		return RequestResult{}, wrap(op, Internal, err)
	}
	es := make([]Event, 0, 2*len(fresh))
	for _, r := range fresh {
		es = append(es, Event{ActorID: actor.UserID, Action: EventRequest, AssetID: r.AssetID, Detail: r.ID})
		if r.AutoApproved {
			es = append(es, Event{ActorID: "auto", Action: EventApprove, AssetID: r.AssetID, Detail: r.ID})
		}
	}
	l.record(ctx, es...)
	if settings.AutoApprove {
		l.notifyDecided(ctx, actor.UserID, actor.Email, fresh, true, "")
	} else {
		l.notifyRecipients(ctx, settings, actor, fresh)
	}
	return res, nil
}

// pendingRequests returns the actor's requests still waiting for a
// decision on any of ids, by asset.
func (l *Library) pendingRequests(ctx context.Context, op string, actor Actor, ids []string) (map[string]Request, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := map[string]Request{}
	q := RequestQuery{Domains: actor.Domains, Status: RequestPending, RequesterID: actor.UserID, Limit: maxPageSize}
	for range 1000 { // at most a million waiting requests of one person
		rs, next, err := l.store.Requests(ctx, q)
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		for _, r := range rs {
			if want[r.AssetID] {
				out[r.AssetID] = r
			}
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return out, nil
}

func skippedText(s []Skipped) string {
	parts := make([]string, 0, len(s))
	for _, x := range s {
		parts = append(parts, x.Message)
	}
	return strings.Join(parts, "; ")
}

// newGrant is the permission an approved request gives.
func newGrant(r Request, by string, now time.Time) Grant {
	g := Grant{ID: NewID(now), RequestID: r.ID, AssetID: r.AssetID, UserID: r.RequesterID, From: now, CreatedBy: by}
	if r.RequesterID == "" {
		g.Email = r.RequesterEmail
	}
	if r.Validity > 0 {
		until := now.Add(r.Validity)
		g.Until = &until
	}
	return g
}

// RequestView is a request as the dashboard shows it: with the asset's
// name and location, and the portal a visitor asked through.
type RequestView struct {
	Request
	AssetName   string `json:"asset_name"`
	FolderPath  string `json:"folder_path"`
	PortalTitle string `json:"portal_title,omitempty"`
	PortalSlug  string `json:"portal_slug,omitempty"`
}

// Requests lists download requests in q's order (newest first by
// default): owners see those of their domains (the dashboard), other users
// their own. A folder or portal filter out of the actor's reach answers
// as a missing one.
func (l *Library) Requests(ctx context.Context, q RequestQuery) ([]RequestView, string, error) {
	const op = "dam.Requests"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	if !actor.IsOwner() {
		q.RequesterID = actor.UserID
	}
	q.Domains = actor.Domains
	if err := checkRequestQuery(op, q); err != nil {
		return nil, "", err
	}
	if q.Limit <= 0 {
		q.Limit = l.opts.DefaultPageSize
	}
	if q.Limit > maxPageSize {
		return nil, "", E(op, Invalid, "limit must be at most %d", maxPageSize)
	}
	if q.FolderID != "" {
		if _, err := l.reachableFolder(ctx, op, actor, q.FolderID); err != nil {
			return nil, "", err
		}
	}
	if q.PortalID != "" {
		if !actor.IsOwner() {
			return nil, "", absent(op, "portal", q.PortalID)
		}
		if _, err := l.portalByID(ctx, op, actor, q.PortalID); err != nil {
			return nil, "", err
		}
	}
	if len(q.Domains) == 0 {
		return nil, "", nil
	}
	rs, next, err := l.store.Requests(ctx, q)
	if err != nil {
		return nil, "", wrap(op, Internal, err)
	}
	out, err := l.requestViews(ctx, op, actor, rs)
	return out, next, err
}

// reachableFolder returns a folder of the actor's domains; any other is
// NotFound, as a missing one.
func (l *Library) reachableFolder(ctx context.Context, op string, actor Actor, id string) (Folder, error) {
	if !validID(id) {
		return Folder{}, absent(op, "folder", id)
	}
	f, err := l.store.Folder(ctx, id)
	if KindOf(err) == NotFound || (err == nil && !actor.reaches(f.Domain)) {
		return Folder{}, absent(op, "folder", id)
	}
	if err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	return f, nil
}

// PendingRequestCount counts, up to max, the pending requests an owner
// decides, in the owner's domains; others decide none. It is the menu's
// badge on every page, so it reads request rows only: no names, folder
// paths or portals, which Requests looks up for each row.
func (l *Library) PendingRequestCount(ctx context.Context, max int) (int, error) {
	const op = "dam.PendingRequestCount"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return 0, err
	}
	if !actor.IsOwner() || len(actor.Domains) == 0 || max <= 0 {
		return 0, nil
	}
	rs, _, err := l.store.Requests(ctx, RequestQuery{Status: RequestPending, Domains: actor.Domains, Limit: min(max, maxPageSize)})
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	return len(rs), nil
}

// requestViews adds to requests their asset's name and folder path and
// their portal's title.
func (l *Library) requestViews(ctx context.Context, op string, actor Actor, rs []Request) ([]RequestView, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	fs, err := l.store.Folders(ctx, actor.Domains)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	paths := folderPaths(fs)
	portals := map[string]Portal{}
	out := make([]RequestView, len(rs))
	for i, r := range rs {
		out[i] = RequestView{Request: r}
		if a, err := l.store.Asset(ctx, r.AssetID); err == nil {
			out[i].AssetName, out[i].FolderPath = a.Name, paths[a.FolderID]
		}
		if r.PortalID == "" {
			continue
		}
		p, ok := portals[r.PortalID]
		if !ok {
			if p, err = l.store.Portal(ctx, r.PortalID); err != nil && KindOf(err) != NotFound {
				return nil, wrap(op, Internal, err)
			}
			portals[r.PortalID] = p
		}
		out[i].PortalTitle, out[i].PortalSlug = p.Title, p.Slug
	}
	return out, nil
}

// folderPaths maps folder IDs to "/Top/Sub" paths ("/" for the root).
func folderPaths(fs []Folder) map[string]string {
	byID := make(map[string]Folder, len(fs))
	for _, f := range fs {
		byID[f.ID] = f
	}
	paths := map[string]string{"": "/"}
	var path func(id string, depth int) string
	path = func(id string, depth int) string {
		if p, ok := paths[id]; ok {
			return p
		}
		f, ok := byID[id]
		if !ok || depth > 1000 {
			return "/?"
		}
		parent := path(f.ParentID, depth+1)
		p := strings.TrimSuffix(parent, "/") + "/" + f.Name
		paths[id] = p
		return p
	}
	for _, f := range fs {
		path(f.ID, 0)
	}
	return paths
}

// DecisionResult is the outcome of one decision of a batch.
type DecisionResult struct {
	RequestID string   `json:"request_id"`
	Status    string   `json:"status"` // approved, denied, or error
	Grant     *Grant   `json:"grant,omitempty"`
	Error     *ErrBody `json:"error,omitempty"`
}

// ErrBody is an error inside a batch answer.
type ErrBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Decide approves or denies requests (owners only), each with an optional
// message. Each decision stands alone: one that loses a race (Conflict) or
// names a missing request does not undo the others.
func (l *Library) Decide(ctx context.Context, ds []Decision) ([]DecisionResult, error) {
	const op = "dam.Decide"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if !actor.IsOwner() {
		return nil, E(op, PermissionDenied, "only owners decide download requests")
	}
	if len(ds) == 0 || len(ds) > maxRequestedAssets {
		return nil, E(op, Invalid, "give 1 to %d decisions", maxRequestedAssets)
	}
	settings, err := l.store.Settings(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := make([]DecisionResult, len(ds))
	for i, d := range ds {
		r, g, err := l.decideOne(ctx, op, actor, settings, d)
		out[i] = DecisionResult{RequestID: d.RequestID, Status: string(r.Status), Grant: g}
		if err != nil {
			out[i].Status = "error"
			out[i].Error = &ErrBody{Code: KindOf(err).String(), Message: ErrorMessage(err)}
		}
	}
	return out, nil
}

func (l *Library) decideOne(ctx context.Context, op string, actor Actor, settings Settings, d Decision) (Request, *Grant, error) {
	if !validID(d.RequestID) {
		return Request{}, nil, E(op, NotFound, "request %.30q not found", d.RequestID)
	}
	r, err := l.store.Request(ctx, d.RequestID)
	if err != nil {
		return Request{}, nil, wrap(op, Internal, err)
	}
	if !actor.reaches(r.Domain) {
		return Request{}, nil, E(op, NotFound, "request %s not found", d.RequestID)
	}
	if r.Status != RequestPending {
		return r, nil, E(op, Conflict, "request %s was already %s", r.ID, r.Status)
	}
	msg := cleanText(d.Message, maxReason+1)
	if len([]rune(msg)) > maxReason {
		return r, nil, E(op, Invalid, "message is longer than %d characters", maxReason)
	}
	if !d.Approve && msg == "" && settings.ReasonRequiredToDeny {
		return r, nil, E(op, Invalid, "a reason is required to deny a request")
	}
	if d.ValidityDays != nil {
		if *d.ValidityDays < 0 || *d.ValidityDays > maxValidityDays {
			return r, nil, E(op, Invalid, "validity_days must be 0 (until revoked) to %d", maxValidityDays)
		}
		r.Validity = time.Duration(*d.ValidityDays) * 24 * time.Hour
	}
	now := l.now().UTC()
	r.DecidedBy, r.DecidedAt, r.Message = actor.UserID, &now, msg
	var g *Grant
	if d.Approve {
		r.Status = RequestApproved
		ng := newGrant(r, actor.UserID, now)
		g = &ng
	} else {
		r.Status = RequestDenied
	}
	if err := l.store.DecideRequest(ctx, r, g); err != nil {
		return r, nil, wrap(op, Internal, err)
	}
	action := EventDeny
	if d.Approve {
		action = EventApprove
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: action, AssetID: r.AssetID, Detail: r.ID})
	l.notifyDecided(ctx, r.RequesterID, r.RequesterEmail, []Request{r}, d.Approve, msg)
	return r, g, nil
}

// DeleteRequest removes a request; an approved one's grants are revoked
// with it, so no path leaves access behind.
func (l *Library) DeleteRequest(ctx context.Context, id string) error {
	const op = "dam.DeleteRequest"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if !validID(id) {
		return E(op, NotFound, "request %.30q not found", id)
	}
	r, err := l.store.Request(ctx, id)
	if err != nil {
		return wrap(op, Internal, err)
	}
	if !actor.reaches(r.Domain) || (!actor.IsOwner() && r.RequesterID != actor.UserID) {
		return E(op, NotFound, "request %s not found", id)
	}
	if err := l.store.DeleteRequest(ctx, id, actor.UserID, l.now().UTC()); err != nil {
		return wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventRequestDelete, AssetID: r.AssetID, Detail: r.ID})
	return nil
}

// Grants lists download permissions: owners see any (filtered by q), other
// users their own.
func (l *Library) Grants(ctx context.Context, q GrantQuery) ([]Grant, error) {
	const op = "dam.Grants"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if !actor.IsOwner() {
		q.UserID, q.Email = actor.UserID, ""
	}
	gs, err := l.store.Grants(ctx, q)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := gs[:0]
	for _, g := range gs {
		if a, err := l.store.Asset(ctx, g.AssetID); err == nil && actor.reaches(a.Domain) {
			out = append(out, g)
		}
	}
	return out, nil
}

// RevokeGrant ends a download permission at once (owners only).
func (l *Library) RevokeGrant(ctx context.Context, id string) (Grant, error) {
	const op = "dam.RevokeGrant"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Grant{}, err
	}
	if !actor.IsOwner() {
		return Grant{}, E(op, PermissionDenied, "only owners revoke download permissions")
	}
	if !validID(id) {
		return Grant{}, E(op, NotFound, "grant %.30q not found", id)
	}
	g, err := l.store.Grant(ctx, id)
	if err != nil {
		return Grant{}, wrap(op, Internal, err)
	}
	if _, err := l.visibleAsset(ctx, op, actor, g.AssetID); err != nil && KindOf(err) == NotFound {
		if _, err := l.anyAsset(ctx, op, actor, g.AssetID); err != nil {
			return Grant{}, E(op, NotFound, "grant %s not found", id)
		}
	}
	now := l.now().UTC()
	if err := l.store.RevokeGrant(ctx, id, actor.UserID, now); err != nil {
		return Grant{}, wrap(op, Internal, err)
	}
	g.RevokedAt, g.RevokedBy = &now, actor.UserID
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventRevoke, AssetID: g.AssetID, Detail: g.ID})
	if g.Email != "" && g.RequestID != "" {
		// A portal visitor's grant: their background downloads holding
		// the asset go with it (guestjobs.go).
		if pid, err := l.store.RequestPortal(ctx, g.RequestID); err == nil {
			l.killLinkJobs(ctx, VisitorRequester(pid, g.Email), []string{g.AssetID}, "a download permission was revoked")
		} else if KindOf(err) != NotFound {
			l.log.Error("finding the portal of a revoked grant failed", "grant", g.ID, "err", err)
		}
	}
	return g, nil
}
