package dam_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestFolderProtection(t *testing.T) {
	f := newFixture(t, nil)
	mk := func(name, parent string, p dam.Protection) dam.Folder {
		t.Helper()
		x, err := f.lib.CreateFolder(f.owner, name, parent, "")
		require.NoError(t, err)
		if p != dam.Inherit {
			_, err = f.lib.SetFolderProtection(f.owner, x.ID, p)
			require.NoError(t, err)
		}
		return x
	}
	a := mk("A", "", dam.Protected)
	b := mk("B", a.ID, dam.Inherit)
	c := mk("C", b.ID, dam.Unprotected)
	d := mk("D", c.ID, dam.Inherit)
	e := mk("E", "", dam.Inherit)

	for _, byDefault := range []bool{false, true} {
		st := dam.DefaultSettings()
		st.ProtectByDefault = byDefault
		_, err := f.lib.UpdateSettings(f.owner, st)
		require.NoError(t, err)
		for _, tc := range []struct {
			folder    dam.Folder
			setting   dam.Protection
			protected bool
			by, setBy string
		}{
			{a, dam.Protected, true, "folder", a.ID},
			{b, dam.Inherit, true, "folder", a.ID},
			{c, dam.Unprotected, false, "folder", c.ID},
			{d, dam.Inherit, false, "folder", c.ID},
			{e, dam.Inherit, byDefault, "library", ""},
		} {
			got, err := f.lib.FolderProtection(f.owner, tc.folder.ID)
			require.NoError(t, err)
			assert.Equal(t, dam.FolderProtectionInfo{FolderID: tc.folder.ID, Setting: tc.setting, Protected: tc.protected,
				ProtectedBy: tc.by, SetBy: tc.setBy}, got, "%s, protect by default %v", tc.folder.Name, byDefault)
		}
	}

	// Anyone who reaches the folder may ask; another domain's folder reads
	// as an absent one.
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	got, err := f.lib.FolderProtection(viewer, d.ID)
	require.NoError(t, err)
	assert.False(t, got.Protected)
	other := f.user(t, "other@example.com", dam.RoleOwner, "b")
	_, err = f.lib.FolderProtection(other, a.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	_, absentErr := f.lib.FolderProtection(other, "01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, dam.NotFound, dam.KindOf(absentErr))
}
