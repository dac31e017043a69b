package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchTests check full-text search (AssetQuery.Text): what is found by
// which words, the query syntax, relevance order and its cursors, and that
// every write that changes what an asset is found by changes its index in
// the same call. Every store runs the same cases, so the engines agree.
var searchTests = []test{
	{"Syntax", testSearchSyntax},
	{"Invalid", func(t *testing.T, f *fixture) {
		f.asset("", "summer.jpg")
		for _, text := range []string{
			`"unclosed phrase`, "-summer", `-"a phrase" -x`, "%", `\ '`,
			strings.Repeat("a ", dam.MaxSearchTerms+1), strings.Repeat("x", dam.MaxSearchLen+1), "\xff",
		} {
			_, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Text: text})
			requireKind(t, dam.Invalid, err, text)
		}
		_, _, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Sort: dam.SortRelevance})
		requireKind(t, dam.Invalid, err, "relevance without text")
	}},
	{"Relevance", testSearchRelevance},
	{"IndexFollowsWrites", testSearchIndexFollowsWrites},
	{"FolderAndCategoryNames", testSearchTreeNames},
	{"Filters", testSearchFilters},
	{"Facets", testSearchFacets},
	{"Prefixes", testSearchPrefixes},
	{"SortedByKey", testSearchSortedByKey},
}

func testSearchFacets(t *testing.T, f *fixture) {
	cat := f.category("", "Cats")
	other := f.category("", "Other")
	mk := func(name, mediaType, creator string, year int, cats ...string) dam.Asset {
		a := f.newAsset("", name)
		a.Current.MediaType, a.Kind = mediaType, dam.MediaKindOf(mediaType)
		a.CreatedAt = time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(len(name)) * time.Second)
		if creator != "" {
			a.Meta.Fields = map[string]string{"creator": creator}
		}
		a.Categories = cats
		if name == "sun three" { // a year of capture other than its creation's
			captured := time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC)
			a.Current.EXIF = &dam.EXIF{CapturedAt: &captured}
		}
		return f.put(a)
	}
	mk("sun one", "image/jpeg", "Ann", 2024, cat.ID)
	mk("sun two", "image/jpeg", "Ann", 2025, cat.ID, other.ID)
	mk("sun three", "video/mp4", "Bob", 2025)
	mk("moon", "image/png", "Ann", 2025, cat.ID)
	gone := mk("sun trashed", "image/jpeg", "Cy", 2023, cat.ID)
	f.trash(gone.ID)
	elsewhere := f.newAsset("", "sun elsewhere")
	elsewhere.Domain = "other"
	f.put(elsewhere)

	got, err := f.s.AssetFacets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Text: "sun"}, 20)
	require.NoError(t, err)
	assert.Equal(t, []dam.FacetCount{{Value: "image", Count: 2}, {Value: "video", Count: 1}}, got.Kinds)
	assert.Equal(t, []dam.FacetCount{{Value: "image/jpeg", Count: 2}, {Value: "video/mp4", Count: 1}}, got.MediaTypes)
	wantCats := []dam.FacetCount{{Value: cat.ID, Count: 2}, {Value: other.ID, Count: 1}}
	assert.Equal(t, wantCats, got.Categories)
	assert.Equal(t, []dam.FacetCount{{Value: "2019", Count: 1}, {Value: "2024", Count: 1}, {Value: "2025", Count: 1}}, got.Years,
		"years of capture, or of creation when the file does not say")
	assert.Equal(t, []dam.FacetCount{{Value: "Ann", Count: 2}, {Value: "Bob", Count: 1}}, got.Creators)

	got, err = f.s.AssetFacets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, CategoryID: cat.ID, Kind: dam.MediaImage}, 1)
	require.NoError(t, err)
	assert.Equal(t, []dam.FacetCount{{Value: "image", Count: 3}}, got.Kinds)
	assert.Equal(t, []dam.FacetCount{{Value: "image/jpeg", Count: 2}}, got.MediaTypes, "at most limit values, most frequent first")
	assert.Equal(t, []dam.FacetCount{{Value: "Ann", Count: 3}}, got.Creators)

	got, err = f.s.AssetFacets(f.ctx, dam.AssetQuery{Domains: []string{f.domain}, Text: "nothing"}, 20)
	require.NoError(t, err)
	assert.Empty(t, got.Kinds)
	assert.NotNil(t, got.Kinds, "an empty facet is an empty list")
}

