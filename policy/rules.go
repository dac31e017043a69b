package policy

import "time"

// RuleID is the stable identifier of a rule. IDs are never renumbered or
// reused; a new rule gets a new ID wherever it sits in the table.
type RuleID string

// Effect is what a rule decides when it matches.
type Effect uint8

// Effects.
const (
	Deny Effect = iota
	Allow
)

func (e Effect) String() string {
	if e == Allow {
		return "allow"
	}
	return "deny"
}

// RoleSet is a set of roles as a bit mask.
type RoleSet uint8

// Roles returns the set of rs.
func Roles(rs ...Role) RoleSet {
	var s RoleSet
	for _, r := range rs {
		if r <= RoleVisitor {
			s |= 1 << r
		}
	}
	return s
}

// Has reports whether r is in s.
func (s RoleSet) Has(r Role) bool { return r <= RoleVisitor && s&(1<<r) != 0 }

// ActionSet is a set of actions as a bit mask.
type ActionSet uint8

// Actions returns the set of as.
func Actions(as ...Action) ActionSet {
	var s ActionSet
	for _, a := range as {
		if a <= ActionArchive {
			s |= 1 << a
		}
	}
	return s
}

// Has reports whether a is in s.
func (s ActionSet) Has(a Action) bool { return a <= ActionArchive && s&(1<<a) != 0 }

// Rule is one row of the decision table. A row matches when the actor's
// role is in Roles, the action is in Actions and its condition holds; the
// first matching row decides. Example is an input this very row decides.
type Rule struct {
	ID      RuleID
	Name    string
	Roles   RoleSet
	Actions ActionSet
	Effect  Effect
	Reason  Reason
	Doc     string
	Example Input
	when    condition // condAlways: the row matches on role and action alone
}

// Rules returns the decision table in evaluation order. It is the evaluator
// itself, not a description of it: Decide walks these rows. The Example
// inputs share maps and trees with the table and must not be modified.
func Rules() []Rule { return append([]Rule(nil), table...) }

var (
	anyRole   = Roles(RoleNone, RoleOwner, RoleEditor, RoleViewer, RoleGuest, RoleVisitor)
	anyAction = Actions(ActionNone, ActionView, ActionDownload, ActionShare, ActionRequest, ActionManage, ActionArchive)
	// linkHandOut is what a guest's or visitor's link hands out: files one
	// by one and inside a ZIP, decided by the same rows.
	linkHandOut = Actions(ActionDownload, ActionArchive)
	handOutAll  = Actions(ActionDownload, ActionShare, ActionArchive)
	members     = Roles(RoleOwner, RoleEditor, RoleViewer)
	nonOwners   = Roles(RoleEditor, RoleViewer, RoleGuest, RoleVisitor)
	handOut     = Actions(ActionDownload, ActionShare)
	exampleNow  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	exampleTree = exampleFolders()
)

