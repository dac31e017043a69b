package storetest

import (
	"slices"
	"sync"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var categoryTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		top := f.category("", "Products")
		child := f.category(top.ID, "Shoes")
		for _, want := range []dam.Category{top, child} {
			got, err := f.s.Category(f.ctx, want.ID, nil)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
		all, err := f.s.Categories(f.ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, []dam.Category{top, child}, all, "flat, in ID order")
		_, err = f.s.Category(f.ctx, f.id(), nil)
		requireKind(t, dam.NotFound, err)
	}},
	{"CreateRefusals", func(t *testing.T, f *fixture) {
		a := f.category("", "A")
		f.category(a.ID, "Same")
		f.category("", "Same") // same name, other parent
		for _, tc := range []struct {
			name string
			c    dam.Category
			kind dam.Kind
		}{
			{"sibling name", f.newCategory(a.ID, "Same"), dam.AlreadyExists},
			{"top-level name", f.newCategory("", "Same"), dam.AlreadyExists},
			{"id taken", dam.Category{ID: a.ID, Name: "Other", CreatedAt: f.tick(), UpdatedAt: f.now}, dam.AlreadyExists},
			{"missing parent", f.newCategory(f.id(), "X"), dam.NotFound},
			{"no name", f.newCategory("", ""), dam.Invalid},
			{"no id", dam.Category{Name: "X"}, dam.Invalid},
			{"comma in id", dam.Category{ID: "a,b", Name: "X"}, dam.Invalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, tc.kind, f.s.CreateCategory(f.ctx, tc.c, dam.CategoryLimits{}))
			})
		}
		all, err := f.s.Categories(f.ctx, nil)
		require.NoError(t, err)
		assert.Len(t, all, 3, "refused creates add nothing")
	}},
	{"Limits", func(t *testing.T, f *fixture) {
		lim := dam.CategoryLimits{MaxDepth: 3, MaxCount: 5}
		a := f.category("", "A")
		b := f.category(a.ID, "B")
		c := f.category(b.ID, "C")
		requireKind(t, dam.Invalid, f.s.CreateCategory(f.ctx, f.newCategory(c.ID, "D"), lim), "depth 4 of 3")
		require.NoError(t, f.s.CreateCategory(f.ctx, f.newCategory(b.ID, "C2"), lim), "depth 3 of 3")
		d := f.category("", "D")
		requireKind(t, dam.ResourceExhausted, f.s.CreateCategory(f.ctx, f.newCategory("", "E"), lim), "6 of 5")
		require.NoError(t, f.s.CreateCategory(f.ctx, f.newCategory("", "E"), dam.CategoryLimits{}), "zero: no limit")

		// A move counts the depth of the whole subtree moved.
		b.ParentID = d.ID
		require.NoError(t, f.s.UpdateCategory(f.ctx, b, lim), "b (height 2) under d: depth 3")
		b.ParentID = c.ID
		requireKind(t, dam.FailedPrecondition, f.s.UpdateCategory(f.ctx, b, lim), "into its own child")
		f.category(a.ID, "A2")
		e := f.category(d.ID, "Deep")
		a.ParentID = e.ID
		requireKind(t, dam.Invalid, f.s.UpdateCategory(f.ctx, a, lim), "a (height 2) under d/Deep: depth 4")
		a.ParentID = d.ID
		require.NoError(t, f.s.UpdateCategory(f.ctx, a, lim), "a (height 2) under d: depth 3")
	}},
	{"Update", func(t *testing.T, f *fixture) {
		a := f.category("", "A")
		b := f.category(a.ID, "B")
		c := f.category(b.ID, "C")
		d := f.category("", "D")
		f.category(d.ID, "C")
		f.category("", "Taken")

		b.Name, b.ParentID, b.UpdatedBy, b.UpdatedAt = "B2", d.ID, "u9", f.tick()
		require.NoError(t, f.s.UpdateCategory(f.ctx, b, dam.CategoryLimits{}), "rename and move at once")
		got, err := f.s.Category(f.ctx, b.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, b, got)
		b.ParentID = ""
		require.NoError(t, f.s.UpdateCategory(f.ctx, b, dam.CategoryLimits{}), "to the top level")

		for _, tc := range []struct {
			name string
			c    dam.Category
			kind dam.Kind
		}{
			{"into itself", with(b, func(x *dam.Category) { x.ParentID = b.ID }), dam.FailedPrecondition},
			{"into its child", with(b, func(x *dam.Category) { x.ParentID = c.ID }), dam.FailedPrecondition},
			{"into a grandchild", with(d, func(x *dam.Category) { x.ParentID = f.categoryGrandchild(d.ID) }), dam.FailedPrecondition},
			{"missing category", dam.Category{ID: f.id(), Name: "X"}, dam.NotFound},
			{"missing parent", with(b, func(x *dam.Category) { x.ParentID = f.id() }), dam.NotFound},
			{"name taken there", with(c, func(x *dam.Category) { x.ParentID = d.ID }), dam.AlreadyExists},
			{"name taken here", with(a, func(x *dam.Category) { x.Name = "Taken" }), dam.AlreadyExists},
			{"no name", with(a, func(x *dam.Category) { x.Name = "" }), dam.Invalid},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, tc.kind, f.s.UpdateCategory(f.ctx, tc.c, dam.CategoryLimits{}))
			})
		}
		for _, want := range []dam.Category{a, c} {
			got, err := f.s.Category(f.ctx, want.ID, nil)
			require.NoError(t, err)
			assert.Equal(t, want, got, "refused updates change nothing")
		}
	}},
	{"ConcurrentCrossingMoves", func(t *testing.T, f *fixture) {
		for range 8 {
			a, b := f.category("", "A"+f.id()), f.category("", "B"+f.id())
			a.ParentID, b.ParentID = b.ID, a.ID
			errs := make([]error, 2)
			var wg sync.WaitGroup
			wg.Go(func() { errs[0] = f.s.UpdateCategory(f.ctx, a, dam.CategoryLimits{}) })
			wg.Go(func() { errs[1] = f.s.UpdateCategory(f.ctx, b, dam.CategoryLimits{}) })
			wg.Wait()
			require.Equal(t, 1, winners(t, errs, dam.FailedPrecondition), "exactly one of two crossing moves wins: %v", errs)
		}
	}},
	{"ConcurrentCreatesStayUnderTheLimit", func(t *testing.T, f *fixture) {
		const writers = 8
		lim := dam.CategoryLimits{MaxCount: 5}
		cs := make([]dam.Category, writers)
		for i := range cs {
			cs[i] = f.newCategory("", "C"+f.id())
		}
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range cs {
			wg.Go(func() { errs[i] = f.s.CreateCategory(f.ctx, cs[i], lim) })
		}
		wg.Wait()
		assert.Equal(t, lim.MaxCount, winners(t, errs, dam.ResourceExhausted))
	}},
	{"ConcurrentOverlappingAdds", func(t *testing.T, f *fixture) {
		c, d := f.category("", "C"), f.category("", "D")
		a1, a2, a3 := f.asset("", "1.jpg"), f.asset("", "2.jpg"), f.asset("", "3.jpg")
		forward, backward := []string{a1.ID, a2.ID, a3.ID}, []string{a3.ID, a2.ID, a1.ID}
		for range 8 {
			errs := make([]error, 4)
			var wg sync.WaitGroup
			wg.Go(func() { _, errs[0] = f.s.AddCategoryAssets(f.ctx, c.ID, forward, "u", baseTime) })
			wg.Go(func() { _, errs[1] = f.s.AddCategoryAssets(f.ctx, d.ID, backward, "u", baseTime) })
			wg.Go(func() { _, errs[2] = f.s.RemoveCategoryAssets(f.ctx, d.ID, forward, "u", baseTime) })
			wg.Go(func() { _, errs[3] = f.s.RemoveCategoryAssets(f.ctx, c.ID, backward, "u", baseTime) })
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err, "writers over the same assets wait for each other")
			}
		}
	}},
	{"Delete", func(t *testing.T, f *fixture) {
		parent := f.category("", "Parent")
		child := f.category(parent.ID, "Child")
		a := f.put(f.withCategories(f.newAsset("", "a.jpg"), child.ID, parent.ID))
		requireKind(t, dam.FailedPrecondition, f.s.DeleteCategory(f.ctx, parent.ID), "has a subcategory")
		require.NoError(t, f.s.DeleteCategory(f.ctx, child.ID))
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err, "deleting a category never deletes its assets")
		assert.Equal(t, []string{parent.ID}, got.Categories)
		require.NoError(t, f.s.DeleteCategory(f.ctx, parent.ID))
		got, err = f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Nil(t, got.Categories)
		_, err = f.s.Category(f.ctx, parent.ID, nil)
		requireKind(t, dam.NotFound, err)
		requireKind(t, dam.NotFound, f.s.DeleteCategory(f.ctx, parent.ID))
	}},
	{"AssetWrites", testCategoryAssetWrites},
	{"AddAndRemove", testCategoryAddRemove},
	{"Listing", testCategoryListing},
	{"WideSubtree", func(t *testing.T, f *fixture) {
		top := f.category("", "Top")
		var want []string
		for i := range 60 { // wider than a store may merge one index walk per category
			c := f.category(top.ID, "C"+f.id())
			a := f.put(f.withCategories(f.newAsset("", "a.jpg"), c.ID))
			if i%3 == 0 {
				a.Categories = []string{c.ID, top.ID}
				require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}))
			}
			want = append(want, a.ID)
		}
		f.trash(want[7])
		want = slices.Delete(want, 7, 8)
		assert.Equal(t, want, f.listAll(dam.AssetQuery{Domains: []string{f.domain}, CategoryID: top.ID, Limit: 7}))
	}},
	{"Counts", func(t *testing.T, f *fixture) {
		c := f.category("", "C")
		sub := f.category(c.ID, "Sub")
		f.put(f.withCategories(f.newAsset("", "a.jpg"), c.ID))
		f.put(f.withCategories(f.newAsset("", "b.jpg"), c.ID, sub.ID))
		f.put(f.withCategories(f.newAsset("", "c.jpg"), sub.ID))
		f.domain = "other"
		f.put(f.withCategories(f.newAsset("", "d.jpg"), c.ID))
		for _, tc := range []struct {
			name       string
			domains    []string
			c, sub     int
			listLength int
		}{
			{"nil counts nothing", nil, 0, 0, 2},
			{"no domains", []string{}, 0, 0, 2},
			{"one domain", []string{dam.DefaultDomain}, 2, 2, 2},
			{"both domains", []string{dam.DefaultDomain, "other"}, 3, 2, 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.s.Category(f.ctx, c.ID, tc.domains)
				require.NoError(t, err)
				assert.Equal(t, tc.c, got.AssetCount, "direct members only")
				all, err := f.s.Categories(f.ctx, tc.domains)
				require.NoError(t, err)
				require.Len(t, all, tc.listLength)
				assert.Equal(t, []int{tc.c, tc.sub}, []int{all[0].AssetCount, all[1].AssetCount})
			})
		}
	}},
	{"TrashRestorePurge", testCategoryTrash},
	{"Domains", testCategoryDomains},
	{"CountsFollowEveryChange", testCategoryCounts},
}

