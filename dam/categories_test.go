package dam_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestCategoryTree(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxCategoryDepth: 3, MaxCategories: 6})
	products, err := f.lib.CreateCategory(f.owner, "  Products ", "")
	require.NoError(t, err)
	assert.Equal(t, "Products", products.Name, "names are trimmed like folder names")
	shoes, err := f.lib.CreateCategory(f.owner, "Shoes", products.ID)
	require.NoError(t, err)
	boots, err := f.lib.CreateCategory(f.owner, "Boots", shoes.ID)
	require.NoError(t, err)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)

	for _, tc := range []struct {
		name         string
		ctx          context.Context
		cat, parent  string
		kind         dam.Kind
		messageParts string
	}{
		{"sibling name", f.owner, "Shoes", products.ID, dam.AlreadyExists, "already exists"},
		{"slash", f.owner, "a/b", "", dam.Invalid, "must not contain /"},
		{"empty", f.owner, " ", "", dam.Invalid, "empty"},
		{"too long", f.owner, strings.Repeat("x", 256), "", dam.Invalid, "longer than 255"},
		{"missing parent", f.owner, "X", dam.NewID(time.Now()), dam.NotFound, "not found"},
		{"bad parent id", f.owner, "X", "../etc", dam.NotFound, "not found"},
		{"too deep", f.owner, "Laces", boots.ID, dam.Invalid, "at most 3 levels"},
		{"viewer", viewer, "Mine", "", dam.PermissionDenied, "only owners and editors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.lib.CreateCategory(tc.ctx, tc.cat, tc.parent)
			assert.Equal(t, tc.kind, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.messageParts)
		})
	}

	all, err := f.lib.Categories(viewer)
	require.NoError(t, err, "any user sees the tree")
	assert.Equal(t, []string{"Products", "Shoes", "Boots"}, names(all))
	got, err := f.lib.Category(viewer, shoes.ID)
	require.NoError(t, err)
	assert.Equal(t, products.ID, got.ParentID)

	// Rename and move at once; a move into the own subtree is refused.
	newName, top := "Footwear", ""
	moved, err := f.lib.UpdateCategory(f.owner, shoes.ID, &newName, &top)
	require.NoError(t, err)
	assert.Equal(t, "Footwear", moved.Name)
	assert.Empty(t, moved.ParentID)
	for _, parent := range []string{shoes.ID, boots.ID} {
		_, err = f.lib.UpdateCategory(f.owner, shoes.ID, nil, &parent)
		assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "into itself or its child")
	}
	_, err = f.lib.UpdateCategory(viewer, shoes.ID, &newName, nil)
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))

	// The count limit: 6 categories at most.
	for i := range 3 {
		_, err := f.lib.CreateCategory(f.owner, fmt.Sprint("Extra ", i), "")
		require.NoError(t, err)
	}
	_, err = f.lib.CreateCategory(f.owner, "One too many", "")
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))

	// Deleting: not with subcategories; never the assets.
	a, err := f.lib.Upload(f.owner, strings.NewReader("boots"), dam.UploadOptions{Name: "boots.txt", Categories: []string{boots.ID}})
	require.NoError(t, err)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.DeleteCategory(f.owner, shoes.ID)))
	assert.Equal(t, dam.PermissionDenied, kindOf(t, f.lib.DeleteCategory(viewer, boots.ID)))
	require.NoError(t, f.lib.DeleteCategory(f.owner, boots.ID))
	require.NoError(t, f.lib.DeleteCategory(f.owner, shoes.ID))
	got, err = f.lib.Category(f.owner, shoes.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	a, err = f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err, "deleting a category never deletes its assets")
	assert.Empty(t, a.Categories)
}