func testSearchFilters(t *testing.T, f *fixture) {
	uploader := f.id()
	captured := time.Date(2019, 6, 1, 10, 0, 0, 0, time.UTC)
	// Pixel sizes: jpeg landscape, png portrait, pdf none, mp4 square.
	mk := func(name, mediaType string, size int64, width, height int) dam.Asset {
		a := f.newAsset("", name)
		a.Current.MediaType, a.Current.Size = mediaType, size
		a.Current.Width, a.Current.Height = width, height
		a.Kind = dam.MediaKindOf(mediaType)
		if mediaType == "video/mp4" {
			a.CreatedBy = uploader
		}
		if mediaType == "image/png" {
			a.Current.EXIF = &dam.EXIF{CapturedAt: &captured}
		}
		return f.put(a)
	}
	jpeg := mk("sun jpeg", "image/jpeg", 100, 640, 480)
	png := mk("sun png", "image/png", 2000, 1200, 1600)
	from := f.tick()
	pdf := mk("sun pdf", "application/pdf", 50, 0, 0)
	to := f.tick()
	mp4 := mk("moon mp4", "video/mp4", 5000, 1080, 1080)
	mine := []string{f.domain}
	changed := f.tick()
	jpeg.Meta.Title, jpeg.UpdatedAt = "edited", f.tick()
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{jpeg}))
	col := f.collection("u1", "Picks", jpeg, mp4)
	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
		want []dam.Asset
	}{
		{"media type", dam.AssetQuery{MediaType: "image/png"}, []dam.Asset{png}},
		{"media subtypes", dam.AssetQuery{MediaType: "image/*"}, []dam.Asset{jpeg, png}},
		{"media type and text", dam.AssetQuery{MediaType: "image/*", Text: "sun"}, []dam.Asset{jpeg, png}},
		{"created from", dam.AssetQuery{CreatedFrom: from}, []dam.Asset{pdf, mp4}},
		{"created before", dam.AssetQuery{CreatedTo: from}, []dam.Asset{jpeg, png}},
		{"created in a range", dam.AssetQuery{CreatedFrom: from, CreatedTo: to, Text: "sun"}, []dam.Asset{pdf}},
		{"smallest size", dam.AssetQuery{MinSize: 2000}, []dam.Asset{png, mp4}},
		{"largest size", dam.AssetQuery{MaxSize: 100}, []dam.Asset{jpeg, pdf}},
		{"size range and kind", dam.AssetQuery{MinSize: 60, MaxSize: 2000, Kind: dam.MediaImage}, []dam.Asset{jpeg, png}},
		{"nothing in range", dam.AssetQuery{MinSize: 2001, MaxSize: 4999}, nil},
		{"changed since", dam.AssetQuery{UpdatedFrom: changed}, []dam.Asset{jpeg}},
		{"changed before", dam.AssetQuery{UpdatedTo: changed}, []dam.Asset{png, pdf, mp4}},
		{"at least so wide", dam.AssetQuery{MinWidth: 1000}, []dam.Asset{png, mp4}},
		{"at least so high", dam.AssetQuery{MinHeight: 1100}, []dam.Asset{png}},
		{"landscape", dam.AssetQuery{Orientation: dam.OrientationLandscape}, []dam.Asset{jpeg}},
		{"portrait", dam.AssetQuery{Orientation: dam.OrientationPortrait}, []dam.Asset{png}},
		{"square and wide", dam.AssetQuery{Orientation: dam.OrientationSquare, MinWidth: 1000}, []dam.Asset{mp4}},
		{"uploaded by", dam.AssetQuery{CreatedBy: uploader}, []dam.Asset{mp4}},
		{"captured before", dam.AssetQuery{CapturedTo: captured.AddDate(1, 0, 0)}, []dam.Asset{png}},
		{"captured from (or created, when the file does not say)", dam.AssetQuery{CapturedFrom: captured.AddDate(1, 0, 0)},
			[]dam.Asset{jpeg, pdf, mp4}},
		{"in a collection", dam.AssetQuery{CollectionID: col.ID}, []dam.Asset{jpeg, mp4}},
		{"in a collection, searched", dam.AssetQuery{CollectionID: col.ID, Text: "sun"}, []dam.Asset{jpeg}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Domains, q.Sort, q.Limit = mine, "created", 1
			got := f.listAll(q)
			if len(tc.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, ids(tc.want), got)
		})
	}
}

