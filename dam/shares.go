package dam

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/policy"
	"github.com/damkit/damkit/share"
)

// Limits of shares.
const (
	maxShareTitle       = 200
	maxShareDescription = 2000
	maxShareComment     = 2000
	maxSharedAssets     = 1000
)

// Share events for the usage log.
const (
	EventShareCreate EventAction = "share_create"
	EventShareEdit   EventAction = "share_edit"
	EventShareDelete EventAction = "share_delete"
	EventShareInvite EventAction = "share_invite"
	EventShareRemove EventAction = "share_guest_remove"
	EventShareOpen   EventAction = "share_open"
)

// Notification kinds of shares.
const (
	NotifyShareInvitation = "share_invitation"
	NotifyShareExpiring   = "share_expiring"
	NotifyShareExpired    = "share_expired"
)

// ShareLinks is implemented by a Links that also knows where guests open a
// share (damhttp.Links does); without it invitations carry no link.
type ShareLinks interface {
	ShareLink(token string) string
}

// NewShare is what a sharer asks for. Guests is a comma-separated list of
// email addresses, as people type it; UserIDs names internal users.
type NewShare struct {
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	AssetIDs     []string `json:"asset_ids"`
	CollectionID string   `json:"collection_id"`
	Profile      string   `json:"profile"`
	Days         int      `json:"days"`
	Guests       string   `json:"guests"`
	UserIDs      []string `json:"user_ids"`
	Comment      string   `json:"comment"`
	// ViewOnly shows the assets and hands out no download; Password, when
	// given, is asked of every guest once per browser session;
	// DownloadLimit caps the downloads of the whole share (0: none).
	ViewOnly      bool   `json:"view_only"`
	Password      string `json:"password"`
	DownloadLimit int    `json:"download_limit"`
	// AssetDownloadLimit lets each guest download each asset at most so
	// many times (a file, or a ZIP holding it; 0: no limit).
	AssetDownloadLimit int `json:"asset_download_limit"`
}

// Invitees names the guests to invite to an existing share.
type Invitees struct {
	Guests  string   `json:"guests"`
	UserIDs []string `json:"user_ids"`
	Comment string   `json:"comment"`
	// ExpiresAt gives these guests an end of their own, no later than the
	// share's (nil: the share's); DownloadLimit a limit of their own.
	ExpiresAt     *ShareEnd `json:"expires_at"`
	DownloadLimit int       `json:"download_limit"`
}

// GuestLink is a guest's link, returned once to the sharer when the guest
// is invited (only its hash is stored), so it can also be passed on by hand.
type GuestLink struct {
	GuestID string `json:"guest_id"`
	Email   string `json:"email"`
	Token   string `json:"token"`
	URL     string `json:"url,omitempty"`
}

// ShareView is a share as its sharer sees it: guests whose access still
// works apart from those whose access expired or was removed.
type ShareView struct {
	Share
	Active        bool        `json:"active"`
	ActiveGuests  []Guest     `json:"active_guests"`
	ExpiredGuests []Guest     `json:"expired_guests"`
	Skipped       []Skipped   `json:"skipped,omitempty"` // assets left out by the call that returned the view
	Links         []GuestLink `json:"links,omitempty"`   // links of guests invited by the call
	// PublicLink is the one link of a share created without guests
	// (sharelink.go): anyone with it opens the share while it is active.
	PublicLink string `json:"public_link,omitempty"`
	// Password says guests are asked for the share's password.
	Password bool `json:"password"`
}

// SharePatch changes a share; nil fields stay.
type SharePatch struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Enabled     *bool   `json:"enabled"`
	// ViewOnly, Password ("" removes it) and DownloadLimit (0: none) as
	// in NewShare.
	ViewOnly      *bool   `json:"view_only"`
	Password      *string `json:"password"`
	DownloadLimit *int    `json:"download_limit"`
	// AssetDownloadLimit as in NewShare (0: none).
	AssetDownloadLimit *int `json:"asset_download_limit"`
}