func TestCategorisingUploadsClonesAndVersions(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxAssetCategories: 2})
	x, y, z := f.category(t, "X"), f.category(t, "Y"), f.category(t, "Z")
	a, err := f.lib.Upload(f.owner, strings.NewReader("a"), dam.UploadOptions{Name: "a.txt", Categories: []string{y.ID, x.ID, y.ID}})
	require.NoError(t, err)
	assert.Equal(t, sorted(x.ID, y.ID), a.Categories, "sorted, without repeats")
	got, err := f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Categories, got.Categories)

	for _, tc := range []struct {
		name string
		cats []string
		want string
	}{
		{"unknown category", []string{x.ID, dam.NewID(time.Now())}, "unknown category"},
		{"not an id", []string{"x'; DROP TABLE categories; --"}, "unknown category"},
		{"over the limit", []string{x.ID, y.ID, z.ID}, "at most 2 categories"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.keys(t, "")
			_, err := f.lib.Upload(f.owner, strings.NewReader("refused "+tc.name), dam.UploadOptions{Name: "r.txt", Categories: tc.cats})
			assert.Equal(t, dam.Invalid, kindOf(t, err))
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, before, f.keys(t, ""), "refused before any byte is stored")
		})
	}

	// Duplicating metadata takes the categories too, unless given.
	dup, err := f.lib.Upload(f.owner, strings.NewReader("dup"), dam.UploadOptions{Name: "dup.txt", CopyMetaFrom: a.ID})
	require.NoError(t, err)
	assert.Equal(t, a.Categories, dup.Categories)
	dup, err = f.lib.Upload(f.owner, strings.NewReader("dup2"), dam.UploadOptions{Name: "dup2.txt", CopyMetaFrom: a.ID, Categories: []string{z.ID}})
	require.NoError(t, err)
	assert.Equal(t, []string{z.ID}, dup.Categories)

	// A clone keeps the original's categories, or takes those given ([] is none).
	c, err := f.lib.Clone(f.owner, a.ID, "clone.txt")
	require.NoError(t, err)
	assert.Equal(t, a.Categories, c.Categories)
	c, err = f.lib.CloneWith(f.owner, a.ID, dam.CloneOptions{Categories: []string{z.ID}})
	require.NoError(t, err)
	assert.Equal(t, "a.txt", c.Name)
	assert.Equal(t, []string{z.ID}, c.Categories)
	c, err = f.lib.CloneWith(f.owner, a.ID, dam.CloneOptions{Categories: []string{}})
	require.NoError(t, err)
	got, err = f.lib.Asset(f.owner, c.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Categories)
	_, err = f.lib.CloneWith(f.owner, a.ID, dam.CloneOptions{Categories: []string{"nope"}})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	// A new version keeps the categories, or replaces them.
	v, err := f.lib.AddVersion(f.owner, a.ID, strings.NewReader("a2"), dam.NewVersionOptions{})
	require.NoError(t, err)
	assert.Equal(t, a.Categories, v.Categories)
	v, err = f.lib.AddVersion(f.owner, a.ID, strings.NewReader("a3"), dam.NewVersionOptions{Categories: []string{z.ID}})
	require.NoError(t, err)
	assert.Equal(t, []string{z.ID}, v.Categories)
	got, err = f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{z.ID}, got.Categories)
	assert.Equal(t, 3, got.Current.Number)
	_, err = f.lib.AddVersion(f.owner, a.ID, strings.NewReader("a4"), dam.NewVersionOptions{Categories: []string{"nope"}})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
}

func TestEditingCategories(t *testing.T) {
	f := newFixture(t, nil)
	x, y := f.category(t, "X"), f.category(t, "Y")
	a, b := f.upload(t, f.owner, "a.txt", "a"), f.upload(t, f.owner, "b.txt", "b")

	set := []string{y.ID, x.ID}
	got, err := f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Categories: &set})
	require.NoError(t, err)
	assert.Equal(t, sorted(x.ID, y.ID), got.Categories)

	title := "kept"
	got, err = f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Title: &title})
	require.NoError(t, err)
	assert.Equal(t, sorted(x.ID, y.ID), got.Categories, "a patch without categories keeps them")

	only := []string{x.ID}
	as, err := f.lib.EditAssets(f.owner, []string{a.ID, b.ID}, dam.AssetPatch{Categories: &only})
	require.NoError(t, err)
	for _, a := range as {
		assert.Equal(t, only, a.Categories)
	}

	unknown := []string{y.ID, dam.NewID(time.Now())}
	_, err = f.lib.EditAssets(f.owner, []string{a.ID, b.ID}, dam.AssetPatch{Categories: &unknown})
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	for _, id := range []string{a.ID, b.ID} {
		got, err := f.lib.Asset(f.owner, id)
		require.NoError(t, err)
		assert.Equal(t, only, got.Categories, "nothing changes")
	}

	none := []string{}
	got, err = f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Categories: &none})
	require.NoError(t, err)
	assert.Empty(t, got.Categories)
	got, err = f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err, "leaving every category is not deleting")
	assert.Empty(t, got.Categories)

	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	_, err = f.lib.EditAsset(viewer, b.ID, dam.AssetPatch{Categories: &none})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
}

