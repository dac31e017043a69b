package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// undoFacetDocs are the statements that take a library back to before
// migration 0045, whose view and triggers read assets, versions and
// search_docs (a test dropping one of their columns or search_docs first
// drops these).
func undoFacetDocs() []string {
	undo := []string{"DROP TABLE facet_docs", "DROP VIEW facet_doc_values"}
	for _, tr := range []string{"search_docs_i", "search_docs_d", "search_docs_u", "assets_u", "assets_d", "versions_i",
		"versions_d", "versions_u", "asset_categories_i", "asset_categories_d", "asset_categories_u"} {
		undo = append(undo, "DROP TRIGGER facet_docs_"+tr)
	}
	return append(undo, "DELETE FROM schema_migrations WHERE version = 45")
}

// facetDocRows reads facet_docs (kept, migration 0045) or what it should
// hold, read afresh from the assets (fresh), each row as one string with its
// categories sorted.
func facetDocRows(ctx context.Context, t *testing.T, s *Store, fresh bool) []string {
	t.Helper()
	query := "SELECT doc, domain, live, folder_id, kind, media_type, year, creator, categories FROM facet_docs"
	if fresh {
		query = `SELECT d.doc, r.domain, r.live, r.folder_id, r.kind, r.media_type, r.year, r.creator, r.categories
			FROM search_docs d JOIN facet_doc_values r ON r.asset_id = d.asset_id`
	}
	rows, err := s.read().query(ctx, query)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var doc, live int64
		var domain, folder string
		var kind, mediaType, year, creator, cats sql.NullString
		require.NoError(t, rows.Scan(&doc, &domain, &live, &folder, &kind, &mediaType, &year, &creator, &cats))
		c := strings.Split(cats.String, ",")
		slices.Sort(c)
		out = append(out, fmt.Sprintf("%d %s %d %s %v %v %v %v %s", doc, domain, live, folder, kind, mediaType, year, creator,
			strings.Join(c, ",")))
	}
	require.NoError(t, rows.Err())
	slices.Sort(out)
	return out
}

// requireFacetDocsFresh fails unless facet_docs holds exactly what the
// assets say.
func requireFacetDocsFresh(ctx context.Context, t *testing.T, s *Store, msg string) {
	t.Helper()
	require.Equal(t, facetDocRows(ctx, t, s, true), facetDocRows(ctx, t, s, false), msg)
}

// requireCompactFacetsExact fails unless the facets of q read from
// facet_docs (compactFacets) equal those counted over the assets' rows
// (searchFacets), both exact below the threshold.
func requireCompactFacetsExact(ctx context.Context, t *testing.T, s *Store, q dam.AssetQuery, msg string) {
	t.Helper()
	search, err := dam.ParseSearch(q.Text)
	require.NoError(t, err)
	ts, err := s.spelled(ctx, s.read(), search)
	require.NoError(t, err)
	cw, cargs, folder, ok := compactConditions(q)
	require.True(t, ok, msg)
	compact, err := s.compactFacets(ctx, s.read(), ts, cw, cargs, folder, 1000)
	require.NoError(t, err)
	where, args := s.listingWhere(q)
	rows, err := s.searchFacets(ctx, s.read(), ts, where, args, "json_extract(a.fields, '$."+dam.FacetCreatorField+"')", 1000)
	require.NoError(t, err)
	require.False(t, rows.Approximate, msg)
	require.Equal(t, rows, compact, "%s: %+v", msg, q)
}

