package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collection stores a collection of the given assets, in that order.
func (f *fixture) collection(owner, name string, assets ...dam.Asset) dam.Collection {
	f.t.Helper()
	c := dam.Collection{ID: f.id(), Name: name, OwnerID: owner, DefaultProfile: "web", CreatedAt: f.tick(), UpdatedAt: f.now}
	for i, a := range assets {
		it := dam.CollectionItem{AssetID: a.ID, AddedAt: f.tick()}
		if i == 0 {
			it.Profile = "print"
		}
		c.Items = append(c.Items, it)
	}
	c.ItemCount = len(c.Items)
	require.NoError(f.t, f.s.CreateCollection(f.ctx, c))
	return c
}

var collectionTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		b, a := f.asset("", "b.jpg"), f.asset("", "a.jpg")
		c := f.collection("u1", "Favourites", b, a)
		got, err := f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got, "items in the order they were added")
		empty := f.collection("u1", "Empty")
		got, err = f.s.Collection(f.ctx, empty.ID)
		require.NoError(t, err)
		assert.Equal(t, empty, got)
		_, err = f.s.Collection(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"ListByOwner", func(t *testing.T, f *fixture) {
		a, trashed := f.asset("", "a.jpg"), f.asset("", "t.jpg")
		c1 := f.collection("u1", "One", a, trashed)
		c2 := f.collection("u1", "Two")
		f.collection("u2", "One", a)
		f.trash(trashed.ID)
		got, err := f.s.Collections(f.ctx, "u1", true)
		require.NoError(t, err)
		c1.Items, c2.Items = nil, nil
		c1.ItemCount = 1
		assert.Equal(t, []dam.Collection{c1, c2}, got, "without items but with the count of live ones, in ID order")
		got, err = f.s.Collections(f.ctx, "u1", false)
		require.NoError(t, err)
		c1.ItemCount, c2.ItemCount = 0, 0
		assert.Equal(t, []dam.Collection{c1, c2}, got, "uncounted")
		got, err = f.s.Collections(f.ctx, "nobody", true)
		require.NoError(t, err)
		assert.Empty(t, got)
	}},
	{"ListHolding", func(t *testing.T, f *fixture) {
		a, b := f.asset("", "a.jpg"), f.asset("", "b.jpg")
		both := f.collection("u1", "Both", a, b)
		f.collection("u1", "OnlyB", b)
		f.collection("u2", "Theirs", a)
		got, err := f.s.CollectionsWith(f.ctx, "u1", a.ID)
		require.NoError(t, err)
		both.Items = nil
		assert.Equal(t, []dam.Collection{both}, got, "the owner's collections holding the asset, with counts")
		f.trash(a.ID)
		got, err = f.s.CollectionsWith(f.ctx, "u1", a.ID)
		require.NoError(t, err)
		assert.Empty(t, got, "a trashed asset is in none")
		got, err = f.s.CollectionsWith(f.ctx, "u1", f.id())
		require.NoError(t, err)
		assert.Empty(t, got)
	}},
	{"Page", func(t *testing.T, f *fixture) {
		a, b, x, d := f.asset("", "a.jpg"), f.asset("", "b.jpg"), f.asset("", "x.jpg"), f.asset("", "d.jpg")
		c := f.collection("u1", "Paged", d, b, x, a) // added out of ID order
		f.trash(x.ID)
		byID := map[string]dam.CollectionItem{}
		for _, it := range c.Items {
			byID[it.AssetID] = it
		}
		got, next, err := f.s.CollectionPage(f.ctx, c.ID, "", 2)
		require.NoError(t, err)
		assert.Equal(t, 3, got.ItemCount, "the live items, all pages together")
		assert.Equal(t, []dam.CollectionItem{byID[a.ID], byID[b.ID]}, got.Items, "in asset ID order, with their profiles")
		assert.Equal(t, b.ID, next)
		head := got
		head.Items, c.Items = nil, nil
		c.ItemCount = 3
		assert.Equal(t, c, head)
		got, next, err = f.s.CollectionPage(f.ctx, c.ID, next, 2)
		require.NoError(t, err)
		assert.Equal(t, []dam.CollectionItem{byID[d.ID]}, got.Items, "the trashed one left out")
		assert.Empty(t, next)
		got, next, err = f.s.CollectionPage(f.ctx, c.ID, d.ID, 2)
		require.NoError(t, err)
		assert.Equal(t, []dam.CollectionItem{}, got.Items)
		assert.Empty(t, next)
		empty := f.collection("u1", "Empty")
		got, _, err = f.s.CollectionPage(f.ctx, empty.ID, "", 10)
		require.NoError(t, err)
		assert.Equal(t, []dam.CollectionItem{}, got.Items)
		assert.Zero(t, got.ItemCount)
		_, _, err = f.s.CollectionPage(f.ctx, f.id(), "", 10)
		requireKind(t, dam.NotFound, err)
	}},
	{"CreateRefusals", func(t *testing.T, f *fixture) {
		c := f.collection("u1", "Taken")
		requireKind(t, dam.AlreadyExists, f.s.CreateCollection(f.ctx, dam.Collection{ID: f.id(), Name: "Taken", OwnerID: "u1"}))
		requireKind(t, dam.AlreadyExists, f.s.CreateCollection(f.ctx, dam.Collection{ID: c.ID, Name: "Fresh", OwnerID: "u1"}))
		requireKind(t, dam.Invalid, f.s.CreateCollection(f.ctx, dam.Collection{ID: f.id(), OwnerID: "u1"}))
		withMissing := dam.Collection{ID: f.id(), Name: "Missing", OwnerID: "u1",
			Items: []dam.CollectionItem{{AssetID: f.asset("", "a.jpg").ID}, {AssetID: f.id()}}}
		requireKind(t, dam.NotFound, f.s.CreateCollection(f.ctx, withMissing))
		_, err := f.s.Collection(f.ctx, withMissing.ID)
		requireKind(t, dam.NotFound, err, "a refused collection is not half created")
		require.NoError(t, f.s.CreateCollection(f.ctx, dam.Collection{ID: f.id(), Name: "Taken", OwnerID: "u2"}),
			"names are unique per owner only")
	}},
	{"Update", func(t *testing.T, f *fixture) {
		c := f.collection("u1", "Old", f.asset("", "a.jpg"))
		f.collection("u1", "Taken")
		c.Name, c.DefaultProfile, c.UpdatedAt = "New", "", f.tick()
		require.NoError(t, f.s.UpdateCollection(f.ctx, c))
		got, err := f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		c.Name = "Taken"
		requireKind(t, dam.AlreadyExists, f.s.UpdateCollection(f.ctx, c))
		requireKind(t, dam.NotFound, f.s.UpdateCollection(f.ctx, dam.Collection{ID: f.id(), Name: "X"}))
		requireKind(t, dam.Invalid, f.s.UpdateCollection(f.ctx, dam.Collection{ID: c.ID}))
	}},
	{"Delete", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		c := f.collection("u1", "C", a)
		require.NoError(t, f.s.DeleteCollection(f.ctx, c.ID))
		_, err := f.s.Collection(f.ctx, c.ID)
		requireKind(t, dam.NotFound, err)
		_, err = f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err, "deleting a collection keeps its assets")
		requireKind(t, dam.NotFound, f.s.DeleteCollection(f.ctx, c.ID))
	}},
	{"AddAndRemoveItems", func(t *testing.T, f *fixture) {
		a, b, x := f.asset("", "a.jpg"), f.asset("", "b.jpg"), f.asset("", "x.jpg")
		c := f.collection("u1", "C", a)
		added := f.tick()
		require.NoError(t, f.s.AddCollectionItems(f.ctx, c.ID, []dam.CollectionItem{
			{AssetID: b.ID, AddedAt: added},
			{AssetID: a.ID, Profile: "thumb", AddedAt: added}, // already there: new profile, same place
		}))
		got, err := f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		want := []dam.CollectionItem{{AssetID: a.ID, Profile: "thumb", AddedAt: c.Items[0].AddedAt}, {AssetID: b.ID, AddedAt: added}}
		assert.Equal(t, want, got.Items)

		f.trash(x.ID)
		requireKind(t, dam.NotFound, f.s.AddCollectionItems(f.ctx, c.ID, []dam.CollectionItem{{AssetID: x.ID, AddedAt: added}}))
		requireKind(t, dam.NotFound, f.s.AddCollectionItems(f.ctx, c.ID, []dam.CollectionItem{{AssetID: f.id(), AddedAt: added}}))
		requireKind(t, dam.NotFound, f.s.AddCollectionItems(f.ctx, f.id(), []dam.CollectionItem{{AssetID: a.ID, AddedAt: added}}))

		require.NoError(t, f.s.RemoveCollectionItems(f.ctx, c.ID, []string{a.ID, f.id()}))
		require.NoError(t, f.s.RemoveCollectionItems(f.ctx, c.ID, nil))
		got, err = f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{b.ID}, itemIDs(got.Items))
		requireKind(t, dam.NotFound, f.s.RemoveCollectionItems(f.ctx, f.id(), []string{a.ID}))
	}},
	{"TrashedAssetsDropOutUntilRestored", func(t *testing.T, f *fixture) {
		a, b := f.asset("", "a.jpg"), f.asset("", "b.jpg")
		c := f.collection("u1", "C", a, b)
		f.trash(a.ID)
		got, err := f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{b.ID}, itemIDs(got.Items))
		require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u1", f.tick()))
		got, err = f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, c.Items, got.Items, "restoring brings the item back with its profile")
	}},
}