func TestAddingToAndRemovingFromACategory(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxAssetCategories: 2})
	c, other, third := f.category(t, "C"), f.category(t, "Other"), f.category(t, "Third")
	a, b := f.upload(t, f.owner, "a.txt", "a"), f.upload(t, f.owner, "b.txt", "b")
	editor := f.user(t, "editor@example.com", dam.RoleEditor, dam.DefaultDomain)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	elsewhere := f.user(t, "far@example.com", dam.RoleEditor, "far")
	hidden := f.upload(t, elsewhere, "hidden.txt", "hidden")

	got, err := f.lib.AddToCategory(editor, c.ID, []string{a.ID, b.ID})
	require.NoError(t, err)
	assert.Equal(t, 2, got.AssetCount)
	_, err = f.lib.AddToCategory(f.owner, other.ID, []string{a.ID})
	require.NoError(t, err)

	for _, tc := range []struct {
		name   string
		ctx    context.Context
		cat    string
		assets []string
		kind   dam.Kind
	}{
		{"viewer", viewer, c.ID, []string{a.ID}, dam.PermissionDenied},
		{"another domain's asset", f.owner, c.ID, []string{hidden.ID}, dam.NotFound},
		{"missing category", f.owner, dam.NewID(time.Now()), []string{a.ID}, dam.NotFound},
		{"no assets", f.owner, c.ID, nil, dam.Invalid},
		{"over the per-asset limit", f.owner, third.ID, []string{b.ID, a.ID}, dam.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.lib.AddToCategory(tc.ctx, tc.cat, tc.assets)
			assert.Equal(t, tc.kind, kindOf(t, err))
		})
	}
	got, err = f.lib.Category(f.owner, third.ID)
	require.NoError(t, err)
	assert.Zero(t, got.AssetCount, "a refused add adds nothing, not even b")
	counted, err := f.lib.Category(elsewhere, c.ID)
	require.NoError(t, err)
	assert.Zero(t, counted.AssetCount, "counts cover the assets the caller may see")

	got, err = f.lib.RemoveFromCategory(f.owner, c.ID, []string{a.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, got.AssetCount)
	kept, err := f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err, "removing from a category is not deleting")
	assert.Equal(t, []string{other.ID}, kept.Categories, "the asset stays in its other categories")
	page, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
	require.NoError(t, err)
	assert.Len(t, page, 2)

	es, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: a.ID, Action: dam.EventEdit})
	require.NoError(t, err)
	var details []string
	for _, e := range es {
		details = append(details, e.Detail)
	}
	assert.Equal(t, []string{"removed from category " + c.ID, "added to category " + other.ID, "added to category " + c.ID}, details)
}

func TestListingByCategory(t *testing.T) {
	f := newFixture(t, nil)
	top := f.category(t, "Top")
	sub, err := f.lib.CreateCategory(f.owner, "Sub", top.ID)
	require.NoError(t, err)
	folder, err := f.lib.CreateFolder(f.owner, "Folder", "", "")
	require.NoError(t, err)
	inTop, err := f.lib.Upload(f.owner, strings.NewReader("1"), dam.UploadOptions{Name: "red.txt", Categories: []string{top.ID}})
	require.NoError(t, err)
	inSub, err := f.lib.Upload(f.owner, strings.NewReader("2"), dam.UploadOptions{Name: "red.txt", FolderID: folder.ID, Categories: []string{sub.ID}})
	require.NoError(t, err)
	f.upload(t, f.owner, "red.txt", "3")

	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
		want []string
	}{
		{"with subcategories", dam.AssetQuery{CategoryID: top.ID}, []string{inTop.ID, inSub.ID}},
		{"directly in it", dam.AssetQuery{CategoryID: top.ID, CategoryOnly: true}, []string{inTop.ID}},
		{"and a folder", dam.AssetQuery{CategoryID: top.ID, FolderID: &folder.ID}, []string{inSub.ID}},
		{"and text", dam.AssetQuery{CategoryID: sub.ID, Text: "red"}, []string{inSub.ID}},
		{"paged", dam.AssetQuery{CategoryID: top.ID, Limit: 1}, []string{inTop.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, _, err := f.lib.Assets(f.owner, tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, assetIDs(as))
		})
	}
	_, _, err = f.lib.Assets(f.owner, dam.AssetQuery{CategoryID: dam.NewID(time.Now())})
	assert.Equal(t, dam.Invalid, kindOf(t, err), "an unknown category is bad input")

	as, next, err := f.lib.CategoryAssets(f.owner, top.ID, "", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{inTop.ID}, assetIDs(as), "a category's own assets")
	assert.Empty(t, next)
	_, _, err = f.lib.CategoryAssets(f.owner, dam.NewID(time.Now()), "", 0)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, _, err = f.lib.CategoryAssets(f.owner, top.ID, "bad cursor", 0)
	assert.Equal(t, dam.Invalid, kindOf(t, err))
}

