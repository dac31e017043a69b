package dam_test

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// A share of a collection that fixes no profile offers each asset in the
// collection's export profile: the item's own, else the collection's
// default ("original" on an item keeps the original). Before, guests got
// the originals of a collection whose default profile is "web".
func TestShareOfCollectionOffersItsProfiles(t *testing.T) {
	f := newShareFixture(t)
	f.profile(t, dam.Profile{Name: "web", Width: 64, Height: 64, Format: rendition.FormatPNG})
	f.profile(t, dam.Profile{Name: "print", Width: 32, Height: 32, Format: rendition.FormatJPEG})
	byDefault := f.photo(t, f.editor, "beach.jpg")
	ownProfile := f.photo(t, f.editor, "dunes.jpg")
	original := f.photo(t, f.editor, "cliff.jpg")
	c, err := f.lib.CreateCollection(f.editor, "Picks", "web")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.editor, c.ID, []dam.CollectionItem{
		{AssetID: byDefault.ID}, {AssetID: ownProfile.ID, Profile: "print"}, {AssetID: original.ID, Profile: "original"}})
	require.NoError(t, err)

	v := f.create(t, dam.NewShare{AssetIDs: []string{}, CollectionID: c.ID, Guests: "ana@example.com"})
	assert.Equal(t, map[string]string{byDefault.ID: "web", ownProfile.ID: "print"}, v.AssetProfiles)
	g := f.guest(t, v.Links[0].Token)

	gv, err := f.lib.GuestShare(g)
	require.NoError(t, err)
	offered := map[string]string{}
	for _, a := range gv.Assets {
		offered[a.Name] = a.Profile
	}
	assert.Equal(t, map[string]string{"beach.jpg": "web", "dunes.jpg": "print", "cliff.jpg": ""}, offered,
		"the guest page says what each file comes as")

	for _, tc := range []struct {
		asset     dam.Asset
		mediaType string
		rendition bool
	}{{byDefault, "image/png", true}, {ownProfile, "image/jpeg", true}, {original, "image/jpeg", false}} {
		dl, err := f.lib.GuestOpen(g, tc.asset.ID, "")
		require.NoError(t, err, tc.asset.Name)
		assert.Equal(t, tc.rendition, dl.IsRendition(), tc.asset.Name)
		assert.Equal(t, tc.mediaType, dl.Version.MediaType, tc.asset.Name)
		if tc.rendition {
			assert.LessOrEqual(t, max(dl.Version.Width, dl.Version.Height), 64, tc.asset.Name)
		}
		require.NoError(t, dl.Close())
	}
	for _, p := range []string{"original", "thumb", "print"} {
		_, err := f.lib.GuestOpen(g, byDefault.ID, p)
		assert.Equal(t, dam.PermissionDenied, kindOf(t, err), "only the collection's profile is offered, not %s", p)
		assert.Equal(t, "profile_not_shared", refusalReason(t, err))
	}

	p, err := f.lib.GuestArchive(g)
	require.NoError(t, err)
	defer p.Close()
	data, err := io.ReadAll(p)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
	}
	assert.ElementsMatch(t, []string{"beach.png", "dunes.jpg", "cliff.jpg"}, names, "the ZIP holds each in its profile")
}

// A share that fixes a profile offers every asset of the collection in it,
// whatever the collection says.
func TestShareOfCollectionWithItsOwnProfile(t *testing.T) {
	f := newShareFixture(t)
	f.profile(t, dam.Profile{Name: "web", Width: 64, Height: 64, Format: rendition.FormatPNG})
	f.profile(t, dam.Profile{Name: "print", Width: 32, Height: 32, Format: rendition.FormatJPEG})
	photo := f.photo(t, f.editor, "beach.jpg")
	c, err := f.lib.CreateCollection(f.editor, "Picks", "web")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.editor, c.ID, []dam.CollectionItem{{AssetID: photo.ID, Profile: "original"}})
	require.NoError(t, err)
	v := f.create(t, dam.NewShare{AssetIDs: []string{}, CollectionID: c.ID, Profile: "print", Guests: "ana@example.com"})
	assert.Nil(t, v.AssetProfiles)
	g := f.guest(t, v.Links[0].Token)
	dl, err := f.lib.GuestOpen(g, photo.ID, "")
	require.NoError(t, err)
	defer dl.Close()
	assert.Equal(t, "image/jpeg", dl.Version.MediaType)
	assert.True(t, dl.IsRendition())
	_, err = f.lib.GuestOpen(g, photo.ID, "web")
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
}

// An item whose profile was deleted since is left out of the share, named
// with why, rather than handed out as its original.
func TestShareOfCollectionSkipsAMissingProfile(t *testing.T) {
	f := newShareFixture(t)
	f.profile(t, dam.Profile{Name: "web", Width: 64, Height: 64, Format: rendition.FormatPNG})
	f.profile(t, dam.Profile{Name: "gone", Width: 32, Height: 32})
	kept := f.photo(t, f.editor, "beach.jpg")
	lost := f.photo(t, f.editor, "dunes.jpg")
	c, err := f.lib.CreateCollection(f.editor, "Picks", "web")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.editor, c.ID, []dam.CollectionItem{{AssetID: kept.ID}, {AssetID: lost.ID, Profile: "gone"}})
	require.NoError(t, err)
	require.NoError(t, f.lib.DeleteProfile(f.owner, "gone"))
	v := f.create(t, dam.NewShare{AssetIDs: []string{}, CollectionID: c.ID, Guests: "ana@example.com"})
	assert.Equal(t, []string{kept.ID}, v.AssetIDs)
	require.Len(t, v.Skipped, 1)
	assert.Equal(t, lost.ID, v.Skipped[0].AssetID)
	assert.Equal(t, "profile_not_found", v.Skipped[0].Reason)
	assert.Contains(t, v.Skipped[0].Message, `"gone"`)
	assert.Equal(t, map[string]string{kept.ID: "web"}, v.AssetProfiles)
}
