package sqlstore

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

// onEngines runs test on SQLite, and on PostgreSQL when
// DAMKIT_POSTGRES_URL names one.
func onEngines(t *testing.T, test func(t *testing.T, s *Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s := openSQLiteT(t)
		defer s.Close()
		test(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s := openPostgresT(t, postgresURL(t))
		defer s.Close()
		test(t, s)
	})
}

// listIDs pages through listing q from its first page to its end and
// returns the IDs in order (a listing whose cursor never ends fails).
func listIDs(t testing.TB, s *Store, q dam.AssetQuery) []string {
	t.Helper()
	var got []string
	for range 1000 {
		as, next, err := s.Assets(t.Context(), q)
		require.NoError(t, err)
		for _, a := range as {
			got = append(got, a.ID)
		}
		if next == "" {
			return got
		}
		q.Cursor = next
	}
	t.Fatal("the cursor never ended")
	return nil
}

// TestRelevanceWindow checks a relevance listing of more matches than its
// window: the newest matches are ranked, the older ones follow newest
// first, and paging in any page size lists every match once, even while
// matching assets are added between pages.
func TestRelevanceWindow(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		s.rankWindow = 4
		step := pgWindowStep
		pgWindowStep = 3 // PostgreSQL fills the window in two steps
		pgAskPlan = false
		defer func() { pgWindowStep, pgAskPlan = step, true }()
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		mk := func(name, desc string) string {
			at = at.Add(time.Second)
			a := dam.Asset{ID: dam.NewID(at), Name: name, Domain: "d", Meta: dam.Metadata{Description: desc},
				CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			require.NoError(t, s.CreateAsset(ctx, a))
			return a.ID
		}
		var ids []string // oldest first
		for i := range 10 {
			desc := ""
			if i%2 == 1 {
				desc = "zebra"
			}
			ids = append(ids, mk(fmt.Sprintf("zebra %d.jpg", i), desc))
		}
		mk("lion.jpg", "")
		// The window is the newest four (9, 8, 7, 6): those with the word
		// in the description too first (9, 7), then 8, 6; then 5 down to 0.
		want := []string{ids[9], ids[7], ids[8], ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}
		list := func(limit int, during func(page int)) []string {
			q := dam.AssetQuery{Domains: []string{"d"}, Text: "zebra", Limit: limit}
			var got []string
			for page := 0; ; page++ {
				as, next, err := s.Assets(ctx, q)
				require.NoError(t, err)
				for _, a := range as {
					got = append(got, a.ID)
				}
				if next == "" {
					return got
				}
				require.Len(t, as, limit)
				if during != nil {
					during(page)
				}
				q.Cursor = next
			}
		}
		for _, limit := range []int{1, 2, 3, 4, 5, 10, 11} {
			assert.Equal(t, want, list(limit, nil), "%d a page", limit)
		}
		got := list(3, func(page int) { mk(fmt.Sprintf("new zebra %d.jpg", page), "zebra zebra") })
		for _, id := range ids {
			assert.Equal(t, 1, strings.Count(strings.Join(got, " "), id), "%s listed once", id)
		}
		assert.Equal(t, slices.DeleteFunc(slices.Clone(got), func(id string) bool { return !slices.Contains(ids, id) }), want,
			"the assets there at the start keep their order")

		for _, window := range []string{"x1", "t", "r0", "rabc", "r01", "t-1"} {
			c := dam.AssetCursor{Sort: dam.SortRelevance, Score: 1, ID: ids[0], Window: window}.String()
			_, _, err := s.Assets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: "zebra", Cursor: c})
			assert.Equal(t, dam.Invalid, dam.KindOf(err), window)
		}
	})
}