func testSearchSyntax(t *testing.T, f *fixture) {
	fo := f.folder("", "Marketing")
	sub := f.folder(fo.ID, "Campaigns 2026")
	animals := f.category("", "Animals")
	deer := f.category(animals.ID, "Deer")
	mk := func(folderID, name string, edit func(*dam.Asset)) dam.Asset {
		a := f.newAsset(folderID, name)
		edit(&a)
		return f.put(a)
	}
	beach := mk("", "summer-beach.jpg", func(a *dam.Asset) {
		a.Meta = dam.Metadata{Title: "Café at the beach", Description: "Sunset over the sea",
			Keywords: []string{"press", "Holiday"},
			Fields:   map[string]string{"creator": "Jane Doe", "Usage Terms": "editorial only"}}
	})
	winter := mk(sub.ID, "winter.jpg", func(a *dam.Asset) {
		a.Meta = dam.Metadata{Title: "Winter CAFE", Description: "summer is far, Straße"}
	})
	require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: winter.ID, AuthorID: "u1",
		Text: "approved by legal", CreatedAt: f.tick()}))
	doe := mk("", "doe.png", func(a *dam.Asset) {
		a.Meta = dam.Metadata{Keywords: []string{"jane"}, Fields: map[string]string{"creator": "John Doe"}}
		a.Categories = []string{deer.ID}
	})
	trashed := mk("", "summer trashed.jpg", func(*dam.Asset) {})
	f.trash(trashed.ID)
	mk("", "summer other.jpg", func(a *dam.Asset) { a.Domain = "other" })

	mine := []string{f.domain}
	for _, tc := range []struct {
		name, text string
		want       []dam.Asset
	}{
		{"a prefix", "summ", []dam.Asset{beach, winter}},
		{"a whole word", "summer", []dam.Asset{beach, winter}},
		{"case and accents folded", "cafe", []dam.Asset{beach, winter}},
		{"accents in the query", "CAFÉ", []dam.Asset{beach, winter}},
		{"letters without accents", "strasse", []dam.Asset{winter}},
		{"words are ANDed", "summer sea", []dam.Asset{beach}},
		{"a phrase", `"at the beach"`, []dam.Asset{beach}},
		{"a phrase is in order", `"the at beach"`, nil},
		{"a phrase is whole words", `"at the bea"`, nil},
		{"a word excluded", "summer -winter", []dam.Asset{beach}},
		{"a phrase excluded", `cafe -"the beach"`, []dam.Asset{winter}},
		{"a custom field phrase", `creator:"Jane Doe"`, []dam.Asset{beach}},
		{"a custom field word", "creator:doe", []dam.Asset{beach, doe}},
		{"a custom field prefix", "creator:jo", []dam.Asset{doe}},
		{"a field name folded", "usage_terms:editorial", []dam.Asset{beach}},
		{"a field excluded", "doe -creator:jane", []dam.Asset{doe}},
		{"keyword", "keyword:press", []dam.Asset{beach}},
		{"keywords", "keywords:jane", []dam.Asset{doe}},
		{"a word in any field", "jane", []dam.Asset{beach, doe}},
		{"title", "title:cafe", []dam.Asset{beach, winter}},
		{"name", "name:winter", []dam.Asset{winter}},
		{"description", "description:summer", []dam.Asset{winter}},
		{"a note", "legal", []dam.Asset{winter}},
		{"note field", "note:approved", []dam.Asset{winter}},
		{"a folder on the path", "marketing", []dam.Asset{winter}},
		{"folder field", `folder:"campaigns 2026"`, []dam.Asset{winter}},
		{"a category", "deer", []dam.Asset{doe}},
		{"a parent category", "category:animals", []dam.Asset{doe}},
		{"punctuation between words", "summer,beach!", []dam.Asset{beach}},
		{"no match", "zebra", nil},
		{"an unknown field", "colour:red", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := f.listAll(dam.AssetQuery{Domains: mine, Text: tc.text, Sort: "created", Limit: 2})
			if len(tc.want) == 0 {
				assert.Empty(t, got, tc.text)
				return
			}
			assert.Equal(t, ids(tc.want), got, tc.text)
		})
	}
	t.Run("trash", func(t *testing.T) {
		got := f.listAll(dam.AssetQuery{Domains: mine, Text: "summer", Deleted: true})
		assert.Equal(t, []string{trashed.ID}, got)
	})
	t.Run("other filters", func(t *testing.T) {
		got := f.listAll(dam.AssetQuery{Domains: mine, Text: "summer", FolderID: &sub.ID})
		assert.Equal(t, []string{winter.ID}, got)
		got = f.listAll(dam.AssetQuery{Domains: mine, Text: "summer", CategoryID: animals.ID})
		assert.Empty(t, got)
		got = f.listAll(dam.AssetQuery{Domains: mine, Text: "doe", CategoryID: animals.ID, Sort: "name"})
		assert.Equal(t, []string{doe.ID}, got)
	})
}

