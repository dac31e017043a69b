package sqlstore

import (
	"context"
	"strings"

	"github.com/damkit/damkit/dam"
)

// AssetFacets counts the assets q selects by kind, media type, category,
// year of creation and creator: one GROUP BY per facet over the listing's
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
	if !search.Empty() {
		cond, condArgs := s.searchFilter(search)
		where = append(where, cond)
		args = append(args, condArgs...)
	}
	if q.CategoryID != "" {
		cats, err := s.categoryMembers(ctx, q)
		if err != nil || len(cats) == 0 {
			return f, s.fail(ctx, op, err)
		}
		where = append(where, "EXISTS (SELECT 1 FROM asset_categories fc WHERE fc.asset_id = a.id AND fc.category_id IN ("+
			placeholders(len(cats))+"))")
		args = append(args, anys(cats)...)
	}
	cond := strings.Join(where, " AND ")
	creator := "json_extract(a.fields, '$." + dam.FacetCreatorField + "')"
	if s.d.postgres {
		creator = "(CAST(a.fields AS jsonb) ->> '" + dam.FacetCreatorField + "')"
	}
	r := s.readOnce()
	for _, facet := range []struct {
		dst        *[]dam.FacetCount
		value, src string
	}{
		{&f.Kinds, "a.kind", "assets a"},
		{&f.MediaTypes, "v.media_type", "assets a JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version"},
		{&f.Categories, "ac.category_id", "assets a JOIN asset_categories ac ON ac.asset_id = a.id"},
		{&f.Years, "substr(a.created_at, 1, 4)", "assets a"},
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
