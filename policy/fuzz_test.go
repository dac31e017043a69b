package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/damkit/damkit/policy"
)

// FuzzParse feeds names from requests and stored rows to the parsers: they
// either fail or return a value whose String parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "owner", "VIEWER", "download", "protected", "image", "open", "auto_approve", "unknown(9)", "none"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := policy.ParseRole(s); err == nil {
			if back, err := policy.ParseRole(r.String()); err != nil || back != r {
				t.Fatalf("role %q -> %v -> %v, %v", s, r, back, err)
			}
		}
		if a, err := policy.ParseAction(s); err == nil {
			if back, err := policy.ParseAction(a.String()); err != nil || back != a {
				t.Fatalf("action %q -> %v -> %v, %v", s, a, back, err)
			}
		}
		if v, err := policy.ParseSetting(s); err == nil {
			if back, err := policy.ParseSetting(v.String()); err != nil || back != v {
				t.Fatalf("setting %q -> %v -> %v, %v", s, v, back, err)
			}
		}
		if k, err := policy.ParseKind(s); err == nil {
			if back, err := policy.ParseKind(k.String()); err != nil || back != k {
				t.Fatalf("kind %q -> %v -> %v, %v", s, k, back, err)
			}
		}
		if m, err := policy.ParseMode(s); err == nil {
			if back, err := policy.ParseMode(m.String()); err != nil || back != m {
				t.Fatalf("mode %q -> %v -> %v, %v", s, m, back, err)
			}
		}
	})
}

// FuzzDecide decides arbitrary inputs: nothing panics, every input is
// decided by a row, and the invariants hold.
func FuzzDecide(f *testing.F) {
	f.Add(uint8(3), uint8(2), uint8(1), uint8(0), "d", "d", "f1", int64(0), int64(-5), int64(5), int64(0), uint8(3), "web", "")
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), "", "", "", int64(0), int64(0), int64(0), int64(0), uint8(0), "", "")
	f.Add(uint8(5), uint8(4), uint8(2), uint8(1), "d", "x,d", "missing", int64(1), int64(0), int64(0), int64(0), uint8(1), "", "original")
	f.Fuzz(func(t *testing.T, role, action, assetSetting, folderSetting uint8, domain, domains, folder string,
		expires, from, until, revoked int64, mode uint8, profile, shareProfile string) {
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := func(s int64) time.Time {
			if s == 0 {
				return time.Time{}
			}
			return now.Add(time.Duration(s%1000) * time.Second)
		}
		tree, err := policy.NewTree([]policy.Folder{{ID: "f1", Protection: policy.Setting(folderSetting % 4)}, {ID: "f2", ParentID: "f1"}})
		if err != nil {
			t.Fatal(err)
		}
		assets := policy.NewAssetSet("a1")
		in := policy.Input{
			Action:  policy.Action(action),
			Profile: profile,
			Actor:   policy.Actor{ID: "u1", Email: "pat@example.com", Role: policy.Role(role), Domains: strings.Split(domains, ",")},
			Asset: policy.Asset{ID: "a1", FolderID: folder, Domain: domain, Available: expires%3 != 0,
				ExpiresAt: at(expires), Protection: policy.Setting(assetSetting)},
			Settings: policy.Settings{ProtectByDefault: role%2 == 0, ShowWatermarks: true},
			Tree:     tree,
			Grants: policy.IndexGrants([]policy.Grant{{ID: "g", ActorID: "u1", Email: "pat@example.com", AssetID: "a1",
				From: at(from), Until: at(until), RevokedAt: at(revoked)}}),
			Share:  &policy.Share{Assets: assets, Profile: shareProfile, Enabled: mode%2 == 0},
			Portal: &policy.Portal{Assets: assets, Mode: policy.Mode(mode), Enabled: mode%3 != 0},
			Now:    now,
		}
		d := policy.Decide(in)
		if d.Rule == "" {
			t.Fatalf("no rule decided %+v", in)
		}
		if d.Hidden() && (d.Allowed || d.Protected || d.CanRequest || d.Watermark) {
			t.Fatalf("hidden decision says too much: %+v", d)
		}
		dl, view := in, in
		dl.Action, view.Action = policy.ActionDownload, policy.ActionView
		if policy.Decide(dl).Allowed && !policy.Decide(view).Allowed {
			t.Fatalf("download without view: %+v", in)
		}
		if e := policy.Explain(in); e.Decision != d {
			t.Fatalf("Explain %+v != Decide %+v", e.Decision, d)
		}
	})
}