func (o *Options) shareDefaults() {
	if len(o.ShareDurations) == 0 {
		// Spelled out, so Library.Options shows pages the list to offer.
		o.ShareDurations = slices.Clone(share.DefaultDurations)
	}
	setDefault(&o.ShareExpiryNotice, 24*time.Hour)
	setDefault(&o.MaxGuestsPerCall, share.DefaultMaxGuests)
}

func shareTitle(op, s string) (string, error) {
	t := strings.Join(strings.Fields(cleanText(s, maxShareTitle+1)), " ")
	if t == "" {
		return "", E(op, Invalid, "a share needs a title")
	}
	if len([]rune(t)) > maxShareTitle {
		return "", E(op, Invalid, "title is longer than %d characters", maxShareTitle)
	}
	return t, nil
}

func shareText(op, what, s string, limit int) (string, error) {
	t := cleanText(s, limit+1)
	if len([]rune(t)) > limit {
		return "", E(op, Invalid, "%s is longer than %d characters", what, limit)
	}
	return t, nil
}

// CreateShare creates a share of assets (or a collection's) for guests and
// invites them; a share created without guests gets one public link
// instead (ShareView.PublicLink, sharelink.go). Owners and editors create
// shares once the library's settings enable them. Assets that cannot be shared (unavailable, expired,
// a kind guests may not download, outside the sharer's rights) are left out
// and listed in Skipped; a share with none left is refused.
func (l *Library) CreateShare(ctx context.Context, ns NewShare) (ShareView, error) {
	const op = "dam.CreateShare"
	actor, err := l.sharer(ctx, op)
	if err != nil {
		return ShareView{}, err
	}
	title, err := shareTitle(op, ns.Title)
	if err != nil {
		return ShareView{}, err
	}
	desc, err := shareText(op, "description", ns.Description, maxShareDescription)
	if err != nil {
		return ShareView{}, err
	}
	comment, err := shareText(op, "comment", ns.Comment, maxShareComment)
	if err != nil {
		return ShareView{}, err
	}
	if ns.Days <= 0 || ns.Days > 3660 {
		return ShareView{}, E(op, Invalid, "days must be one of %s", l.opts.ShareDurations)
	}
	d := time.Duration(ns.Days) * share.Day
	if err := l.opts.ShareDurations.Check(d); err != nil {
		return ShareView{}, E(op, Invalid, "%s", strings.TrimPrefix(err.Error(), "share: "))
	}
	profile, err := l.shareProfile(ctx, op, ns.Profile)
	if err != nil {
		return ShareView{}, err
	}
	invitees, err := l.invitees(ctx, op, actor, Invitees{Guests: ns.Guests, UserIDs: ns.UserIDs})
	if err != nil {
		return ShareView{}, err
	}
	ids := slices.Clone(ns.AssetIDs)
	var assetProfiles map[string]string
	if ns.CollectionID != "" {
		c, err := l.ownCollection(ctx, op, actor, ns.CollectionID)
		if err != nil {
			return ShareView{}, err
		}
		for _, it := range c.Items {
			ids = append(ids, it.AssetID)
		}
		if profile == "" {
			assetProfiles = collectionProfiles(c)
		}
	}
	now := l.now().UTC()
	sh := Share{ID: NewID(now), Title: title, Description: desc, Profile: profile, AssetProfiles: assetProfiles,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(d), Enabled: true}
	if d <= l.opts.ShareExpiryNotice {
		sh.ExpiringNoticeAt = &now // too short to warn ahead of its end
	}
	var pw *string
	if ns.Password != "" {
		pw = &ns.Password
	}
	if _, err := shareSettings(op, &sh, &ns.ViewOnly, pw, &ns.DownloadLimit, &ns.AssetDownloadLimit); err != nil {
		return ShareView{}, err
	}
	kept, skipped, err := l.shareable(ctx, op, actor, sh, ids)
	if err != nil {
		return ShareView{}, err
	}
	if len(kept) == 0 {
		return ShareView{}, &Error{Op: op, Kind: FailedPrecondition, Err: fmt.Errorf("nothing to share: %s", skippedText(skipped))}
	}
	sh.AssetIDs = kept
	for id := range sh.AssetProfiles {
		if !slices.Contains(kept, id) {
			delete(sh.AssetProfiles, id)
		}
	}
	if len(sh.AssetProfiles) == 0 {
		sh.AssetProfiles = nil
	}
	links := l.newGuests(&sh, invitees, actor, now)
	if len(invitees) == 0 {
		if err := l.publicGuest(ctx, op, &sh, actor, now); err != nil {
			return ShareView{}, err
		}
	}
	if err := l.store.CreateShare(ctx, sh); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareCreate, Detail: "share " + sh.ID})
	l.invite(ctx, actor, sh, sh.Guests[:len(links)], links, comment)
	v, err := l.sharerView(ctx, op, sh, now)
	if err != nil {
		return ShareView{}, err
	}
	v.Skipped, v.Links = skipped, links
	return v, nil
}

