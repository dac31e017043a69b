package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// Facets above a threshold of matches: counting every match of a common
// word in a library of a million assets reads a million rows (seconds),
// so above Options.FacetSampleThreshold matches AssetFacets reads a sample
// and scales it, as Typesense's facet_sample_threshold does.
//
// The sample is stratified: the matches' keys (SQLite: the document
// number, in the index's order; otherwise the asset ID, which begins with
// its creation time) are cut into facetStrata equal ranges, and each range
// gives its newest threshold/facetStrata matches (SQLite's search: its
// oldest, see sampleStratum). A range with fewer matches than that is
// counted whole; in a fuller one the matches read stand for the range's
// part they cover, so each counts (range width) / (width covered) times. Strata keep the sample spread
// over the library's whole history: the newest matches alone would say
// every asset was taken this year.
//
// A search samples its text matches and only then applies the filters
// (kind, folder, ranges...), so the work stays bounded however selective
// the filters are; when the filters keep fewer than minSampledPasses of
// the sampled matches, the sample cannot tell and every match is counted.

// scanSample is how many thresholds of text matches a SQLite search may
// have for its facets to be sampled in one pass over its matches
// (sampleByScan) rather than by ranges: up to there the pass costs less.
// At 1,000,000 assets, load 8-12, three runs (ms, ranges / count and
// pass): 1,284 matches 123-166 / 24-29; 72,576 matches 181-381 / 55-126;
// 928,528 matches 159-194 / 305-376.
const scanSample = 100

// pgExactFacets is how many thresholds of text matches a PostgreSQL
// search may have for its facets to be counted exactly rather than
// sampled. PostgreSQL cannot read a word's matches in ID order from its
// GIN index, so each range of the sample either walks the ID index
// testing every asset in the range (its planner's choice for any word
// outside the statistics' most common ones, which it estimates at 0.45%
// of the assets at 1,000,000) or intersects the word's matches with the
// whole range's IDs: for a word in few assets, 16 ranges read most of the
// library (1-3 s for 1,284 matches at 1,000,000), where counting them all
// reads only them (19 ms warm). Up to here a count costs about what a
// sample of the threshold does; above, the words are common enough for
// the walks to stop early. Counting whether a search has more reads the
// matches' rows (a LIMIT over the GIN index's matches: 0.5 s for 10,000
// matches of two prefixes, whose lists the index cannot tell apart
// without the rows), so it is done only when the planner expects at most
// that many (pgFewMatches); a search it expects to have more is sampled
// without a count (searchFacets).
const pgExactFacets = maxExactFallback

// defaultFacetSample is Options.FacetSampleThreshold's default.
const defaultFacetSample = 1000

// facetStrata is how many key ranges a sample is spread over.
const facetStrata = 16

// minSampledPasses is how many sampled matches must pass the filters for
// their counts to be scaled rather than counted exactly.
const minSampledPasses = 20

// maxExactFallback bounds the text matches counted one by one when the
// filters keep too few sampled ones, in thresholds.
const maxExactFallback = 10

// facetSource is what a facet pass reads: the columns per match, the
// listing's conditions and, for a search, its text.
type facetSource struct {
	cols   string
	where  []string
	args   []any
	search textSearch
	// compact: cols and where name facet_docs (alias x), not the assets'
	// rows (SQLite's search, compactFacets).
	compact bool
	// strata is how many ranges to sample (0: facetStrata).
	strata int
	// span, when set, bounds the document numbers sampled (SQLite's
	// search): those that may pass the conditions lie in it.
	span *keyRange
}

// docBounds and sqliteIDBounds read the least and greatest document
// number and asset ID (SQLite) with one aggregate per subquery: SQLite reads
// min() or max() alone from the end of an index, but both in one query by
// scanning every row (90 ms at 1,000,000 documents).
const (
	docBounds      = "SELECT (SELECT min(doc) FROM search_docs), (SELECT max(doc) FROM search_docs)"
	sqliteIDBounds = "SELECT (SELECT min(id) FROM assets), (SELECT max(id) FROM assets)"
)

// keyRange is a range of keys [lo, hi) as numbers (document numbers, or
// idNumber).
type keyRange struct{ lo, hi uint64 }

