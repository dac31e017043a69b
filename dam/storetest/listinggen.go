package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listingGenerationTests check that every write that can change what a
// listing returns (assets, versions, trash, notes, categories, folders,
// collections) moves ListingGeneration, and that reads and other writes
// leave it (dam keeps encoded listing pages by it).
var listingGenerationTests = []test{
	{"MovesOnListingWrites", func(t *testing.T, f *fixture) {
		gen := func() int64 {
			t.Helper()
			g, err := f.s.ListingGeneration(f.ctx)
			require.NoError(t, err)
			return g
		}
		var folder dam.Folder
		var a, b dam.Asset
		var cat dam.Category
		var coll dam.Collection
		last := gen()
		for _, tc := range []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"list assets", func() error {
				_, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Limit: 10})
				return err
			}, false},
			{"create a folder", func() error { folder = f.folder("", "Press"); return nil }, true},
			{"create an asset", func() error { a = f.asset(folder.ID, "a.jpg"); return nil }, true},
			{"create another", func() error { b = f.asset("", "b.jpg"); return nil }, true},
			{"read an asset", func() error { _, err := f.s.Asset(f.ctx, a.ID); return err }, false},
			{"append an event", func() error {
				return f.s.AppendEvents(f.ctx, dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventDownload, AssetID: a.ID})
			}, false},
			{"create a request", func() error {
				f.request(a.ID)
				return nil
			}, false},
			{"edit an asset", func() error {
				e := a
				e.Meta.Title, e.UpdatedAt = "Harbour", f.tick()
				return f.s.UpdateAssets(f.ctx, []dam.Asset{e})
			}, true},
			{"add a version", func() error {
				v := f.version("second")
				v.AssetID = a.ID
				_, err := f.s.AddVersion(f.ctx, a, v)
				return err
			}, true},
			{"delete a version", func() error {
				_, _, err := f.s.DeleteVersion(f.ctx, a.ID, 1)
				return err
			}, true},
			{"add a note", func() error {
				return f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: a.ID, AuthorID: "u1", Text: "for the press", CreatedAt: f.tick()})
			}, true},
			{"create a category", func() error { cat = f.category("", "Boats"); return nil }, true},
			{"put an asset in it", func() error {
				_, err := f.s.AddCategoryAssets(f.ctx, cat.ID, []string{a.ID}, "u1", f.tick())
				return err
			}, true},
			{"rename the category", func() error {
				c := cat
				c.Name, c.UpdatedAt = "Ships", f.tick()
				return f.s.UpdateCategory(f.ctx, c, dam.CategoryLimits{})
			}, true},
			{"delete the category", func() error { return f.s.DeleteCategory(f.ctx, cat.ID) }, true},
			{"rename the folder", func() error { return f.s.RenameFolder(f.ctx, folder.ID, "News", f.tick()) }, true},
			{"create a collection", func() error { coll = f.collection("u1", "Picks", a); return nil }, true},
			{"add to the collection", func() error {
				return f.s.AddCollectionItems(f.ctx, coll.ID, []dam.CollectionItem{{AssetID: b.ID, AddedAt: f.tick()}})
			}, true},
			{"remove from the collection", func() error { return f.s.RemoveCollectionItems(f.ctx, coll.ID, []string{b.ID}) }, true},
			{"trash an asset", func() error { return f.s.TrashAsset(f.ctx, b.ID, "u1", f.tick()) }, true},
			{"restore it", func() error { return f.s.RestoreAsset(f.ctx, b.ID, "u1", f.tick()) }, true},
			{"trash many", func() error { return f.s.TrashAssets(f.ctx, []string{a.ID, b.ID}, "u1", f.tick()) }, true},
			{"purge one", func() error { _, err := f.s.PurgeAsset(f.ctx, b.ID); return err }, true},
		} {
			require.NoError(t, tc.do(), tc.name)
			g := gen()
			if tc.moves {
				assert.NotEqual(t, last, g, "%s moves the listing generation", tc.name)
			} else {
				assert.Equal(t, last, g, "%s leaves the listing generation", tc.name)
			}
			last = g
		}
	}},
	{"RefusedWriteLeavesIt", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		before, err := f.s.ListingGeneration(f.ctx)
		require.NoError(t, err)
		e := a
		e.ID = f.id()
		requireKind(t, dam.NotFound, f.s.UpdateAssets(f.ctx, []dam.Asset{a, e}), "one missing asset changes nothing")
		after, err := f.s.ListingGeneration(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after, "a write rolled back does not move it")
	}},
}
