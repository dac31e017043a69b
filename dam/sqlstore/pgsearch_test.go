package sqlstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestPlanSortsUnderLimit(t *testing.T) {
	for _, tc := range []struct {
		name, plan string
		want       bool
	}{
		{"a walk of the ID index", `[{"Plan": {"Node Type": "Subquery Scan", "Plans": [{"Node Type": "Limit",
			"Plans": [{"Node Type": "Index Scan", "Scan Direction": "Backward"}]}]}}]`, false},
		{"every match sorted", `[{"Plan": {"Node Type": "Subquery Scan", "Plans": [{"Node Type": "Limit",
			"Plans": [{"Node Type": "Sort", "Plans": [{"Node Type": "Bitmap Heap Scan",
			"Plans": [{"Node Type": "Bitmap Index Scan"}]}]}]}]}}]`, true},
		{"a sort above the limit only", `[{"Plan": {"Node Type": "Sort", "Plans": [{"Node Type": "Limit",
			"Plans": [{"Node Type": "Index Scan"}]}]}}]`, false},
		{"no limit", `[{"Plan": {"Node Type": "Sort", "Plans": [{"Node Type": "Seq Scan"}]}}]`, false},
	} {
		got, err := planSortsUnderLimit([]byte(tc.plan))
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	_, err := planSortsUnderLimit([]byte("not json"))
	assert.Error(t, err)
}

// TestFacetExactPostgres: a PostgreSQL search whose planner expects few
// matches has its facets counted exactly up to pgExact thresholds (its
// sample by ID ranges reads most of the library for a rare word), and
// sampled above.
func TestFacetExactPostgres(t *testing.T) {
	s := openPostgresT(t, postgresURL(t))
	defer s.Close()
	ctx := t.Context()
	s.facetSample = 20
	at := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 150 {
		at = at.Add(24 * time.Hour)
		kind := dam.MediaImage
		if i%3 == 0 {
			kind = dam.MediaDocument
		}
		desc := "zebra"
		if i%50 == 0 {
			desc += " okapi"
		}
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("a%d.jpg", i), Domain: "d", Kind: kind,
			Meta: dam.Metadata{Description: desc}, CreatedAt: at, UpdatedAt: at,
			Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
		require.NoError(t, s.CreateAsset(ctx, a))
	}
	_, err := s.w.ExecContext(ctx, "ANALYZE assets")
	require.NoError(t, err)
	few, err := s.pgFewMatches(ctx, s.read(), textSearch{Search: mustParse(t, "okapi")})
	require.NoError(t, err)
	assert.True(t, few, "a word in 3 of 150")
	s.pgExact = 5 // 100 matches
	few, err = s.pgFewMatches(ctx, s.read(), textSearch{Search: mustParse(t, "zebra")})
	require.NoError(t, err)
	assert.False(t, few, "a word in every asset, as the statistics say")

	q := dam.AssetQuery{Domains: []string{"d"}, Text: "zebra"}
	s.pgExact = 10 // 200 matches: the planner expects 150
	f, err := s.AssetFacets(ctx, q, 20)
	require.NoError(t, err)
	assert.False(t, f.Approximate, "150 matches, within 10 thresholds of 20")
	assert.Equal(t, []dam.FacetCount{{Value: "image", Count: 100}, {Value: "document", Count: 50}}, f.Kinds)
	s.pgExact = 5
	f, err = s.AssetFacets(ctx, q, 20)
	require.NoError(t, err)
	assert.True(t, f.Approximate, "150 matches, above 5 thresholds of 20")
}

func mustParse(t *testing.T, text string) dam.Search {
	t.Helper()
	search, err := dam.ParseSearch(text)
	require.NoError(t, err)
	return search
}

// TestRelevanceWindowAtOnce: PostgreSQL asks for a relevance window at
// once when its planner would sort every match for the first step, step
// by step when it walks the ID index, and both give the same pages. (A
// table this small is walked; a second store on it, whose planner may not
// use indexes, sorts.)
func TestRelevanceWindowAtOnce(t *testing.T) {
	url := postgresURL(t)
	s := openPostgresT(t, url)
	defer s.Close()
	ctx := t.Context()
	var schema string
	require.NoError(t, s.read().queryRow(ctx, "SELECT current_schema()").Scan(&schema))
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	sorting, err := Open(ctx, url+sep+"search_path="+schema+"&enable_indexscan=off", nil)
	require.NoError(t, err)
	defer sorting.Close()
	step := pgWindowStep
	pgWindowStep = 2
	defer func() { pgWindowStep, pgAskPlan = step, true }()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		at = at.Add(time.Second)
		desc := "zebra"
		if i%3 == 0 {
			desc = "zebra zebra stripes"
		}
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("a%d.jpg", i), Domain: "d", Meta: dam.Metadata{Description: desc},
			CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
		require.NoError(t, s.CreateAsset(ctx, a))
	}
	search := textSearch{Search: mustParse(t, "zebra")}
	where, args := s.listingWhere(dam.AssetQuery{Domains: []string{"d"}})
	list := func(s *Store) []string {
		return listIDs(t, s, dam.AssetQuery{Domains: []string{"d"}, Text: "zebra", Limit: 3})
	}
	var want []string
	for _, tc := range []struct {
		name string
		s    *Store
		ask  bool
		once bool
	}{{"steps", s, false, false}, {"walked", s, true, false}, {"sorted", sorting, true, true}} {
		tc.s.rankWindow = 7
		pgAskPlan = tc.ask
		once, err := tc.s.pgWindowAtOnce(ctx, tc.s.read(), search, where, args)
		require.NoError(t, err)
		assert.Equal(t, tc.once, once, "%s: asked for at once", tc.name)
		got := list(tc.s)
		require.Len(t, got, 30, tc.name)
		if want == nil {
			want = got
		}
		assert.Equal(t, want, got, tc.name)
	}
}