// sharer returns the user actor if it may manage shares at all.
func (l *Library) sharer(ctx context.Context, op string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.CanEdit() {
		return Actor{}, E(op, PermissionDenied, "only owners and editors share assets")
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		return Actor{}, wrap(op, Internal, err)
	}
	if !s.SharesEnabled {
		return Actor{}, E(op, FailedPrecondition, "shares are not enabled in this library (an owner turns on shares_enabled in the settings)")
	}
	return actor, nil
}

// collectionProfiles is the export profile a share that fixes none offers
// each asset of c in: the item's own, else the collection's default
// ("original" is the original, named by no entry). An asset the sharer
// also picked by hand is offered as the collection offers it.
func collectionProfiles(c Collection) map[string]string {
	out := map[string]string{}
	for _, it := range c.Items {
		p := it.Profile
		if p == "" {
			p = c.DefaultProfile
		}
		if p != "" && p != ProfileOriginal {
			out[it.AssetID] = p
		}
	}
	return out
}

func (l *Library) shareProfile(ctx context.Context, op, name string) (string, error) {
	if name == "" || name == ProfileOriginal {
		return "", nil
	}
	p, err := l.lookupProfile(ctx, op, name)
	if KindOf(err) == NotFound {
		return "", E(op, Invalid, "export profile %.70q not found", name)
	}
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

type invitee struct {
	userID, email string
}

// invitees checks the addresses and user IDs to invite.
func (l *Library) invitees(ctx context.Context, op string, actor Actor, in Invitees) ([]invitee, error) {
	var out []invitee
	seen := map[string]bool{}
	if strings.TrimSpace(in.Guests) != "" {
		addrs, err := share.ParseAddresses(in.Guests, l.opts.MaxGuestsPerCall)
		if err != nil {
			return nil, E(op, Invalid, "guests: %s", strings.ReplaceAll(err.Error(), "share: ", ""))
		}
		for _, a := range addrs {
			seen[strings.ToLower(a)] = true
			out = append(out, invitee{email: a})
		}
	}
	if len(in.UserIDs)+len(out) > l.opts.MaxGuestsPerCall {
		return nil, E(op, Invalid, "guests: %d given, at most %d per call", len(in.UserIDs)+len(out), l.opts.MaxGuestsPerCall)
	}
	for _, id := range in.UserIDs {
		if !validID(id) {
			return nil, E(op, Invalid, "user %.30q not found", id)
		}
		u, err := l.store.User(ctx, id)
		if KindOf(err) == NotFound || err == nil && !actor.reachesUser(u) {
			return nil, E(op, Invalid, "user %s not found", id)
		}
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		if seen[strings.ToLower(u.Email)] {
			continue
		}
		seen[strings.ToLower(u.Email)] = true
		out = append(out, invitee{userID: u.ID, email: u.Email})
	}
	return out, nil
}

// shareable splits ids into the assets the actor may put in sh and the
// skipped ones. An asset must pass the sharer's share decision and a
// guest's download decision in the share's profile.
func (l *Library) shareable(ctx context.Context, op string, actor Actor, sh Share, ids []string) ([]string, []Skipped, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil, nil, E(op, Invalid, "select the assets to share")
	}
	if len(ids) > maxSharedAssets {
		return nil, nil, E(op, Invalid, "at most %d assets per share", maxSharedAssets)
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return nil, nil, err
	}
	guest := Actor{Kind: ActorGuest}
	ps := &policy.Share{ID: sh.ID, Assets: policy.NewAssetSet(ids...), Profile: sh.Profile, Enabled: true, Until: sh.ExpiresAt}
	var kept []string
	var skipped []Skipped
	profiles := map[string]error{} // profiles looked up: nil when it exists
	for _, id := range ids {
		a, err := l.visibleAsset(ctx, op, actor, id)
		if KindOf(err) == NotFound {
			skipped = append(skipped, Skipped{AssetID: id, Reason: "not_found", Message: ErrorMessage(err)})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		profile := sh.AssetProfile(id)
		if _, seen := profiles[profile]; profile != sh.Profile && !seen {
			_, perr := l.lookupProfile(ctx, op, profile)
			if perr != nil && KindOf(perr) != NotFound {
				return nil, nil, perr
			}
			profiles[profile] = perr
		}
		if perr := profiles[profile]; perr != nil {
			skipped = append(skipped, Skipped{AssetID: a.ID, Reason: "profile_not_found",
				Message: fmt.Sprintf("the collection offers %s in the export profile %q, which no longer exists", a.Name, profile)})
			continue
		}
		d := policy.Decide(acc.input(actor, a, policy.ActionShare, ""))
		if d.Allowed {
			in := acc.input(guest, a, policy.ActionDownload, profile)
			in.Share = forAsset(ps, sh, id)
			d = policy.Decide(in)
		}
		if !allowedButForLicence(d) {
			skipped = append(skipped, Skipped{AssetID: a.ID, Reason: string(d.Reason), Message: ErrorMessage(refusal(op, a, d))})
			continue
		}
		kept = append(kept, a.ID)
	}
	return kept, skipped, nil
}

// newGuests adds a guest with a fresh token to sh for each invitee and
// returns their links.
func (l *Library) newGuests(sh *Share, in []invitee, by Actor, now time.Time) []GuestLink {
	var links []GuestLink
	for _, iv := range in {
		token, hash := share.NewToken()
		g := Guest{ID: NewID(now), ShareID: sh.ID, UserID: iv.userID, Email: iv.email, TokenHash: hash,
			InvitedBy: by.UserID, InvitedAt: now}
		sh.Guests = append(sh.Guests, g)
		links = append(links, GuestLink{GuestID: g.ID, Email: g.Email, Token: token, URL: l.shareLink(token)})
	}
	return links
}

func (l *Library) shareLink(token string) string {
	if sl, ok := l.opts.Links.(ShareLinks); ok {
		return sl.ShareLink(token)
	}
	return ""
}

// invite sends each new guest their link.
func (l *Library) invite(ctx context.Context, by Actor, sh Share, gs []Guest, links []GuestLink, comment string) {
	if len(gs) == 0 {
		return
	}
	who := by.Email
	if u, err := l.store.User(ctx, by.UserID); err == nil && u.Name != "" {
		who = u.Name + " (" + u.Email + ")"
	}
	ms := make([]Message, 0, len(gs))
	es := make([]Event, 0, len(gs))
	for i, g := range gs {
		end := sh.ExpiresAt
		if g.ExpiresAt != nil && g.ExpiresAt.Before(end) {
			end = *g.ExpiresAt
		}
		details := []Detail{{Label: "Shared by", Value: who}, {Label: "Expires", Value: end.Format(time.RFC1123)}}
		if sh.PasswordHash != "" {
			details = append(details, Detail{Label: "Password", Value: "ask " + who + " for it"})
		}
		if comment != "" {
			details = append(details, Detail{Label: "Comment", Value: comment})
		}
		text := fmt.Sprintf("%s shared %d asset%s with you: %q.", who, len(sh.AssetIDs), plural(len(sh.AssetIDs)), sh.Title)
		if sh.Description != "" {
			text += "\n\n" + sh.Description
		}
		ms = append(ms, Message{Kind: NotifyShareInvitation, To: Recipient{UserID: g.UserID, Email: g.Email},
			Subject: who + " shared \u201c" + sh.Title + "\u201d with you", Text: text, Link: links[i].URL, Details: details})
		es = append(es, Event{ActorID: by.UserID, Action: EventShareInvite, Detail: "share " + sh.ID + " guest " + g.Email})
	}
	l.record(ctx, es...)
	l.notify(ctx, ms...)
}

func shareView(sh Share, now time.Time) ShareView {
	v := ShareView{Share: sh, Active: sh.Active(now), ActiveGuests: []Guest{}, ExpiredGuests: []Guest{}, Password: sh.PasswordHash != ""}
	if v.AssetIDs == nil {
		v.AssetIDs = []string{}
	}
	for _, g := range sh.Guests {
		if v.Active && g.Active(now) {
			v.ActiveGuests = append(v.ActiveGuests, g)
		} else {
			v.ExpiredGuests = append(v.ExpiredGuests, g)
		}
	}
	return v
}

// ownShare returns the acting user and a share they manage: its creator
// or an owner, when the share is in their reach (reach.go). Any other
// share is NotFound, exactly as a missing one.
func (l *Library) ownShare(ctx context.Context, op, id string) (Actor, Share, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, Share{}, err
	}
	if !validID(id) {
		return Actor{}, Share{}, absent(op, "share", id)
	}
	sh, err := l.store.Share(ctx, id)
	if err != nil {
		return Actor{}, Share{}, wrap(op, Internal, err)
	}
	ok := sh.CreatedBy == actor.UserID || actor.IsOwner()
	if ok {
		if ok, err = l.reachesObject(ctx, op, actor, sh.CreatedBy, sh.AssetIDs); err != nil {
			return Actor{}, Share{}, err
		}
	}
	if !ok {
		return Actor{}, Share{}, absent(op, "share", id)
	}
	return actor, sh, nil
}

