package dam_test

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestVersionsCloneAndDuplicateMetadata(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, strings.NewReader("version one"), dam.UploadOptions{
		Name: "deck.txt", Meta: &dam.Metadata{Title: "Sales deck", Keywords: []string{"sales"}}})
	require.NoError(t, err)

	b, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("version two"), dam.NewVersionOptions{Name: "deck-v2.txt"})
	require.NoError(t, err)
	assert.Equal(t, 2, b.Current.Number)
	assert.Equal(t, "Sales deck", b.Meta.Title, "metadata inherited")
	assert.Equal(t, "deck.txt", b.Name, "asset keeps its name")

	d, err := f.lib.Open(f.owner, a.ID, 0)
	require.NoError(t, err)
	body, err := io.ReadAll(d)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.Equal(t, "version two", string(body), "downloads serve the current version")

	d, err = f.lib.Open(f.owner, a.ID, 1)
	require.NoError(t, err)
	body, err = io.ReadAll(d)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.Equal(t, "version one", string(body), "the original is kept")

	vs, err := f.lib.Versions(f.owner, a.ID)
	require.NoError(t, err)
	require.Len(t, vs, 2)
	assert.Equal(t, []int{1, 2}, []int{vs[0].Number, vs[1].Number})

	t.Run("new version with edited metadata", func(t *testing.T) {
		c, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("version three"), dam.NewVersionOptions{Meta: &dam.Metadata{Title: "Sales deck 2027"}})
		require.NoError(t, err)
		assert.Equal(t, 3, c.Current.Number)
		assert.Equal(t, "Sales deck 2027", c.Meta.Title)
	})

	t.Run("delete a version, never the last", func(t *testing.T) {
		require.NoError(t, f.lib.DeleteVersion(f.owner, a.ID, 3))
		x, err := f.lib.Asset(f.owner, a.ID)
		require.NoError(t, err)
		assert.Equal(t, 2, x.Current.Number, "the newest remaining version becomes current")
		require.NoError(t, f.lib.DeleteVersion(f.owner, a.ID, 1))
		err = f.lib.DeleteVersion(f.owner, a.ID, 2)
		assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
		assert.Len(t, f.keys(t, "originals/"), 1, "bytes of deleted versions are gone")
	})

	t.Run("clone shares bytes and copies metadata", func(t *testing.T) {
		c, err := f.lib.Clone(f.owner, a.ID, "copy.txt")
		require.NoError(t, err)
		assert.NotEqual(t, a.ID, c.ID)
		assert.Equal(t, "copy.txt", c.Name)
		assert.Equal(t, "Sales deck 2027", c.Meta.Title)
		assert.Equal(t, 1, c.Current.Number)
		x, err := f.lib.Asset(f.owner, a.ID)
		require.NoError(t, err)
		assert.Equal(t, x.Current.SHA256, c.Current.SHA256)
		assert.Len(t, f.keys(t, "originals/"), 1, "a clone stores no new bytes")
	})

	t.Run("duplicate metadata onto a new upload", func(t *testing.T) {
		n, err := f.lib.Upload(f.owner, strings.NewReader("other"), dam.UploadOptions{Name: "other.txt", CopyMetaFrom: a.ID})
		require.NoError(t, err)
		assert.Equal(t, "Sales deck 2027", n.Meta.Title)
	})
}

func TestFolders(t *testing.T) {
	f := newFixture(t, nil)
	top, err := f.lib.CreateFolder(f.owner, "Top", "", "")
	require.NoError(t, err)
	mid, err := f.lib.CreateFolder(f.owner, "Mid", top.ID, "")
	require.NoError(t, err)
	leaf, err := f.lib.CreateFolder(f.owner, "Leaf", mid.ID, "")
	require.NoError(t, err)

	for _, bad := range []string{"../up", "a\x00b", "a\x07b", strings.Repeat("n", 1000), "   "} {
		_, err := f.lib.CreateFolder(f.owner, bad, "", "")
		assert.Equal(t, dam.Invalid, kindOf(t, err), "name %q", bad)
	}
	_, err = f.lib.CreateFolder(f.owner, "Mid", top.ID, "")
	assert.Equal(t, dam.AlreadyExists, kindOf(t, err), "sibling names are unique")

	_, err = f.lib.MoveFolder(f.owner, top.ID, leaf.ID)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "a move into its own subtree is refused")
	_, err = f.lib.MoveFolder(f.owner, top.ID, top.ID)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))

	moved, err := f.lib.MoveFolder(f.owner, leaf.ID, "")
	require.NoError(t, err)
	assert.Equal(t, "", moved.ParentID)
	renamed, err := f.lib.RenameFolder(f.owner, leaf.ID, "Leaf 2")
	require.NoError(t, err)
	assert.Equal(t, "Leaf 2", renamed.Name)

	a, err := f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: "x.txt", FolderID: mid.ID})
	require.NoError(t, err)
	folder := mid.ID
	as, _, err := f.lib.Assets(f.owner, dam.AssetQuery{FolderID: &folder})
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Equal(t, a.ID, as[0].ID)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.DeleteFolder(f.owner, mid.ID)), "a folder with assets stays")
	require.NoError(t, f.lib.DeleteFolder(f.owner, leaf.ID))
}

func TestDomainsHideAssets(t *testing.T) {
	f := newFixture(t, nil)
	outsider := f.user(t, "eu@example.com", dam.RoleEditor, "europe")
	a := f.upload(t, f.owner, "secret.txt", "default domain")
	_, err := f.lib.Asset(outsider, a.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "an outsider does not learn the asset exists")
	_, err = f.lib.Open(outsider, a.ID, 0)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	as, _, err := f.lib.Assets(outsider, dam.AssetQuery{})
	require.NoError(t, err)
	assert.Empty(t, as)
	mine := f.upload(t, outsider, "mine.txt", "europe")
	assert.Equal(t, "europe", mine.Domain)
	_, err = f.lib.Asset(f.owner, mine.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "domains cut both ways")
}
