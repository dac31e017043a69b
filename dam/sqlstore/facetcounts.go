package sqlstore

import (
	"context"
	"reflect"

	"github.com/damkit/damkit/dam"
)

// plainListing reports whether q selects every live asset of its domains
// and nothing else (no search, no filter; its page, order and domains
// aside), the query whose facets SQLite reads from facet_counts. A field
// added to AssetQuery makes a query with it set not plain by itself.
func plainListing(q dam.AssetQuery) bool {
	q.Domains, q.Cursor, q.Limit, q.Sort = nil, "", 0, ""
	return reflect.ValueOf(q).IsZero()
}

// keptFacets reads the facets of the live assets of domains from
// facet_counts (SQLite, migration 0044), kept exact by triggers: a
// library's first page reads a few hundred rows instead of counting, or
// sampling, every asset after each write.
func (s *Store) keptFacets(ctx context.Context, r querier, domains []string, limit int) (dam.Facets, error) {
	rows, err := r.query(ctx, "SELECT facet, value, SUM(n) FROM facet_counts WHERE domain IN ("+placeholders(len(domains))+
		") GROUP BY facet, value HAVING SUM(n) > 0", anys(domains)...)
	if err != nil {
		return dam.Facets{}, err
	}
	defer rows.Close()
	t := newFacetTally()
	slot := map[string]int{"k": 0, "m": 1, "y": 2, "c": 3, "g": 4} // facetTally's order
	for rows.Next() {
		var facet, value string
		var n int64
		if err := rows.Scan(&facet, &value, &n); err != nil {
			return dam.Facets{}, err
		}
		if i, ok := slot[facet]; ok {
			t.counts[i][value] += float64(n)
		}
	}
	if err := rows.Err(); err != nil {
		return dam.Facets{}, err
	}
	return t.facets(limit), nil
}
