package policy_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

// verdict is what the oracle expects of a decision.
type verdict struct {
	allowed    bool
	reason     policy.Reason
	protected  bool
	source     policy.Source
	canRequest bool
	watermark  bool
	licence    string
}

func (v verdict) of(d policy.Decision) verdict {
	return verdict{d.Allowed, d.Reason, d.Protected, d.Source, d.CanRequest, d.Watermark, d.Licence}
}

// oracle decides in with plain ifs; a download it allows waits for an
// unaccepted licence.
func oracle(in policy.Input, folders []policy.Folder, grants []policy.Grant) verdict {
	v := oracleAccess(in, folders, grants)
	if v.reason.Hidden() {
		return v
	}
	v.licence = oracleLicence(in, folders)
	_, accepted := in.Accepted[v.licence]
	if in.Action == policy.ActionDownload && v.allowed && v.licence != "" && !accepted {
		v.allowed, v.reason = false, policy.ReasonLicenceRequired
	}
	return v
}

// oracleLicence walks from the asset up through the folder rows to the
// portal's licence, then the library default.
func oracleLicence(in policy.Input, folders []policy.Folder) string {
	l := in.Asset.Licence
	for id := in.Asset.FolderID; l == "" && id != ""; {
		i := slices.IndexFunc(folders, func(f policy.Folder) bool { return f.ID == id })
		if i < 0 {
			break
		}
		l, id = folders[i].Licence, folders[i].ParentID
	}
	if l == "" && in.Portal != nil {
		l = in.Portal.Licence
	}
	if l == "" {
		l = in.Settings.Licence
	}
	if l == policy.NoLicence {
		return ""
	}
	return l
}

