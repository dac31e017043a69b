package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testSearchPrefixes checks prefixes longer than three characters, which
// a store may answer from a list of its index's words rather than from
// the index alone (sqlstore on SQLite spells them out, up to 64 words):
// every way gives the same matches, in every sort and in the facets, with
// many words (past any cap), accents, and words that come and go with
// edits and purges.
func testSearchPrefixes(t *testing.T, f *fixture) {
	mine := []string{f.domain}
	// 80 words beginning with "glimmer" (more than a store would spell
	// out), one asset each, and one asset with all of them.
	var many []string
	for i := range 80 {
		a := f.newAsset("", fmt.Sprintf("glimmer%d.jpg", i))
		a.Meta.Title = "lantern"
		many = append(many, f.put(a).ID)
	}
	all := f.newAsset("", "all.jpg")
	for i := range 80 {
		all.Meta.Keywords = append(all.Meta.Keywords, fmt.Sprintf("glimmer%d", i))
	}
	all = f.put(all)
	glimmer := append(slices.Clone(many), all.ID)
	creme := f.newAsset("", "dessert.jpg")
	creme.Meta = dam.Metadata{Title: "Crème brûlée", Fields: map[string]string{"creator": "Zoë Ångström"}}
	creme = f.put(creme)
	facade := f.newAsset("", "facade.jpg")
	facade.Meta.Title = "f0123456789gx"
	facade = f.put(facade)

	wantFound := func(t *testing.T, text string, want []string) {
		t.Helper()
		want = slices.Sorted(slices.Values(want))
		assert.Equal(t, want, f.find(text), "%q by creation", text)
		got := f.listAll(dam.AssetQuery{Domains: mine, Text: text, Sort: dam.SortRelevance, Limit: 7})
		assert.ElementsMatch(t, want, got, "%q by relevance", text)
		facets, err := f.s.AssetFacets(f.ctx, dam.AssetQuery{Domains: mine, Text: text}, 10)
		require.NoError(t, err)
		var n int64
		for _, k := range facets.Kinds {
			n += k.Count
		}
		assert.Equal(t, int64(len(want)), n, "%q: facet counts", text)
	}
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"a prefix of many words", "glimm", glimmer},
		{"a prefix of many words, with another word", "glimmer lantern", many},
		{"a prefix of a few words", "glimmer7", []string{many[7], many[70], many[71], many[72], many[73], many[74],
			many[75], many[76], many[77], many[78], many[79], all.ID}},
		{"a whole word that begins others", "glimmer42", []string{many[42], all.ID}},
		{"a prefix of many words excluded", "lantern -glimm", nil},
		{"a prefix of a few words excluded", "lantern -glimmer7", slices.Concat(many[:7], many[8:70])},
		{"a phrase ending with a prefix", "creme-brul", []string{creme.ID}},
		{"a phrase ending with a prefix of one word", "jpg-lant", many},
		{"a phrase ending with a prefix of many words", "glimmer0-glimm", []string{all.ID}},
		{"accents in the document", "brulee", []string{creme.ID}},
		{"accents in the prefix", "BRÛL", []string{creme.ID}},
		{"a short prefix", "cre", []string{creme.ID}},
		{"a field prefix", "creator:angst", []string{creme.ID}},
		{"a field prefix with accents", "creator:ÅNGS", []string{creme.ID}},
		{"a prefix of no word", "glimmerz", nil},
		{"a prefix shaped like a tagged field word", "faca", []string{facade.ID}},
		{"a word shaped like a tagged field word", "f0123456789g", []string{facade.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) { wantFound(t, tc.text, tc.want) })
	}

	t.Run("words come and go", func(t *testing.T) {
		a := f.newAsset("", "comet.jpg")
		a.Meta.Title = "stardust"
		a = f.put(a)
		wantFound(t, "stard", []string{a.ID})

		// The last document of "stardust" loses it; a new word appears.
		a.Meta.Title, a.UpdatedAt = "moonbeam", f.tick()
		require.NoError(t, f.s.UpdateAssets(f.ctx, []dam.Asset{a}))
		wantFound(t, "stard", nil)
		wantFound(t, "moonb", []string{a.ID})

		require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: a.ID, AuthorID: "u1",
			Text: "stardustlike", CreatedAt: f.tick()}))
		wantFound(t, "stard", []string{a.ID})

		b := f.newAsset("", "moonbeams.jpg")
		b = f.put(b)
		wantFound(t, "moonb", []string{a.ID, b.ID})
		f.trash(a.ID)
		_, err := f.s.PurgeAsset(f.ctx, a.ID)
		require.NoError(t, err)
		wantFound(t, "moonb", []string{b.ID})
		wantFound(t, "stard", nil)
		got := f.listAll(dam.AssetQuery{Domains: mine, Text: "stard", Deleted: true})
		assert.Empty(t, got, "a purged asset's words are gone")
	})
}