// table is the decision table. Keep the rows ordered from the rules that
// hide an asset, through the rules that only owners pass, to the rules of
// each role; every row's Example must be decided by that row.
var table = []Rule{
	{
		ID: "R01", Name: "invalid-input", Roles: anyRole, Actions: anyAction, Effect: Deny, Reason: ReasonInvalidInput,
		Doc:     "An input without a known role, a known action or an asset ID is denied and hides the asset; the zero Input lands here.",
		Example: Input{},
		when:    condInvalid,
	},
	{
		ID: "R02", Name: "outside-domain", Roles: members, Actions: anyAction, Effect: Deny, Reason: ReasonOutsideDomain,
		Doc:     "A user sees only the assets of their domains; any other asset is not found, never merely protected. Grants do not change this.",
		Example: example(RoleViewer, ActionView, func(in *Input) { in.Asset.Domain = "other" }),
		when:    condOutsideDomain,
	},
	{
		ID: "R03", Name: "share-inactive", Roles: Roles(RoleGuest), Actions: anyAction, Effect: Deny, Reason: ReasonShareInactive,
		Doc:     "A disabled or expired share answers not found for everything.",
		Example: example(RoleGuest, ActionView, func(in *Input) { in.Share.Enabled = false }),
		when:    condShareInactive,
	},
	{
		ID: "R04", Name: "not-shared", Roles: Roles(RoleGuest), Actions: anyAction, Effect: Deny, Reason: ReasonNotShared,
		Doc:     "A guest reaches only the assets of their share.",
		Example: example(RoleGuest, ActionView, func(in *Input) { in.Share.Assets = nil }),
		when:    condNotShared,
	},
	{
		ID: "R05", Name: "portal-inactive", Roles: Roles(RoleVisitor), Actions: anyAction, Effect: Deny, Reason: ReasonPortalInactive,
		Doc:     "A disabled portal answers not found for everything.",
		Example: example(RoleVisitor, ActionView, func(in *Input) { in.Portal.Enabled = false }),
		when:    condPortalInactive,
	},
	{
		ID: "R06", Name: "not-in-portal", Roles: Roles(RoleVisitor), Actions: anyAction, Effect: Deny, Reason: ReasonNotInPortal,
		Doc:     "A visitor reaches only the assets of the portal.",
		Example: example(RoleVisitor, ActionView, func(in *Input) { in.Portal.Assets = nil }),
		when:    condNotInPortal,
	},
	{
		ID: "R32", Name: "archive-links-only", Roles: members, Actions: Actions(ActionArchive), Effect: Deny, Reason: ReasonRoleNotAllowed,
		Doc: "The archive action is a link's: a ZIP built for a share's guest or a portal's visitor, decided for them as a download. " +
			"Users' ZIPs are decided asset by asset as downloads, so the action is refused to them.",
		Example: example(RoleOwner, ActionArchive, nil),
	},
	{
		ID: "R29", Name: "library-downloads-off", Roles: nonOwners, Actions: Actions(ActionDownload, ActionRequest, ActionArchive), Effect: Deny, Reason: ReasonLibraryDownloadsOff,
		Doc:     "While the library-wide switch turns downloads off, nobody but owners downloads or asks to, shares and portals included.",
		Example: example(RoleEditor, ActionDownload, func(in *Input) { in.Settings.DownloadsOff = true }),
		when:    condDownloadsOff,
	},
	{
		ID: "R30", Name: "licence-not-accepted", Roles: Roles(RoleOwner, RoleEditor, RoleViewer, RoleGuest, RoleVisitor), Actions: linkHandOut, Effect: Deny, Reason: ReasonLicenceRequired,
		Doc: "A download the rows below would allow waits, for everyone, until the actor accepts the current version of the licence " +
			"that governs the asset (the asset's own, else the nearest folder's, else the library's).",
		Example: example(RoleOwner, ActionDownload, func(in *Input) { in.Settings.Licence = "cc-by" }),
		when:    condLicenceBlocks,
	},
	{
		ID: "R07", Name: "request", Roles: anyRole, Actions: Actions(ActionRequest), Effect: Allow, Reason: ReasonRequestable,
		Doc: "A download request is accepted exactly when a grant is what stands between the actor and the download: " +
			"a viewer without a valid grant for a protected asset, or a visitor of a portal that takes requests.",
		Example: example(RoleViewer, ActionRequest, func(in *Input) { in.Asset.Protection = Protected }),
		when:    condCanRequest,
	},
	{
		ID: "R08", Name: "request-refused", Roles: anyRole, Actions: Actions(ActionRequest), Effect: Deny, Reason: ReasonNotRequestable,
		Doc:     "Any other request is refused: it is not needed, or no grant could help (unavailable, expired, kind off, portal disabled, share guest).",
		Example: example(RoleViewer, ActionRequest, nil),
	},
	{
		ID: "R09", Name: "owner-unavailable", Roles: Roles(RoleOwner), Actions: handOut, Effect: Allow, Reason: ReasonOwnerOnlyUnavail,
		Doc:     "Only owners download or share an unavailable asset.",
		Example: example(RoleOwner, ActionDownload, func(in *Input) { in.Asset.Available = false }),
		when:    condUnavailable,
	},
	{
		ID: "R10", Name: "owner-expired", Roles: Roles(RoleOwner), Actions: handOut, Effect: Allow, Reason: ReasonOwnerOnlyExpired,
		Doc:     "Only owners download or share an asset past its expiry date.",
		Example: example(RoleOwner, ActionShare, func(in *Input) { in.Asset.ExpiresAt = exampleNow }),
		when:    condExpired,
	},
	{
		ID: "R11", Name: "owner", Roles: Roles(RoleOwner), Actions: anyAction, Effect: Allow, Reason: ReasonOwner,
		Doc:     "Owners do anything with the assets of their domains, whatever the protection or the kind.",
		Example: example(RoleOwner, ActionDownload, func(in *Input) { in.Asset.Protection = Protected }),
	},
	{
		ID: "R12", Name: "view", Roles: anyRole, Actions: Actions(ActionView), Effect: Allow, Reason: ReasonVisible,
		Doc: "Whoever reaches an asset may view it; protected assets are watermarked (when the settings say so) for guests of a view-only share, and " +
			"for viewers and visitors who could not download them.",
		Example: example(RoleViewer, ActionView, func(in *Input) { in.Asset.Available = false }),
	},
	{
		ID: "R13", Name: "editor-manage", Roles: Roles(RoleEditor), Actions: Actions(ActionManage), Effect: Allow, Reason: ReasonEditor,
		Doc:     "Editors manage the assets of their domains.",
		Example: example(RoleEditor, ActionManage, nil),
	},
	{
		ID: "R14", Name: "role-not-allowed", Roles: Roles(RoleViewer, RoleGuest, RoleVisitor), Actions: Actions(ActionShare, ActionManage), Effect: Deny, Reason: ReasonRoleNotAllowed,
		Doc:     "Viewers, guests and visitors never share or manage.",
		Example: example(RoleGuest, ActionShare, nil),
	},
	{
		ID: "R15", Name: "unavailable", Roles: nonOwners, Actions: handOutAll, Effect: Deny, Reason: ReasonUnavailable,
		Doc:     "An unavailable asset is downloaded and shared by no one but owners.",
		Example: example(RoleEditor, ActionDownload, func(in *Input) { in.Asset.Available = false }),
		when:    condUnavailable,
	},
	{
		ID: "R16", Name: "expired", Roles: nonOwners, Actions: handOutAll, Effect: Deny, Reason: ReasonExpired,
		Doc:     "An asset past its expiry date (now >= ExpiresAt) is downloaded and shared by no one but owners.",
		Example: example(RoleViewer, ActionDownload, func(in *Input) { in.Asset.ExpiresAt = exampleNow.Add(-time.Hour) }),
		when:    condExpired,
	},
	{
		ID: "R17", Name: "editor-share", Roles: Roles(RoleEditor), Actions: Actions(ActionShare), Effect: Allow, Reason: ReasonEditor,
		Doc:     "Editors share the assets of their domains.",
		Example: example(RoleEditor, ActionShare, nil),
	},
	{
		ID: "R18", Name: "kind-not-downloadable", Roles: nonOwners, Actions: linkHandOut, Effect: Deny, Reason: ReasonKindNotDownloadable,
		Doc:     "Kinds the settings mark not downloadable are downloaded by owners only.",
		Example: example(RoleEditor, ActionDownload, func(in *Input) { in.Settings.NotDownloadable = Kinds(KindImage) }),
		when:    condKindOff,
	},
	{
		ID: "R19", Name: "editor-download", Roles: Roles(RoleEditor), Actions: Actions(ActionDownload), Effect: Allow, Reason: ReasonEditor,
		Doc:     "Editors download anything in their domains, protected or not.",
		Example: example(RoleEditor, ActionDownload, func(in *Input) { in.Settings.ProtectByDefault = true }),
	},
	{
		ID: "R20", Name: "viewer-unprotected", Roles: Roles(RoleViewer), Actions: Actions(ActionDownload), Effect: Allow, Reason: ReasonUnprotected,
		Doc:     "Viewers download assets no protection applies to.",
		Example: example(RoleViewer, ActionDownload, func(in *Input) { in.Asset.FolderID = "open" }),
		when:    condUnprotected,
	},
	{
		ID: "R21", Name: "viewer-grant", Roles: Roles(RoleViewer), Actions: Actions(ActionDownload), Effect: Allow, Reason: ReasonGrant,
		Doc:     "Viewers download a protected asset while a grant of theirs covers it: from <= now < until, not revoked.",
		Example: example(RoleViewer, ActionDownload, func(in *Input) { in.Asset.FolderID = "closed"; in.Grants = exampleGrants }),
		when:    condGrant,
	},
	{
		ID: "R22", Name: "viewer-protected", Roles: Roles(RoleViewer), Actions: Actions(ActionDownload), Effect: Deny, Reason: ReasonProtected,
		Doc:     "Any other protected download by a viewer is denied; the viewer may request it.",
		Example: example(RoleViewer, ActionDownload, func(in *Input) { in.Asset.FolderID = "inner" }),
	},
	{
		ID: "R31", Name: "guest-view-only", Roles: Roles(RoleGuest), Actions: linkHandOut, Effect: Deny, Reason: ReasonViewOnly,
		Doc:     "A view-only share shows its assets (previews) but hands out no download: no original, no rendition, no ZIP.",
		Example: example(RoleGuest, ActionDownload, func(in *Input) { in.Share.ViewOnly = true }),
		when:    condViewOnly,
	},
	{
		ID: "R23", Name: "guest-profile", Roles: Roles(RoleGuest), Actions: linkHandOut, Effect: Deny, Reason: ReasonProfileNotShared,
		Doc:     "A share that fixes an export profile hands out that profile only, not the original nor another profile.",
		Example: example(RoleGuest, ActionDownload, func(in *Input) { in.Share.Profile = "web" }),
		when:    condProfileNotShared,
	},
	{
		ID: "R24", Name: "guest-download", Roles: Roles(RoleGuest), Actions: linkHandOut, Effect: Allow, Reason: ReasonShared,
		Doc:     "Guests download the assets of their share; the share, not protection, decides.",
		Example: example(RoleGuest, ActionDownload, func(in *Input) { in.Asset.Protection = Protected }),
	},
	{
		ID: "R25", Name: "visitor-open", Roles: Roles(RoleVisitor), Actions: linkHandOut, Effect: Allow, Reason: ReasonPortalOpen,
		Doc:     "Visitors download freely from a portal whose download mode is open.",
		Example: example(RoleVisitor, ActionDownload, func(in *Input) { in.Portal.Mode = DownloadsOpen }),
		when:    condPortalOpen,
	},
	{
		ID: "R26", Name: "visitor-disabled", Roles: Roles(RoleVisitor), Actions: linkHandOut, Effect: Deny, Reason: ReasonDownloadsDisabled,
		Doc:     "A portal with downloads disabled hands out nothing, grants included.",
		Example: example(RoleVisitor, ActionDownload, func(in *Input) { in.Portal.Mode = DownloadsDisabled; in.Grants = exampleGrants }),
		when:    condPortalDownloadsOff,
	},
	{
		ID: "R27", Name: "visitor-grant", Roles: Roles(RoleVisitor), Actions: linkHandOut, Effect: Allow, Reason: ReasonGrant,
		Doc:     "Visitors download with a valid grant bound to their email.",
		Example: example(RoleVisitor, ActionDownload, func(in *Input) { in.Grants = exampleGrants }),
		when:    condGrant,
	},
	{
		ID: "R28", Name: "visitor-no-grant", Roles: Roles(RoleVisitor), Actions: linkHandOut, Effect: Deny, Reason: ReasonNoGrant,
		Doc:     "Otherwise a visitor needs a grant and may request one (auto-approved portals grant it at once).",
		Example: example(RoleVisitor, ActionDownload, nil),
	},
}

