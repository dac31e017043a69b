package policy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

// TestArchiveAction: ActionArchive (an asset inside a ZIP made for a
// share's guest or a portal's visitor) is decided for them by the rows
// that decide their downloads, and refused to users by R32.
func TestArchiveAction(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	guest := func(edit func(*policy.Input)) policy.Input {
		in := policy.Input{Action: policy.ActionArchive, Now: now,
			Actor: policy.Actor{Email: "guest@example.com", Role: policy.RoleGuest},
			Asset: policy.Asset{ID: "a1", Domain: "d", Kind: policy.KindImage, Available: true, Protection: policy.Protected},
			Share: &policy.Share{ID: "s1", Assets: policy.NewAssetSet("a1"), Enabled: true, Until: now.Add(time.Hour)}}
		if edit != nil {
			edit(&in)
		}
		return in
	}
	visitor := func(mode policy.Mode, edit func(*policy.Input)) policy.Input {
		in := policy.Input{Action: policy.ActionArchive, Now: now,
			Actor:  policy.Actor{Email: "vi@example.org", Role: policy.RoleVisitor},
			Asset:  policy.Asset{ID: "a1", Domain: "d", Kind: policy.KindImage, Available: true},
			Portal: &policy.Portal{ID: "p1", Assets: policy.NewAssetSet("a1"), Mode: mode, Enabled: true}}
		if edit != nil {
			edit(&in)
		}
		return in
	}
	member := func(role policy.Role) policy.Input {
		return policy.Input{Action: policy.ActionArchive, Now: now, Actor: policy.Actor{ID: "u1", Role: role, Domains: []string{"d"}},
			Asset: policy.Asset{ID: "a1", Domain: "d", Kind: policy.KindImage, Available: true}}
	}
	cases := []struct {
		name    string
		in      policy.Input
		allowed bool
		rule    policy.RuleID
	}{
		{"guest of a share", guest(nil), true, "R24"},
		{"view-only share", guest(func(in *policy.Input) { in.Share.ViewOnly = true }), false, "R31"},
		{"share fixing a profile, ZIP of originals", guest(func(in *policy.Input) { in.Share.Profile = "web" }), false, "R23"},
		{"downloads off in the library", guest(func(in *policy.Input) { in.Settings.DownloadsOff = true }), false, "R29"},
		{"unavailable asset", guest(func(in *policy.Input) { in.Asset.Available = false }), false, "R15"},
		{"disabled share hides", guest(func(in *policy.Input) { in.Share.Enabled = false }), false, "R03"},
		{"asset not in the share hides", guest(func(in *policy.Input) { in.Share.Assets = nil }), false, "R04"},
		{"visitor of an open portal", visitor(policy.DownloadsOpen, nil), true, "R25"},
		{"visitor without a grant", visitor(policy.DownloadsOnRequest, nil), false, "R28"},
		{"portal with downloads off", visitor(policy.DownloadsDisabled, nil), false, "R26"},
		{"owner", member(policy.RoleOwner), false, "R32"},
		{"editor", member(policy.RoleEditor), false, "R32"},
		{"viewer", member(policy.RoleViewer), false, "R32"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := policy.Decide(c.in)
			assert.Equal(t, c.allowed, d.Allowed, "reason %s", d.Reason)
			assert.Equal(t, c.rule, d.Rule)
		})
	}
	a, err := policy.ParseAction("archive")
	require.NoError(t, err)
	assert.Equal(t, policy.ActionArchive, a)
	assert.Equal(t, "archive", policy.ActionArchive.String())
}

// TestArchiveIsADownloadForLinks: for guests and visitors, every row's
// example decides an archive exactly as the download it would be (same
// answer, reason and row).
func TestArchiveIsADownloadForLinks(t *testing.T) {
	n := 0
	for _, r := range policy.Rules() {
		in := r.Example
		if in.Action != policy.ActionDownload || (in.Actor.Role != policy.RoleGuest && in.Actor.Role != policy.RoleVisitor) {
			continue
		}
		n++
		want := policy.Decide(in)
		in.Action = policy.ActionArchive
		got := policy.Decide(in)
		assert.Equal(t, want.Allowed, got.Allowed, "%s", r.ID)
		assert.Equal(t, want.Reason, got.Reason, "%s", r.ID)
		assert.Equal(t, want.Rule, got.Rule, "%s", r.ID)
	}
	assert.GreaterOrEqual(t, n, 6, "the guest and visitor rows have examples")
}