func testSearchRelevance(t *testing.T, f *fixture) {
	mine := []string{f.domain}
	mk := func(name, title, desc string) dam.Asset {
		a := f.newAsset("", name)
		a.Meta.Title, a.Meta.Description = title, desc
		return f.put(a)
	}
	inName := mk("tiger.jpg", "", "")
	inBoth := mk("tiger 2.jpg", "a tiger", "the tiger sleeps")
	inDesc := mk("cat.jpg", "", "a tiger")
	inNote := mk("dog.jpg", "", "")
	require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: inNote.ID, AuthorID: "u1", Text: "tiger?", CreatedAt: f.tick()}))
	mk("lion.jpg", "", "")
	want := []string{inBoth.ID, inName.ID, inDesc.ID, inNote.ID}
	assert.Equal(t, want, f.listAll(dam.AssetQuery{Domains: mine, Text: "tiger"}), "relevance is the default with text")
	for _, limit := range []int{1, 2, 3} {
		assert.Equal(t, want, f.listAll(dam.AssetQuery{Domains: mine, Text: "tig", Sort: dam.SortRelevance, Limit: limit}),
			"%d a page", limit)
	}

	// Paging by relevance while matching assets are added: every asset
	// there from the start is listed once, in order (scores depend on
	// the asset alone, so the cursor's place does not move).
	many := []string{}
	for i := range 12 {
		many = append(many, mk(fmt.Sprintf("zebra %d.jpg", i), strings.Repeat("zebra ", i%4), "").ID)
	}
	q := dam.AssetQuery{Domains: mine, Text: "zebra", Limit: 2}
	var seen []string
	for i := 0; ; i++ {
		page, next, err := f.s.Assets(f.ctx, q)
		require.NoError(t, err)
		seen = append(seen, ids(page)...)
		if next == "" {
			break
		}
		mk(fmt.Sprintf("zebra new %d.jpg", i), strings.Repeat("zebra ", i%5), "zebra")
		q.Cursor = next
	}
	counts := map[string]int{}
	for _, id := range seen {
		counts[id]++
	}
	for _, id := range many {
		assert.Equal(t, 1, counts[id], "asset %s listed once", id)
	}
	for id, n := range counts {
		assert.Equal(t, 1, n, "asset %s listed once", id)
	}
	// Cursors continue only their own sort.
	_, next, err := f.s.Assets(f.ctx, dam.AssetQuery{Domains: mine, Text: "zebra", Limit: 1})
	require.NoError(t, err)
	_, _, err = f.s.Assets(f.ctx, dam.AssetQuery{Domains: mine, Text: "zebra", Sort: "name", Cursor: next})
	requireKind(t, dam.Invalid, err)
}