// TestCompactWhere: the queries facet_docs can answer are those whose
// conditions are the domains, the kind and one folder; any other field
// sends the facets to the assets' rows.
func TestCompactWhere(t *testing.T) {
	f, root := "f1", ""
	for _, tc := range []struct {
		q    dam.AssetQuery
		want string
		ok   bool
	}{
		{dam.AssetQuery{Domains: []string{"a"}, Text: "x", Sort: "name", Limit: 3, Cursor: "c", Now: time.Now()},
			"x.live = 1 AND x.domain = ?", true},
		{dam.AssetQuery{Domains: []string{"a", "b"}, Kind: dam.MediaImage, FolderID: &f},
			"x.live = 1 AND x.folder_id = ? AND x.domain IN (?, ?) AND x.kind = ?", true},
		{dam.AssetQuery{Domains: []string{"a"}, FolderID: &root}, "x.live = 1 AND x.folder_id = ? AND x.domain = ?", true},
		{dam.AssetQuery{Domains: []string{"a"}, FolderID: &root, Subfolders: true}, "x.live = 1 AND x.domain = ?", true},
		{dam.AssetQuery{Domains: []string{"a"}, FolderID: &f, Subfolders: true}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, Deleted: true}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, CategoryID: "c"}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, MediaType: "image/png"}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, MinSize: 1}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, IDs: []string{"i"}}, "", false},
		{dam.AssetQuery{Domains: []string{"a"}, Availability: dam.Available}, "", false},
		{dam.AssetQuery{}, "", false},
	} {
		where, args, ok := compactWhere(tc.q)
		assert.Equal(t, tc.ok, ok, "%+v", tc.q)
		assert.Equal(t, tc.want, strings.Join(where, " AND "), "%+v", tc.q)
		assert.Equal(t, strings.Count(tc.want, "?"), len(args), "%+v", tc.q)
	}
}

// TestCompactStrata: a query of many words is sampled over fewer ranges.
func TestCompactStrata(t *testing.T) {
	for _, tc := range []struct {
		text   string
		words  [][]string
		strata int
	}{
		{"zebra", nil, 16},
		{"zebra lion", nil, 16},
		{`"red zebra" lion`, nil, 10},
		{"list", [][]string{{"list", "listed", "listen", "listing", "lists", "listener", "listinfo"}}, 4},
		{"li", nil, 16},
	} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		assert.Equal(t, tc.strata, compactStrata(textSearch{Search: search, words: tc.words}), tc.text)
	}
}