// example returns a well-formed input of role doing action on an available
// image "a1" in domain "d", changed by edit.
func example(role Role, action Action, edit func(*Input)) Input {
	in := Input{
		Action: action,
		Actor:  Actor{ID: "u1", Email: "pat@example.com", Role: role, Domains: []string{"d"}},
		Asset:  Asset{ID: "a1", Domain: "d", Kind: KindImage, Available: true},
		Tree:   exampleTree,
		Share:  &Share{ID: "s1", Assets: NewAssetSet("a1"), Enabled: true},
		Portal: &Portal{ID: "p1", Assets: NewAssetSet("a1"), Mode: DownloadsOnRequest, Enabled: true},
		Now:    exampleNow,
	}
	if edit != nil {
		edit(&in)
	}
	return in
}

// exampleFolders is "closed" (protected) holding "inner" (inherit), and
// "open" (unprotected).
func exampleFolders() *Tree {
	t, err := NewTree([]Folder{
		{ID: "closed", Protection: Protected},
		{ID: "inner", ParentID: "closed"},
		{ID: "open", Protection: Unprotected},
	})
	if err != nil {
		return nil
	}
	return t
}

var exampleGrants = IndexGrants([]Grant{
	{ID: "g1", ActorID: "u1", AssetID: "a1", From: exampleNow.Add(-time.Hour), Until: exampleNow.Add(time.Hour)},
	{ID: "g2", Email: "Pat@Example.com", Assets: []string{"a1"}, From: exampleNow.Add(-time.Hour)},
})

