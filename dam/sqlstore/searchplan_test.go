package sqlstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// searchPlanLibrary stores 160 assets in domain "d" (two folders, two
// kinds, some trashed), every one with "the river" in its title, every
// eleventh with "kingfisher" in its description.
func searchPlanLibrary(t *testing.T, s *Store) (folder string) {
	ctx := t.Context()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	folders := []string{dam.NewID(at), dam.NewID(at.Add(time.Millisecond))}
	for i, id := range folders {
		require.NoError(t, s.CreateFolder(ctx, dam.Folder{ID: id, Name: fmt.Sprintf("folder %d", i), Domain: "d",
			CreatedAt: at, UpdatedAt: at}))
	}
	names := []string{"banana", "Apple", "cherry", "apple", "date"}
	for i := range 160 {
		at = at.Add(time.Second)
		a := dam.Asset{ID: dam.NewID(at), Name: names[i%len(names)], Domain: "d", FolderID: folders[i%2],
			Kind: dam.MediaImage, Meta: dam.Metadata{Title: "the river"}, CreatedAt: at,
			UpdatedAt: at.Add(time.Duration(i%7) * time.Hour),
			Current:   dam.Version{SHA256: "x", MediaType: "image/png", Size: int64(10 * (i % 6))}}
		if i%3 == 0 {
			a.Kind = dam.MediaVideo
		}
		if i%11 == 0 {
			a.Meta.Description = "a kingfisher"
		}
		require.NoError(t, s.CreateAsset(ctx, a))
		if i%13 == 0 {
			require.NoError(t, s.TrashAsset(ctx, a.ID, "u", at))
		}
	}
	return folders[1]
}

