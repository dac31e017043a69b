package policy_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/damkit/damkit/policy"
)

// world is a random library: a folder tree, assets in it, grants, and an
// actor standing somewhere towards it.
type world struct {
	rows   []policy.Folder
	tree   *policy.Tree
	assets []policy.Asset
	grants []policy.Grant
	in     policy.Input // in.Asset is assets[0]
}

var (
	genSetting = rapid.SampledFrom([]policy.Setting{policy.Inherit, policy.Protected, policy.Unprotected})
	genRole    = rapid.SampledFrom([]policy.Role{policy.RoleNone, policy.RoleOwner, policy.RoleEditor, policy.RoleViewer, policy.RoleGuest, policy.RoleVisitor})
	genAction  = rapid.SampledFrom([]policy.Action{policy.ActionNone, policy.ActionView, policy.ActionDownload, policy.ActionShare, policy.ActionRequest, policy.ActionManage})
	genMode    = rapid.SampledFrom([]policy.Mode{policy.DownloadsDisabled, policy.DownloadsOnRequest, policy.DownloadsAutoApproved, policy.DownloadsOpen})
	genLicence = rapid.SampledFrom([]string{"", "", "", policy.NoLicence, "L1", "L2"})
	worldNow   = time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
)

// genRows draws a forest of up to 60 folders: each folder's parent is an
// earlier one (or none), then the rows are shuffled.
func genRows(t *rapid.T) []policy.Folder {
	n := rapid.IntRange(0, 60).Draw(t, "folders")
	rows := make([]policy.Folder, n)
	for i := range rows {
		rows[i] = policy.Folder{ID: fmt.Sprintf("f%d", i), Protection: genSetting.Draw(t, "setting"), Licence: genLicence.Draw(t, "licence")}
		if i > 0 && rapid.IntRange(0, 5).Draw(t, "top") > 0 {
			rows[i].ParentID = fmt.Sprintf("f%d", rapid.IntRange(0, i-1).Draw(t, "parent"))
		}
	}
	return rapid.Permutation(rows).Draw(t, "order")
}

// genTime draws a time within a few seconds of worldNow, zero included, so
// that boundaries (== now) come up often.
func genTime(t *rapid.T, label string) time.Time {
	d := rapid.IntRange(-4, 4).Draw(t, label)
	if d == 4 {
		return time.Time{}
	}
	return worldNow.Add(time.Duration(d) * time.Second)
}