// Share returns one of the actor's shares with its guests split into those
// whose links work and those whose access expired or was removed.
func (l *Library) Share(ctx context.Context, id string) (ShareView, error) {
	const op = "dam.Share"
	_, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	return l.sharerView(ctx, op, sh, l.now().UTC())
}

// Shares lists the shares the actor created, newest first.
func (l *Library) Shares(ctx context.Context) ([]ShareView, error) {
	const op = "dam.Shares"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	ss, err := l.store.Shares(ctx, actor.UserID)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	now := l.now().UTC()
	out := make([]ShareView, 0, len(ss))
	for _, s := range ss {
		ok, err := l.reachesAssets(ctx, op, actor, s.AssetIDs)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, shareView(s, now))
		}
	}
	return out, nil
}

// EditShare changes a share's title, description or enabled flag. A
// disabled share answers its guests like an expired one, at once.
func (l *Library) EditShare(ctx context.Context, id string, p SharePatch) (ShareView, error) {
	const op = "dam.EditShare"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	if p.Title != nil {
		if sh.Title, err = shareTitle(op, *p.Title); err != nil {
			return ShareView{}, err
		}
	}
	if p.Description != nil {
		if sh.Description, err = shareText(op, "description", *p.Description, maxShareDescription); err != nil {
			return ShareView{}, err
		}
	}
	if p.Enabled != nil {
		sh.Enabled = *p.Enabled
	}
	changed, err := shareSettings(op, &sh, p.ViewOnly, p.Password, p.DownloadLimit, p.AssetDownloadLimit)
	if err != nil {
		return ShareView{}, err
	}
	now := l.now().UTC()
	sh.UpdatedAt = now
	if err := l.store.UpdateShare(ctx, sh); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareEdit, Detail: fmt.Sprintf("share %s enabled=%t", sh.ID, sh.Enabled)})
	if !sh.Enabled || sh.ViewOnly {
		l.killShareJobs(ctx, sh, "the share was turned off or made view-only")
	}
	if len(changed) > 0 {
		l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareSettings, Detail: "share " + sh.ID + " " + strings.Join(changed, ", ")})
		var told []Guest
		for _, g := range sh.Guests {
			if g.Active(now) && !g.Public() && sh.Active(now) {
				told = append(told, g)
			}
		}
		l.tellGuests(ctx, actor, sh, told)
	}
	return l.sharerView(ctx, op, sh, now)
}

