package dam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/damkit/damkit/policy"
)

// CreateLicence publishes a licence as version 1 (administrators
// only). It applies
// nowhere until an owner sets it on the library, a folder or an asset.
func (l *Library) CreateLicence(ctx context.Context, title, text string) (Licence, error) {
	const op = "dam.CreateLicence"
	actor, err := administrator(ctx, op, "licences")
	if err != nil {
		return Licence{}, err
	}
	title, text, err = checkLicenceText(op, title, text, l.opts.MaxLicenceText)
	if err != nil {
		return Licence{}, err
	}
	now := l.now().UTC()
	lic := Licence{ID: NewID(now), Title: title, Text: text, Version: 1,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedBy: actor.UserID, UpdatedAt: now}
	if err := l.store.CreateLicence(ctx, lic); err != nil {
		return Licence{}, wrap(op, Internal, err)
	}
	return lic, nil
}

// UpdateLicence changes a licence (administrators only). A new text publishes the
// next version: everyone who accepted an earlier one is asked again before
// their next download. A concurrent change wins (Conflict: read it again).
func (l *Library) UpdateLicence(ctx context.Context, id string, p LicencePatch) (Licence, error) {
	const op = "dam.UpdateLicence"
	actor, err := administrator(ctx, op, "licences")
	if err != nil {
		return Licence{}, err
	}
	cur, err := l.licence(ctx, op, id)
	if err != nil {
		return Licence{}, err
	}
	next := cur
	if p.Title != nil {
		next.Title = *p.Title
	}
	if p.Text != nil {
		next.Text = *p.Text
	}
	if next.Title, next.Text, err = checkLicenceText(op, next.Title, next.Text, l.opts.MaxLicenceText); err != nil {
		return Licence{}, err
	}
	if next.Text != cur.Text {
		next.Version++
	}
	next.UpdatedBy, next.UpdatedAt = actor.UserID, l.now().UTC()
	if err := l.store.UpdateLicence(ctx, next, cur.Version); err != nil {
		if KindOf(err) == FailedPrecondition {
			return Licence{}, E(op, Conflict, "licence %s was changed meanwhile: read it again", id)
		}
		return Licence{}, wrap(op, Internal, err)
	}
	return next, nil
}

// DeleteLicence removes a licence (administrators only) that is set nowhere: not
// as the library default, on no portal, folder or asset, trashed ones included.
// What people accepted stays in the record.
func (l *Library) DeleteLicence(ctx context.Context, id string) error {
	const op = "dam.DeleteLicence"
	if _, err := administrator(ctx, op, "licences"); err != nil {
		return err
	}
	if _, err := l.licence(ctx, op, id); err != nil {
		return err
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		return wrap(op, Internal, err)
	}
	if s.Licence == id {
		return E(op, FailedPrecondition, "licence %s is the library's default licence", id)
	}
	ps, err := l.store.Portals(ctx)
	if err != nil {
		return wrap(op, Internal, err)
	}
	for _, p := range ps {
		if p.Licence == id {
			return E(op, FailedPrecondition, "licence %s is the licence of portal %q", id, p.Slug)
		}
	}
	return wrap(op, Internal, l.store.DeleteLicence(ctx, id))
}

// Licence returns the current version of a licence (any user).
func (l *Library) Licence(ctx context.Context, id string) (Licence, error) {
	const op = "dam.Licence"
	if _, err := actorFor(ctx, op); err != nil {
		return Licence{}, err
	}
	return l.licence(ctx, op, id)
}

// LicenceVersion returns a published version of a licence (any user), for
// reading exactly what someone accepted.
func (l *Library) LicenceVersion(ctx context.Context, id string, version int) (Licence, error) {
	const op = "dam.LicenceVersion"
	if _, err := actorFor(ctx, op); err != nil {
		return Licence{}, err
	}
	if !validID(id) || version < 1 {
		return Licence{}, E(op, NotFound, "licence %.30q version %d not found", id, version)
	}
	lic, err := l.store.LicenceVersion(ctx, id, version)
	return lic, wrap(op, Internal, err)
}

// Licences lists the licences (any user).
func (l *Library) Licences(ctx context.Context) ([]Licence, error) {
	const op = "dam.Licences"
	if _, err := actorFor(ctx, op); err != nil {
		return nil, err
	}
	ls, err := l.store.Licences(ctx)
	return ls, wrap(op, Internal, err)
}

// SetFolderLicence sets the licence a folder's assets and subfolders
// inherit (owners only): a licence ID, NoLicence to stop one set above, or
// "" to inherit.
func (l *Library) SetFolderLicence(ctx context.Context, folderID, licence string) (Folder, error) {
	const op = "dam.SetFolderLicence"
	actor, err := l.licenceOwner(ctx, op)
	if err != nil {
		return Folder{}, err
	}
	if _, err := l.visibleFolder(ctx, op, actor, folderID); err != nil {
		return Folder{}, err
	}
	if err := l.setLicence(ctx, op, licence, func() error {
		return l.store.SetFolderLicence(ctx, folderID, licence, l.now().UTC())
	}); err != nil {
		return Folder{}, err
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventProtect, Detail: "folder " + folderID + " licence " + licenceLabel(licence)})
	return l.visibleFolder(ctx, op, actor, folderID)
}

