package dam_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// LicenceUse says where a licence applies: the library default, the
// folders and assets set to it, and the portals where it governs a
// visitor's download; nothing of domains the owner does not reach.
func TestLicenceUse(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalOpen)
	lic, err := pf.lib.CreateLicence(pf.owner, "Press", "Editorial use.")
	require.NoError(t, err)
	other, err := pf.lib.CreateLicence(pf.owner, "Other", "Other use.")
	require.NoError(t, err)

	u, err := pf.lib.LicenceUse(pf.owner, lic.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.LicenceUse{Folders: []dam.Folder{}, Assets: []dam.Asset{}, Portals: []dam.Portal{}}, u, "used nowhere yet")

	folder, err := pf.lib.CreateFolder(pf.owner, "Press", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = pf.lib.SetFolderLicence(pf.owner, folder.ID, lic.ID)
	require.NoError(t, err)
	_, err = pf.lib.SetAssetLicence(pf.owner, pf.a.ID, lic.ID)
	require.NoError(t, err)
	_, err = pf.lib.SetAssetLicence(pf.owner, pf.b.ID, other.ID)
	require.NoError(t, err)
	elsewhere := pf.user(t, "else@example.com", dam.RoleOwner, "elsewhere")
	hidden := pf.upload(t, elsewhere, "hidden.txt", "hidden")
	_, err = pf.lib.SetAssetLicence(elsewhere, hidden.ID, lic.ID)
	require.NoError(t, err)

	u, err = pf.lib.LicenceUse(pf.owner, lic.ID)
	require.NoError(t, err)
	assert.False(t, u.LibraryDefault)
	require.Len(t, u.Folders, 1)
	assert.Equal(t, folder.ID, u.Folders[0].ID)
	require.Len(t, u.Assets, 1, "the other domain's asset is neither listed nor counted")
	assert.Equal(t, pf.a.ID, u.Assets[0].ID)
	assert.Equal(t, 1, u.AssetCount)
	require.Len(t, u.Portals, 1, "the portal's visitors accept it for logo.txt")
	assert.Equal(t, "press-kit", u.Portals[0].Slug)

	u, err = pf.lib.LicenceUse(elsewhere, lic.ID)
	require.NoError(t, err)
	require.Len(t, u.Assets, 1)
	assert.Equal(t, hidden.ID, u.Assets[0].ID)
	assert.Empty(t, u.Folders)
	assert.Empty(t, u.Portals, "the portal is not of this owner's domains")

	s, err := pf.lib.Settings(pf.owner)
	require.NoError(t, err)
	s.Licence = other.ID
	_, err = pf.lib.UpdateSettings(pf.owner, s)
	require.NoError(t, err)
	u, err = pf.lib.LicenceUse(pf.owner, other.ID)
	require.NoError(t, err)
	assert.True(t, u.LibraryDefault)
	require.Len(t, u.Portals, 1)

	_, err = pf.lib.LicenceUse(pf.owner, "01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	viewer := pf.user(t, "v@example.com", dam.RoleViewer, dam.DefaultDomain)
	_, err = pf.lib.LicenceUse(viewer, lic.ID)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
}
