package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
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
	if !search.Empty() {
		f, err := s.searchFacets(ctx, r, search, where, args, creator, limit)
		return f, s.fail(ctx, op, err)
	}
	cond := strings.Join(where, " AND ")
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
			return f, s.fail(ctx, op, err)
		}
		counts := []dam.FacetCount{}
		for rows.Next() {
			var c dam.FacetCount
			if err := rows.Scan(&c.Value, &c.Count); err != nil {
				rows.Close()
				return f, s.fail(ctx, op, err)
			}
			counts = append(counts, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return f, s.fail(ctx, op, err)
		}
		*facet.dst = counts
	}
	return f, nil
}

// searchFacets counts the facets of a search in one pass over its
// matches (one GROUP BY per facet would find them five times): each
// match's kind, media type, year, creator and categories are read in
// the index's order and counted here.
func (s *Store) searchFacets(ctx context.Context, r querier, search dam.Search, where []string, args []any,
	creator string, limit int) (dam.Facets, error) {
	cols := "a.kind, v.media_type, substr(a.captured_at, 1, 4), " + creator +
		", (SELECT string_agg(ac.category_id, ',') FROM asset_categories ac WHERE ac.asset_id = a.id)"
	var query string
	if s.d.postgres {
		query = "SELECT " + cols + " FROM assets a JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version" +
			" WHERE a.search @@ CAST(? AS tsquery) AND " + strings.Join(where, " AND ")
		args = append([]any{tsQuery(search)}, args...)
	} else {
		query = "SELECT " + cols + ` FROM asset_fts f CROSS JOIN search_docs d CROSS JOIN assets a CROSS JOIN versions v
			WHERE f.asset_fts MATCH ? AND d.doc = f.rowid AND a.id = d.asset_id AND v.asset_id = a.id
			AND v.number = a.current_version AND ` + strings.Join(where, " AND ")
		args = append([]any{ftsQuery(search)}, args...)
	}
	rows, err := r.query(ctx, query, args...)
	if err != nil {
		return dam.Facets{}, err
	}
	defer rows.Close()
	var counts [5]map[string]int64
	for i := range counts {
		counts[i] = map[string]int64{}
	}
	for rows.Next() {
		var kind, mediaType, year, who, cats sql.NullString
		if err := rows.Scan(&kind, &mediaType, &year, &who, &cats); err != nil {
			return dam.Facets{}, err
		}
		for i, v := range []sql.NullString{kind, mediaType, year, who} {
			if v.String != "" {
				counts[i][v.String]++
			}
		}
		if cats.String != "" {
			for c := range strings.SplitSeq(cats.String, ",") {
				counts[4][c]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return dam.Facets{}, err
	}
	top := func(m map[string]int64) []dam.FacetCount {
		out := make([]dam.FacetCount, 0, len(m))
		for v, n := range m {
			out = append(out, dam.FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(out, func(a, b dam.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
		})
		return out[:min(len(out), limit)]
	}
	return dam.Facets{Kinds: top(counts[0]), MediaTypes: top(counts[1]), Years: top(counts[2]),
		Creators: top(counts[3]), Categories: top(counts[4])}, nil
}
