package policy

import (
	"fmt"
	"slices"
	"strings"
)

// facts are the answers the rules' conditions read, worked out once per
// decision from the input. Facts that only some rows need (the grant, and
// whether a request would be accepted) are worked out on first use.
//
// facts hold no pointer to the Input: the methods take it as an argument,
// which keeps the Input on the caller's stack.
type facts struct {
	valid         bool // known role, known action, an asset ID
	reached       bool // the actor reaches the asset: in domain, share or portal
	inDomain      bool // members: the asset's domain is one of theirs
	shareActive   bool // guests: the share is enabled and not expired
	inShare       bool // guests: the share covers the asset
	portalOn      bool // visitors: the portal is enabled
	inPortal      bool // visitors: the portal covers the asset
	mode          Mode // visitors: the portal's download mode
	expired       bool
	protected     bool
	source        Source
	profileShared bool // guests: the requested profile is the share's
	viewOnly      bool // guests: the share is view-only
	grantLooked   bool // grant and grantID are worked out
	grant         bool // a grant of the actor covers the asset now
	grantID       string
	licence       string // the licence that governs the asset, "" for none
}

// load works out the facts of in. It returns them by value so that in
// stays on the caller's stack. It stops early when the actor does not reach
// the asset: the rows that hide it read nothing more.
func load(in *Input) (f facts) {
	role, action, id := in.Actor.Role, in.Action, in.Asset.ID
	f.valid = role >= RoleOwner && role <= RoleVisitor && action >= ActionView && action <= ActionArchive && id != ""
	if !f.valid {
		return f
	}
	switch role {
	case RoleGuest:
		if sh := in.Share; sh != nil {
			f.shareActive = sh.active(in.Now)
			f.inShare = sh.Assets.Has(id)
			f.profileShared = sh.Profile == "" || sameProfile(in.Profile, sh.Profile)
			f.viewOnly = sh.ViewOnly
		}
		f.reached = f.shareActive && f.inShare
	case RoleVisitor:
		if p := in.Portal; p != nil {
			f.portalOn, f.inPortal, f.mode = p.Enabled, p.Assets.Has(id), p.Mode
		}
		f.reached = f.portalOn && f.inPortal
	default:
		f.inDomain = in.Actor.inDomain(in.Asset.Domain)
		f.reached = f.inDomain
	}
	if !f.reached {
		return f
	}
	f.expired = in.Asset.expired(in.Now)
	folder, inTree := int32(-1), false
	if fid := in.Asset.FolderID; fid != "" {
		folder, inTree = in.Tree.lookup(fid)
	}
	f.protected, f.source = protection(in, folder, inTree)
	f.licence = licence(in, folder, inTree)
	return f
}

// hasGrant reports whether a grant held by the actor covers the asset now.
// Only viewers and visitors download on grants; owners, editors and guests
// never look.
func (f *facts) hasGrant(in *Input) bool {
	if !f.grantLooked {
		f.grantLooked = true
		if r := in.Actor.Role; f.reached && (r == RoleViewer || r == RoleVisitor) {
			f.grantID, f.grant = in.Grants.valid(&in.Actor, in.Asset.ID, in.Now)
		}
	}
	return f.grant
}

// canRequest reports whether a download request would be accepted: a grant
// is the only thing missing for a download.
func (f *facts) canRequest(in *Input) bool {
	if !f.reached || !f.obtainable(in) || in.Settings.DownloadsOff {
		return false
	}
	switch in.Actor.Role {
	case RoleViewer:
		return f.protected && !f.hasGrant(in)
	case RoleVisitor:
		m := f.mode
		return (m == DownloadsOnRequest || m == DownloadsAutoApproved) && !f.hasGrant(in)
	}
	return false
}

// obtainable reports whether anyone but an owner could download the asset
// at all: it is available, not expired, and of a kind downloads allow.
func (f *facts) obtainable(in *Input) bool {
	return in.Asset.Available && !f.expired && !in.Settings.NotDownloadable.Has(in.Asset.Kind)
}

// licencePending reports whether a licence governs the asset and the actor
// has not accepted its current version.
func (f *facts) licencePending(in *Input) bool {
	return f.licence != "" && !in.Accepted.Has(f.licence)
}

