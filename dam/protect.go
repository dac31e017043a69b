package dam

import (
	"context"
	"time"

	"github.com/damkit/damkit/policy"
)

// access is what the policy needs besides the asset: loaded once per call
// and shared by every asset of a selection in one domain.
type access struct {
	settings Settings
	trees    map[string]*policy.Tree // by domain
	grants   *policy.Grants
	lic      licenceState
	now      time.Time
	// snap is the access cache's snapshot the rules were read from (nil
	// when the generation could not be read).
	snap *accessSnap
}

// loadAccess reads the settings, the licences and the actor's acceptances,
// the folder trees of the actor's domains and the actor's live grants on
// assetIDs.
func (l *Library) loadAccess(ctx context.Context, op string, actor Actor, assetIDs []string) (*access, error) {
	snap := l.access.current(ctx, l.store) // accesscache.go
	s, err := snap.loadSettings(ctx, l.store)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	acc := &access{settings: s, trees: map[string]*policy.Tree{}, now: l.now().UTC(), snap: snap}
	if acc.lic, err = l.licencesFor(ctx, snap, actor); err != nil {
		return nil, wrap(op, Internal, err)
	}
	// Guests and visitors see no domain, yet the folders of the assets they
	// reach pass licences on (and, for visitors, protection, which decides
	// the watermark): they get every domain's tree. Guests skip it while
	// the library has no licence, as nothing else in a tree bears on them.
	domains := actor.Domains
	needTrees := len(domains) > 0 || actor.Kind == ActorVisitor || actor.Kind == ActorGuest && len(acc.lic.byID) > 0
	if needTrees {
		trees, err := snap.loadTrees(ctx, l.store, domains)
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		for d, t := range trees {
			acc.trees[d] = t
		}
	}
	if actor.Kind == ActorUser && actor.Role == RoleViewer || actor.Kind == ActorVisitor {
		gs, err := l.store.Grants(ctx, GrantQuery{UserID: actor.UserID, Email: visitorEmail(actor), AssetIDs: assetIDs, Live: true})
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		pg := make([]policy.Grant, len(gs))
		for i, g := range gs {
			pg[i] = policyGrant(g)
		}
		acc.grants = policy.IndexGrants(pg)
	}
	return acc, nil
}

func visitorEmail(a Actor) string {
	if a.Kind == ActorVisitor {
		return a.Email
	}
	return ""
}

// input builds the policy input for one asset.
func (acc *access) input(actor Actor, a Asset, action policy.Action, profile string) policy.Input {
	return policy.Input{
		Action: action, Profile: profile, Actor: policyActor(actor), Asset: policyAsset(a),
		Settings: acc.policySettings(), Tree: acc.trees[a.Domain], Grants: acc.grants, Accepted: acc.lic.accepted, Now: acc.now,
	}
}

// refusal is the package's refusal, naming the licence to accept when that
// is what the download waits for.
func (acc *access) refusal(op string, a Asset, d policy.Decision) error {
	if d.Reason == policy.ReasonLicenceRequired {
		return &Error{Op: op, Kind: LicenceRequired, Err: &LicenceError{Licences: []LicenceRef{acc.lic.ref(d.Licence)}}}
	}
	return refusal(op, a, d)
}

func (acc *access) policySettings() policy.Settings {
	var kinds []policy.Kind
	for _, k := range acc.settings.NotDownloadable {
		kinds = append(kinds, policyKind(k))
	}
	return policy.Settings{ProtectByDefault: acc.settings.ProtectByDefault, ShowWatermarks: acc.settings.ShowWatermarks,
		NotDownloadable: policy.Kinds(kinds...), DownloadsOff: acc.settings.DownloadsOff, Licence: acc.settings.Licence}
}

func policyActor(a Actor) policy.Actor {
	pa := policy.Actor{ID: a.UserID, Email: a.Email, Domains: a.Domains}
	switch {
	case a.Kind == ActorGuest:
		pa.Role = policy.RoleGuest
	case a.Kind == ActorVisitor:
		pa.Role = policy.RoleVisitor
	case a.Role == RoleOwner:
		pa.Role = policy.RoleOwner
	case a.Role == RoleEditor:
		pa.Role = policy.RoleEditor
	case a.Role == RoleViewer:
		pa.Role = policy.RoleViewer
	}
	return pa
}

