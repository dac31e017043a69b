package dam_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestParseSearch(t *testing.T) {
	prefix := func(field string, exclude bool, words ...string) dam.SearchTerm {
		return dam.SearchTerm{Field: field, Words: words, Prefix: true, Exclude: exclude}
	}
	exact := func(field string, exclude bool, words ...string) dam.SearchTerm {
		return dam.SearchTerm{Field: field, Words: words, Exclude: exclude}
	}
	for _, tc := range []struct {
		q    string
		want []dam.SearchTerm
	}{
		{"", nil},
		{"   ", nil},
		{"Summer", []dam.SearchTerm{prefix("", false, "summer")}},
		{"CAFÉ straße Øl", []dam.SearchTerm{prefix("", false, "cafe"), prefix("", false, "strasse"), prefix("", false, "ol")}},
		{`"At the  Beach" -winter`, []dam.SearchTerm{exact("", false, "at", "the", "beach"), prefix("", true, "winter")}},
		{"jean-pierre", []dam.SearchTerm{prefix("", false, "jean", "pierre")}},
		{`creator:"Jane Doe" keyword:press`, []dam.SearchTerm{exact("creator", false, "jane", "doe"), prefix("keywords", false, "press")}},
		{"Usage_Terms:editorial -tags:x a", []dam.SearchTerm{prefix("usageterms", false, "editorial"), prefix("keywords", true, "x"), prefix("", false, "a")}},
		{"a: b", []dam.SearchTerm{prefix("", false, "a"), prefix("", false, "b")}},
		{"- a & b", []dam.SearchTerm{prefix("", false, "a"), prefix("", false, "b")}},
		{"http://x.org", []dam.SearchTerm{prefix("http", false, "x", "org")}},
	} {
		got, err := dam.ParseSearch(tc.q)
		require.NoError(t, err, tc.q)
		assert.Equal(t, tc.want, got.Terms, tc.q)
	}
	for _, tc := range []struct{ q, message string }{
		{`"open`, "not closed"},
		{"-a -b", "excludes words but names none"},
		{"% & !", "no words"},
		{strings.Repeat("a", dam.MaxSearchLen+1), "longer than 500"},
		{strings.Repeat("a ", dam.MaxSearchTerms+1), "more than 16 terms"},
		{`"` + strings.Repeat("a ", dam.MaxSearchWords+1) + `"`, "more than 32 words"},
		{"\xff", "UTF-8"},
	} {
		_, err := dam.ParseSearch(tc.q)
		require.Error(t, err, tc.q)
		assert.Equal(t, dam.Invalid, dam.KindOf(err), tc.q)
		assert.Contains(t, err.Error(), tc.message, tc.q)
	}
}

func TestSearchWords(t *testing.T) {
	assert.Equal(t, []string{"creme", "brulee", "100", "ae"}, dam.SearchWords("Crème-Brûlée 100% Æ", 0))
	assert.Equal(t, []string{"a", "b"}, dam.SearchWords("a b c", 2))
	long := strings.Repeat("x", 100)
	assert.Equal(t, []string{strings.Repeat("x", 64)}, dam.SearchWords(long, 0), "a word is cut at 64 runes")
	assert.Equal(t, dam.SearchFieldToken("creator", "ann"), dam.SearchFieldToken(dam.SearchFieldKey("Creator"), "ann"))
	assert.NotEqual(t, dam.SearchFieldToken("creator", "ann"), dam.SearchFieldToken("credit", "ann"))
	assert.Regexp(t, `^f[0-9a-f]{10}gann$`, dam.SearchFieldToken("creator", "ann"))
}

func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"summer", `"a b" -c d:e`, `x:"`, "-", "::", `"`, "Ünï:cöde", "a:-b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		s, err := dam.ParseSearch(q)
		if err != nil {
			require.Equal(t, dam.Invalid, dam.KindOf(err))
			return
		}
		require.LessOrEqual(t, len(s.Terms), dam.MaxSearchTerms)
		words := 0
		for _, term := range s.Terms {
			require.NotEmpty(t, term.Words)
			for _, w := range term.Words {
				require.NotEmpty(t, w)
				require.Equal(t, dam.SearchWords(w, 0), []string{w}, "a parsed word is one folded word")
			}
			words += len(term.Words)
		}
		require.LessOrEqual(t, words, dam.MaxSearchWords)
	})
}

