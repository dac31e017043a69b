package dam_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestCollectionsWith(t *testing.T) {
	f := newFixture(t, nil)
	ed := f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	a := f.upload(t, f.owner, "a.txt", "a")
	b := f.upload(t, f.owner, "b.txt", "b")
	holds, err := f.lib.CreateCollection(ed, "Holds a", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(ed, holds.ID, []dam.CollectionItem{{AssetID: a.ID}, {AssetID: b.ID}})
	require.NoError(t, err)
	onlyB, err := f.lib.CreateCollection(ed, "Only b", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(ed, onlyB.ID, []dam.CollectionItem{{AssetID: b.ID}})
	require.NoError(t, err)
	owners, err := f.lib.CreateCollection(f.owner, "Owner's", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.owner, owners.ID, []dam.CollectionItem{{AssetID: a.ID}})
	require.NoError(t, err)

	cs, err := f.lib.CollectionsWith(ed, a.ID)
	require.NoError(t, err)
	require.Len(t, cs, 1, "the actor's own collections only")
	assert.Equal(t, holds.ID, cs[0].ID)
	assert.Equal(t, 2, cs[0].ItemCount)

	stranger := f.user(t, "s@example.com", dam.RoleOwner, "elsewhere")
	_, err = f.lib.CollectionsWith(stranger, a.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "an asset out of reach is absent")
	_, err = f.lib.CollectionsWith(ed, "not-an-id")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}