// SetAssetLicence sets an asset's own licence (owners only), which no
// folder or library setting overrules.
func (l *Library) SetAssetLicence(ctx context.Context, assetID, licence string) (Asset, error) {
	const op = "dam.SetAssetLicence"
	actor, err := l.licenceOwner(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return Asset{}, err
	}
	if err := l.setLicence(ctx, op, licence, func() error {
		return l.store.SetAssetLicence(ctx, assetID, licence, actor.UserID, l.now().UTC())
	}); err != nil {
		return Asset{}, err
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventProtect, AssetID: assetID, Detail: "licence " + licenceLabel(licence)})
	return l.visibleAsset(ctx, op, actor, assetID)
}

// setLicence validates a licence setting and runs the store write, telling
// an unknown licence apart from a missing folder or asset.
func (l *Library) setLicence(ctx context.Context, op, licence string, write func() error) error {
	if err := checkLicenceSetting(op, licence); err != nil {
		return err
	}
	if licence != "" && licence != NoLicence {
		if _, err := l.licence(ctx, op, licence); err != nil {
			return E(op, Invalid, "unknown licence %.30q", licence)
		}
	}
	return wrap(op, Internal, write())
}

func licenceLabel(s string) string {
	if s == "" {
		return "inherit"
	}
	return s
}

// AcceptLicence records that the actor of ctx (a user, or a share guest in
// a GuestActor context) accepts version of a licence. The version must be
// the current one, so nobody accepts a text they were not shown (Conflict
// after a change: read it again). The acceptance goes to the usage log.
func (l *Library) AcceptLicence(ctx context.Context, id string, version int) (LicenceAcceptance, error) {
	const op = "dam.AcceptLicence"
	actor, ok := ActorFrom(ctx)
	via := ""
	switch {
	case ok && actor.Kind == ActorGuest:
		a, sh, err := l.guestFrom(ctx, op)
		if err != nil {
			return LicenceAcceptance{}, err
		}
		actor, via = a, " share "+sh.ID
		if err := l.licenceGoverns(ctx, op, actor, sh.AssetIDs, policyShare(sh), nil, id); err != nil {
			return LicenceAcceptance{}, err
		}
	default:
		a, err := actorFor(ctx, op)
		if err != nil {
			return LicenceAcceptance{}, err
		}
		actor = a
	}
	return l.accept(ctx, op, actor, id, version, via)
}

// PortalAcceptLicence records that the visitor of a signed portal link
// accepts version of a licence governing one of the portal's assets.
func (l *Library) PortalAcceptLicence(ctx context.Context, slug, token, id string, version int) (LicenceAcceptance, error) {
	const op = "dam.PortalAcceptLicence"
	p, visitor, err := l.visitor(ctx, op, slug, token)
	if err != nil {
		return LicenceAcceptance{}, err
	}
	ids, err := l.portalAssetIDs(ctx, op, p)
	if err != nil {
		return LicenceAcceptance{}, err
	}
	if err := l.licenceGoverns(ctx, op, visitor, ids, nil, policyPortal(p, ids), id); err != nil {
		return LicenceAcceptance{}, err
	}
	return l.accept(ctx, op, visitor, id, version, " portal "+p.ID)
}

// licenceGoverns makes sure licence id governs one of the assets a guest or
// visitor reaches: they may read and accept those licences, and learn of
// no other.
func (l *Library) licenceGoverns(ctx context.Context, op string, actor Actor, ids []string, sh *policy.Share, p *policy.Portal, id string) error {
	as, err := l.presentAssets(ctx, op, ids)
	if err != nil {
		return err
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return err
	}
	for _, a := range as {
		in := acc.input(actor, a, policy.ActionView, "")
		in.Share, in.Portal = sh, p
		if d := policy.Decide(in); d.Allowed && d.Licence == id {
			return nil
		}
	}
	return E(op, NotFound, "licence %.30q not found", id)
}

