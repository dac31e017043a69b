package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

func TestNamesRoundTrip(t *testing.T) {
	for _, r := range []policy.Role{policy.RoleNone, policy.RoleOwner, policy.RoleEditor, policy.RoleViewer, policy.RoleGuest, policy.RoleVisitor} {
		got, err := policy.ParseRole(r.String())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	for _, a := range []policy.Action{policy.ActionView, policy.ActionDownload, policy.ActionShare, policy.ActionRequest, policy.ActionManage} {
		got, err := policy.ParseAction(a.String())
		require.NoError(t, err)
		assert.Equal(t, a, got)
	}
	for _, s := range []policy.Setting{policy.Inherit, policy.Protected, policy.Unprotected} {
		got, err := policy.ParseSetting(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	for _, k := range []policy.Kind{policy.KindOther, policy.KindImage, policy.KindVideo, policy.KindAudio, policy.KindDocument} {
		got, err := policy.ParseKind(k.String())
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	for _, m := range []policy.Mode{policy.DownloadsDisabled, policy.DownloadsOnRequest, policy.DownloadsAutoApproved, policy.DownloadsOpen} {
		got, err := policy.ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
}

func TestParseDefaultsAndErrors(t *testing.T) {
	s, err := policy.ParseSetting("")
	require.NoError(t, err)
	assert.Equal(t, policy.Inherit, s)
	k, err := policy.ParseKind("")
	require.NoError(t, err)
	assert.Equal(t, policy.KindOther, k)
	s, err = policy.ParseSetting("PROTECTED")
	require.NoError(t, err)
	assert.Equal(t, policy.Protected, s)

	_, err = policy.ParseRole("admin")
	assert.ErrorContains(t, err, "unknown role")
	_, err = policy.ParseAction("delete")
	assert.Error(t, err)
	_, err = policy.ParseMode("maybe")
	assert.Error(t, err)
	_, err = policy.ParseKind("hologram")
	assert.Error(t, err)
	_, err = policy.ParseSetting("sometimes")
	assert.Error(t, err)
	assert.Equal(t, "unknown(9)", policy.Role(9).String())
}

func TestSets(t *testing.T) {
	ks := policy.Kinds(policy.KindVideo, policy.KindAudio)
	assert.True(t, ks.Has(policy.KindVideo))
	assert.False(t, ks.Has(policy.KindImage))
	assert.False(t, ks.Has(policy.Kind(200)))
	rs := policy.Roles(policy.RoleOwner, policy.Role(77))
	assert.True(t, rs.Has(policy.RoleOwner))
	assert.False(t, rs.Has(policy.Role(77)))
	as := policy.Actions(policy.ActionView, policy.Action(99))
	assert.True(t, as.Has(policy.ActionView))
	assert.False(t, as.Has(policy.Action(99)))
	var set policy.AssetSet
	assert.False(t, set.Has("a"))
	assert.True(t, policy.NewAssetSet("a").Has("a"))
}

// TestZeroValuesDeny feeds zero and partly zero inputs: nothing panics and
// nothing is allowed.
func TestZeroValuesDeny(t *testing.T) {
	tests := []struct {
		name string
		in   policy.Input
	}{
		{"zero input", policy.Input{}},
		{"zero actor", policy.Input{Action: policy.ActionView, Asset: policy.Asset{ID: "a", Available: true}}},
		{"zero asset", policy.Input{Action: policy.ActionView, Actor: policy.Actor{Role: policy.RoleOwner}}},
		{"zero action", policy.Input{Actor: policy.Actor{Role: policy.RoleOwner, Domains: []string{""}}, Asset: policy.Asset{ID: "a"}}},
		{"user without domains", policy.Input{Action: policy.ActionView, Actor: policy.Actor{Role: policy.RoleOwner}, Asset: policy.Asset{ID: "a"}}},
		{"guest with zero share", policy.Input{Action: policy.ActionView, Actor: policy.Actor{Role: policy.RoleGuest}, Asset: policy.Asset{ID: "a"}}},
		{"visitor with zero portal", policy.Input{Action: policy.ActionView, Actor: policy.Actor{Role: policy.RoleVisitor}, Asset: policy.Asset{ID: "a"}}},
		{"unknown role", policy.Input{Action: policy.ActionView, Actor: policy.Actor{Role: 42}, Asset: policy.Asset{ID: "a"}}},
		{"unknown action", policy.Input{Action: 42, Actor: policy.Actor{Role: policy.RoleOwner, Domains: []string{""}}, Asset: policy.Asset{ID: "a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := policy.Decide(tt.in)
			assert.False(t, d.Allowed)
			assert.True(t, d.Hidden())
			assert.NotEmpty(t, d.Rule)
			assert.Equal(t, d, policy.Explain(tt.in).Decision)
			assert.Equal(t, []policy.Decision{d}, policy.Filter(tt.in, []policy.Asset{tt.in.Asset}, nil))
		})
	}
	// A viewer with a zero asset that has an ID: unavailable, so nothing
	// but a view.
	in := policy.Input{Action: policy.ActionDownload, Actor: policy.Actor{Role: policy.RoleViewer, Domains: []string{""}}, Asset: policy.Asset{ID: "a"}}
	d := policy.Decide(in)
	assert.False(t, d.Allowed)
	assert.Equal(t, policy.ReasonUnavailable, d.Reason)
	assert.Empty(t, policy.Filter(in, nil, nil))
	var zero policy.Decision
	assert.False(t, zero.Allowed)
}