// DeleteShare deletes a share; its links stop working at once.
func (l *Library) DeleteShare(ctx context.Context, id string) error {
	const op = "dam.DeleteShare"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return err
	}
	if err := l.store.DeleteShare(ctx, id); err != nil {
		return wrap(op, Internal, err)
	}
	l.killShareJobs(ctx, sh, "the share was deleted")
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareDelete, Detail: "share " + id})
	return nil
}

// AddShareAssets adds assets to an existing share, skipping (and listing)
// those that cannot be shared.
func (l *Library) AddShareAssets(ctx context.Context, id string, assetIDs []string) (ShareView, error) {
	const op = "dam.AddShareAssets"
	if _, err := l.sharer(ctx, op); err != nil {
		return ShareView{}, err
	}
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	kept, skipped, err := l.shareable(ctx, op, actor, sh, assetIDs)
	if err != nil {
		return ShareView{}, err
	}
	for _, a := range kept {
		if !slices.Contains(sh.AssetIDs, a) {
			sh.AssetIDs = append(sh.AssetIDs, a)
		}
	}
	if len(sh.AssetIDs) > maxSharedAssets {
		return ShareView{}, E(op, Invalid, "at most %d assets per share", maxSharedAssets)
	}
	now := l.now().UTC()
	if len(kept) > 0 {
		if err := l.store.AddShareAssets(ctx, id, kept, now); err != nil {
			return ShareView{}, wrap(op, Internal, err)
		}
		l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareEdit, Detail: fmt.Sprintf("share %s added %d assets", id, len(kept))})
	}
	v, err := l.sharerView(ctx, op, sh, now)
	v.Skipped = skipped
	return v, err
}