// Reason is a stable code saying why a decision came out as it did, for
// callers to map to their errors and show to people. Codes are never
// renamed; new ones may be added.
type Reason string

// Reasons that hide the asset: the caller answers NotFound.
const (
	ReasonInvalidInput   Reason = "invalid_input"   // no role, no action or no asset
	ReasonOutsideDomain  Reason = "outside_domain"  // the asset is in a domain the user does not see
	ReasonShareInactive  Reason = "share_inactive"  // the share is disabled or expired
	ReasonNotShared      Reason = "not_shared"      // the share does not cover the asset
	ReasonPortalInactive Reason = "portal_inactive" // the portal is disabled
	ReasonNotInPortal    Reason = "not_in_portal"   // the portal does not cover the asset
)

// Reasons for a denial the actor may see.
const (
	ReasonProtected           Reason = "protected"             // protected and no valid grant: may request
	ReasonNoGrant             Reason = "no_grant"              // portal downloads need a grant: may request
	ReasonNotRequestable      Reason = "not_requestable"       // a request would not be accepted or is not needed
	ReasonRoleNotAllowed      Reason = "role_not_allowed"      // the role never does this action
	ReasonUnavailable         Reason = "unavailable"           // the asset is not available
	ReasonExpired             Reason = "expired"               // the asset is past its expiry date
	ReasonKindNotDownloadable Reason = "kind_not_downloadable" // the settings turn off downloads of this kind
	ReasonProfileNotShared    Reason = "profile_not_shared"    // the share fixes another export profile
	ReasonDownloadsDisabled   Reason = "downloads_disabled"    // the portal turns downloads off
	ReasonLibraryDownloadsOff Reason = "library_downloads_off" // the library turns downloads off for all but owners
	ReasonLicenceRequired     Reason = "licence_required"      // the actor must accept the licence first
	ReasonViewOnly            Reason = "view_only"             // the share is view-only: previews, no downloads
)