// mayDownload reports whether the download rows after the licence row
// would allow the download: it restates them (R09–R28) for one purpose, so
// that a licence is asked for only where accepting it lets the actor
// download, never in front of a refusal it could not lift. The property
// test "licence gate" holds the two together.
func (f *facts) mayDownload(in *Input) bool {
	role := in.Actor.Role
	if role == RoleOwner {
		return true
	}
	if !f.obtainable(in) || in.Settings.DownloadsOff {
		return false
	}
	switch role {
	case RoleEditor:
		return true
	case RoleViewer:
		return !f.protected || f.hasGrant(in)
	case RoleGuest:
		return f.profileShared && !f.viewOnly
	case RoleVisitor:
		return f.mode == DownloadsOpen || (f.mode != DownloadsDisabled && f.hasGrant(in))
	}
	return false
}

// sameProfile compares export profile names, "" and "original" both
// naming the original.
func sameProfile(a, b string) bool {
	if a == "original" {
		a = ""
	}
	if b == "original" {
		b = ""
	}
	return a == b
}

// protection resolves the asset's effective protection: its own explicit
// setting, else the nearest explicit folder setting, else the library
// default. A folder missing from the tree counts as protected (fail closed).
// folder is the asset's folder's index in the tree, if inTree.
func protection(in *Input, folder int32, inTree bool) (bool, Source) {
	if s := in.Asset.Protection; s.explicit() {
		return s == Protected, Source{Level: LevelAsset}
	}
	if fid := in.Asset.FolderID; fid != "" {
		if !inTree {
			return true, Source{Level: LevelFolder, FolderID: fid}
		}
		if r := in.Tree.res[folder]; r.from >= 0 {
			return r.eff == Protected, Source{Level: LevelFolder, FolderID: in.Tree.ids[r.from]}
		}
	}
	return in.Settings.ProtectByDefault, Source{Level: LevelLibrary}
}

// licence resolves the licence that governs the asset: its own setting,
// else the nearest folder setting, else the licence of the portal the
// visitor came through, else the library default; NoLicence at any level
// means none. A folder missing from the tree passes on none: its
// assets already count as protected.
func licence(in *Input, folder int32, inTree bool) string {
	l := in.Asset.Licence
	if l == "" && inTree {
		if j := in.Tree.licBy[folder]; j >= 0 {
			l = in.Tree.ownLic[j]
		}
	}
	if l == "" && in.Portal != nil {
		l = in.Portal.Licence
	}
	if l == "" {
		l = in.Settings.Licence
	}
	if l == NoLicence {
		return ""
	}
	return l
}

// keys returns role and action as the table masks see them: anything
// unknown counts as none.
func keys(in *Input) (Role, Action) {
	r, a := in.Actor.Role, in.Action
	if r > RoleVisitor {
		r = RoleNone
	}
	if a > ActionArchive {
		a = ActionNone
	}
	return r, a
}

// row is the part of a table row that decide reads, packed so that the
// rows tried for one decision sit in a few cache lines.
type row struct {
	when   condition
	allow  bool
	hidden bool
	id     RuleID
	name   string
	reason Reason
}

// compiled holds the packed rows, and per role and action the indexes of
// the rows that cover them, in table order: decide only asks their
// conditions.
var compiled, candidates = compile(table)

func compile(rules []Rule) (rows []row, c [RoleVisitor + 1][ActionArchive + 1][]uint8) {
	for i, r := range rules {
		rows = append(rows, row{when: r.when, allow: r.Effect == Allow, hidden: r.Reason.Hidden(), id: r.ID, name: r.Name, reason: r.Reason})
		for role := range c {
			for action := range c[role] {
				if r.Roles.Has(Role(role)) && r.Actions.Has(Action(action)) {
					c[role][action] = append(c[role][action], uint8(i))
				}
			}
		}
	}
	return rows, c
}

// decide writes into d the answer of the matching row, leaving out
// everything about protection when the row hides the asset.
func (f *facts) decide(in *Input, r *row, d *Decision) {
	*d = Decision{Allowed: r.allow, Rule: r.id, Reason: r.reason}
	if r.hidden {
		return
	}
	d.Protected, d.Source, d.CanRequest, d.Licence = f.protected, f.source, f.canRequest(in), f.licence
	if r.allow && r.reason == ReasonGrant {
		d.GrantID = f.grantID
	}
	if r.allow && in.Action == ActionView && in.Settings.ShowWatermarks && f.protected {
		couldNotDownload := in.Actor.Role == RoleViewer || (in.Actor.Role == RoleVisitor && f.mode != DownloadsOpen) ||
			(in.Actor.Role == RoleGuest && f.viewOnly)
		d.Watermark = couldNotDownload && !f.hasGrant(in)
	}
}