// testCategoryCounts checks, after every kind of write, that each
// category's count per domain is the number of live assets a listing
// finds directly in it.
func testCategoryCounts(t *testing.T, f *fixture) {
	x, y := f.category("", "X"), f.category("", "Y")
	z := f.category(x.ID, "Z")
	cats := []dam.Category{x, y, z}
	domains := []string{dam.DefaultDomain, "other"}
	check := func(step string) {
		t.Helper()
		for _, d := range domains {
			for _, c := range cats {
				got, err := f.s.Category(f.ctx, c.ID, []string{d})
				if dam.KindOf(err) == dam.NotFound {
					continue // deleted
				}
				require.NoError(t, err)
				live := f.listAll(dam.AssetQuery{Domains: []string{d}, CategoryID: c.ID, CategoryOnly: true})
				require.Equal(t, len(live), got.AssetCount, "%s: category %s, domain %s", step, c.Name, d)
			}
		}
	}
	a := f.put(f.withCategories(f.newAsset("", "a.jpg"), x.ID, y.ID))
	f.domain = "other"
	b := f.put(f.withCategories(f.newAsset("", "b.jpg"), x.ID))
	f.domain = dam.DefaultDomain
	c := f.asset("", "c.jpg")
	check("create")
	a.Categories, b.Categories, c.Categories = []string{y.ID, z.ID}, []string{}, []string{x.ID, x.ID}
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a, b, c}))
	check("update")
	_, err := f.s.AddCategoryAssets(f.ctx, y.ID, []string{a.ID, b.ID, c.ID}, "u", f.tick())
	require.NoError(t, err)
	check("add")
	_, err = f.s.RemoveCategoryAssets(f.ctx, y.ID, []string{a.ID, c.ID}, "u", f.tick())
	require.NoError(t, err)
	check("remove")
	f.trash(b.ID)
	f.trash(a.ID)
	check("trash")
	trashedWith := f.withCategories(f.newAsset("", "t.jpg"), x.ID)
	trashedWith.DeletedAt, trashedWith.DeletedBy = ptr(f.tick()), "u"
	f.put(trashedWith)
	check("create in the trash")
	require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u", f.tick()))
	check("restore")
	c.Categories = []string{z.ID}
	_, err = f.s.AddVersion(f.ctx, c, f.version("c2"))
	require.NoError(t, err)
	check("version")
	_, err = f.s.PurgeAsset(f.ctx, b.ID)
	require.NoError(t, err)
	check("purge")
	require.NoError(t, f.s.DeleteCategory(f.ctx, z.ID))
	check("delete a category")
	_, err = f.s.AddCategoryAssets(f.ctx, y.ID, []string{b.ID}, "u", f.tick())
	requireKind(t, dam.NotFound, err)
	check("a refused add")
}

