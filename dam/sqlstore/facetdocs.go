package sqlstore

import (
	"context"
	"database/sql"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// compactExact is how many thresholds of text matches a search whose
// facets read facet_docs (compactFacets) counts exactly rather than
// samples: a match costs one FTS5 rowid and one short row there, so
// four thousand cost about what a sample's ranges do (3-4 ms at
// 1,000,000 documents).
const compactExact = 4

// compactCols are the facet values of a facet_docs row (alias x), in the
// order facetTally.add takes them.
const compactCols = "x.kind, x.media_type, x.year, x.creator, x.categories"

// compactWhere returns the conditions of listing q on facet_docs (alias
// x, migration 0045), and false when q has a condition that table cannot
// test (the trash, subfolders, a category, any filter but the kind and
// the folder): its facets then read the assets' rows.
func compactWhere(q dam.AssetQuery) ([]string, []any, bool) {
	where, args, _, ok := compactConditions(q)
	return where, args, ok
}

// compactConditions is compactWhere with the folder q keeps to, if one
// ("" the root).
func compactConditions(q dam.AssetQuery) ([]string, []any, *string, bool) {
	folder := q.FolderID != nil && !(q.Subfolders && *q.FolderID == "") // as listingWhere
	if len(q.Domains) == 0 || (folder && q.Subfolders) {
		return nil, nil, nil, false
	}
	rest := q
	rest.Domains, rest.Cursor, rest.Limit, rest.Sort, rest.Text = nil, "", 0, "", ""
	rest.Kind, rest.FolderID, rest.Subfolders, rest.Now = "", nil, false, time.Time{}
	if !reflect.ValueOf(rest).IsZero() { // a field added to AssetQuery is not testable here by itself
		return nil, nil, nil, false
	}
	where := []string{"x.live = 1"}
	var args []any
	var in *string
	if folder {
		where = append(where, "x.folder_id = ?")
		args = append(args, *q.FolderID)
		in = q.FolderID
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
	return where, args, in, true
}

// compactFacets counts the facets of a SQLite search whose conditions
// facet_docs can test (compactWhere) from that table. A search the word
// table says has at most compactExact thresholds of matches (matchBound)
// is counted exactly: every match read. Any other is sampled first
// (sampleFacets with src.compact: each range one read of the index and of
// facet_docs in document order); when every range was read whole, the
// sample is every match and its counts are exact. Otherwise, when the
// sample says there are at most compactExact thresholds of text matches
// (maxExactFallback thresholds when the conditions keep fewer than
// minSampledPasses of those sampled), every match is read and counted,
// up to one more than that bound; should there be more, the sample
// stands. A search with many matches thus pays no count of them.
//
// Each range opens an FTS5 cursor, which seeks every word of the query in
// every segment of the index (about 10 µs a word and segment at
// 1,000,000 documents): a query of many words (a prefix spelled out as
// seven) is read in fewer, longer ranges (compactStrata).
func (s *Store) compactFacets(ctx context.Context, r querier, search textSearch, where []string, args []any,
	folder *string, limit int) (dam.Facets, error) {
	// In one folder, only its documents' range is read: a folder is
	// filled in bursts, and ranges over the whole library would read a
	// run of matches at the start of each, which holds most of such a
	// folder's documents or none.
	span := keyRange{0, math.MaxInt64}
	var within *keyRange
	if folder != nil {
		var lo, hi sql.NullInt64
		if err := r.queryRow(ctx, `SELECT (SELECT min(doc) FROM facet_docs WHERE folder_id = ?),
			(SELECT max(doc) FROM facet_docs WHERE folder_id = ?)`, *folder, *folder).Scan(&lo, &hi); err != nil {
			return dam.Facets{}, err
		}
		if !lo.Valid {
			return newFacetTally().facets(limit), nil
		}
		span = keyRange{uint64(lo.Int64), uint64(hi.Int64) + 1}
		within = &span
	}
	bound := compactExact * s.facetSample
	most, known, err := s.matchBound(ctx, r, search)
	if err != nil {
		return dam.Facets{}, err
	}
	var t *facetTally
	sample := func() (err error) {
		t, err = s.sampleFacets(ctx, r, facetSource{cols: compactCols, where: where, args: args, search: search,
			compact: true, strata: compactStrata(search), span: within})
		return err
	}
	if !known || most > int64(bound) {
		err := sample()
		if err != nil || !t.approximate {
			return t.facets(limit), err
		}
		if t.passed < minSampledPasses {
			bound = max(bound, maxExactFallback*s.facetSample)
		}
		if t.candidates > float64(bound) {
			return t.facets(limit), nil
		}
	}
	all := newFacetTally()
	rows, err := r.query(ctx, "SELECT CASE WHEN "+strings.Join(where, " AND ")+" THEN 1 ELSE 0 END, "+compactCols+
		` FROM (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? AND rowid >= ? AND rowid < ? LIMIT ?) c
		CROSS JOIN facet_docs x WHERE x.doc = c.rowid`, append(append([]any{}, args...), search.fts,
		int64(span.lo), int64(span.hi), bound+1)...)
	if err != nil {
		return dam.Facets{}, err
	}
	defer rows.Close()
	read := 0
	for rows.Next() {
		var pass bool
		var kind, mediaType, year, who, cats sql.NullString
		if err := rows.Scan(&pass, &kind, &mediaType, &year, &who, &cats); err != nil {
			return dam.Facets{}, err
		}
		if read++; pass {
			all.add(1, kind, mediaType, year, who, cats)
		}
	}
	if err := rows.Err(); err != nil {
		return dam.Facets{}, err
	}
	if read > bound { // more than the sample (or the word table) said: the sample stands
		if t == nil {
			err = sample()
		}
		return t.facets(limit), err
	}
	return all.facets(limit), nil
}

// compactStrata is how many ranges compactFacets samples search over:
// facetStrata for a query of up to two words, fewer for more (each
// range seeks every word), never fewer than minStrata.
func compactStrata(search textSearch) int {
	return max(minStrata, min(facetStrata, strataLookups/max(1, ftsLookups(search))))
}

// strataLookups is how many word seeks (words × ranges) a sample's ranges
// may make before it takes fewer ranges; minStrata the fewest ranges.
const (
	strataLookups = 32
	minStrata     = 4
)

// ftsLookups is how many words FTS5 seeks for search: each word of each
// term, each spelled-out word of a prefix.
func ftsLookups(search textSearch) int {
	n := 0
	for i, t := range search.Terms {
		k := max(1, len(t.Tokens()))
		if i < len(search.words) && len(search.words[i]) > 0 {
			k *= len(search.words[i])
		}
		n += k
	}
	return n
}