func TestDocScore(t *testing.T) {
	doc := [dam.SearchColumns]string{"tiger sleeps", "cat tiger", "the big tiger cat", "", "fx1 fx2"}
	for _, tc := range []struct {
		name  string
		terms []dam.SearchTerm
		want  int64
	}{
		{"a word in three columns", []dam.SearchTerm{{Words: []string{"tiger"}}}, 8 + 4 + 2},
		{"a prefix", []dam.SearchTerm{{Words: []string{"sle"}, Prefix: true}}, 8},
		{"not a prefix unless asked", []dam.SearchTerm{{Words: []string{"sle"}}}, 0},
		{"a phrase", []dam.SearchTerm{{Words: []string{"tiger", "cat"}}}, 2},
		{"a phrase out of order", []dam.SearchTerm{{Words: []string{"cat", "tiger"}}}, 4},
		{"a phrase ending in a prefix", []dam.SearchTerm{{Words: []string{"big", "ti"}, Prefix: true}}, 2},
		{"two terms add up", []dam.SearchTerm{{Words: []string{"tiger"}}, {Words: []string{"fx2"}}}, 8 + 4 + 2 + 2},
		{"a phrase longer than the column", []dam.SearchTerm{{Words: []string{"fx1", "fx2", "fx3"}}}, 0},
		{"no words", []dam.SearchTerm{{}}, 0},
		{"a word inside another is not it", []dam.SearchTerm{{Words: []string{"iger"}}}, 0},
		{"a phrase at the end", []dam.SearchTerm{{Words: []string{"tiger", "sleeps"}}}, 8},
		{"a phrase cut at the end", []dam.SearchTerm{{Words: []string{"sleeps", "x"}}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, docScore(tc.terms, doc))
		})
	}
}

// A relevance listing whose conditions facet_docs can test (one folder,
// a kind, the domains, live) reads them there (matchConds.facet) and
// lists the same pages as one whose conditions it cannot: the same
// listing with a filter that keeps every asset, or with subfolders of a
// folder that has none. Windows smaller than the matches, so that first
// windows, later windows and tails all take the facet_docs path; and
// while assets move between folders, change kind and go to the trash.
func TestRelevanceFacetConditions(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	folder := searchPlanLibrary(t, s)
	list := func(q dam.AssetQuery) []string { return listIDs(t, s, q) }
	check := func(when string) {
		for _, window := range []int{5, 2000} {
			s.rankWindow = window
			for _, q := range []dam.AssetQuery{
				{Text: "the"}, {Text: "the", Kind: dam.MediaVideo}, {Text: "river", FolderID: &folder},
				{Text: "the riv", FolderID: &folder, Kind: dam.MediaImage}, {Text: "kingfisher", FolderID: &folder},
				{Text: "the -kingfisher", Kind: dam.MediaImage},
			} {
				q.Domains, q.Sort = []string{"d"}, dam.SortRelevance
				_, _, ok := compactWhere(q)
				require.True(t, ok, "%+v", q)
				same := q // the same assets, through their rows
				if q.FolderID != nil {
					same.Subfolders = true
				} else {
					same.MaxSize = 1 << 40
				}
				_, _, ok = compactWhere(same)
				require.False(t, ok, "%+v", same)
				for _, limit := range []int{3, 100} {
					q.Limit, same.Limit = limit, limit
					want := list(same)
					assert.NotEmpty(t, want, "%s: %+v", when, q)
					assert.Equal(t, want, list(q), "%s: %q folder=%v kind=%s window %d, %d a page", when, q.Text,
						q.FolderID != nil, q.Kind, window, limit)
				}
			}
		}
		s.rankWindow = defaultRankWindow
	}
	check("as stored")
	as, _, err := s.Assets(ctx, dam.AssetQuery{Domains: []string{"d"}, Limit: 1000})
	require.NoError(t, err)
	for i, a := range as {
		switch i % 5 {
		case 0:
			if a.Kind == dam.MediaImage {
				a.Kind = dam.MediaVideo
			} else {
				a.Kind = dam.MediaImage
			}
			require.NoError(t, s.UpdateAssets(ctx, []dam.Asset{a}))
		case 1:
			a.FolderID = folder
			require.NoError(t, s.UpdateAssets(ctx, []dam.Asset{a}))
		case 2:
			require.NoError(t, s.TrashAsset(ctx, a.ID, "u", time.Now()))
		}
	}
	check("after moves, kind changes and trashing")
}