// oracleAccess decides in with plain ifs straight from the product rules,
// without the rule table, the Tree or the grant index: it walks the folder
// rows and scans the grants itself. Licences are left to oracle.
func oracleAccess(in policy.Input, folders []policy.Folder, grants []policy.Grant) verdict {
	role, action, asset, now := in.Actor.Role, in.Action, in.Asset, in.Now

	// Who may even learn that the asset exists.
	knownRole := role == policy.RoleOwner || role == policy.RoleEditor || role == policy.RoleViewer ||
		role == policy.RoleGuest || role == policy.RoleVisitor
	knownAction := action >= policy.ActionView && action <= policy.ActionManage
	if !knownRole || !knownAction || asset.ID == "" {
		return verdict{reason: policy.ReasonInvalidInput}
	}
	isUser := role == policy.RoleOwner || role == policy.RoleEditor || role == policy.RoleViewer
	if isUser && !slices.Contains(in.Actor.Domains, asset.Domain) {
		return verdict{reason: policy.ReasonOutsideDomain}
	}
	if role == policy.RoleGuest {
		if in.Share == nil || !in.Share.Enabled || (!in.Share.Until.IsZero() && !now.Before(in.Share.Until)) {
			return verdict{reason: policy.ReasonShareInactive}
		}
		if _, ok := in.Share.Assets[asset.ID]; !ok {
			return verdict{reason: policy.ReasonNotShared}
		}
	}
	if role == policy.RoleVisitor {
		if in.Portal == nil || !in.Portal.Enabled {
			return verdict{reason: policy.ReasonPortalInactive}
		}
		if _, ok := in.Portal.Assets[asset.ID]; !ok {
			return verdict{reason: policy.ReasonNotInPortal}
		}
	}

	// Protection: asset, then folders upwards, then the library.
	v := verdict{}
	switch {
	case asset.Protection == policy.Protected || asset.Protection == policy.Unprotected:
		v.protected, v.source = asset.Protection == policy.Protected, policy.Source{Level: policy.LevelAsset}
	default:
		v.protected, v.source = in.Settings.ProtectByDefault, policy.Source{Level: policy.LevelLibrary}
		id, found := asset.FolderID, asset.FolderID == ""
		for id != "" {
			i := slices.IndexFunc(folders, func(f policy.Folder) bool { return f.ID == id })
			if i < 0 {
				break
			}
			found = true
			if s := folders[i].Protection; s == policy.Protected || s == policy.Unprotected {
				v.protected, v.source = s == policy.Protected, policy.Source{Level: policy.LevelFolder, FolderID: id}
				break
			}
			id = folders[i].ParentID
		}
		if !found {
			v.protected, v.source = true, policy.Source{Level: policy.LevelFolder, FolderID: asset.FolderID}
		}
	}

	// The actor's grant, if any is in force.
	hasGrant := false
	for _, g := range grants {
		mine := false
		if isUser {
			mine = g.ActorID != "" && g.ActorID == in.Actor.ID
		} else if role == policy.RoleVisitor {
			mine = g.Email != "" && strings.EqualFold(g.Email, in.Actor.Email)
		}
		covers := g.AssetID == asset.ID || slices.Contains(g.Assets, asset.ID)
		started := !now.Before(g.From)
		notEnded := g.Until.IsZero() || now.Before(g.Until)
		notRevoked := g.RevokedAt.IsZero() || now.Before(g.RevokedAt)
		if mine && covers && started && notEnded && notRevoked && (role == policy.RoleViewer || role == policy.RoleVisitor) {
			hasGrant = true
		}
	}

	expired := !asset.ExpiresAt.IsZero() && !now.Before(asset.ExpiresAt)
	kindOff := in.Settings.NotDownloadable.Has(asset.Kind)
	off := in.Settings.DownloadsOff
	obtainable := asset.Available && !expired && !kindOff && !off
	var mode policy.Mode
	if in.Portal != nil {
		mode = in.Portal.Mode
	}
	if role == policy.RoleViewer {
		v.canRequest = obtainable && v.protected && !hasGrant
	}
	if role == policy.RoleVisitor {
		v.canRequest = obtainable && !hasGrant && (mode == policy.DownloadsOnRequest || mode == policy.DownloadsAutoApproved)
	}

	allow := func(r policy.Reason) verdict { v.allowed, v.reason = true, r; return v }
	deny := func(r policy.Reason) verdict { v.allowed, v.reason = false, r; return v }

	if off && role != policy.RoleOwner && (action == policy.ActionDownload || action == policy.ActionRequest) {
		return deny(policy.ReasonLibraryDownloadsOff)
	}
	if action == policy.ActionRequest {
		if v.canRequest {
			return allow(policy.ReasonRequestable)
		}
		return deny(policy.ReasonNotRequestable)
	}
	if role == policy.RoleOwner {
		if action == policy.ActionDownload || action == policy.ActionShare {
			if !asset.Available {
				return allow(policy.ReasonOwnerOnlyUnavail)
			}
			if expired {
				return allow(policy.ReasonOwnerOnlyExpired)
			}
		}
		return allow(policy.ReasonOwner)
	}
	switch action {
	case policy.ActionView:
		mustAsk := role == policy.RoleViewer || (role == policy.RoleVisitor && mode != policy.DownloadsOpen) ||
			(role == policy.RoleGuest && in.Share.ViewOnly)
		v.watermark = in.Settings.ShowWatermarks && v.protected && mustAsk && !hasGrant
		return allow(policy.ReasonVisible)
	case policy.ActionManage:
		if role == policy.RoleEditor {
			return allow(policy.ReasonEditor)
		}
		return deny(policy.ReasonRoleNotAllowed)
	case policy.ActionShare:
		if role != policy.RoleEditor {
			return deny(policy.ReasonRoleNotAllowed)
		}
		if !asset.Available {
			return deny(policy.ReasonUnavailable)
		}
		if expired {
			return deny(policy.ReasonExpired)
		}
		return allow(policy.ReasonEditor)
	}
	// Download.
	switch {
	case !asset.Available:
		return deny(policy.ReasonUnavailable)
	case expired:
		return deny(policy.ReasonExpired)
	case kindOff:
		return deny(policy.ReasonKindNotDownloadable)
	}
	switch role {
	case policy.RoleEditor:
		return allow(policy.ReasonEditor)
	case policy.RoleViewer:
		if !v.protected {
			return allow(policy.ReasonUnprotected)
		}
		if hasGrant {
			return allow(policy.ReasonGrant)
		}
		return deny(policy.ReasonProtected)
	case policy.RoleGuest:
		if in.Share.ViewOnly {
			return deny(policy.ReasonViewOnly)
		}
		want, fixed := in.Profile, in.Share.Profile
		if want == "original" {
			want = ""
		}
		if fixed == "original" {
			fixed = ""
		}
		if in.Share.Profile != "" && want != fixed {
			return deny(policy.ReasonProfileNotShared)
		}
		return allow(policy.ReasonShared)
	}
	// Visitor.
	switch {
	case mode == policy.DownloadsOpen:
		return allow(policy.ReasonPortalOpen)
	case mode == policy.DownloadsDisabled:
		return deny(policy.ReasonDownloadsDisabled)
	case hasGrant:
		return allow(policy.ReasonGrant)
	}
	return deny(policy.ReasonNoGrant)
}