// presentAssets reads the live assets among ids in order, whatever their
// domain (guests and visitors have none), skipping missing and trashed ones.
func (l *Library) presentAssets(ctx context.Context, op string, ids []string) ([]Asset, error) {
	var out []Asset
	for _, id := range ids {
		a, err := l.store.Asset(ctx, id)
		if KindOf(err) == NotFound || err == nil && a.DeletedAt != nil {
			continue
		}
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func (l *Library) accept(ctx context.Context, op string, actor Actor, id string, version int, via string) (LicenceAcceptance, error) {
	key := licenceActor(actor)
	if key == "" {
		return LicenceAcceptance{}, E(op, Unauthenticated, "only a known user, guest or visitor can accept a licence")
	}
	cur, err := l.licence(ctx, op, id)
	if err != nil {
		return LicenceAcceptance{}, err
	}
	if version != cur.Version {
		return LicenceAcceptance{}, E(op, Conflict, "licence %s is at version %d, not %d: read it again", id, cur.Version, version)
	}
	a := LicenceAcceptance{Actor: key, LicenceID: id, Version: version, AcceptedAt: l.now().UTC()}
	if err := l.store.AcceptLicence(ctx, a); err != nil {
		return LicenceAcceptance{}, wrap(op, Internal, err)
	}
	who := actor.Email
	if actor.Kind == ActorUser {
		who = actor.UserID
	}
	l.record(ctx, Event{ActorID: who, Action: EventLicenceAccept, Detail: fmt.Sprintf("licence %s v%d%s", id, version, via)})
	return a, nil
}

// licence reads the current version of a licence, NotFound for a bad ID.
func (l *Library) licence(ctx context.Context, op, id string) (Licence, error) {
	if !validID(id) {
		return Licence{}, E(op, NotFound, "licence %.30q not found", id)
	}
	lic, err := l.store.Licence(ctx, id)
	return lic, wrap(op, Internal, err)
}

func (l *Library) licenceOwner(ctx context.Context, op string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.IsOwner() {
		return Actor{}, E(op, PermissionDenied, "only owners manage licences")
	}
	return actor, nil
}

// licenceState is what loadAccess learns about licences for one actor:
// every licence by ID, and the set whose current version the actor
// accepted.
type licenceState struct {
	byID     map[string]Licence
	accepted policy.LicenceSet
}

// licencesFor reads the licences and the actor's acceptances, through an
// access snapshot (nil: from the store); anonymous actors have accepted
// nothing.
func (l *Library) licencesFor(ctx context.Context, snap *accessSnap, actor Actor) (licenceState, error) {
	ls, err := snap.loadLicences(ctx, l.store)
	if err != nil || len(ls) == 0 {
		return licenceState{}, err
	}
	st := licenceState{byID: make(map[string]Licence, len(ls)), accepted: policy.LicenceSet{}}
	for _, lic := range ls {
		st.byID[lic.ID] = lic
	}
	key := licenceActor(actor)
	if key == "" {
		return st, nil
	}
	as, err := snap.loadAcceptances(ctx, l.store, key)
	if err != nil {
		return licenceState{}, err
	}
	for _, a := range as {
		if lic, ok := st.byID[a.LicenceID]; ok && lic.Version == a.Version {
			st.accepted[a.LicenceID] = struct{}{}
		}
	}
	return st, nil
}

// ref names licence id for a refusal; an ID no longer stored still names
// itself, so the refusal stays honest.
func (st licenceState) ref(id string) LicenceRef {
	lic, ok := st.byID[id]
	if !ok {
		return LicenceRef{ID: id}
	}
	return LicenceRef{ID: id, Title: lic.Title, Version: lic.Version}
}

// LicenceError is the error of a download waiting for licences: the
// licences the actor must accept first, each once per version.
type LicenceError struct {
	Licences []LicenceRef
}

func (e *LicenceError) Error() string {
	names := make([]string, len(e.Licences))
	for i, r := range e.Licences {
		names[i] = fmt.Sprintf("%q (%s, version %d)", r.Title, r.ID, r.Version)
	}
	slices.Sort(names)
	if len(names) == 1 {
		return "accept the licence " + names[0] + " before downloading"
	}
	return fmt.Sprintf("accept the licences %v before downloading", names)
}

// sharedAsset is a as a guest or visitor sees it, with the licence that
// governs its download decision d.
func (acc *access) sharedAsset(a Asset, d policy.Decision) SharedAsset {
	return SharedAsset{ID: a.ID, Name: a.Name, Kind: a.Kind, MediaType: a.Current.MediaType,
		Size: a.Current.Size, Width: a.Current.Width, Height: a.Current.Height,
		Licence: d.Licence, LicencePending: d.Reason == policy.ReasonLicenceRequired,
		LicenceAccepted: d.Licence != "" && acc.lic.accepted.Has(d.Licence)}
}

// licenceTexts returns the licences the assets name, each once, by title.
func (acc *access) licenceTexts(as []SharedAsset) []Licence {
	var out []Licence
	seen := map[string]bool{}
	for _, a := range as {
		if lic, ok := acc.lic.byID[a.Licence]; ok && !seen[a.Licence] {
			seen[a.Licence] = true
			out = append(out, lic)
		}
	}
	slices.SortFunc(out, func(a, b Licence) int { return strings.Compare(a.Title, b.Title) })
	return out
}

// addLicenceRefs adds the licences a LicenceRequired error names to refs,
// each once.
func addLicenceRefs(refs []LicenceRef, err error) []LicenceRef {
	var le *LicenceError
	if errors.As(err, &le) {
		for _, r := range le.Licences {
			if !slices.ContainsFunc(refs, func(x LicenceRef) bool { return x.ID == r.ID }) {
				refs = append(refs, r)
			}
		}
	}
	return refs
}