// testCategoryAssetWrites checks the category set written with an asset:
// on create, on update (replace, keep, clear) and with a new version.
func testCategoryAssetWrites(t *testing.T, f *fixture) {
	x, y, z := f.category("", "X"), f.category("", "Y"), f.category("", "Z")
	categoriesOf := func(id string) []string {
		t.Helper()
		a, err := f.s.Asset(f.ctx, id)
		require.NoError(t, err)
		return a.Categories
	}
	sorted := sortedIDs(x.ID, y.ID)
	a := f.put(f.withCategories(f.newAsset("", "a.jpg"), sorted[1], sorted[0]))
	assert.Equal(t, sorted, categoriesOf(a.ID), "read back in ID order")

	unknown := f.withCategories(f.newAsset("", "u.jpg"), x.ID, f.id())
	requireKind(t, dam.Invalid, f.s.CreateAsset(f.ctx, unknown))
	_, err := f.s.Asset(f.ctx, unknown.ID)
	requireKind(t, dam.NotFound, err, "a refused create leaves no asset")

	b := f.asset("", "b.jpg")
	assert.Nil(t, categoriesOf(b.ID))
	a.Categories, b.Categories = []string{z.ID}, []string{x.ID}
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a, b}), "replace")
	assert.Equal(t, []string{z.ID}, categoriesOf(a.ID))
	assert.Equal(t, []string{x.ID}, categoriesOf(b.ID))

	a.Categories, a.Meta.Title = nil, "kept"
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}), "nil keeps")
	assert.Equal(t, []string{z.ID}, categoriesOf(a.ID))

	a.Categories, b.Categories = []string{x.ID}, []string{f.id()}
	requireKind(t, dam.Invalid, f.s.UpdateAssets(f.ctx, []dam.Asset{a, b}))
	assert.Equal(t, []string{z.ID}, categoriesOf(a.ID), "one unknown category: nothing changes")

	a.Categories = []string{}
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}), "empty clears")
	assert.Nil(t, categoriesOf(a.ID))

	a.Categories = []string{y.ID}
	_, err = f.s.AddVersion(f.ctx, a, f.version("v2"))
	require.NoError(t, err)
	assert.Equal(t, []string{y.ID}, categoriesOf(a.ID), "a new version may categorise")
	a.Categories = nil
	_, err = f.s.AddVersion(f.ctx, a, f.version("v3"))
	require.NoError(t, err)
	assert.Equal(t, []string{y.ID}, categoriesOf(a.ID), "or keep")
	a.Categories = []string{f.id()}
	_, err = f.s.AddVersion(f.ctx, a, f.version("v4"))
	requireKind(t, dam.Invalid, err)
	vs, err := f.s.Versions(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Len(t, vs, 3, "a refused version is not added")
}