// A listing with text sorted by a key gives the same pages, and cursors,
// whichever plan it takes (searchplan.go); a common word walks and a rare
// one gathers, and the walks have no sort step.
func TestSearchPlans(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	folder := searchPlanLibrary(t, s)
	list := func(q dam.AssetQuery) []string { return listIDs(t, s, q) }
	queries := []dam.AssetQuery{
		{Text: "the"}, {Text: "kingfisher"}, {Text: "riv"}, {Text: "the -kingfisher"}, {Text: `"river the"`},
		{Text: "the", FolderID: &folder}, {Text: "the", Kind: dam.MediaVideo},
		{Text: "river", Deleted: true}, {Text: "the", MinSize: 20},
	}
	limits := []int{3, 100}
	if raceEnabled { // a third of the pages
		limits = []int{9, 100}
	}
	for _, q := range queries {
		q.Domains = []string{"d"}
		for _, sort := range dam.AssetSorts {
			q.Sort = sort
			for _, limit := range limits {
				q.Limit = limit
				name := fmt.Sprintf("%s/folder=%v/kind=%s/deleted=%v/min=%d/%s/%d", q.Text, q.FolderID != nil, q.Kind,
					q.Deleted, q.MinSize, sort, limit)
				s.searchPlan = planGather
				want := list(q)
				for _, plan := range []string{planWalk, planSet, planRecent, ""} { // "": as chosen
					s.searchPlan = plan
					assert.Equal(t, want, list(q), name+" "+plan)
				}
				// The recent plan with few documents read past the walk's
				// start: most assets probed.
				s.searchPlan, s.recentSpan = planRecent, 7
				assert.Equal(t, want, list(q), name+" recent, 7 documents")
				s.searchPlan, s.recentSpan = "", 0
				if q.Text == `"river the"` {
					assert.Empty(t, want, name)
				} else {
					assert.NotEmpty(t, want, name)
				}
			}
		}
	}

	// The choice in this small library: a word in every document walks
	// (testing document numbers) with small pages only; a rare word never.
	for _, tc := range []struct {
		text  string
		limit int
		plan  string
	}{
		{"the", 2, planSet}, {"river", 2, planSet}, {"riv", 2, planSet}, {"the", 100, planGather},
		{"kingfisher", 2, planGather}, {"kingfish", 2, planGather}, {"nowhere", 2, planGather},
		{"river -kingfisher", 2, planSet},
	} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, s.read(), search)
		require.NoError(t, err)
		plan, _, err := s.searchPlanFor(ctx, s.read(), dam.AssetQuery{Domains: []string{"d"}}, ts, tc.limit)
		require.NoError(t, err)
		assert.Equal(t, tc.plan, plan, "%q, %d a page", tc.text, tc.limit)
	}
	// Listings whose order no index serves gather, however common the word.
	search, err := dam.ParseSearch("the")
	require.NoError(t, err)
	ts, err := s.spelled(ctx, s.read(), search)
	require.NoError(t, err)
	root := ""
	for _, q := range []dam.AssetQuery{
		{Domains: []string{"d"}, FolderID: &folder}, {Domains: []string{"d"}, FolderID: &root},
		{Domains: []string{"d"}, Kind: dam.MediaImage}, {Domains: []string{"d", "e"}},
		{Domains: []string{"d"}, Deleted: true}, {Domains: []string{"d"}, FolderID: &folder, Subfolders: true},
		{Domains: []string{"d"}, CategoryID: "c"}, {Domains: []string{"d"}, CollectionID: "c"},
		{Domains: []string{"d"}, MinSize: 20}, {Domains: []string{"d"}, IDs: []string{"x"}},
		{Domains: []string{"d"}, Availability: dam.Available, Now: time.Now()},
	} {
		plan, _, err := s.searchPlanFor(ctx, s.read(), q, ts, 2)
		require.NoError(t, err)
		walks := len(q.Domains) == 1 && !q.Deleted && !q.Subfolders && q.CategoryID == "" && q.CollectionID == "" &&
			q.MinSize == 0 && q.IDs == nil && q.Availability == ""
		assert.Equal(t, walks, indexOrdered(q), "%+v", q)
		assert.Equal(t, walks, plan != planGather, "%+v: %s", q, plan)
	}

	// The walks follow the sort's index and test each asset: no sort step.
	for _, tc := range []struct{ sort, scope, index string }{
		{"created", "a.domain = ?", "assets_live_domain (domain=?"},
		{"name", "a.domain = ?", "assets_live_domain_name (domain=?"},
		{"-created", "a.folder_id = ? AND +a.domain = ?", "assets_folder (folder_id=?"},
		{"size", "a.folder_id = ? AND +a.domain = ?", "assets_folder_size (folder_id=?"},
	} {
		o := sortOrder(tc.sort)
		args := []any{"d", `("the")`, 101}
		if strings.Contains(tc.scope, "folder") {
			args = append([]any{folder}, args...)
		}
		for _, cond := range []string{walkCondition, setCondition, recentSQL(">")} {
			cargs := args
			if strings.HasPrefix(cond, "EXISTS (SELECT 1 FROM search_docs sd WHERE") {
				cargs = slices.Concat(args[:len(args)-2], []any{100, `("the")`, 100, `("the")`}, args[len(args)-1:])
			}
			plan := strings.Join(queryPlan(t, s, "SELECT a.id FROM assets a WHERE a.deleted_at IS NULL AND "+tc.scope+" AND "+
				cond+" ORDER BY "+o.by+" LIMIT ?", cargs...), "\n")
			assert.Contains(t, plan, "USING INDEX "+tc.index, plan)
			assert.Contains(t, plan, "CORRELATED", plan)
			assert.NotContains(t, plan, "TEMP B-TREE", plan)
		}
	}
}