// RemoveShareAssets takes assets out of a share.
func (l *Library) RemoveShareAssets(ctx context.Context, id string, assetIDs []string) (ShareView, error) {
	const op = "dam.RemoveShareAssets"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	if len(assetIDs) == 0 || len(assetIDs) > maxSharedAssets {
		return ShareView{}, E(op, Invalid, "name between 1 and %d assets to remove", maxSharedAssets)
	}
	if err := l.store.RemoveShareAssets(ctx, id, assetIDs); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	sh.AssetIDs = slices.DeleteFunc(sh.AssetIDs, func(a string) bool { return slices.Contains(assetIDs, a) })
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareEdit, Detail: fmt.Sprintf("share %s removed %d assets", id, len(assetIDs))})
	return l.sharerView(ctx, op, sh, l.now().UTC())
}

// InviteGuests invites more guests to a live share; each gets a link of
// their own by notification. Addresses already invited (and not removed)
// are left as they are.
func (l *Library) InviteGuests(ctx context.Context, id string, in Invitees) (ShareView, error) {
	const op = "dam.InviteGuests"
	if _, err := l.sharer(ctx, op); err != nil {
		return ShareView{}, err
	}
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	now := l.now().UTC()
	if !now.Before(sh.ExpiresAt) {
		return ShareView{}, E(op, FailedPrecondition, "share %s has expired: restore it with a new end first, or create a new share", id)
	}
	comment, err := shareText(op, "comment", in.Comment, maxShareComment)
	if err != nil {
		return ShareView{}, err
	}
	ivs, err := l.invitees(ctx, op, actor, in)
	if err != nil {
		return ShareView{}, err
	}
	if len(ivs) == 0 {
		return ShareView{}, E(op, Invalid, "name the guests to invite")
	}
	ivs = slices.DeleteFunc(ivs, func(iv invitee) bool {
		return slices.ContainsFunc(sh.Guests, func(g Guest) bool { return g.RemovedAt == nil && strings.EqualFold(g.Email, iv.email) })
	})
	var own *time.Time
	if in.ExpiresAt != nil && *in.ExpiresAt != (ShareEnd{}) {
		until, err := l.end(op, *in.ExpiresAt, now)
		if err != nil {
			return ShareView{}, err
		}
		if until.After(sh.ExpiresAt) {
			return ShareView{}, E(op, Invalid, "a guest's access ends no later than the share (%s): extend the share first", sh.ExpiresAt.Format(time.RFC3339))
		}
		own = &until
	}
	if err := checkDownloadLimit(op, in.DownloadLimit); err != nil {
		return ShareView{}, err
	}
	fresh := Share{ID: sh.ID}
	links := l.newGuests(&fresh, ivs, actor, now)
	for i := range fresh.Guests {
		fresh.Guests[i].ExpiresAt, fresh.Guests[i].DownloadLimit = own, in.DownloadLimit
	}
	if len(fresh.Guests) > 0 {
		if err := l.store.AddGuests(ctx, fresh.Guests); err != nil {
			return ShareView{}, wrap(op, Internal, err)
		}
		l.invite(ctx, actor, sh, fresh.Guests, links, comment)
	}
	sh.Guests = append(sh.Guests, fresh.Guests...)
	v, err := l.sharerView(ctx, op, sh, now)
	v.Links = links
	return v, err
}