func policyAsset(a Asset) policy.Asset {
	pa := policy.Asset{ID: a.ID, FolderID: a.FolderID, Domain: a.Domain, Kind: policyKind(a.Kind),
		Available: a.Availability == Available && a.DeletedAt == nil, Protection: policySetting(a.Protection), Licence: a.Licence}
	if a.ExpiresAt != nil {
		pa.ExpiresAt = *a.ExpiresAt
	}
	return pa
}

func policyKind(k MediaKind) policy.Kind {
	switch k {
	case MediaImage:
		return policy.KindImage
	case MediaVideo:
		return policy.KindVideo
	case MediaAudio:
		return policy.KindAudio
	case MediaDocument:
		return policy.KindDocument
	}
	return policy.KindOther
}

func policySetting(p Protection) policy.Setting {
	switch p {
	case Protected:
		return policy.Protected
	case Unprotected:
		return policy.Unprotected
	}
	return policy.Inherit
}

func policyGrant(g Grant) policy.Grant {
	pg := policy.Grant{ID: g.ID, ActorID: g.UserID, Email: g.Email, AssetID: g.AssetID, From: g.From}
	if g.Until != nil {
		pg.Until = *g.Until
	}
	if g.RevokedAt != nil {
		pg.RevokedAt = *g.RevokedAt
	}
	return pg
}

// refusal turns a negative decision into the error the caller sees:
// NotFound when the actor must not learn the asset exists, NeedsRequest
// when asking could help, PermissionDenied otherwise, each saying why.
func refusal(op string, a Asset, d policy.Decision) error {
	switch {
	case d.Hidden():
		return E(op, NotFound, "asset %s not found", a.ID)
	case d.CanRequest:
		return &Error{Op: op, Kind: NeedsRequest, Err: &RefusalError{AssetID: a.ID, Reason: string(d.Reason),
			Msg: "asset " + a.ID + " is protected" + sourceText(d.Source) + ": request a download and an owner will decide"}}
	}
	return &Error{Op: op, Kind: PermissionDenied, Err: &RefusalError{AssetID: a.ID, Reason: string(d.Reason), Msg: reasonText(a, d.Reason)}}
}

// RefusalError says which asset was refused and the policy's reason code,
// so that callers (the HTTP layer, a UI) can explain or offer a request.
type RefusalError struct {
	AssetID string
	Reason  string // a policy.Reason code such as "protected" or "expired"
	Msg     string
}

func (e *RefusalError) Error() string { return e.Msg }

func sourceText(s policy.Source) string {
	switch s.Level {
	case policy.LevelAsset:
		return " (set on the asset)"
	case policy.LevelFolder:
		return " (set on folder " + s.FolderID + ")"
	case policy.LevelLibrary:
		return " (the library protects all assets by default)"
	}
	return ""
}

func reasonText(a Asset, r policy.Reason) string {
	switch r {
	case policy.ReasonUnavailable:
		return "asset " + a.ID + " is unavailable: only owners may download it"
	case policy.ReasonExpired:
		return "asset " + a.ID + " is past its expiry date: only owners may download it"
	case policy.ReasonKindNotDownloadable:
		return "downloads of " + string(a.Kind) + " assets are turned off in this library"
	case policy.ReasonProfileNotShared:
		return "this share offers asset " + a.ID + " in another export profile only"
	case policy.ReasonDownloadsDisabled:
		return "downloads are turned off on this portal"
	case policy.ReasonLibraryDownloadsOff:
		return "downloads are turned off for this library: only owners may download"
	}
	return "not allowed (" + string(r) + ")"
}

// AccessInfo is the actor's standing on one asset, for a UI to show a
// download button, a request button or a lock.
type AccessInfo struct {
	AssetID     string `json:"asset_id"`
	CanDownload bool   `json:"can_download"`
	CanRequest  bool   `json:"can_request"`
	Protected   bool   `json:"protected"`
	ProtectedBy string `json:"protected_by,omitempty"` // asset, folder or library
	FolderID    string `json:"protected_by_folder,omitempty"`
	Watermark   bool   `json:"watermark"`
	Reason      string `json:"reason"`
	GrantID     string `json:"grant_id,omitempty"`
	// Licence is the licence that governs downloading the asset, if any;
	// LicencePending says the actor must accept its current version first.
	Licence        *LicenceRef `json:"licence,omitempty"`
	LicencePending bool        `json:"licence_pending"`
	// Explanation says in words why the actor may not download ("" when
	// it may): the message a download attempt would be refused with.
	Explanation string `json:"explanation,omitempty"`
}