var oracleNow = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)

// scene is one point of the exhaustive domain.
type scene struct {
	name    string
	edit    func(*policy.Input)
	folders []policy.Folder
	grants  []policy.Grant
}

// contexts are the ways each role can stand towards the asset.
func contexts() []scene {
	var out []scene
	add := func(name string, edit func(*policy.Input)) { out = append(out, scene{name: name, edit: edit}) }
	add("no-role", func(in *policy.Input) { in.Actor.Role = policy.RoleNone })
	add("unknown-role", func(in *policy.Input) { in.Actor.Role = 9 })
	for _, r := range []policy.Role{policy.RoleOwner, policy.RoleEditor, policy.RoleViewer} {
		add(r.String()+"/in-domain", func(in *policy.Input) { in.Actor.Role = r })
		add(r.String()+"/outside", func(in *policy.Input) { in.Actor.Role, in.Asset.Domain = r, "elsewhere" })
	}
	guest := func(name string, edit func(*policy.Input)) {
		add("guest/"+name, func(in *policy.Input) {
			in.Actor = policy.Actor{Role: policy.RoleGuest}
			in.Share = &policy.Share{ID: "s", Assets: policy.NewAssetSet("a1"), Enabled: true, Until: oracleNow.Add(time.Hour)}
			edit(in)
		})
	}
	guest("any-profile", func(in *policy.Input) {})
	guest("any-profile-web", func(in *policy.Input) { in.Profile = "web" })
	guest("fixed-web", func(in *policy.Input) { in.Share.Profile, in.Profile = "web", "web" })
	guest("fixed-web-original", func(in *policy.Input) { in.Share.Profile, in.Profile = "web", "original" })
	guest("fixed-web-print", func(in *policy.Input) { in.Share.Profile, in.Profile = "web", "print" })
	guest("disabled", func(in *policy.Input) { in.Share.Enabled = false })
	guest("ends-now", func(in *policy.Input) { in.Share.Until = oracleNow })
	guest("not-covering", func(in *policy.Input) { in.Share.Assets = policy.NewAssetSet("a2") })
	guest("view-only", func(in *policy.Input) { in.Share.ViewOnly = true })
	guest("view-only-fixed-web", func(in *policy.Input) { in.Share.ViewOnly, in.Share.Profile, in.Profile = true, "web", "web" })
	visitor := func(name string, edit func(*policy.Input)) {
		add("visitor/"+name, func(in *policy.Input) {
			in.Actor = policy.Actor{Email: "pat@example.com", Role: policy.RoleVisitor}
			in.Portal = &policy.Portal{ID: "p", Assets: policy.NewAssetSet("a1"), Enabled: true}
			edit(in)
		})
	}
	for _, m := range []policy.Mode{policy.DownloadsDisabled, policy.DownloadsOnRequest, policy.DownloadsAutoApproved, policy.DownloadsOpen} {
		visitor(m.String(), func(in *policy.Input) { in.Portal.Mode = m })
	}
	visitor("portal-off", func(in *policy.Input) { in.Portal.Mode, in.Portal.Enabled = policy.DownloadsOpen, false })
	visitor("not-covering", func(in *policy.Input) { in.Portal.Mode, in.Portal.Assets = policy.DownloadsOpen, nil })
	return out
}

// placements put the asset at the root or in folder "child" under
// "parent", with every pair of folder settings.
func placements() []scene {
	settings := []policy.Setting{policy.Inherit, policy.Protected, policy.Unprotected}
	out := []scene{{name: "root", edit: func(in *policy.Input) { in.Asset.FolderID = "" }}}
	for _, p := range settings {
		for _, c := range settings {
			out = append(out, scene{
				name:    "parent-" + p.String() + "/child-" + c.String(),
				edit:    func(in *policy.Input) { in.Asset.FolderID = "child" },
				folders: []policy.Folder{{ID: "parent", Protection: p}, {ID: "child", ParentID: "parent", Protection: c}},
			})
		}
	}
	out = append(out, scene{name: "unknown-folder", edit: func(in *policy.Input) { in.Asset.FolderID = "gone" }})
	return out
}

