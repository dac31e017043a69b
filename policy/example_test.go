package policy_test

import (
	"fmt"
	"time"

	"github.com/damkit/damkit/policy"
)

// A viewer asks to download an asset of a protected folder: denied, but they
// may request it. Once a request is approved, the grant lets them.
func ExampleDecide() {
	tree, err := policy.NewTree([]policy.Folder{
		{ID: "press", Protection: policy.Protected},
		{ID: "press-2026", ParentID: "press"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	in := policy.Input{
		Action: policy.ActionDownload,
		Actor:  policy.Actor{ID: "u7", Role: policy.RoleViewer, Domains: []string{"emea"}},
		Asset:  policy.Asset{ID: "a1", FolderID: "press-2026", Domain: "emea", Kind: policy.KindImage, Available: true},
		Tree:   tree,
		Now:    now,
	}
	d := policy.Decide(in)
	fmt.Println(d.Allowed, d.Reason, d.CanRequest, d.Source.Level, d.Source.FolderID)

	in.Grants = policy.IndexGrants([]policy.Grant{
		{ID: "g1", ActorID: "u7", AssetID: "a1", From: now.Add(-time.Hour), Until: now.Add(7 * 24 * time.Hour)},
	})
	d = policy.Decide(in)
	fmt.Println(d.Allowed, d.Reason, d.GrantID)
	// Output:
	// false protected true folder press
	// true grant g1
}

// Filter decides a whole selection at once, as a ZIP download of a
// collection does: the protected asset is skipped, the others go in.
func ExampleFilter() {
	in := policy.Input{
		Action:   policy.ActionDownload,
		Actor:    policy.Actor{ID: "u7", Role: policy.RoleViewer, Domains: []string{"emea"}},
		Settings: policy.Settings{NotDownloadable: policy.Kinds(policy.KindVideo)},
		Now:      time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC),
	}
	assets := []policy.Asset{
		{ID: "logo", Domain: "emea", Kind: policy.KindImage, Available: true},
		{ID: "keynote", Domain: "emea", Kind: policy.KindImage, Available: true, Protection: policy.Protected},
		{ID: "teaser", Domain: "emea", Kind: policy.KindVideo, Available: true},
		{ID: "secret", Domain: "apac", Kind: policy.KindImage, Available: true},
	}
	for i, d := range policy.Filter(in, assets, nil) {
		fmt.Printf("%s: allowed=%t reason=%s not_found=%t\n", assets[i].ID, d.Allowed, d.Reason, d.Hidden())
	}
	// Output:
	// logo: allowed=true reason=unprotected not_found=false
	// keynote: allowed=false reason=protected not_found=false
	// teaser: allowed=false reason=kind_not_downloadable not_found=false
	// secret: allowed=false reason=outside_domain not_found=true
}

// Explain shows the rows tried on the way to a decision.
func ExampleExplain() {
	in := policy.Input{
		Action:  policy.ActionDownload,
		Profile: "original",
		Actor:   policy.Actor{Role: policy.RoleGuest},
		Asset:   policy.Asset{ID: "a1", Kind: policy.KindImage, Available: true},
		Share:   &policy.Share{ID: "s1", Assets: policy.NewAssetSet("a1"), Profile: "web", Enabled: true},
		Now:     time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC),
	}
	e := policy.Explain(in)
	for _, s := range e.Steps {
		if s.Matched {
			fmt.Println("decided by", s.Rule, s.Name)
		}
	}
	fmt.Println(len(e.Steps) > 1, e.Decision.Allowed, e.Decision.Reason)
	// Output:
	// decided by R23 guest-profile
	// true false profile_not_shared
}

// Rules lists the table Decide walks, for documentation or for host tests.
func ExampleRules() {
	for _, r := range policy.Rules()[:3] {
		fmt.Println(r.ID, r.Name, r.Effect, r.Reason)
	}
	// Output:
	// R01 invalid-input deny invalid_input
	// R02 outside-domain deny outside_domain
	// R03 share-inactive deny share_inactive
}
