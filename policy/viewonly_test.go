package policy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/damkit/damkit/policy"
)

// TestViewOnlyShare is R31: a view-only share shows its assets to its
// guests and hands out no download, in any profile, whatever else holds.
func TestViewOnlyShare(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	base := func(viewOnly bool, action policy.Action, profile string) policy.Input {
		return policy.Input{
			Action: action, Profile: profile, Now: now,
			Actor: policy.Actor{Email: "guest@example.com", Role: policy.RoleGuest},
			Asset: policy.Asset{ID: "a1", Domain: "d", Kind: policy.KindImage, Available: true, Protection: policy.Protected},
			Share: &policy.Share{ID: "s1", Assets: policy.NewAssetSet("a1"), Enabled: true, Until: now.Add(time.Hour), ViewOnly: viewOnly},
		}
	}
	cases := []struct {
		name    string
		in      policy.Input
		allowed bool
		rule    policy.RuleID
		reason  policy.Reason
	}{
		{"view-only download of the original", base(true, policy.ActionDownload, ""), false, "R31", policy.ReasonViewOnly},
		{"view-only download named original", base(true, policy.ActionDownload, "original"), false, "R31", policy.ReasonViewOnly},
		{"view-only download in a profile", base(true, policy.ActionDownload, "web"), false, "R31", policy.ReasonViewOnly},
		{"view-only preview", base(true, policy.ActionView, ""), true, "R12", policy.ReasonVisible},
		{"view-only request", base(true, policy.ActionRequest, ""), false, "R08", policy.ReasonNotRequestable},
		{"ordinary share download", base(false, policy.ActionDownload, ""), true, "R24", policy.ReasonShared},
		{"view-only but expired share hides", func() policy.Input {
			in := base(true, policy.ActionDownload, "")
			in.Share.Until = now
			return in
		}(), false, "R03", policy.ReasonShareInactive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := policy.Decide(c.in)
			assert.Equal(t, c.allowed, d.Allowed)
			assert.Equal(t, c.rule, d.Rule)
			assert.Equal(t, c.reason, d.Reason)
		})
	}
	// Previews of protected assets are watermarked for a view-only share's
	// guests when the library shows watermarks, never for an ordinary
	// share's (its guests download the original anyway).
	for _, viewOnly := range []bool{true, false} {
		in := base(viewOnly, policy.ActionView, "")
		in.Settings.ShowWatermarks = true
		assert.Equal(t, viewOnly, policy.Decide(in).Watermark, "view-only %t", viewOnly)
	}
	// A licence never stands in front of a view-only refusal: accepting it
	// could not lift it.
	in := base(true, policy.ActionDownload, "")
	in.Settings.Licence = "cc-by"
	d := policy.Decide(in)
	assert.Equal(t, policy.RuleID("R31"), d.Rule)
}