func genWorld(t *rapid.T) world {
	w := world{rows: genRows(t)}
	tree, err := policy.NewTree(w.rows)
	if err != nil {
		t.Fatalf("NewTree: %v", err)
	}
	w.tree = tree
	folder := func(label string) string {
		i := rapid.IntRange(-1, len(w.rows)).Draw(t, label)
		switch {
		case i < 0:
			return ""
		case i == len(w.rows):
			return "missing"
		}
		return w.rows[i].ID
	}
	nAssets := rapid.IntRange(1, 12).Draw(t, "assets")
	for i := range nAssets {
		w.assets = append(w.assets, policy.Asset{
			ID:         fmt.Sprintf("a%d", i),
			FolderID:   folder("folder"),
			Domain:     rapid.SampledFrom([]string{"d", "e"}).Draw(t, "domain"),
			Kind:       policy.Kind(rapid.IntRange(0, 4).Draw(t, "kind")),
			Available:  rapid.IntRange(0, 5).Draw(t, "available") > 0,
			ExpiresAt:  genTime(t, "expires"),
			Protection: genSetting.Draw(t, "asset setting"),
			Licence:    genLicence.Draw(t, "asset licence"),
		})
	}
	nGrants := rapid.IntRange(0, 6).Draw(t, "grants")
	for i := range nGrants {
		g := policy.Grant{
			ID:        fmt.Sprintf("g%d", i),
			ActorID:   rapid.SampledFrom([]string{"", "u1", "u2"}).Draw(t, "holder"),
			Email:     rapid.SampledFrom([]string{"", "pat@example.com", "PAT@EXAMPLE.COM", "sam@example.com"}).Draw(t, "email"),
			From:      genTime(t, "from"),
			Until:     genTime(t, "until"),
			RevokedAt: genTime(t, "revoked"),
		}
		if rapid.Bool().Draw(t, "one asset") {
			g.AssetID = fmt.Sprintf("a%d", rapid.IntRange(0, nAssets-1).Draw(t, "grant asset"))
		} else {
			for j := range nAssets {
				if rapid.Bool().Draw(t, "in set") {
					g.Assets = append(g.Assets, fmt.Sprintf("a%d", j))
				}
			}
		}
		w.grants = append(w.grants, g)
	}
	covered := policy.AssetSet{}
	for _, a := range w.assets {
		if rapid.IntRange(0, 3).Draw(t, "covered") > 0 {
			covered[a.ID] = struct{}{}
		}
	}
	w.in = policy.Input{
		Action:  genAction.Draw(t, "action"),
		Profile: rapid.SampledFrom([]string{"", "original", "web", "print"}).Draw(t, "profile"),
		Actor: policy.Actor{
			ID: "u1", Email: "pat@example.com", Role: genRole.Draw(t, "role"),
			Domains: rapid.SampledFrom([][]string{nil, {"d"}, {"e", "d"}, {"x"}}).Draw(t, "domains"),
		},
		Asset: w.assets[0],
		Settings: policy.Settings{
			ProtectByDefault: rapid.Bool().Draw(t, "protect by default"),
			ShowWatermarks:   rapid.Bool().Draw(t, "watermarks"),
			NotDownloadable:  policy.KindSet(rapid.IntRange(0, 31).Draw(t, "kinds off")),
			DownloadsOff:     rapid.IntRange(0, 4).Draw(t, "downloads off") == 0,
			Licence:          genLicence.Draw(t, "library licence"),
		},
		Accepted: rapid.SampledFrom([]policy.LicenceSet{nil, policy.NewLicenceSet("L1"), policy.NewLicenceSet("L1", "L2")}).Draw(t, "accepted"),
		Tree:     w.tree,
		Grants:   policy.IndexGrants(w.grants),
		Share: &policy.Share{
			ID: "s", Assets: covered, Enabled: rapid.IntRange(0, 4).Draw(t, "share on") > 0,
			Profile:  rapid.SampledFrom([]string{"", "web", "original"}).Draw(t, "share profile"),
			Until:    genTime(t, "share until"),
			ViewOnly: rapid.IntRange(0, 3).Draw(t, "view only") == 0,
		},
		Portal: &policy.Portal{ID: "p", Assets: covered, Mode: genMode.Draw(t, "mode"), Enabled: rapid.IntRange(0, 4).Draw(t, "portal on") > 0,
			Licence: genLicence.Draw(t, "portal licence")},
		Now: worldNow,
	}
	return w
}

// walk resolves folder id by walking parent links in the rows: the nearest
// explicit setting and the folder that holds it.
func walk(rows []policy.Folder, id string) (policy.Setting, string) {
	f := walkTo(rows, id, func(f policy.Folder) bool { return f.Protection != policy.Inherit })
	return f.Protection, f.ID
}

// walkLicence resolves folder id's licence setting the same way.
func walkLicence(rows []policy.Folder, id string) (string, string) {
	f := walkTo(rows, id, func(f policy.Folder) bool { return f.Licence != "" })
	return f.Licence, f.ID
}

// walkTo returns the nearest folder at or above id that sets, or the zero
// Folder when none does.
func walkTo(rows []policy.Folder, id string, sets func(policy.Folder) bool) policy.Folder {
	byID := map[string]policy.Folder{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	for id != "" {
		f := byID[id]
		if sets(f) {
			return f
		}
		id = f.ParentID
	}
	return policy.Folder{}
}

// requireSameResolution checks that tree resolves every row as walking
// the rows does, protection and licence.
func requireSameResolution(t *rapid.T, tree *policy.Tree, rows []policy.Folder) {
	for _, r := range rows {
		s, by, ok := tree.Resolve(r.ID)
		require.True(t, ok)
		ws, wby := walk(rows, r.ID)
		require.Equal(t, ws, s, "folder %s", r.ID)
		require.Equal(t, wby, by, "folder %s", r.ID)
		l, lby, ok := tree.ResolveLicence(r.ID)
		require.True(t, ok)
		wl, wlby := walkLicence(rows, r.ID)
		require.Equal(t, wl, l, "licence of folder %s", r.ID)
		require.Equal(t, wlby, lby, "licence of folder %s", r.ID)
	}
}

func TestTreeResolvesNearestExplicitFolder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rows := genRows(t)
		tree, err := policy.NewTree(rows)
		require.NoError(t, err)
		require.Equal(t, len(rows), tree.Len())
		requireSameResolution(t, tree, rows)
	})
}