func testCategoryAddRemove(t *testing.T, f *fixture) {
	c := f.category("", "C")
	a, b := f.asset("", "a.jpg"), f.asset("", "b.jpg")
	at := f.tick()
	added, err := f.s.AddCategoryAssets(f.ctx, c.ID, []string{a.ID, b.ID, a.ID}, "u7", at)
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, b.ID}, added)
	got, err := f.s.Asset(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{c.ID}, got.Categories)
	assert.Equal(t, "u7", got.UpdatedBy)
	assert.Equal(t, at, got.UpdatedAt)

	added, err = f.s.AddCategoryAssets(f.ctx, c.ID, []string{a.ID}, "u8", f.tick())
	require.NoError(t, err)
	assert.Empty(t, added, "already there")
	got, err = f.s.Asset(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "u7", got.UpdatedBy, "an asset already there is not stamped")

	trashed := f.asset("", "t.jpg")
	f.trash(trashed.ID)
	d := f.asset("", "d.jpg")
	for _, tc := range []struct {
		name     string
		category string
		assets   []string
	}{
		{"missing category", f.id(), []string{d.ID}},
		{"missing asset", c.ID, []string{d.ID, f.id()}},
		{"trashed asset", c.ID, []string{d.ID, trashed.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.AddCategoryAssets(f.ctx, tc.category, tc.assets, "u", f.tick())
			requireKind(t, dam.NotFound, err)
			_, err = f.s.RemoveCategoryAssets(f.ctx, tc.category, tc.assets, "u", f.tick())
			requireKind(t, dam.NotFound, err)
		})
	}
	got, err = f.s.Asset(f.ctx, d.ID)
	require.NoError(t, err)
	assert.Nil(t, got.Categories, "a refused add adds nothing")

	at = f.tick()
	removed, err := f.s.RemoveCategoryAssets(f.ctx, c.ID, []string{a.ID, d.ID}, "u9", at)
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID}, removed, "d was not in it")
	got, err = f.s.Asset(f.ctx, a.ID)
	require.NoError(t, err, "removing from a category is not deleting")
	assert.Nil(t, got.Categories)
	assert.Nil(t, got.DeletedAt)
	assert.Equal(t, "u9", got.UpdatedBy)
	assert.Equal(t, at, got.UpdatedAt)
	assert.Equal(t, []string{b.ID}, f.listAll(dam.AssetQuery{Domains: []string{f.domain}, CategoryID: c.ID}))
}