// Reasons for an allowed decision.
const (
	ReasonOwner            Reason = "owner"                  // owners do anything in their domains
	ReasonOwnerOnlyUnavail Reason = "owner_only_unavailable" // unavailable: allowed to owners only
	ReasonOwnerOnlyExpired Reason = "owner_only_expired"     // expired: allowed to owners only
	ReasonEditor           Reason = "editor"                 // editors download, share and manage
	ReasonVisible          Reason = "visible"                // everyone who reaches an asset may view it
	ReasonUnprotected      Reason = "unprotected"            // no protection applies
	ReasonGrant            Reason = "grant"                  // a valid grant covers the asset
	ReasonShared           Reason = "shared"                 // the share covers the asset
	ReasonPortalOpen       Reason = "portal_open"            // the portal lets visitors download
	ReasonRequestable      Reason = "requestable"            // the actor may ask for a grant
)

// Hidden reports whether r must be answered as NotFound so that the
// existence of the asset does not leak.
func (r Reason) Hidden() bool {
	switch r {
	case ReasonInvalidInput, ReasonOutsideDomain, ReasonShareInactive,
		ReasonNotShared, ReasonPortalInactive, ReasonNotInPortal:
		return true
	}
	return false
}

// condition is the part of a rule that looks beyond role and action. It is
// a closed set of named questions rather than a func so that evaluating
// the table costs a switch, not an indirect call that would move the input
// to the heap.
type condition uint8

