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

	counted, err := f.lib.Collections(ed)
	require.NoError(t, err)
	require.Len(t, counted, 2)
	assert.Equal(t, []int{2, 1}, []int{counted[0].ItemCount, counted[1].ItemCount})
	choices, err := f.lib.CollectionChoices(ed)
	require.NoError(t, err)
	require.Len(t, choices, 2)
	assert.Equal(t, []string{"Holds a", "Only b"}, []string{choices[0].Name, choices[1].Name})
	assert.Zero(t, choices[0].ItemCount, "choices are not counted")

	stranger := f.user(t, "s@example.com", dam.RoleOwner, "elsewhere")
	_, err = f.lib.CollectionsWith(stranger, a.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "an asset out of reach is absent")
	_, err = f.lib.CollectionsWith(ed, "not-an-id")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func TestCollectionPage(t *testing.T) {
	f := newFixture(t, nil)
	ed := f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	var items []dam.CollectionItem
	for _, n := range []string{"a", "b", "c"} {
		items = append(items, dam.CollectionItem{AssetID: f.upload(t, f.owner, n+".txt", n).ID})
	}
	c, err := f.lib.CreateCollection(ed, "Three", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(ed, c.ID, items)
	require.NoError(t, err)

	got, next, err := f.lib.CollectionPage(ed, c.ID, "", 2)
	require.NoError(t, err)
	assert.Equal(t, "Three", got.Name)
	assert.Equal(t, 3, got.ItemCount)
	assert.Len(t, got.Items, 2)
	got, next, err = f.lib.CollectionPage(ed, c.ID, next, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{items[2].AssetID}, []string{got.Items[0].AssetID})
	assert.Empty(t, next)

	_, _, err = f.lib.CollectionPage(f.owner, c.ID, "", 2)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "another user's collection is absent")
	_, _, err = f.lib.CollectionPage(ed, "nope", "", 2)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, _, err = f.lib.CollectionPage(ed, c.ID, "../x", 2)
	assert.Equal(t, dam.Invalid, kindOf(t, err))
}