// grantStates are the time classes and holders of one grant on "a1".
func grantStates(visitor bool) []scene {
	h := time.Hour
	mk := func(name string, g policy.Grant) scene {
		g.ID = "g-" + name
		if g.ActorID == "" && g.Email == "" {
			if visitor {
				g.Email = "PAT@example.com"
			} else {
				g.ActorID = "u1"
			}
		}
		if g.AssetID == "" && g.Assets == nil {
			g.AssetID = "a1"
		}
		return scene{name: name, grants: []policy.Grant{g}}
	}
	n := oracleNow
	return []scene{
		{name: "none"},
		mk("valid", policy.Grant{From: n.Add(-h), Until: n.Add(h)}),
		mk("open-ended", policy.Grant{From: n.Add(-h)}),
		mk("starts-now", policy.Grant{From: n, Until: n.Add(h)}),
		mk("not-yet", policy.Grant{From: n.Add(time.Second), Until: n.Add(h)}),
		mk("ends-now", policy.Grant{From: n.Add(-h), Until: n}),
		mk("ended", policy.Grant{From: n.Add(-2 * h), Until: n.Add(-h)}),
		mk("revoked", policy.Grant{From: n.Add(-h), RevokedAt: n.Add(-time.Second)}),
		mk("revoked-now", policy.Grant{From: n.Add(-h), Until: n.Add(h), RevokedAt: n}),
		mk("revoked-later", policy.Grant{From: n.Add(-h), RevokedAt: n.Add(h)}),
		mk("set", policy.Grant{From: n.Add(-h), Assets: []string{"a0", "a1"}}),
		mk("set-without", policy.Grant{From: n.Add(-h), Assets: []string{"a0", "a2"}}),
		mk("someone-else", policy.Grant{From: n.Add(-h), ActorID: "u2", Email: "sam@example.com"}),
		mk("wrong-key", func() policy.Grant {
			if visitor {
				return policy.Grant{From: n.Add(-h), ActorID: "u1"}
			}
			return policy.Grant{From: n.Add(-h), Email: "pat@example.com"}
		}()),
	}
}

// libraryStates are the library switch and the licence settings at each
// level; folderLicence gives the licence of the folders "parent" and
// "child" where the placement has them.
type libraryState struct {
	name          string
	edit          func(*policy.Input)
	folderLicence map[string]string
}

func libraryStates() []libraryState {
	none := func(*policy.Input) {}
	return []libraryState{
		{name: "plain", edit: none},
		{name: "downloads-off", edit: func(in *policy.Input) { in.Settings.DownloadsOff = true }},
		{name: "library-licence", edit: func(in *policy.Input) { in.Settings.Licence = "L0" }},
		{name: "library-licence-accepted", edit: func(in *policy.Input) {
			in.Settings.Licence, in.Accepted = "L0", policy.NewLicenceSet("L0")
		}},
		{name: "library-licence-old-accepted", edit: func(in *policy.Input) {
			in.Settings.Licence, in.Accepted = "L0", policy.NewLicenceSet("L9")
		}},
		{name: "asset-licence", edit: func(in *policy.Input) { in.Asset.Licence = "L1" }},
		{name: "asset-none-under-library", edit: func(in *policy.Input) {
			in.Settings.Licence, in.Asset.Licence = "L0", policy.NoLicence
		}},
		{name: "parent-licence", edit: none, folderLicence: map[string]string{"parent": "L2"}},
		{name: "child-none-under-parent", edit: func(in *policy.Input) { in.Settings.Licence = "L0" },
			folderLicence: map[string]string{"parent": "L2", "child": policy.NoLicence}},
		{name: "child-over-parent-accepted", edit: func(in *policy.Input) { in.Accepted = policy.NewLicenceSet("L3") },
			folderLicence: map[string]string{"parent": "L2", "child": "L3"}},
		{name: "licence-and-downloads-off", edit: func(in *policy.Input) {
			in.Settings.Licence, in.Settings.DownloadsOff = "L0", true
		}},
	}
}