// Conditions the rules ask about.
const (
	condAlways             condition = iota
	condInvalid                      // no known role, no known action or no asset ID
	condOutsideDomain                // the asset is not in one of the user's domains
	condShareInactive                // the share is disabled or expired
	condNotShared                    // the share does not cover the asset
	condPortalInactive               // the portal is disabled
	condNotInPortal                  // the portal does not cover the asset
	condCanRequest                   // a grant is all the actor lacks
	condUnavailable                  // the asset is not available
	condExpired                      // the asset is past its expiry date
	condKindOff                      // the settings turn off downloads of the kind
	condUnprotected                  // no protection applies
	condGrant                        // a valid grant of the actor covers the asset
	condProfileNotShared             // the share fixes another profile
	condPortalOpen                   // the portal lets anyone download
	condPortalDownloadsOff           // the portal turns downloads off
	condDownloadsOff                 // the library turns downloads off
	condLicenceBlocks                // a download would be allowed but for an unaccepted licence
	condViewOnly                     // the share is view-only
)

var conditionNames = [...]string{
	condAlways: "always", condInvalid: "invalid input", condOutsideDomain: "asset outside the user's domains",
	condShareInactive: "share disabled or expired", condNotShared: "asset not in the share",
	condPortalInactive: "portal disabled", condNotInPortal: "asset not in the portal",
	condCanRequest: "a grant is all that is missing", condUnavailable: "asset unavailable",
	condExpired: "asset past its expiry date", condKindOff: "kind not downloadable",
	condUnprotected: "no protection applies", condGrant: "a valid grant covers the asset",
	condProfileNotShared: "profile other than the share's", condPortalOpen: "portal downloads open",
	condPortalDownloadsOff: "portal downloads disabled", condDownloadsOff: "library downloads off",
	condLicenceBlocks: "licence not accepted", condViewOnly: "view-only share",
}

// Condition describes the row's condition beyond roles and actions, for
// documentation; "always" when there is none.
func (r Rule) Condition() string { return name(conditionNames[:], int(r.when)) }

// holds answers condition c for f.
func (f *facts) holds(in *Input, c condition) bool {
	switch c {
	case condAlways:
		return true
	case condInvalid:
		return !f.valid
	case condOutsideDomain:
		return !f.inDomain
	case condShareInactive:
		return !f.shareActive
	case condNotShared:
		return !f.inShare
	case condPortalInactive:
		return !f.portalOn
	case condNotInPortal:
		return !f.inPortal
	case condCanRequest:
		return f.canRequest(in)
	case condUnavailable:
		return !in.Asset.Available
	case condExpired:
		return f.expired
	case condKindOff:
		return in.Settings.NotDownloadable.Has(in.Asset.Kind)
	case condUnprotected:
		return !f.protected
	case condGrant:
		return f.hasGrant(in)
	case condProfileNotShared:
		return !f.profileShared
	case condPortalOpen:
		return f.mode == DownloadsOpen
	case condPortalDownloadsOff:
		return f.mode == DownloadsDisabled
	case condDownloadsOff:
		return in.Settings.DownloadsOff
	case condLicenceBlocks:
		return f.licencePending(in) && f.mayDownload(in)
	case condViewOnly:
		return f.viewOnly
	}
	return false
}