// fallback is returned if no row matched; the table covers every input, so
// this only guards against a broken table.
var fallback = Decision{Reason: ReasonInvalidInput}

// Decide decides one input by walking the rule table; the first matching
// row decides. It does not allocate.
func Decide(in Input) Decision {
	var d Decision
	decide(&in, &d)
	return d
}

func decide(in *Input, d *Decision) {
	f := load(in)
	role, action := keys(in)
	for _, i := range candidates[role][action] {
		if r := &compiled[i]; f.holds(in, r.when) {
			f.decide(in, r, d)
			return
		}
	}
	*d = fallback
}

// Filter decides in for every asset of a selection (in.Asset is ignored),
// appending one decision per asset, in order, to dst and returning it.
// The result equals calling Decide for each asset.
func Filter(in Input, assets []Asset, dst []Decision) []Decision {
	n := len(dst)
	dst = slices.Grow(dst, len(assets))[:n+len(assets)]
	for i := range assets {
		in.Asset = assets[i]
		decide(&in, &dst[n+i])
	}
	return dst
}

// Facts are the answers to the questions the rules ask about an input.
type Facts struct {
	Valid         bool // known role, known action and an asset ID
	InDomain      bool // users: the asset is in one of their domains
	ShareActive   bool // guests: the share is enabled and not expired
	InShare       bool // guests: the share covers the asset
	PortalEnabled bool // visitors: the portal is enabled
	InPortal      bool // visitors: the portal covers the asset
	Mode          Mode // visitors: the portal's download mode
	Expired       bool
	Protected     bool
	Source        Source
	Grant         bool
	GrantID       string
	ProfileShared bool
	CanRequest    bool
	Licence       string // the licence that governs the asset, "" for none
	Accepted      bool   // the actor accepted its current version
}

// Step is one row of the table as Explain walked it.
type Step struct {
	Rule    RuleID
	Name    string
	Matched bool
	Why     string // which part of the row did or did not fit
}

// Explanation is a decision with the facts it rests on and the rows tried
// on the way to it.
type Explanation struct {
	Decision Decision
	Facts    Facts
	Steps    []Step
}

// Explain decides in like Decide and also returns the facts and every row
// tried, ending with the row that decided.
func Explain(in Input) Explanation {
	f := load(&in)
	role, action := keys(&in)
	e := Explanation{Decision: fallback, Facts: Facts{
		Valid: f.valid, InDomain: f.inDomain, ShareActive: f.shareActive, InShare: f.inShare,
		PortalEnabled: f.portalOn, InPortal: f.inPortal, Mode: f.mode, Expired: f.expired, Protected: f.protected, Source: f.source,
		Grant: f.hasGrant(&in), GrantID: f.grantID, ProfileShared: f.profileShared, CanRequest: f.canRequest(&in),
		Licence: f.licence, Accepted: f.licence != "" && in.Accepted.Has(f.licence),
	}}
	for i := range table {
		r := &table[i]
		s := Step{Rule: r.ID, Name: r.Name}
		switch {
		case !r.Roles.Has(role):
			s.Why = "role " + role.String() + " not covered"
		case !r.Actions.Has(action):
			s.Why = "action " + action.String() + " not covered"
		case !f.holds(&in, r.when):
			s.Why = "condition does not hold"
		default:
			s.Matched = true
			s.Why = r.Effect.String() + ": " + r.Doc
		}
		e.Steps = append(e.Steps, s)
		if s.Matched {
			f.decide(&in, &compiled[i], &e.Decision)
			break
		}
	}
	return e
}

// String prints the explanation one step a line, then the decision.
func (e Explanation) String() string {
	var b strings.Builder
	for _, s := range e.Steps {
		mark := " "
		if s.Matched {
			mark = "*"
		}
		fmt.Fprintf(&b, "%s %s %-22s %s\n", mark, s.Rule, s.Name, s.Why)
	}
	d := e.Decision
	fmt.Fprintf(&b, "=> allowed=%t reason=%s protected=%t source=%s%s can_request=%t watermark=%t",
		d.Allowed, d.Reason, d.Protected, d.Source.Level, folderSuffix(d.Source), d.CanRequest, d.Watermark)
	if d.Licence != "" {
		fmt.Fprintf(&b, " licence=%s", d.Licence)
	}
	return b.String()
}

func folderSuffix(s Source) string {
	if s.FolderID == "" {
		return ""
	}
	return "(" + s.FolderID + ")"
}