// TestCategoriesThroughTheTrash walks the sequence of reference page 002:
// deleting an asset removes it from every category, restoring it puts it
// back in the same ones, and purging it removes it for good.
func TestCategoriesThroughTheTrash(t *testing.T) {
	f := newFixture(t, &dam.Options{TrashRetention: 24 * time.Hour})
	one, two := f.category(t, "One"), f.category(t, "Two")
	a, err := f.lib.Upload(f.owner, strings.NewReader("a"), dam.UploadOptions{Name: "a.txt", Categories: []string{one.ID, two.ID}})
	require.NoError(t, err)
	keep, err := f.lib.Upload(f.owner, strings.NewReader("keep"), dam.UploadOptions{Name: "keep.txt", Categories: []string{one.ID}})
	require.NoError(t, err)
	seen := func(c dam.Category) ([]string, int) {
		t.Helper()
		as, _, err := f.lib.CategoryAssets(f.owner, c.ID, "", 0)
		require.NoError(t, err)
		got, err := f.lib.Category(f.owner, c.ID)
		require.NoError(t, err)
		return assetIDs(as), got.AssetCount
	}
	filtered := func(c dam.Category) []string {
		t.Helper()
		as, _, err := f.lib.Assets(f.owner, dam.AssetQuery{CategoryID: c.ID})
		require.NoError(t, err)
		return assetIDs(as)
	}

	require.NoError(t, f.lib.Delete(f.owner, a.ID))
	for c, want := range map[dam.Category][]string{one: {keep.ID}, two: nil} {
		ids, n := seen(c)
		assert.Equal(t, want, ids, "%s: deleted assets leave category listings", c.Name)
		assert.Equal(t, len(want), n, "%s: and counts", c.Name)
		assert.Equal(t, want, filtered(c), "%s: and filters", c.Name)
	}
	_, err = f.lib.AddToCategory(f.owner, two.ID, []string{a.ID})
	assert.Equal(t, dam.NotFound, kindOf(t, err), "a deleted asset cannot be categorised")

	restored, err := f.lib.Restore(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, sorted(one.ID, two.ID), restored.Categories, "restoring puts it back in the same categories")
	for c, want := range map[dam.Category][]string{one: {a.ID, keep.ID}, two: {a.ID}} {
		ids, n := seen(c)
		assert.Equal(t, want, ids, c.Name)
		assert.Equal(t, len(want), n, c.Name)
		assert.Equal(t, want, filtered(c), c.Name)
	}

	require.NoError(t, f.lib.Delete(f.owner, a.ID))
	f.clock.t = f.clock.t.Add(25 * time.Hour)
	rep, err := f.lib.Sweep(f.owner)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Purged)
	_, err = f.lib.Restore(f.owner, a.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	ids, n := seen(one)
	assert.Equal(t, []string{keep.ID}, ids)
	assert.Equal(t, 1, n)
	require.NoError(t, f.lib.DeleteCategory(f.owner, two.ID), "the purged asset left nothing behind")
}

func (f *fixture) category(t *testing.T, name string) dam.Category {
	t.Helper()
	c, err := f.lib.CreateCategory(f.owner, name, "")
	require.NoError(t, err)
	return c
}

func names(cs []dam.Category) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func assetIDs(as []dam.Asset) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func sorted(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