// sampleFacets tallies a stratified sample of the matches of src.
func (s *Store) sampleFacets(ctx context.Context, r querier, src facetSource) (*facetTally, error) {
	t := newFacetTally()
	byDoc := !src.search.Empty() && !s.d.postgres
	var span keyRange
	var ids idSpace
	var maxID string
	switch {
	case byDoc && src.span != nil:
		span = *src.span
	case byDoc:
		var lo, hi sql.NullInt64
		if err := r.queryRow(ctx, docBounds).Scan(&lo, &hi); err != nil || !lo.Valid {
			return t, err
		}
		span = keyRange{uint64(max(0, lo.Int64)), uint64(max(0, hi.Int64)) + 1}
	default:
		var lo, hi sql.NullString
		bounds := "SELECT min(id), max(id) FROM assets"
		if !s.d.postgres {
			bounds = sqliteIDBounds
		}
		if err := r.queryRow(ctx, bounds).Scan(&lo, &hi); err != nil || !lo.Valid {
			return t, err
		}
		maxID = hi.String
		ids = newIDSpace(lo.String, hi.String)
		span = keyRange{ids.number(lo.String), ids.number(hi.String) + 1}
	}
	strata := uint64(cmp.Or(src.strata, facetStrata))
	per := max(1, (s.facetSample+int(strata)-1)/int(strata))
	width := (span.hi - span.lo + strata - 1) / strata
	for i := range strata {
		st := keyRange{span.lo + i*width, min(span.hi, span.lo+(i+1)*width)}
		if st.lo >= st.hi {
			break
		}
		var lo, hi any
		below := "<"
		switch {
		case byDoc:
			lo, hi = int64(st.lo), int64(st.hi)
		case st.hi == span.hi: // the last ID's number + 1 may not fit
			lo, hi, below = ids.at(st.lo), maxID, "<="
		default:
			lo, hi = ids.at(st.lo), ids.at(st.hi)
		}
		if err := s.sampleStratum(ctx, r, src, byDoc, ids, st, lo, hi, below, per, t); err != nil {
			return t, err
		}
	}
	if t.approximate {
		// A stratum's estimate assumes its keys are spread evenly; IDs
		// made in one burst (a bulk import) are packed at one end, and the
		// estimate can run to billions. No count exceeds the library.
		n, err := s.assetBound(ctx, r, t.candidates)
		if err != nil {
			return t, err
		}
		t.limit(n)
	}
	return t, nil
}

// assetBound is a number of assets the library holds at most, read
// cheaply: SQLite's largest rowid of assets (rowids are distinct and
// positive). PostgreSQL's count takes a scan (200 ms at 1,000,000), so
// it is read only when the estimate is above twice the planner's own
// figure (pg_class.reltuples, which may lag a bulk import), and the
// estimate is returned as its own bound otherwise.
func (s *Store) assetBound(ctx context.Context, r querier, estimate float64) (float64, error) {
	if !s.d.postgres {
		var n int64
		err := r.queryRow(ctx, "SELECT coalesce(max(rowid), 0) FROM assets").Scan(&n)
		return float64(n), err
	}
	var stats float64
	if err := r.queryRow(ctx, "SELECT reltuples FROM pg_class WHERE oid = 'assets'::regclass").Scan(&stats); err != nil {
		return 0, err
	}
	if stats > 0 && estimate <= 2*stats {
		return estimate, nil
	}
	var n int64
	err := r.queryRow(ctx, "SELECT count(*) FROM assets").Scan(&n)
	return float64(n), err
}