// find lists the IDs of live assets matching text, in ID order.
func (f *fixture) find(text string) []string {
	f.t.Helper()
	return f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Text: text, Sort: "created"})
}

func testSearchIndexFollowsWrites(t *testing.T, f *fixture) {
	a := f.asset("", "first.jpg")
	assert.Equal(t, []string{a.ID}, f.find("first"))

	edited := a
	edited.Name, edited.Meta.Title, edited.Meta.Fields = "second.jpg", "Über title", map[string]string{"shot by": "Ann"}
	edited.UpdatedAt = f.tick()
	require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{edited}))
	assert.Empty(t, f.find("first"), "the old name is gone")
	assert.Equal(t, []string{a.ID}, f.find("second uber"))
	assert.Equal(t, []string{a.ID}, f.find("shot_by:ann"))

	v := f.version("v2")
	edited.Meta.Title = "Versioned"
	_, err := f.s.AddVersion(f.ctx, edited, v)
	require.NoError(t, err)
	assert.Empty(t, f.find("uber"))
	assert.Equal(t, []string{a.ID}, f.find("versioned"))

	require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: a.ID, AuthorID: "u1", Text: "needs retouching", CreatedAt: f.tick()}))
	assert.Equal(t, []string{a.ID}, f.find("retouch"))

	f.trash(a.ID)
	assert.Empty(t, f.find("versioned"), "trashed assets are not found among the live ones")
	require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u1", f.tick()))
	assert.Equal(t, []string{a.ID}, f.find("versioned"), "restored assets are found again")

	f.trash(a.ID)
	_, err = f.s.PurgeAsset(f.ctx, a.ID)
	require.NoError(t, err)
	got := f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Text: "versioned", Deleted: true})
	assert.Empty(t, got, "a purged asset is gone from the index")
	b := f.asset("", "versioned again.jpg")
	assert.Equal(t, []string{b.ID}, f.find("versioned"))

	// A failed write leaves the index as it was.
	c := f.asset("", "kept.jpg")
	bad := c
	bad.Meta.Title = "lost"
	requireKind(t, dam.NotFound, f.s.UpdateAssets(f.ctx, []dam.Asset{bad, f.newAsset("", "never stored")}))
	assert.Empty(t, f.find("lost"))
	assert.Equal(t, []string{c.ID}, f.find("kept"))
}

func testSearchTreeNames(t *testing.T, f *fixture) {
	top := f.folder("", "Brochures")
	sub := f.folder(top.ID, "Spring")
	other := f.folder("", "Archive")
	a := f.asset(sub.ID, "a.jpg")
	assert.Equal(t, []string{a.ID}, f.find("brochures spring"))

	require.NoError(t, f.s.RenameFolder(f.ctx, top.ID, "Leaflets", f.tick()))
	assert.Empty(t, f.find("brochures"), "a parent's old name is gone")
	assert.Equal(t, []string{a.ID}, f.find("folder:leaflets"))

	require.NoError(t, f.s.MoveFolder(f.ctx, sub.ID, other.ID, f.tick()))
	assert.Empty(t, f.find("leaflets"), "the old parent is gone")
	assert.Equal(t, []string{a.ID}, f.find(`folder:"archive spring"`))

	parent := f.category("", "Fauna")
	child := f.category(parent.ID, "Birds")
	b := f.put(f.withCategories(f.newAsset("", "b.jpg"), child.ID))
	c := f.asset("", "c.jpg")
	assert.Equal(t, []string{b.ID}, f.find("fauna birds"))

	renamed := child
	renamed.Name, renamed.UpdatedAt = "Raptors", f.tick()
	require.NoError(t, f.s.UpdateCategory(f.ctx, renamed, dam.CategoryLimits{}))
	assert.Empty(t, f.find("birds"))
	assert.Equal(t, []string{b.ID}, f.find("category:raptors"))
	renamedParent := parent
	renamedParent.Name, renamedParent.UpdatedAt = "Wildlife", f.tick()
	require.NoError(t, f.s.UpdateCategory(f.ctx, renamedParent, dam.CategoryLimits{}))
	assert.Equal(t, []string{b.ID}, f.find("wildlife raptors"), "a parent category's new name")

	_, err := f.s.AddCategoryAssets(f.ctx, child.ID, []string{c.ID}, "u1", f.tick())
	require.NoError(t, err)
	assert.Equal(t, sortedIDs(b.ID, c.ID), f.find("raptors"))
	_, err = f.s.RemoveCategoryAssets(f.ctx, child.ID, []string{b.ID}, "u1", f.tick())
	require.NoError(t, err)
	assert.Equal(t, []string{c.ID}, f.find("raptors"))

	require.NoError(t, f.s.DeleteCategory(f.ctx, child.ID))
	assert.Empty(t, f.find("raptors"), "a deleted category's name is gone")
	assert.True(t, slices.Contains(f.find("c"), c.ID))
}