func TestTreeUpdateEqualsRebuild(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rows := genRows(t)
		tree, err := policy.NewTree(rows)
		require.NoError(t, err)
		for range rapid.IntRange(1, 5).Draw(t, "changes") {
			var f policy.Folder
			if len(rows) == 0 || rapid.IntRange(0, 4).Draw(t, "add") == 0 {
				f = policy.Folder{ID: fmt.Sprintf("n%d", len(rows))}
			} else {
				f = rows[rapid.IntRange(0, len(rows)-1).Draw(t, "changed")]
			}
			f.Protection = genSetting.Draw(t, "new setting")
			f.Licence = genLicence.Draw(t, "new licence")
			if len(rows) > 0 && rapid.Bool().Draw(t, "move") {
				f.ParentID = rows[rapid.IntRange(0, len(rows)-1).Draw(t, "new parent")].ID
			}
			next := append([]policy.Folder(nil), rows...)
			if i := indexOf(next, f.ID); i >= 0 {
				next[i] = f
			} else {
				next = append(next, f)
			}
			_, wantErr := policy.NewTree(next)
			got, err := tree.Update(f)
			if wantErr != nil {
				require.ErrorIs(t, err, policy.ErrCycle)
				require.ErrorIs(t, wantErr, policy.ErrCycle)
				continue
			}
			require.NoError(t, err)
			requireSameResolution(t, got, next)
			requireSameResolution(t, tree, rows) // the old tree is untouched
			rows, tree = next, got
		}
	})
}

