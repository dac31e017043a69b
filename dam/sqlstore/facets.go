package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

// AssetFacets counts the assets q selects by kind, media type, category,
// year of capture (dam.Asset.CaptureTime) and creator: one GROUP BY per facet over the listing's
// conditions (search text included), in one read.
func (s *Store) AssetFacets(ctx context.Context, q dam.AssetQuery, limit int) (dam.Facets, error) {
	const op = "sqlstore.AssetFacets"
	var f dam.Facets
	search, err := dam.ParseSearch(q.Text)
	if err != nil {
		return f, s.fail(ctx, op, err)
	}
	if len(q.Domains) == 0 {
		return f, nil
	}
	limit = max(1, min(limit, 1000))
	where, args := s.listingWhere(q)
	if q.CategoryID != "" {
		cats, err := s.categoryMembers(ctx, q)
		if err != nil || len(cats) == 0 {
			return f, s.fail(ctx, op, err)
		}
		where = append(where, "EXISTS (SELECT 1 FROM asset_categories fc WHERE fc.asset_id = a.id AND fc.category_id IN ("+
			placeholders(len(cats))+"))")
		args = append(args, anys(cats)...)
	}
	creator := "json_extract(a.fields, '$." + dam.FacetCreatorField + "')"
	if s.d.postgres {
		creator = "(CAST(a.fields AS jsonb) ->> '" + dam.FacetCreatorField + "')"
	}
	r := s.readOnce()
	if !s.d.postgres && plainListing(q) {
		f, err := s.keptFacets(ctx, r, q.Domains, limit)
		return f, s.fail(ctx, op, err)
	}
	if !search.Empty() {
		ts, err := s.spelled(ctx, r, search)
		if err != nil {
			return f, s.fail(ctx, op, err)
		}
		if cw, cargs, folder, ok := compactConditions(q); ok && !s.d.postgres && !ts.merges {
			// Their statements vary only with the number of domains and
			// which of the two filters are given: kept prepared.
			f, err := s.compactFacets(ctx, s.read(), ts, cw, cargs, folder, limit)
			return f, s.fail(ctx, op, err)
		}
		f, err := s.searchFacets(ctx, r, ts, where, args, creator, limit)
		return f, s.fail(ctx, op, err)
	}
	cond := strings.Join(where, " AND ")
	var n int
	if err := r.queryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM assets a WHERE "+cond+" LIMIT ?) m",
		append(args, s.facetSample+1)...).Scan(&n); err != nil {
		return f, s.fail(ctx, op, err)
	}
	if n > s.facetSample {
		t, err := s.sampleFacets(ctx, r, facetSource{cols: facetColumns(creator), where: where, args: args})
		return t.facets(limit), s.fail(ctx, op, err)
	}
	f, err = countFacets(ctx, r, cond, args, creator, limit)
	return f, s.fail(ctx, op, err)
}

