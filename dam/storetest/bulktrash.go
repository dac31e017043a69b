package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bulkTrashTests = []test{
	{"TrashMany", func(t *testing.T, f *fixture) {
		c := f.category("", "C")
		a := f.put(f.withCategories(f.newAsset("", "a.jpg"), c.ID))
		b := f.put(f.withCategories(f.newAsset("", "b.jpg"), c.ID))
		keep := f.put(f.withCategories(f.newAsset("", "keep.jpg"), c.ID))
		at := f.tick()
		require.NoError(t, f.s.TrashAssets(f.ctx, []string{a.ID, b.ID, a.ID}, "u2", at), "a repeated ID counts once")
		for _, id := range []string{a.ID, b.ID} {
			got, err := f.s.Asset(f.ctx, id)
			require.NoError(t, err)
			require.NotNil(t, got.DeletedAt)
			assert.Equal(t, at, *got.DeletedAt)
			assert.Equal(t, "u2", got.DeletedBy)
		}
		assert.Equal(t, []string{keep.ID}, f.listAll(dam.AssetQuery{Domains: []string{f.domain}}))
		got, err := f.s.Category(f.ctx, c.ID, []string{f.domain})
		require.NoError(t, err)
		assert.Equal(t, 1, got.AssetCount, "trashed assets leave their categories' counts")
		require.NoError(t, f.s.TrashAssets(f.ctx, nil, "u2", f.tick()), "nothing to trash is no error")
	}},
	{"AllOrNothing", func(t *testing.T, f *fixture) {
		c := f.category("", "C")
		a := f.put(f.withCategories(f.newAsset("", "a.jpg"), c.ID))
		b := f.asset("", "b.jpg")
		gone := f.asset("", "gone.jpg")
		f.trash(gone.ID)
		for name, ids := range map[string][]string{
			"missing": {a.ID, b.ID, f.id()},
			"trashed": {a.ID, gone.ID, b.ID},
		} {
			requireKind(t, dam.NotFound, f.s.TrashAssets(f.ctx, ids, "u3", f.tick()), name)
			assert.ElementsMatch(t, []string{a.ID, b.ID}, f.listAll(dam.AssetQuery{Domains: []string{f.domain}}),
				"%s: nothing changed", name)
			got, err := f.s.Category(f.ctx, c.ID, []string{f.domain})
			require.NoError(t, err)
			assert.Equal(t, 1, got.AssetCount, "%s: counts unchanged", name)
		}
		got, err := f.s.Asset(f.ctx, gone.ID)
		require.NoError(t, err)
		assert.Equal(t, "u2", got.DeletedBy, "the asset already trashed keeps who trashed it")
	}},
}