func indexOf(rows []policy.Folder, id string) int {
	for i, r := range rows {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// TestDecideInvariants checks the properties every decision keeps, over
// random libraries.
func TestDecideInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t)
		in := w.in
		d := policy.Decide(in)
		require.NotEmpty(t, d.Rule, "every input is decided by a row")

		// Explain agrees with Decide and ends on the deciding row.
		e := policy.Explain(in)
		require.Equal(t, d, e.Decision)
		require.True(t, e.Steps[len(e.Steps)-1].Matched)
		require.Equal(t, d.Rule, e.Steps[len(e.Steps)-1].Rule)

		// The asset's own setting is never overruled.
		if s := in.Asset.Protection; s != policy.Inherit && !d.Hidden() {
			require.Equal(t, s == policy.Protected, d.Protected)
			require.Equal(t, policy.LevelAsset, d.Source.Level)
		}
		// Otherwise the nearest explicit folder wins, then the library.
		if in.Asset.Protection == policy.Inherit && !d.Hidden() && in.Asset.FolderID != "missing" {
			s, by := walk(w.rows, in.Asset.FolderID)
			if s == policy.Inherit {
				require.Equal(t, policy.Source{Level: policy.LevelLibrary}, d.Source)
				require.Equal(t, in.Settings.ProtectByDefault, d.Protected)
			} else {
				require.Equal(t, policy.Source{Level: policy.LevelFolder, FolderID: by}, d.Source)
				require.Equal(t, s == policy.Protected, d.Protected)
			}
		}

		// Grants not in force at now change nothing: expired, not yet
		// valid, revoked (also at this very instant), until == now.
		var inForce []policy.Grant
		for _, g := range w.grants {
			if g.ValidAt(in.Now) {
				inForce = append(inForce, g)
			}
		}
		only := in
		only.Grants = policy.IndexGrants(inForce)
		require.Equal(t, d, policy.Decide(only))

		// Without any grant, a viewer never downloads a protected asset.
		none := in
		none.Grants = nil
		if nd := policy.Decide(none); in.Actor.Role == policy.RoleViewer && in.Action == policy.ActionDownload && nd.Protected {
			require.False(t, nd.Allowed)
		}

		// Revoking every grant at now acts at once.
		var revoked []policy.Grant
		for _, g := range w.grants {
			g.RevokedAt = in.Now
			revoked = append(revoked, g)
		}
		rev := in
		rev.Grants = policy.IndexGrants(revoked)
		require.Equal(t, policy.Decide(none), policy.Decide(rev))

		// Users outside the asset's domain get NotFound, grants or not.
		if in.Actor.Role == policy.RoleOwner || in.Actor.Role == policy.RoleEditor || in.Actor.Role == policy.RoleViewer {
			if !contains(in.Actor.Domains, in.Asset.Domain) && in.Asset.ID != "" && in.Action != policy.ActionNone {
				require.True(t, d.Hidden())
				require.Equal(t, policy.ReasonOutsideDomain, d.Reason)
				require.False(t, d.Allowed)
				require.Zero(t, d.Source)
				require.False(t, d.Protected)
			}
		}

		// Download implies View.
		dl, view := in, in
		dl.Action, view.Action = policy.ActionDownload, policy.ActionView
		if policy.Decide(dl).Allowed {
			require.True(t, policy.Decide(view).Allowed)
		}

		// A request is accepted exactly when the actor may request.
		req := in
		req.Action = policy.ActionRequest
		rd := policy.Decide(req)
		require.Equal(t, rd.CanRequest, rd.Allowed)
		if rd.CanRequest {
			dl := policy.Decide(dl)
			require.False(t, dl.Allowed, "a request is only offered for what cannot be downloaded")
			require.True(t, dl.CanRequest)
		}

		// Hidden decisions say nothing about protection.
		if d.Hidden() {
			require.False(t, d.Allowed)
			require.Zero(t, d.Source)
			require.False(t, d.CanRequest || d.Watermark || d.Protected)
		}
		// Watermarks only on views.
		if d.Watermark {
			require.Equal(t, policy.ActionView, in.Action)
			require.True(t, d.Protected)
		}
	})
}

func TestFilterEqualsDecide(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := genWorld(t)
		prefix := []policy.Decision{{Reason: "kept"}}
		got := policy.Filter(w.in, w.assets, prefix)
		require.Len(t, got, len(w.assets)+1)
		require.Equal(t, prefix[0], got[0])
		for i, a := range w.assets {
			in := w.in
			in.Asset = a
			require.Equal(t, policy.Decide(in), got[i+1], "asset %s", a.ID)
		}
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestLicenceGate checks that a licence asks for acceptance exactly where
// accepting it would let the actor download, and changes nothing else.
func TestLicenceGate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genWorld(t).in
		in.Accepted = nil
		pending := policy.Decide(in)
		in.Accepted = policy.NewLicenceSet("L1", "L2")
		accepted := policy.Decide(in)
		require.Equal(t, pending.Licence, accepted.Licence)
		gated := pending.Reason == policy.ReasonLicenceRequired
		require.Equal(t, gated, in.Action == policy.ActionDownload && pending.Licence != "" && accepted.Allowed,
			"pending %+v accepted %+v", pending, accepted)
		if gated {
			require.False(t, pending.Allowed)
			return
		}
		require.Equal(t, accepted, pending)
	})
}

// TestDownloadsOff checks that the library switch leaves owners alone and
// lets nobody else download or request.
func TestDownloadsOff(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genWorld(t).in
		in.Settings.DownloadsOff = true
		d := policy.Decide(in)
		if d.Hidden() {
			return
		}
		require.False(t, d.CanRequest)
		if in.Actor.Role == policy.RoleOwner {
			in.Settings.DownloadsOff = false
			require.Equal(t, policy.Decide(in), d)
			return
		}
		if in.Action == policy.ActionDownload || in.Action == policy.ActionRequest {
			require.False(t, d.Allowed)
			require.Equal(t, policy.ReasonLibraryDownloadsOff, d.Reason)
		}
	})
}
