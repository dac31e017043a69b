package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/policy"
)

// TestPortalLicence: a portal's licence governs its assets that resolve
// none of their own or from a folder, in place of the library default.
func TestPortalLicence(t *testing.T) {
	tree, err := policy.NewTree([]policy.Folder{{ID: "f", Licence: "folder-l"}, {ID: "g"}, {ID: "n", Licence: policy.NoLicence}})
	require.NoError(t, err)
	for _, c := range []struct {
		name, asset, folder, portal, library, want string
	}{
		{name: "portal only", portal: "portal-l", want: "portal-l"},
		{name: "portal over library", portal: "portal-l", library: "lib-l", want: "portal-l"},
		{name: "no portal licence: library", library: "lib-l", want: "lib-l"},
		{name: "asset wins", asset: "asset-l", portal: "portal-l", want: "asset-l"},
		{name: "folder wins", folder: "f", portal: "portal-l", want: "folder-l"},
		{name: "folder without one", folder: "g", portal: "portal-l", want: "portal-l"},
		{name: "folder says none", folder: "n", portal: "portal-l", want: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := policy.Input{
				Action: policy.ActionDownload, Actor: policy.Actor{Role: policy.RoleVisitor},
				Asset:    policy.Asset{ID: "a", FolderID: c.folder, Available: true, Licence: c.asset},
				Settings: policy.Settings{Licence: c.library}, Tree: tree,
				Portal: &policy.Portal{ID: "p", Assets: policy.NewAssetSet("a"), Mode: policy.DownloadsOpen, Enabled: true, Licence: c.portal},
			}
			d := policy.Decide(in)
			assert.Equal(t, c.want, d.Licence)
			if c.want != "" {
				assert.Equal(t, policy.ReasonLicenceRequired, d.Reason)
				in.Accepted = policy.NewLicenceSet(c.want)
				assert.True(t, policy.Decide(in).Allowed)
			} else {
				assert.True(t, d.Allowed)
			}
		})
	}
}
