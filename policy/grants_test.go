package policy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

func TestGrantValidAt(t *testing.T) {
	now := time.Date(2026, 2, 2, 2, 2, 2, 0, time.UTC)
	h := time.Hour
	tests := []struct {
		name  string
		grant policy.Grant
		want  bool
	}{
		{"zero grant is in force but names no one", policy.Grant{}, true},
		{"inside", policy.Grant{From: now.Add(-h), Until: now.Add(h)}, true},
		{"from == now", policy.Grant{From: now, Until: now.Add(h)}, true},
		{"until == now", policy.Grant{From: now.Add(-h), Until: now}, false},
		{"not yet", policy.Grant{From: now.Add(time.Nanosecond)}, false},
		{"ended", policy.Grant{Until: now.Add(-time.Nanosecond)}, false},
		{"no until", policy.Grant{From: now.Add(-h)}, true},
		{"revoked at now", policy.Grant{From: now.Add(-h), RevokedAt: now}, false},
		{"revoked before", policy.Grant{From: now.Add(-h), RevokedAt: now.Add(-h)}, false},
		{"revocation scheduled later", policy.Grant{From: now.Add(-h), RevokedAt: now.Add(h)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.grant.ValidAt(now))
		})
	}
}

func TestGrantHolders(t *testing.T) {
	now := time.Date(2026, 2, 2, 2, 2, 2, 0, time.UTC)
	grants := policy.IndexGrants([]policy.Grant{
		{ID: "by-id", ActorID: "u1", AssetID: "a1"},
		{ID: "by-email", Email: "Pat@Example.com", Assets: []string{"a2", "a3"}},
		{ID: "zero"},
	})
	require.Equal(t, 3, grants.Len())
	base := policy.Input{
		Action:   policy.ActionDownload,
		Settings: policy.Settings{ProtectByDefault: true},
		Grants:   grants,
		Portal:   &policy.Portal{Assets: policy.NewAssetSet("a1", "a2", "a3"), Mode: policy.DownloadsOnRequest, Enabled: true},
		Now:      now,
	}
	viewer := policy.Actor{ID: "u1", Email: "pat@example.com", Role: policy.RoleViewer, Domains: []string{"d"}}
	visitor := policy.Actor{ID: "u1", Email: "pat@example.com", Role: policy.RoleVisitor}
	tests := []struct {
		name    string
		actor   policy.Actor
		asset   string
		want    bool
		grantID string
	}{
		{"viewer by ID", viewer, "a1", true, "by-id"},
		{"viewer not by email", viewer, "a2", false, ""},
		{"visitor by email, any case", visitor, "a3", true, "by-email"},
		{"visitor not by ID", visitor, "a1", false, ""},
		{"other viewer", policy.Actor{ID: "u2", Role: policy.RoleViewer, Domains: []string{"d"}}, "a1", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			in.Actor = tt.actor
			in.Asset = policy.Asset{ID: tt.asset, Domain: "d", Available: true}
			d := policy.Decide(in)
			assert.Equal(t, tt.want, d.Allowed, "%+v", d)
			assert.Equal(t, tt.grantID, d.GrantID)
			assert.Equal(t, !tt.want, d.CanRequest)
		})
	}
	var none *policy.Grants
	assert.Zero(t, none.Len())
}
