package sqlstore

import (
	"fmt"
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
// whether it walks the sort's index or gathers the matches; a common word
// walks and a rare one gathers, and the walk has no sort step.
func TestSearchPlans(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	folder := searchPlanLibrary(t, s)

	list := func(q dam.AssetQuery) []string {
		var got []string
		for range 1000 {
			as, next, err := s.Assets(ctx, q)
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
	queries := []dam.AssetQuery{
		{Text: "the"}, {Text: "kingfisher"}, {Text: "riv"}, {Text: "the -kingfisher"}, {Text: `"river the"`},
		{Text: "the", FolderID: &folder}, {Text: "the", Kind: dam.MediaVideo},
		{Text: "river", Deleted: true}, {Text: "the", MinSize: 20},
	}
	for _, q := range queries {
		q.Domains = []string{"d"}
		for _, sort := range dam.AssetSorts {
			q.Sort = sort
			for _, limit := range []int{3, 100} {
				q.Limit = limit
				name := fmt.Sprintf("%s/folder=%v/kind=%s/deleted=%v/min=%d/%s/%d", q.Text, q.FolderID != nil, q.Kind,
					q.Deleted, q.MinSize, sort, limit)
				s.searchPlan = planGather
				want := list(q)
				s.searchPlan = planWalk
				got := list(q)
				s.searchPlan = ""
				assert.Equal(t, want, got, name)
				assert.Equal(t, want, list(q), name+" (plan chosen)")
				if q.Text == `"river the"` {
					assert.Empty(t, want, name)
				} else {
					assert.NotEmpty(t, want, name)
				}
			}
		}
	}

	// The choice: a word in every document walks with small pages only;
	// a rare word never does.
	for _, tc := range []struct {
		text  string
		limit int
		walks bool
	}{
		{"the", 2, true}, {"river", 2, true}, {"riv", 2, true}, {"the", 100, false},
		{"kingfisher", 2, false}, {"kingfish", 2, false}, {"nowhere", 2, false}, {"river -kingfisher", 2, false}, // two phrases to probe: twice the cost
	} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, s.read(), search)
		require.NoError(t, err)
		walks, err := s.searchWalks(ctx, s.read(), dam.AssetQuery{Domains: []string{"d"}}, ts, tc.limit)
		require.NoError(t, err)
		assert.Equal(t, tc.walks, walks, "%q, %d a page", tc.text, tc.limit)
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
		{Domains: []string{"d"}, CategoryID: "c"},
	} {
		walks, err := s.searchWalks(ctx, s.read(), q, ts, 2)
		require.NoError(t, err)
		assert.Equal(t, indexOrdered(q), walks, "%+v", q)
		assert.Equal(t, len(q.Domains) == 1 && !q.Deleted && !q.Subfolders && q.CategoryID == "", walks, "%+v", q)
	}

	// The walk follows the sort's index and probes the words' index for
	// each asset: no sort step.
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
		plan := strings.Join(queryPlan(t, s, "SELECT a.id FROM assets a WHERE a.deleted_at IS NULL AND "+tc.scope+" AND "+
			walkCondition+" ORDER BY "+o.by+" LIMIT ?", args...), "\n")
		assert.Contains(t, plan, "USING INDEX "+tc.index, plan)
		assert.Contains(t, plan, "CORRELATED", plan)
		assert.NotContains(t, plan, "TEMP B-TREE", plan)
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