// Facets of a search found in most of the newest documents skip the count
// of their matches and sample by ranges; a rare word's are counted.
func TestFacetEstimate(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	searchPlanLibrary(t, s)
	s.facetSample, s.facetScan = 20, 1 // the glance reads the newest 40 of 160 documents
	for _, tc := range []struct {
		text string
		want int64
	}{{"the", 160}, {"riv", 160}, {"kingfisher", 0}, {"nowhere", 0}} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, s.read(), search)
		require.NoError(t, err)
		est, err := s.facetEstimate(ctx, s.read(), ts, false)
		require.NoError(t, err)
		assert.Equal(t, tc.want, est, tc.text)
	}
	f, err := s.AssetFacets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: "the"}, 20)
	require.NoError(t, err)
	assert.True(t, f.Approximate)
	require.NotEmpty(t, f.Kinds)
	s.facetScan = 100 // the glance cannot rule out a scan: the count is read
	est, err := s.facetEstimate(ctx, s.read(), textSearch{fts: `("the")`}, false)
	require.NoError(t, err)
	assert.Zero(t, est)
}

// The costs choose as measured at 1,000,000 documents, 100 a page: a word
// in 93% walks, a prefix spelled out as 7 words in 7% tests document
// numbers, a word in 0.13% gathers; small libraries gather.
func TestChoosePlan(t *testing.T) {
	for _, tc := range []struct {
		share, docs    float64
		phrases, limit int
		want           string
	}{
		{0.93, 1e6, 1, 100, planWalk}, {0.073, 1e6, 7, 100, planSet}, {0.0013, 1e6, 1, 100, planGather},
		{0.035, 1e6, 11, 100, planSet}, {0.93, 1e6, 60, 100, planSet}, {1, 300, 1, 100, planGather},
		{0, 1e6, 1, 100, planGather}, {0.5, 0, 1, 100, planGather},
	} {
		assert.Equal(t, tc.want, choosePlan(tc.share, tc.docs, tc.phrases, tc.limit), "%+v", tc)
	}
}

// The recent plan is taken where the documents follow the IDs' order, and
// left where they do not (2,000 assets written with creation times out of
// order): the pages are the same either way.
func TestRecentPlanOrder(t *testing.T) {
	ctx := t.Context()
	for _, shuffled := range []bool{false, true} {
		s := openSQLiteT(t)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		// dam.NewID never goes back, so the IDs are made first, in
		// order, and given out of order.
		ids := make([]string, 2000)
		for i := range ids {
			ids[i] = dam.NewID(at.Add(time.Duration(i) * time.Second))
		}
		perm := rand.New(rand.NewPCG(7, 8)).Perm(len(ids))
		for i := range ids {
			j := i
			if shuffled {
				j = perm[i]
			}
			created := at.Add(time.Duration(j) * time.Second)
			a := dam.Asset{ID: ids[j], Name: "a", Domain: "d", Kind: dam.MediaImage,
				Meta: dam.Metadata{Title: "the river"}, CreatedAt: created, UpdatedAt: created,
				Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			require.NoError(t, s.CreateAsset(ctx, a))
		}
		search, err := dam.ParseSearch("the")
		require.NoError(t, err)
		ts, err := s.spelled(ctx, s.read(), search)
		require.NoError(t, err)
		for _, sort := range []string{"created", "-created"} {
			q := dam.AssetQuery{Domains: []string{"d"}, Text: "the", Sort: sort, Limit: 2}
			cond, _, err := s.searchCondition(ctx, s.read(), q, ts, 2, dam.AssetCursor{})
			require.NoError(t, err)
			assert.Equal(t, !shuffled, strings.Contains(cond, "CASE WHEN"), "shuffled %v, %s: %s", shuffled, sort, cond)
			var pages [2][]string
			for i, plan := range []string{planGather, ""} {
				s.searchPlan = plan
				q := q
				q.Limit = 50
				for range 300 {
					as, next, err := s.Assets(ctx, q)
					require.NoError(t, err)
					for _, a := range as {
						pages[i] = append(pages[i], a.ID)
					}
					if next == "" {
						break
					}
					q.Cursor = next
				}
			}
			s.searchPlan = ""
			require.Len(t, pages[0], 2000)
			assert.Equal(t, pages[0], pages[1], "shuffled %v, %s", shuffled, sort)
		}
		require.NoError(t, s.Close())
	}
}