// TestAssetFacets: facets count the caller's live assets only.
func TestAssetFacets(t *testing.T) {
	f := newFixture(t, nil)
	f.upload(t, f.owner, "sun.txt", "1")
	gone := f.upload(t, f.owner, "sun gone.txt", "2")
	require.NoError(t, f.lib.Delete(f.owner, gone.ID))
	got, err := f.lib.AssetFacets(f.owner, dam.AssetQuery{Text: "sun"})
	require.NoError(t, err)
	assert.Equal(t, []dam.FacetCount{{Value: "document", Count: 1}}, got.Kinds, "the trash is not counted")

	stranger := f.user(t, "s@example.com", dam.RoleViewer, "elsewhere")
	got, err = f.lib.AssetFacets(stranger, dam.AssetQuery{Text: "sun"})
	require.NoError(t, err)
	assert.Empty(t, got.Kinds, "another domain's assets are not counted")
	_, err = f.lib.AssetFacets(f.owner, dam.AssetQuery{Text: `"open`})
	assert.Equal(t, dam.Invalid, dam.KindOf(err))
}

// TestAssetsWithFacets: the page and the counts read side by side are
// what Assets and AssetFacets give one after the other, and either's
// refusal is the answer.
func TestAssetsWithFacets(t *testing.T) {
	f := newFixture(t, nil)
	for i := range 5 {
		f.upload(t, f.owner, "sun "+strconv.Itoa(i)+".txt", strconv.Itoa(i))
	}
	f.upload(t, f.owner, "moon.txt", "m")
	q := dam.AssetQuery{Text: "sun", Limit: 2}
	as, next, facets, err := f.lib.AssetsWithFacets(f.owner, q)
	require.NoError(t, err)
	wantAs, wantNext, err := f.lib.Assets(f.owner, q)
	require.NoError(t, err)
	wantFacets, err := f.lib.AssetFacets(f.owner, q)
	require.NoError(t, err)
	assert.Equal(t, wantAs, as)
	assert.Equal(t, wantNext, next)
	assert.Equal(t, wantFacets, facets)
	assert.Equal(t, []dam.FacetCount{{Value: "document", Count: 5}}, facets.Kinds)

	_, _, _, err = f.lib.AssetsWithFacets(f.owner, dam.AssetQuery{Text: `"open`})
	assert.Equal(t, dam.Invalid, dam.KindOf(err), "a query both refuse")
	_, _, _, err = f.lib.AssetsWithFacets(f.owner, dam.AssetQuery{Orientation: "sideways"})
	assert.Equal(t, dam.Invalid, dam.KindOf(err), "a query only the page refuses")
	_, _, _, err = f.lib.AssetsWithFacets(context.Background(), q)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "no actor")
}

// TestAssetsInCollection: the collection filter takes the caller's own
// collections; another's answers as an absent one.
func TestAssetsInCollection(t *testing.T) {
	f := newFixture(t, nil)
	ed := f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	a := f.upload(t, f.owner, "a.txt", "a")
	f.upload(t, f.owner, "b.txt", "b")
	picks, err := f.lib.CreateCollection(ed, "Picks", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(ed, picks.ID, []dam.CollectionItem{{AssetID: a.ID}})
	require.NoError(t, err)

	as, _, err := f.lib.Assets(ed, dam.AssetQuery{CollectionID: picks.ID})
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Equal(t, a.ID, as[0].ID)
	_, _, err = f.lib.Assets(f.owner, dam.AssetQuery{CollectionID: picks.ID})
	assert.Equal(t, dam.NotFound, dam.KindOf(err), "another user's collection is absent, for an owner too")
	_, err = f.lib.AssetFacets(f.owner, dam.AssetQuery{CollectionID: picks.ID})
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	_, _, err = f.lib.Assets(ed, dam.AssetQuery{Orientation: "sideways"})
	assert.Equal(t, dam.Invalid, dam.KindOf(err))
}
