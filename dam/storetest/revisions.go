package storetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// revisionTests check asset revisions (Store.AssetRevisions,
// Store.RevisedAssets): every write to what Asset shows of an asset (its
// row, its versions, its categories) moves its revision to one no state
// of any asset had; reads and writes to other assets leave it; a page of
// revisions is the page Assets reads. dam keeps each asset's encoding for
// listings by (ID, revision).
var revisionTests = []test{
	{"MoveWithEveryChange", func(t *testing.T, f *fixture) {
		seen := map[int64]string{}
		rev := func(id string) int64 {
			t.Helper()
			as, revs, err := f.s.RevisedAssets(f.ctx, []string{id})
			require.NoError(t, err)
			require.Len(t, as, 1)
			require.Equal(t, id, as[0].ID)
			return revs[0]
		}
		folder := f.folder("", "Press")
		a, b := f.asset("", "a.jpg"), f.asset("", "b.jpg")
		cat, other := f.category("", "Boats"), f.category("", "Ships")
		lastA, lastB := rev(a.ID), rev(b.ID)
		assert.NotEqual(t, lastA, lastB, "two assets never share a revision")
		seen[lastA], seen[lastB] = "created", "created"
		edit := func(change func(*dam.Asset)) func() error {
			return func() error {
				e, err := f.s.Asset(f.ctx, a.ID)
				require.NoError(t, err)
				change(&e)
				e.UpdatedAt = f.tick()
				return f.s.UpdateAssets(f.ctx, []dam.Asset{e})
			}
		}
		for _, tc := range []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"read it", func() error { _, err := f.s.Asset(f.ctx, a.ID); return err }, false},
			{"list it", func() error {
				_, _, err := f.s.AssetRevisions(f.ctx, dam.AssetQuery{Domains: []string{f.domain}})
				return err
			}, false},
			{"edit another asset", func() error {
				e := b
				e.Meta.Title, e.UpdatedAt = "Other", f.tick()
				return f.s.UpdateAssets(f.ctx, []dam.Asset{e})
			}, false},
			{"edit its metadata", edit(func(e *dam.Asset) { e.Meta.Title, e.Meta.Keywords = "Harbour", []string{"boats"} }), true},
			{"edit its custom fields", edit(func(e *dam.Asset) { e.Meta.Fields = map[string]string{"job": "7"} }), true},
			{"rename it", edit(func(e *dam.Asset) { e.Name = "renamed.jpg" }), true},
			{"move it", edit(func(e *dam.Asset) { e.FolderID = folder.ID }), true},
			{"make it unavailable", edit(func(e *dam.Asset) { e.Availability = dam.Unavailable }), true},
			{"protect it", edit(func(e *dam.Asset) { e.Protection = dam.Protected }), true},
			{"replace its categories", edit(func(e *dam.Asset) { e.Categories = []string{other.ID} }), true},
			{"add a version", func() error {
				e, err := f.s.Asset(f.ctx, a.ID)
				require.NoError(t, err)
				v := f.version("second")
				v.AssetID = a.ID
				_, err = f.s.AddVersion(f.ctx, e, v)
				return err
			}, true},
			{"delete the current version", func() error {
				_, _, err := f.s.DeleteVersion(f.ctx, a.ID, 2)
				return err
			}, true},
			{"link it to a category", func() error {
				_, err := f.s.AddCategoryAssets(f.ctx, cat.ID, []string{a.ID}, "u1", f.tick())
				return err
			}, true},
			{"unlink it", func() error {
				_, err := f.s.RemoveCategoryAssets(f.ctx, cat.ID, []string{a.ID}, "u1", f.tick())
				return err
			}, true},
			{"delete a category it is in", func() error { return f.s.DeleteCategory(f.ctx, other.ID) }, true},
			{"trash it", func() error { return f.s.TrashAsset(f.ctx, a.ID, "u1", f.tick()) }, true},
			{"restore it", func() error { return f.s.RestoreAsset(f.ctx, a.ID, "u1", f.tick()) }, true},
			{"trash it with another", func() error { return f.s.TrashAssets(f.ctx, []string{a.ID}, "u1", f.tick()) }, true},
		} {
			require.NoError(t, tc.do(), tc.name)
			ra, rb := rev(a.ID), rev(b.ID)
			if tc.moves {
				require.NotContains(t, seen, ra, "%s gives it a revision no state had (had at %q)", tc.name, seen[ra])
				seen[ra] = tc.name
			} else {
				assert.Equal(t, lastA, ra, "%s leaves its revision", tc.name)
			}
			if tc.name != "edit another asset" {
				assert.Equal(t, lastB, rb, "%s leaves another asset's revision", tc.name)
			}
			lastA, lastB = ra, rb
		}

		// Purged and created again with the same ID, it meets none of the
		// revisions it had.
		_, err := f.s.PurgeAsset(f.ctx, a.ID)
		require.NoError(t, err)
		_, got, err := f.s.RevisedAssets(f.ctx, []string{a.ID})
		require.NoError(t, err)
		assert.Empty(t, got, "a purged asset has no revision")
		again := f.newAsset("", "again.jpg")
		again.ID, again.Current.AssetID = a.ID, a.ID
		f.put(again)
		require.NotContains(t, seen, rev(a.ID))
	}},
	{"PageIsAssetsPage", func(t *testing.T, f *fixture) {
		folder := f.folder("", "Press")
		cat := f.category("", "Boats")
		for i := range 12 {
			fo := ""
			if i%3 == 0 {
				fo = folder.ID
			}
			a := f.newAsset(fo, string(rune('m'-i))+".jpg")
			a.Meta.Title = "harbour"
			a.Current.Size = int64(100 + i%5)
			if i%2 == 0 {
				a.Categories = []string{cat.ID}
			}
			f.put(a)
		}
		f.trash(f.asset("", "trashed.jpg").ID)
		dom := []string{f.domain}
		for _, q := range []dam.AssetQuery{
			{Domains: dom, Limit: 5},
			{Domains: dom, Limit: 4, Sort: "name"},
			{Domains: dom, Limit: 5, Sort: "-size"},
			{Domains: dom, Limit: 3, Sort: "-updated"},
			{Domains: dom, Limit: 5, Sort: "captured"},
			{Domains: dom, Limit: 2, FolderID: &folder.ID},
			{Domains: dom, Limit: 3, CategoryID: cat.ID},
			{Domains: dom, Limit: 3, CategoryID: cat.ID, Sort: "-name"},
			{Domains: dom, Limit: 4, Text: "harbour", Sort: "name"},
			{Domains: dom, Limit: 4, Deleted: true},
			{Domains: []string{"elsewhere"}, Limit: 4},
		} {
			pages := 0
			for {
				as, next, err := f.s.Assets(f.ctx, q)
				require.NoError(t, err)
				revs, more, err := f.s.AssetRevisions(f.ctx, q)
				require.NoError(t, err)
				got := make([]string, len(revs))
				for i, r := range revs {
					got[i] = r.ID
				}
				require.Equal(t, ids(as), got, "query %+v", q)
				require.Equal(t, next != "", more, "query %+v", q)
				read, readRevs, err := f.s.RevisedAssets(f.ctx, got)
				require.NoError(t, err)
				if len(as) == 0 {
					require.Empty(t, read)
				} else {
					require.Equal(t, as, read, "RevisedAssets reads the assets Assets does")
				}
				for i, r := range revs {
					require.Equal(t, r.Revision, readRevs[i])
				}
				pages++
				if next == "" {
					break
				}
				q.Cursor = next
			}
			if len(q.Domains) == 1 && q.Domains[0] == f.domain && q.FolderID == nil && !q.Deleted {
				assert.Greater(t, pages, 1, "query %+v pages", q)
			}
		}
		_, _, err := f.s.AssetRevisions(f.ctx, dam.AssetQuery{Domains: dom, Text: "harbour", Sort: dam.SortRelevance})
		requireKind(t, dam.Invalid, err, "no revisions by relevance")
	}},
	{"RevisedAssetsAsAsset", func(t *testing.T, f *fixture) {
		a, b, c := f.asset("", "a.jpg"), f.asset("", "b.jpg"), f.asset("", "c.jpg")
		f.trash(b.ID)
		as, revs, err := f.s.RevisedAssets(f.ctx, []string{c.ID, "01MISSING0000000000000000", b.ID, a.ID, c.ID})
		require.NoError(t, err)
		require.Equal(t, []string{c.ID, b.ID, a.ID}, ids(as), "in the order asked, absent left out, trashed kept, once each")
		require.Len(t, revs, 3)
		for _, x := range as {
			want, err := f.s.Asset(f.ctx, x.ID)
			require.NoError(t, err)
			assert.Equal(t, want, x)
		}
		as, revs, err = f.s.RevisedAssets(f.ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, as)
		assert.Empty(t, revs)
	}},
}