// testSearchSortedByKey lists a common word's and a rare word's matches in
// every sort by a key, a few to a page and many to a page: an engine may
// plan a common word's pages (walking the sort's index and checking each
// asset against the index of words) unlike a rare word's (gathering the
// matches and sorting them), and the pages and cursors must not show it.
func testSearchSortedByKey(t *testing.T, f *fixture) {
	names := []string{"banana", "Apple", "cherry", "apple", "Banana", "date", "APPLE", "elder"}
	var all, rare []dam.Asset
	for i := range 160 {
		a := f.newAsset("", names[i%len(names)])
		a.Current.Size = int64(100 * (i % 5))
		a.Meta.Title = "the river"
		if i%11 == 0 {
			a.Meta.Description = "a kingfisher"
		}
		if i%4 == 0 {
			captured := time.Date(2019, 5, 1+i%3, 12, 0, 0, 0, time.UTC)
			a.Current.EXIF = &dam.EXIF{CapturedAt: &captured}
		}
		a = f.put(a)
		all = append(all, a)
		if i%11 == 0 {
			rare = append(rare, a)
		}
	}
	gone := f.newAsset("", "the river gone")
	f.put(gone)
	f.trash(gone.ID)
	other := f.newAsset("", "the river elsewhere")
	other.Domain = "other"
	f.put(other)
	notRare := slices.DeleteFunc(slices.Clone(all), func(a dam.Asset) bool { return slices.Contains(ids(rare), a.ID) })
	mine := []string{f.domain}
	for _, tc := range []struct {
		text string
		want []dam.Asset
	}{
		{"the", all}, {"riv", all}, {`"the river"`, all}, {"kingfisher", rare}, {"the -kingfisher", notRare},
	} {
		for _, sort := range []string{"name", "-name", "-size", "created", "-created", "updated", "-captured"} {
			for _, limit := range []int{2, 40} {
				got := f.listAll(dam.AssetQuery{Domains: mine, Text: tc.text, Sort: sort, Limit: limit})
				assert.Equal(t, sorted(tc.want, sort), got, "%q sorted by %s, %d a page", tc.text, sort, limit)
			}
		}
	}

	// Paging while matching assets are added: every asset there from
	// the start is listed once, in order.
	for _, sort := range []string{"-created", "name"} {
		q := dam.AssetQuery{Domains: mine, Text: "the", Sort: sort, Limit: 3}
		var seen []string
		for i := 0; ; i++ {
			page, next, err := f.s.Assets(f.ctx, q)
			require.NoError(t, err)
			seen = append(seen, ids(page)...)
			if next == "" {
				break
			}
			if i%10 == 0 {
				a := f.newAsset("", names[i%len(names)]+" new")
				a.Meta.Title = "the river"
				f.put(a)
			}
			q.Cursor = next
		}
		start := sorted(all, sort)
		kept := slices.DeleteFunc(slices.Clone(seen), func(id string) bool { return !slices.Contains(start, id) })
		assert.Equal(t, start, kept, "sorted by %s while assets are added", sort)
	}
}