// Access tells the actor whether it may download an asset's original and,
// if not, whether it may request it.
func (l *Library) Access(ctx context.Context, assetID string) (AccessInfo, error) {
	const op = "dam.Access"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return AccessInfo{}, err
	}
	a, err := l.visibleAsset(ctx, op, actor, assetID)
	if err != nil {
		return AccessInfo{}, err
	}
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return AccessInfo{}, err
	}
	d := policy.Decide(acc.input(actor, a, policy.ActionDownload, ""))
	view := policy.Decide(acc.input(actor, a, policy.ActionView, ""))
	info := AccessInfo{AssetID: a.ID, CanDownload: d.Allowed, CanRequest: d.CanRequest, Protected: d.Protected,
		ProtectedBy: d.Source.Level.String(), FolderID: d.Source.FolderID, Watermark: view.Watermark,
		Reason: string(d.Reason), GrantID: d.GrantID, LicencePending: d.Reason == policy.ReasonLicenceRequired}
	if !d.Allowed {
		info.Explanation = ErrorMessage(acc.refusal("", a, d))
	}
	if d.Licence != "" {
		ref := acc.lic.ref(d.Licence)
		info.Licence = &ref
	}
	return info, nil
}

// authorizeDownload decides whether actor may download a (profile "" is the
// original) and records nothing; it returns the decision or the refusal.
func (l *Library) authorizeDownload(ctx context.Context, op string, actor Actor, a Asset, profile string) (policy.Decision, error) {
	acc, err := l.loadAccess(ctx, op, actor, []string{a.ID})
	if err != nil {
		return policy.Decision{}, err
	}
	d := policy.Decide(acc.input(actor, a, policy.ActionDownload, profile))
	if !d.Allowed {
		return d, acc.refusal(op, a, d)
	}
	return d, nil
}

// allowedButForLicence reports whether a download decision allows, or would
// once the actor accepts the licence: guests and visitors see such assets
// and are offered the licence.
func allowedButForLicence(d policy.Decision) bool {
	return d.Allowed || d.Reason == policy.ReasonLicenceRequired
}

// SetAssetProtection sets an asset's own protection (owners only). An
// asset-level setting is never overruled by its folder or the library.
func (l *Library) SetAssetProtection(ctx context.Context, id string, p Protection) (Asset, error) {
	const op = "dam.SetAssetProtection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	a, err := l.visibleAsset(ctx, op, actor, id)
	if err != nil {
		return Asset{}, err
	}
	if !actor.IsOwner() {
		return Asset{}, E(op, PermissionDenied, "only owners change protection")
	}
	if p == "" || !p.Valid() {
		return Asset{}, E(op, Invalid, "protection must be inherit, protected or unprotected")
	}
	a.Protection = p
	a.UpdatedBy, a.UpdatedAt = actor.UserID, l.now().UTC()
	if err := l.store.UpdateAssets(ctx, []Asset{a}); err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventProtect, AssetID: a.ID, Detail: string(p)})
	return a, nil
}

// SetFolderProtection sets a folder's protection (owners only); its assets
// and subfolders inherit it unless they set their own.
func (l *Library) SetFolderProtection(ctx context.Context, id string, p Protection) (Folder, error) {
	const op = "dam.SetFolderProtection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Folder{}, err
	}
	if _, err := l.visibleFolder(ctx, op, actor, id); err != nil {
		return Folder{}, err
	}
	if !actor.IsOwner() {
		return Folder{}, E(op, PermissionDenied, "only owners change protection")
	}
	if p == "" || !p.Valid() {
		return Folder{}, E(op, Invalid, "protection must be inherit, protected or unprotected")
	}
	if err := l.store.SetFolderProtection(ctx, id, p, l.now().UTC()); err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventProtect, Detail: "folder " + id + " " + string(p)})
	return l.visibleFolder(ctx, op, actor, id)
}