// countFacets counts the assets matching cond exactly: one GROUP BY per
// facet.
func countFacets(ctx context.Context, r querier, cond string, args []any, creator string, limit int) (dam.Facets, error) {
	var f dam.Facets
	for _, facet := range []struct {
		dst        *[]dam.FacetCount
		value, src string
	}{
		{&f.Kinds, "a.kind", "assets a"},
		{&f.MediaTypes, "v.media_type", "assets a JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version"},
		{&f.Categories, "ac.category_id", "assets a JOIN asset_categories ac ON ac.asset_id = a.id"},
		{&f.Years, "substr(a.captured_at, 1, 4)", "assets a"},
		{&f.Creators, creator, "assets a"},
	} {
		rows, err := r.query(ctx, "SELECT "+facet.value+" AS v, COUNT(*) AS n FROM "+facet.src+" WHERE "+cond+
			" AND "+facet.value+" IS NOT NULL AND "+facet.value+" <> '' GROUP BY "+facet.value+
			" ORDER BY n DESC, v LIMIT ?", append(args, limit)...)
		if err != nil {
			return f, err
		}
		counts := []dam.FacetCount{}
		for rows.Next() {
			var c dam.FacetCount
			if err := rows.Scan(&c.Value, &c.Count); err != nil {
				rows.Close()
				return f, err
			}
			counts = append(counts, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return f, err
		}
		*facet.dst = counts
	}
	return f, nil
}

// facetColumns are the columns a facet pass reads per match: kind, media
// type, year of capture, creator and the categories, comma-separated.
func facetColumns(creator string) string {
	return "a.kind, v.media_type, substr(a.captured_at, 1, 4), " + creator +
		", (SELECT string_agg(ac.category_id, ',') FROM asset_categories ac WHERE ac.asset_id = a.id)"
}

// searchFacets counts the facets of a search in one pass over its
// matches (one GROUP BY per facet would find them five times): each
// match's kind, media type, year, creator and categories are read in
// the index's order and counted here. Above the sample threshold of
// matches the pass reads a sample instead (sampleFacets).
func (s *Store) searchFacets(ctx context.Context, r querier, search textSearch, where []string, args []any,
	creator string, limit int) (dam.Facets, error) {
	cols := facetColumns(creator)
	src := facetSource{cols: cols, where: where, args: args, search: search}
	// Are there more matches than the threshold? The index alone says,
	// reading at most that many of them (on SQLite, up to scanSample
	// thresholds of them, Store.facetScan, to choose how to sample; on
	// PostgreSQL, up to Store.pgExact thresholds, counted exactly); or,
	// for a prefix FTS5 merges from many words' lists (whatever the
	// LIMIT), all of them.
	var n int64
	count := "SELECT count(*) FROM (SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? LIMIT ?) m"
	cargs := []any{search.fts, s.facetScan*s.facetSample + 1}
	merges := !s.d.postgres && search.merges
	exact := int64(s.facetSample)
	switch {
	case merges:
		count, cargs = "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", cargs[:1]
	case s.d.postgres:
		// PostgreSQL counts only a search its planner expects to have
		// few matches (pgFewMatches): counting even a threshold of a
		// prefix's matches builds the list of every word it begins
		// (120 ms for "list" at 1,000,000). One it expects to have
		// more is sampled; should it have fewer than the threshold, its
		// ranges hold them all and count each once.
		few, err := s.pgFewMatches(ctx, r, search)
		if err != nil {
			return dam.Facets{}, err
		}
		exact = int64(s.pgExact * s.facetSample)
		count = "SELECT count(*) FROM (SELECT 1 FROM assets WHERE search @@ CAST(? AS tsquery) LIMIT ?) m"
		cargs = []any{tsQuery(search.Search), exact + 1}
		if !few {
			count = ""
			n = exact + 1
		}
	}
	est, err := s.facetEstimate(ctx, r, search, merges)
	if err != nil {
		return dam.Facets{}, err
	}
	switch {
	case est > 0:
		n = est // more than scanSample thresholds: sampled by ranges
	case count != "":
		if err := r.queryRow(ctx, count, cargs...).Scan(&n); err != nil {
			return dam.Facets{}, err
		}
	}
	if n > exact {
		var t *facetTally
		var err error
		if merges || (!s.d.postgres && n <= int64(s.facetScan*s.facetSample)) {
			t, err = s.sampleByScan(ctx, r, src, n)
		} else {
			t, err = s.sampleFacets(ctx, r, src)
		}
		if err != nil || t.passed >= minSampledPasses || t.candidates > float64(maxExactFallback*s.facetSample) {
			return t.facets(limit), err
		}
		// The filters keep too few of the sampled matches for an estimate:
		// count them all.
	}
	var query string
	if s.d.postgres {
		query = "SELECT " + cols + " FROM assets a JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version" +
			" WHERE a.search @@ CAST(? AS tsquery) AND " + strings.Join(where, " AND ")
		args = append([]any{tsQuery(search.Search)}, args...)
	} else {
		query = "SELECT " + cols + ` FROM asset_fts f CROSS JOIN search_docs d CROSS JOIN assets a CROSS JOIN versions v
			WHERE f.asset_fts MATCH ? AND d.doc = f.rowid AND a.id = d.asset_id AND v.asset_id = a.id
			AND v.number = a.current_version AND ` + strings.Join(where, " AND ")
		args = append([]any{search.fts}, args...)
	}
	t := newFacetTally()
	tally := func(r querier) error {
		rows, err := r.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, mediaType, year, who, cats sql.NullString
			if err := rows.Scan(&kind, &mediaType, &year, &who, &cats); err != nil {
				return err
			}
			t.add(1, kind, mediaType, year, who, cats)
		}
		return rows.Err()
	}
	if s.d.postgres {
		err = s.pgSerialRead(ctx, tally)
	} else {
		err = tally(r)
	}
	return t.facets(limit), err
}

// facetTally adds up the facet values of matches, each with a weight: 1
// when every match is read, more for a sampled one.
type facetTally struct {
	counts      [5]map[string]float64 // kinds, media types, years, creators, categories
	approximate bool
	passed      int     // matches counted (sampled matches that pass the filters)
	candidates  float64 // estimated text matches, before the filters
}

func newFacetTally() *facetTally {
	t := &facetTally{}
	for i := range t.counts {
		t.counts[i] = map[string]float64{}
	}
	return t
}

func (t *facetTally) add(w float64, kind, mediaType, year, who, cats sql.NullString) {
	t.passed++
	for i, v := range []sql.NullString{kind, mediaType, year, who} {
		if v.String != "" {
			t.counts[i][v.String] += w
		}
	}
	if cats.String != "" {
		for c := range strings.SplitSeq(cats.String, ",") {
			t.counts[4][c] += w
		}
	}
}

// limit scales the tally down so that its matches are at most n.
func (t *facetTally) limit(n float64) {
	if t.candidates <= n || t.candidates == 0 {
		return
	}
	f := n / t.candidates
	t.candidates = n
	for _, m := range t.counts {
		for v := range m {
			m[v] *= f
		}
	}
}

// facets are the tally's most frequent values, at most limit per facet.
func (t *facetTally) facets(limit int) dam.Facets {
	top := func(m map[string]float64) []dam.FacetCount {
		out := make([]dam.FacetCount, 0, len(m))
		for v, n := range m {
			out = append(out, dam.FacetCount{Value: v, Count: int64(math.Round(n))})
		}
		slices.SortFunc(out, func(a, b dam.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		return out[:min(len(out), limit)]
	}
	return dam.Facets{Kinds: top(t.counts[0]), MediaTypes: top(t.counts[1]), Years: top(t.counts[2]),
		Creators: top(t.counts[3]), Categories: top(t.counts[4]), Approximate: t.approximate}
}
