package dam

import (
	"context"
	"encoding/json"
	"strings"
)

// FacetCreatorField is the custom field counted as an asset's creator.
const FacetCreatorField = "creator"

// maxFacetValues bounds each facet's list: the most frequent values.
const maxFacetValues = 20

// FacetCount is one value of a facet and how many assets have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Facets count the assets a query selects, all of its pages, by kind, by
// media type of the current version, by category (those the assets are
// directly in, by ID), by year of capture (UTC; Asset.CaptureTime, which
// is the year of creation when the file does not say) and by creator (the
// custom field "creator"). Each list holds the most frequent values (at
// most 20), most frequent first, ties by value.
//
// Counting every match of a common word in a large library takes seconds,
// so a store may count exactly only up to a threshold of matches and
// estimate above it from a sample spread over the library: Approximate
// then says the counts are estimates (shown as "about").
type Facets struct {
	Kinds      []FacetCount `json:"kinds"`
	MediaTypes []FacetCount `json:"media_types"`
	Categories []FacetCount `json:"categories"`
	Years      []FacetCount `json:"years"`
	Creators   []FacetCount `json:"creators"`
	// Approximate is true when the counts are estimated from a sample.
	Approximate bool `json:"approximate"`
}

// SearchFieldTerm is the search term (see ParseSearch) that finds value as
// a phrase in the field named field: creator:"Jane Doe". Quotes in value,
// which the syntax cannot carry, become spaces (they separate words anyway).
func SearchFieldTerm(field, value string) string {
	return field + `:"` + strings.ReplaceAll(value, `"`, " ") + `"`
}

// AssetsWithFacets is Assets and AssetFacets of one query, read side by
// side: a search's first page and its counts are two store reads of about
// the same cost (at 1,000,000 assets on SQLite, 5-15 ms each), and on a
// machine with more than one core (SQLite has several readers, PostgreSQL
// several connections) the request then waits for the slower of the two,
// not for both. The first error of either is returned, Assets' first.
func (l *Library) AssetsWithFacets(ctx context.Context, q AssetQuery) ([]Asset, string, Facets, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var facets Facets
	var ferr error
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		facets, ferr = l.AssetFacets(ctx, q)
	}()
	as, next, err := l.Assets(ctx, q)
	if err != nil {
		cancel() // the counts are not wanted
	}
	<-counted
	if err != nil {
		return nil, "", Facets{}, err
	}
	if ferr != nil {
		return nil, "", Facets{}, ferr
	}
	return as, next, facets, nil
}

// AssetFacets counts the live assets of the actor's domains that q selects
// (its Cursor, Limit and Sort are ignored, and so are its policy filters:
// Downloadable, Protected, HasLicence).
//
// The counts are kept in memory like the listing cache's pages (they share
// its bound and its ListingGeneration, see listcache.go): keyed by the
// completed query, which holds the caller's domains, so callers share
// counts exactly when the store would count the same assets, and forgotten
// by any write that could change them. Counts of a query with an
// Availability filter, which moves with the clock, are never kept.
func (l *Library) AssetFacets(ctx context.Context, q AssetQuery) (Facets, error) {
	const op = "dam.AssetFacets"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Facets{}, err
	}
	q.Cursor, q.Sort, q.Limit = "", "", 0
	q.Downloadable, q.Protected, q.HasLicence = nil, nil, nil
	if err := l.checkQuery(ctx, op, actor, &q, false); err != nil {
		return Facets{}, err
	}
	if len(q.Domains) == 0 {
		return Facets{}, nil
	}
	count := func() (Facets, error) {
		f, err := l.store.AssetFacets(ctx, q, maxFacetValues)
		if err != nil {
			return Facets{}, wrap(op, Internal, err)
		}
		return f, nil
	}
	if q.Availability != "" {
		return count()
	}
	gen, err := l.store.ListingGeneration(ctx)
	if err != nil {
		return count()
	}
	key, err := listingKey(facetsFormat, q)
	if err != nil {
		return count()
	}
	body, err := l.listing.get(ctx, op, gen, key, func() ([]byte, error) {
		f, err := count()
		if err != nil {
			return nil, err
		}
		return json.Marshal(f)
	})
	if err != nil {
		return Facets{}, err
	}
	var f Facets
	if err := json.Unmarshal(body, &f); err != nil {
		return count()
	}
	return f, nil
}

// facetsFormat is the listing cache's format of facet counts: no format
// of EncodedAssets may take it.
const facetsFormat = "dam.facets"