// TestCompactFacetsSample: facets read from facet_docs are sampled above
// the threshold (also over the fewer ranges of a prefix spelled out as
// eight words), exact when every match fits in the ranges read or the
// word table says there are few, and exact when the filters keep too few
// sampled matches; a trashed asset's document is not counted.
func TestCompactFacetsSample(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	s.facetSample = 160
	folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Small", Domain: "d"}
	require.NoError(t, s.CreateFolder(ctx, folder))
	// 800 assets over four years, 200 a year; every fourth a document,
	// the rest images; the first 20 of 2022 in the folder; each described
	// by one of eight words beginning with "lion", "rare" in 10, "video"
	// the kind of 5.
	at := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 800 {
		at = at.Add(4 * 365 * 24 * time.Hour / 800)
		kind := dam.MediaImage
		switch {
		case i%4 == 0:
			kind = dam.MediaDocument
		case i%160 == 1:
			kind = dam.MediaVideo
		}
		desc := "lion" + string(rune('a'+i%8))
		if i%80 == 0 {
			desc += " rare"
		}
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("a%d.jpg", i), Domain: "d", Kind: kind,
			Meta:      dam.Metadata{Description: desc, Fields: map[string]string{dam.FacetCreatorField: []string{"Ann", "Bo"}[i%2]}},
			CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
		if i >= 200 && i < 220 {
			a.FolderID = folder.ID
		}
		require.NoError(t, s.CreateAsset(ctx, a))
		ids = append(ids, a.ID)
	}
	search, err := dam.ParseSearch("lion")
	require.NoError(t, err)
	ts, err := s.spelled(ctx, s.read(), search)
	require.NoError(t, err)
	require.Equal(t, minStrata, compactStrata(ts), "eight words: %s", ts.fts)
	near := func(want int64, got []dam.FacetCount, value, text string) {
		t.Helper()
		for _, c := range got {
			if c.Value == value {
				assert.InEpsilon(t, want, c.Count, 0.25, "%s %s: %d, want about %d", text, value, c.Count, want)
				return
			}
		}
		t.Errorf("%s: no count for %s in %v", text, value, got)
	}
	for _, text := range []string{"lion", "lionc"} {
		f, err := s.AssetFacets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: text}, 20)
		require.NoError(t, err)
		if text == "lionc" { // every eighth, from the third: images, Ann's; exact, below the threshold
			assert.False(t, f.Approximate, text)
			assert.Equal(t, []dam.FacetCount{{Value: "image", Count: 100}}, f.Kinds)
			assert.Equal(t, []dam.FacetCount{{Value: "Ann", Count: 100}}, f.Creators)
			assert.Len(t, f.Years, 4)
			continue
		}
		assert.True(t, f.Approximate, text)
		near(600, f.Kinds, "image", text)
		near(200, f.Kinds, "document", text)
		for _, y := range []string{"2021", "2022", "2023", "2024"} {
			near(200, f.Years, y, text)
		}
		near(400, f.Creators, "Ann", text)
	}
	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
		want []dam.FacetCount
	}{
		{"few matches", dam.AssetQuery{Text: "rare"}, []dam.FacetCount{{Value: "document", Count: 10}}},
		{"filters keep few sampled", dam.AssetQuery{Text: "lion", Kind: dam.MediaVideo},
			[]dam.FacetCount{{Value: "video", Count: 5}}},
		{"a folder", dam.AssetQuery{Text: "lion", FolderID: &folder.ID},
			[]dam.FacetCount{{Value: "image", Count: 15}, {Value: "document", Count: 5}}},
	} {
		tc.q.Domains = []string{"d"}
		f, err := s.AssetFacets(ctx, tc.q, 20)
		require.NoError(t, err, tc.name)
		assert.False(t, f.Approximate, tc.name)
		assert.Equal(t, tc.want, f.Kinds, tc.name)
	}
	// One of the rare ones to the trash: counted no more.
	require.NoError(t, s.write(ctx, "test", func(q querier) error {
		_, err := q.exec(ctx, "UPDATE assets SET deleted_at = ? WHERE id = ?", encodeTime(at), ids[0])
		return err
	}))
	f, err := s.AssetFacets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: "rare"}, 20)
	require.NoError(t, err)
	assert.Equal(t, []dam.FacetCount{{Value: "document", Count: 9}}, f.Kinds)
}

// TestFTSSamplesDropped: a library opened after an ANALYZE keeps its
// statistics but for the samples of FTS5's asset_fts_idx (dropFTSSamples).
func TestFTSSamplesDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	for i := range 50 {
		at := time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("word%d zebra.jpg", i), Domain: dam.DefaultDomain,
			Kind: dam.MediaImage, CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/jpeg"}}
		require.NoError(t, s.CreateAsset(t.Context(), a))
	}
	_, err = s.w.ExecContext(t.Context(), "ANALYZE")
	require.NoError(t, err)
	samples := func(s *Store) map[string]int {
		t.Helper()
		rows, err := s.w.QueryContext(t.Context(), "SELECT tbl, count(*) FROM sqlite_stat4 GROUP BY tbl")
		require.NoError(t, err)
		defer rows.Close()
		m := map[string]int{}
		for rows.Next() {
			var tbl string
			var n int
			require.NoError(t, rows.Scan(&tbl, &n))
			m[tbl] = n
		}
		require.NoError(t, rows.Err())
		return m
	}
	before := samples(s)
	require.Positive(t, before["asset_fts_idx"], "this test's premise: ANALYZE samples FTS5's index")
	require.Positive(t, before["assets"])
	require.NoError(t, s.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	defer s.Close()
	after := samples(s)
	assert.Zero(t, after["asset_fts_idx"])
	delete(before, "asset_fts_idx")
	assert.Equal(t, before, after, "the other samples stay")
}