// withLicences returns the placement's folders with the state's licences.
func withLicences(folders []policy.Folder, ls libraryState) []policy.Folder {
	out := slices.Clone(folders)
	for i := range out {
		out[i].Licence = ls.folderLicence[out[i].ID]
	}
	return out
}

// assetStates are the states of the asset itself.
func assetStates() []scene {
	return []scene{
		{name: "available", edit: func(in *policy.Input) {}},
		{name: "unavailable", edit: func(in *policy.Input) { in.Asset.Available = false }},
		{name: "expires-later", edit: func(in *policy.Input) { in.Asset.ExpiresAt = oracleNow.Add(time.Second) }},
		{name: "expires-now", edit: func(in *policy.Input) { in.Asset.ExpiresAt = oracleNow }},
		{name: "expired", edit: func(in *policy.Input) { in.Asset.ExpiresAt = oracleNow.Add(-time.Hour) }},
		{name: "kind-off", edit: func(in *policy.Input) { in.Settings.NotDownloadable = policy.Kinds(policy.KindVideo, policy.KindImage) }},
	}
}

// TestDecideMatchesOracle compares Decide with the oracle over every
// combination of role and context, action, asset setting, folder settings,
// library default, grant state and asset state, and, for four grant states,
// every library switch and licence placement.
func TestDecideMatchesOracle(t *testing.T) {
	actions := []policy.Action{policy.ActionNone, policy.ActionView, policy.ActionDownload, policy.ActionShare, policy.ActionRequest, policy.ActionManage}
	assetSettings := []policy.Setting{policy.Inherit, policy.Protected, policy.Unprotected}
	trees := map[string]*policy.Tree{}
	for _, p := range placements() {
		for _, ls := range libraryStates() {
			tree, err := policy.NewTree(withLicences(p.folders, ls))
			require.NoError(t, err)
			trees[p.name+"+"+ls.name] = tree
		}
	}
	cases, failures := 0, 0
	for _, ctx := range contexts() {
		t.Run(ctx.name, func(t *testing.T) {
			probe := policy.Input{}
			ctx.edit(&probe)
			for _, gs := range grantStates(probe.Actor.Role == policy.RoleVisitor) {
				grants := policy.IndexGrants(gs.grants)
				for _, pl := range placements() {
					for _, ls := range libraryStates() {
						if ls.name != "plain" && !slices.Contains([]string{"none", "valid", "ended", "someone-else"}, gs.name) {
							continue // licences and the switch read grants only through the rows already crossed with every grant state
						}
						folders := withLicences(pl.folders, ls)
						for _, as := range assetSettings {
							for _, byDefault := range []bool{false, true} {
								for _, st := range assetStates() {
									for _, action := range actions {
										in := policy.Input{
											Action: action,
											Actor:  policy.Actor{ID: "u1", Email: "pat@example.com", Domains: []string{"x", "d"}},
											Asset:  policy.Asset{ID: "a1", Domain: "d", Kind: policy.KindImage, Available: true, Protection: as},
											Settings: policy.Settings{
												ProtectByDefault: byDefault, ShowWatermarks: true,
												NotDownloadable: policy.Kinds(policy.KindVideo),
											},
											Tree:   trees[pl.name+"+"+ls.name],
											Grants: grants,
											Now:    oracleNow,
										}
										ctx.edit(&in)
										pl.edit(&in)
										ls.edit(&in)
										st.edit(&in)
										cases++
										got := policy.Decide(in)
										want := oracle(in, folders, gs.grants)
										if verdict.of(verdict{}, got) != want && failures < 20 {
											failures++
											t.Errorf("%s grant=%s %s %s asset=%s default=%t %s %s:\n got  %+v (rule %s %s)\n want %+v",
												ctx.name, gs.name, pl.name, ls.name, as, byDefault, st.name, action,
												verdict.of(verdict{}, got), got.Rule, got.RuleName(), want)
										}
										if got.Rule == "" {
											t.Fatalf("no rule decided %+v", in)
										}
									}
								}
							}
						}
					}
				}
			}
		})
	}
	t.Logf("%d cases", cases)
}
