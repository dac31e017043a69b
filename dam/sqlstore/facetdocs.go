package sqlstore

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// compactExact is how many thresholds of text matches a search whose
// facets read facet_docs (compactFacets) counts exactly rather than
// samples: a match costs one FTS5 rowid and one short row there, so
// four thousand cost about what the sample's sixteen ranges do.
const compactExact = 4

// compactCols are the facet values of a facet_docs row (alias x), in the
// order facetTally.add takes them.
const compactCols = "x.kind, x.media_type, x.year, x.creator, x.categories"

// compactWhere returns the conditions of listing q on facet_docs (alias
// x, migration 0045), and false when q has a condition that table cannot
// test (the trash, subfolders, a category, any filter but the kind and
// the folder): its facets then read the assets' rows.
func compactWhere(q dam.AssetQuery) ([]string, []any, bool) {
	folder := q.FolderID != nil && !(q.Subfolders && *q.FolderID == "") // as listingWhere
	if len(q.Domains) == 0 || (folder && q.Subfolders) {
		return nil, nil, false
	}
	rest := q
	rest.Domains, rest.Cursor, rest.Limit, rest.Sort, rest.Text = nil, "", 0, "", ""
	rest.Kind, rest.FolderID, rest.Subfolders, rest.Now = "", nil, false, time.Time{}
	if !reflect.ValueOf(rest).IsZero() { // a field added to AssetQuery is not testable here by itself
		return nil, nil, false
	}
	where := []string{"x.live = 1"}
	var args []any
	if folder {
		where = append(where, "x.folder_id = ?")
		args = append(args, *q.FolderID)
	}
	if len(q.Domains) == 1 {
		where = append(where, "x.domain = ?")
	} else {
		where = append(where, "x.domain IN ("+placeholders(len(q.Domains))+")")
	}
	args = append(args, anys(q.Domains)...)
	if q.Kind != "" {
		where = append(where, "x.kind = ?")
		args = append(args, string(q.Kind))
	}
	return where, args, true
}

// compactFacets counts the facets of a SQLite search whose conditions
// facet_docs can test (compactWhere) from that table: up to compactExact
// thresholds of text matches, every match (exact); above, a stratified
// sample of them (sampleFacets with src.compact: each range one read of
// the index and of facet_docs in document order), then exact again when
// the conditions keep too few sampled matches and there are few enough.
// No count of the matches beyond the exact bound is made: the sample's
// ranges say how many there are.
func (s *Store) compactFacets(ctx context.Context, r querier, search textSearch, where []string, args []any,
	limit int) (dam.Facets, error) {
	exact := int64(compactExact * s.facetSample)
	var n int64
	if err := r.queryRow(ctx, "SELECT count(*) FROM (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? LIMIT ?) m",
		search.fts, exact+1).Scan(&n); err != nil {
		return dam.Facets{}, err
	}
	if n > exact {
		t, err := s.sampleFacets(ctx, r, facetSource{cols: compactCols, where: where, args: args, search: search, compact: true})
		if err != nil || t.passed >= minSampledPasses || t.candidates > float64(maxExactFallback*s.facetSample) {
			return t.facets(limit), err
		}
	}
	t := newFacetTally()
	rows, err := r.query(ctx, "SELECT "+compactCols+` FROM asset_fts f CROSS JOIN facet_docs x
		WHERE f.asset_fts MATCH ? AND x.doc = f.rowid AND `+strings.Join(where, " AND "), append([]any{search.fts}, args...)...)
	if err != nil {
		return dam.Facets{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, mediaType, year, who, cats sql.NullString
		if err := rows.Scan(&kind, &mediaType, &year, &who, &cats); err != nil {
			return dam.Facets{}, err
		}
		t.add(1, kind, mediaType, year, who, cats)
	}
	return t.facets(limit), rows.Err()
}