// RemoveGuest ends one guest's access; their link stops working at once.
func (l *Library) RemoveGuest(ctx context.Context, id, guestID string) (ShareView, error) {
	const op = "dam.RemoveGuest"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	if !validID(guestID) {
		return ShareView{}, E(op, NotFound, "guest %.30q not found", guestID)
	}
	now := l.now().UTC()
	if err := l.store.RemoveGuest(ctx, id, guestID, now); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	for i := range sh.Guests {
		if sh.Guests[i].ID == guestID {
			sh.Guests[i].RemovedAt = &now
			l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareRemove, Detail: "share " + id + " guest " + sh.Guests[i].Email})
			l.killLinkJobs(ctx, GuestRequester(guestID), nil, "the guest was removed from the share")
		}
	}
	return l.sharerView(ctx, op, sh, now)
}

// errNoShare is the one answer to every link that does not work: missing,
// wrong, expired, disabled or removed all look the same to the caller.
var errNoShare = errors.New("share not found: the link is wrong, expired or no longer shared")

// GuestLimiter counts attempts on guest links per client address (a token
// bucket per key, bounded in memory; see share.Limiter). The HTTP layer
// keeps one for its /s/ routes.
type GuestLimiter = share.Limiter

// NewGuestLimiter returns a limiter allowing burst attempts at once, then
// rate a second, remembering at most maxKeys addresses (zero values: the
// share package's defaults).
func NewGuestLimiter(rate float64, burst, maxKeys int) *GuestLimiter {
	return share.NewLimiter(&share.LimiterOptions{Rate: rate, Burst: burst, MaxKeys: maxKeys})
}