func testCategoryListing(t *testing.T, f *fixture) {
	top := f.category("", "Top")
	mid := f.category(top.ID, "Mid")
	leaf := f.category(mid.ID, "Leaf")
	other := f.category("", "Other")
	fo := f.folder("", "Folder")
	inTop := f.put(f.withCategories(f.newAsset("", "top.jpg"), top.ID))
	inLeaf := f.put(f.withCategories(f.newAsset(fo.ID, "leaf red.jpg"), leaf.ID))
	inBoth := f.put(f.withCategories(f.newAsset(fo.ID, "both red.jpg"), top.ID, leaf.ID))
	inOther := f.put(f.withCategories(f.newAsset("", "other red.jpg"), other.ID))
	f.asset("", "none red.jpg")
	f.domain = "hidden"
	f.put(f.withCategories(f.newAsset("", "hidden.jpg"), top.ID))
	f.domain = dam.DefaultDomain
	var many []string
	for range 7 {
		many = append(many, f.put(f.withCategories(f.newAsset("", "m.jpg"), mid.ID)).ID)
	}
	folder := fo.ID
	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
		want []string
	}{
		{"with subcategories", dam.AssetQuery{CategoryID: top.ID}, append([]string{inTop.ID, inLeaf.ID, inBoth.ID}, many...)},
		{"directly in it", dam.AssetQuery{CategoryID: top.ID, CategoryOnly: true}, []string{inTop.ID, inBoth.ID}},
		{"a leaf", dam.AssetQuery{CategoryID: leaf.ID}, []string{inLeaf.ID, inBoth.ID}},
		{"and a folder", dam.AssetQuery{CategoryID: top.ID, FolderID: &folder}, []string{inLeaf.ID, inBoth.ID}},
		{"and text", dam.AssetQuery{CategoryID: top.ID, Text: "RED", Sort: "created"}, []string{inLeaf.ID, inBoth.ID}},
		{"another tree", dam.AssetQuery{CategoryID: other.ID}, []string{inOther.ID}},
		{"unknown category", dam.AssetQuery{CategoryID: f.id()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Domains, tc.q.Limit = []string{f.domain}, 3
			assert.Equal(t, tc.want, f.listAll(tc.q))
		})
	}
}