// TestPostgresSerialRead: pgSerialRead's queries plan without parallel
// workers, and the setting ends with its transaction.
func TestPostgresSerialRead(t *testing.T) {
	s := openPostgresT(t, postgresURL(t))
	defer s.Close()
	ctx := t.Context()
	var inside, after string
	require.NoError(t, s.pgSerialRead(ctx, func(r querier) error {
		return r.queryRow(ctx, "SHOW max_parallel_workers_per_gather").Scan(&inside)
	}))
	assert.Equal(t, "0", inside)
	s.r.SetMaxOpenConns(1) // the connection the transaction used
	require.NoError(t, s.read().queryRow(ctx, "SHOW max_parallel_workers_per_gather").Scan(&after))
	assert.NotEqual(t, "0", after)
	assert.Error(t, s.pgSerialRead(ctx, func(r querier) error {
		return r.queryRow(ctx, "SELECT no_such_column FROM assets").Scan(&after)
	}))
}

func TestPGUnindexedOrder(t *testing.T) {
	for _, sort := range []string{"", "created", "-created", "name", "-name", "size", "-size", "updated", "-updated", "captured", "-captured"} {
		o := sortOrder(sort)
		got := pgUnindexedOrder(o.by)
		assert.Equal(t, strings.Count(o.by, ","), strings.Count(got, ","), sort)
		assert.Equal(t, strings.Count(o.by, "DESC"), strings.Count(got, "DESC"), sort)
		assert.NotContains(t, " "+got, " a.", "%s: %s", sort, got) // every column inside an expression
	}
	assert.Equal(t, "(a.current_size + 0) DESC, (a.id || '') DESC", pgUnindexedOrder("a.current_size DESC, a.id DESC"))
	assert.Equal(t, "(a.name_key || ''), (a.id || '')", pgUnindexedOrder("a.name_key, a.id"))
}

// TestSearchOrderPostgres: a PostgreSQL listing with search text sorted by
// a key gives the same pages whether its planner expects few matches (the
// page sorted by expressions no index holds) or not.
func TestSearchOrderPostgres(t *testing.T) {
	s := openPostgresT(t, postgresURL(t))
	defer s.Close()
	ctx := t.Context()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		at = at.Add(time.Hour)
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("%c zebra %d.jpg", 'a'+i%7, i), Domain: "d",
			Meta: dam.Metadata{Description: "zebra"}, CreatedAt: at, UpdatedAt: at.Add(time.Duration(i%5) * time.Minute),
			Current: dam.Version{SHA256: "x", MediaType: "image/png", Size: int64(i % 4)}}
		require.NoError(t, s.CreateAsset(ctx, a))
	}
	list := func(sort string) []string {
		return listIDs(t, s, dam.AssetQuery{Domains: []string{"d"}, Text: "zebra", Sort: sort, Limit: 4})
	}
	search := textSearch{Search: mustParse(t, "zebra")}
	for _, sort := range []string{"", "-created", "name", "-name", "size", "-size", "updated", "-updated", "captured"} {
		s.pgExact = pgExactFacets
		by, err := s.pgSearchOrder(ctx, search, sortOrder(sort))
		require.NoError(t, err)
		assert.Equal(t, pgUnindexedOrder(sortOrder(sort).by), by, "%q: few matches expected", sort)
		few := list(sort)
		s.pgExact = 0
		by, err = s.pgSearchOrder(ctx, search, sortOrder(sort))
		require.NoError(t, err)
		assert.Equal(t, sortOrder(sort).by, by, sort)
		require.Len(t, few, 30, sort)
		assert.Equal(t, list(sort), few, sort)
	}
}