// sampleStratum adds to t the newest per candidates with keys in
// [lo, hi) (or [lo, hi] when below is "<="): the text matches of a search (then filtered), or the assets
// that pass the conditions. SQLite's search reads the oldest per instead:
// FTS5 seeks forward to a range's start through a word's doclist index,
// but back to its end one index entry at a time from the end of the list
// (for a word in 928,528 of 1,000,000 documents, 16 ranges newest first
// cost 20 ms, oldest first 2).
func (s *Store) sampleStratum(ctx context.Context, r querier, src facetSource, byDoc bool, ids idSpace, st keyRange,
	lo, hi any, below string, per int, t *facetTally) error {
	cond := strings.Join(src.where, " AND ")
	var query string
	var args []any
	switch {
	case src.search.Empty():
		query = "SELECT a.id, 1, " + src.cols + ` FROM assets a JOIN versions v ON v.asset_id = a.id
			AND v.number = a.current_version WHERE ` + cond + " AND a.id >= ? AND a.id " + below + " ? ORDER BY a.id DESC LIMIT ?"
		args = append(append(args, src.args...), lo, hi, per)
	case byDoc && src.compact:
		query = "SELECT c.rowid, CASE WHEN " + cond + " THEN 1 ELSE 0 END, " + src.cols + ` FROM
			(SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?) c
			CROSS JOIN facet_docs x WHERE x.doc = c.rowid ORDER BY c.rowid`
		args = append(append(args, src.args...), src.search.fts, lo, hi, per)
	case byDoc:
		query = "SELECT c.rowid, CASE WHEN " + cond + " THEN 1 ELSE 0 END, " + src.cols + ` FROM
			(SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?) c
			CROSS JOIN search_docs d CROSS JOIN assets a CROSS JOIN versions v
			WHERE d.doc = c.rowid AND a.id = d.asset_id AND v.asset_id = a.id AND v.number = a.current_version
			ORDER BY c.rowid`
		args = append(append(args, src.args...), src.search.fts, lo, hi, per)
	default:
		query = "SELECT c.id, CASE WHEN " + cond + " THEN 1 ELSE 0 END, " + src.cols + ` FROM
			(SELECT id FROM assets WHERE search @@ CAST(? AS tsquery) AND id >= ? AND id ` + below + ` ? ORDER BY id DESC LIMIT ?) c
			JOIN assets a ON a.id = c.id JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version
			ORDER BY c.id DESC`
		args = append(append(args, src.args...), tsQuery(src.search.Search), lo, hi, per)
	}
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type row struct {
		pass                          bool
		kind, mt, year, who, category sql.NullString
	}
	var got []row
	var last string
	for rows.Next() {
		var x row
		if err := rows.Scan(&last, &x.pass, &x.kind, &x.mt, &x.year, &x.who, &x.category); err != nil {
			return err
		}
		got = append(got, x)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	w := 1.0
	if len(got) >= per { // the stratum has more: scale by the part covered
		key := ids.number(last)
		if byDoc {
			n, err := strconv.ParseUint(last, 10, 64)
			if err != nil {
				return err
			}
			key = n
		}
		switch {
		case key < st.lo || key >= st.hi:
		case byDoc: // the oldest: [lo, key] covered
			w = float64(st.hi-st.lo) / float64(key-st.lo+1)
		default: // the newest: [key, hi) covered
			w = float64(st.hi-st.lo) / float64(st.hi-key)
		}
		if w > 1 {
			t.approximate = true
		}
	}
	for _, x := range got {
		t.candidates += w
		if x.pass {
			t.add(w, x.kind, x.mt, x.year, x.who, x.category)
		}
	}
	return nil
}

// sampleByScan tallies a sample of a SQLite search's total text matches
// (counted by the caller) chosen in one more pass over the index (for a
// prefix left to FTS5, the merge of its words paid once more, not once
// per stratum; for any search of up to scanSample thresholds of matches,
// cheaper than the ranges), which
// keeps each with probability threshold/total, by a multiplicative hash of its document
// number (a hash, not its position, so that periodic uploads cannot line up
// with the sample), all inside SQLite. Only the kept documents are then
// read and filtered; each stands for count/kept-on-average matches.
func (s *Store) sampleByScan(ctx context.Context, r querier, src facetSource, total int64) (*facetTally, error) {
	t := newFacetTally()
	match := src.search.fts
	const space = 1 << 32 // the hash's range
	below := min(int64(space), int64(space)*int64(s.facetSample)/max(1, total))
	w := float64(space) / float64(below)
	t.approximate = below < space
	kept, err := queryInts(ctx, r, `SELECT rowid FROM asset_fts WHERE asset_fts MATCH ?
		AND (rowid * 2654435761) % 4294967296 < ?`, match, below)
	if err != nil {
		return t, err
	}
	t.candidates = w * float64(len(kept))
	for len(kept) > 0 {
		batch := kept[:min(len(kept), 500)]
		kept = kept[len(batch):]
		args := append([]any{}, src.args...)
		for _, doc := range batch {
			args = append(args, doc)
		}
		rows, err := r.query(ctx, "SELECT CASE WHEN "+strings.Join(src.where, " AND ")+" THEN 1 ELSE 0 END, "+src.cols+
			` FROM search_docs d CROSS JOIN assets a CROSS JOIN versions v
			WHERE d.doc IN (`+placeholders(len(batch))+`) AND a.id = d.asset_id AND v.asset_id = a.id
			AND v.number = a.current_version`, args...)
		if err != nil {
			return t, err
		}
		for rows.Next() {
			var pass bool
			var kind, mt, year, who, cats sql.NullString
			if err := rows.Scan(&pass, &kind, &mt, &year, &who, &cats); err != nil {
				rows.Close()
				return t, err
			}
			if pass {
				t.add(w, kind, mt, year, who, cats)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return t, err
		}
	}
	t.limit(float64(total)) // the sample's chance may overshoot the count
	return t, nil
}

// queryInts returns the single integer column of every row.
func queryInts(ctx context.Context, r querier, query string, args ...any) ([]int64, error) {
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// idAlphabet is the alphabet of dam IDs (Crockford base32, lowercase),
// in the order the IDs sort.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// idDigits is how many characters of an ID its number keeps (60 bits).
const idDigits = 12

// idSpace numbers the IDs between two IDs for interpolating between
// them: the characters after their common prefix, up to idDigits of them,
// as a number. IDs sort as their numbers do.
type idSpace struct{ prefix string }

func newIDSpace(lo, hi string) idSpace {
	n := 0
	for n < len(lo) && n < len(hi) && n < 25 && lo[n] == hi[n] {
		n++
	}
	return idSpace{prefix: lo[:n]}
}

// digits is how many characters after the prefix the numbers keep.
func (sp idSpace) digits() int { return min(idDigits, 26-len(sp.prefix)) }

// number is the number of id, which begins with the space's prefix.
func (sp idSpace) number(id string) uint64 {
	var n uint64
	for i := range sp.digits() {
		d := 0
		if j := len(sp.prefix) + i; j < len(id) {
			d = max(0, strings.IndexByte(idAlphabet, id[j]))
		}
		n = n<<5 | uint64(d)
	}
	return n
}

// at is the smallest ID of number n (number's inverse, padded with the
// lowest digit).
func (sp idSpace) at(n uint64) string {
	var b [26]byte
	copy(b[:], sp.prefix)
	for i := len(sp.prefix); i < len(b); i++ {
		b[i] = '0'
	}
	for i := sp.digits() - 1; i >= 0; i-- {
		b[len(sp.prefix)+i] = idAlphabet[n&31]
		n >>= 5
	}
	return string(b[:])
}