// testCategoryTrash walks the sequence users rely on: a trashed asset
// leaves its categories' listings and counts but keeps its memberships,
// restoring puts it back in the same categories, purging removes it.
func testCategoryTrash(t *testing.T, f *fixture) {
	c1, c2 := f.category("", "One"), f.category("", "Two")
	a := f.put(f.withCategories(f.newAsset("", "a.jpg"), c1.ID, c2.ID))
	keep := f.put(f.withCategories(f.newAsset("", "keep.jpg"), c1.ID))
	domains := []string{f.domain}
	seen := func(c dam.Category) ([]string, int) {
		t.Helper()
		got, err := f.s.Category(f.ctx, c.ID, domains)
		require.NoError(t, err)
		return f.listAll(dam.AssetQuery{Domains: domains, CategoryID: c.ID}), got.AssetCount
	}
	live1, n1 := seen(c1)
	assert.Equal(t, []string{a.ID, keep.ID}, live1)
	assert.Equal(t, 2, n1)

	f.trash(a.ID)
	live1, n1 = seen(c1)
	live2, n2 := seen(c2)
	assert.Equal(t, []string{keep.ID}, live1, "a trashed asset leaves category listings")
	assert.Equal(t, 1, n1, "and counts")
	assert.Empty(t, live2)
	assert.Zero(t, n2)
	all, err := f.s.Categories(f.ctx, domains)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 0}, []int{all[0].AssetCount, all[1].AssetCount})
	got, err := f.s.Asset(f.ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, sortedIDs(c1.ID, c2.ID), got.Categories, "the trashed asset remembers its categories")
	_, err = f.s.AddCategoryAssets(f.ctx, c2.ID, []string{a.ID}, "u", f.tick())
	requireKind(t, dam.NotFound, err, "a trashed asset cannot be categorised")

	require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u3", f.tick()))
	live1, n1 = seen(c1)
	live2, n2 = seen(c2)
	assert.Equal(t, []string{a.ID, keep.ID}, live1, "restoring puts it back")
	assert.Equal(t, 2, n1)
	assert.Equal(t, []string{a.ID}, live2)
	assert.Equal(t, 1, n2)

	f.trash(a.ID)
	_, err = f.s.PurgeAsset(f.ctx, a.ID)
	require.NoError(t, err)
	live1, n1 = seen(c1)
	assert.Equal(t, []string{keep.ID}, live1)
	assert.Equal(t, 1, n1)
	require.NoError(t, f.s.DeleteCategory(f.ctx, c2.ID), "the purged asset holds nothing")
}

// testCategoryDomains: the domains of a category are those of the assets
// in its subtree, trashed ones included.
func testCategoryDomains(t *testing.T, f *fixture) {
	top := f.category("", "Top")
	child := f.category(top.ID, "Child")
	empty := f.category("", "Empty")
	f.put(f.withCategories(f.newAsset("", "mine.jpg"), top.ID))
	other := f.newAsset("", "theirs.jpg")
	other.Domain = "zz"
	f.put(f.withCategories(other, child.ID))
	f.trash(other.ID)
	for _, tc := range []struct {
		id   string
		want []string
	}{{top.ID, []string{f.domain, "zz"}}, {child.ID, []string{"zz"}}, {empty.ID, nil}, {f.id(), nil}} {
		got, err := f.s.CategoryDomains(f.ctx, tc.id)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}

// newCategory builds (without storing) a category under parentID.
func (f *fixture) newCategory(parentID, name string) dam.Category {
	now := f.tick()
	return dam.Category{ID: f.id(), Name: name, ParentID: parentID,
		CreatedBy: "u1", CreatedAt: now, UpdatedBy: "u1", UpdatedAt: now}
}

// category stores a new category under parentID.
func (f *fixture) category(parentID, name string) dam.Category {
	f.t.Helper()
	c := f.newCategory(parentID, name)
	require.NoError(f.t, f.s.CreateCategory(f.ctx, c, dam.CategoryLimits{}))
	return c
}

// categoryGrandchild makes a category two levels under parentID and returns its ID.
func (f *fixture) categoryGrandchild(parentID string) string {
	mid := f.category(parentID, "Mid"+f.id())
	return f.category(mid.ID, "Leaf").ID
}

// withCategories returns a with the given category set, as read back (sorted).
func (f *fixture) withCategories(a dam.Asset, ids ...string) dam.Asset {
	a.Categories = sortedIDs(ids...)
	return a
}

// sortedIDs returns ids in ID order.
func sortedIDs(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }

// with returns a copy of c changed by edit.
func with(c dam.Category, edit func(*dam.Category)) dam.Category {
	edit(&c)
	return c
}
