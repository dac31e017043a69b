package dam

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
)

// The listing cache keeps encoded pages of Assets: the library page of
// thumbnails that a whole team opens, the same few queries again and
// again. A page is the store's answer to one AssetQuery, completed by
// checkQuery (the caller's domains, the effective sort and page size), so
// two callers share a page exactly when the store would give them the same
// rows: what a caller reaches is part of the key, never decided from the
// cache. Everything checkQuery checks (the query's syntax, the caller's
// collection, the category) is checked on every call.
//
// Pages belong to the store's ListingGeneration, read on every call: every
// write to what a listing shows or selects by moves it in its own
// transaction (triggers, migration 0035), so a page served after a write
// committed, in this process or another, was read after it. A page is read
// after its generation was, so it is never older than it.

const (
	// maxListingBytes bounds the encoded pages one generation keeps;
	// past it, it forgets them all and starts again.
	maxListingBytes = 16 << 20
	// maxListingPage is the largest encoded page kept.
	maxListingPage = 1 << 20
)

type listingCache struct {
	mu    sync.Mutex
	gen   int64
	size  int
	pages map[string]*listingPage
}

// listingPage is one encoded page, or the read of it under way: done is
// closed when body and err are set. Concurrent callers of one key wait for
// the first instead of reading the same rows again.
type listingPage struct {
	done chan struct{}
	body []byte
	err  error
}

// EncodedAssets is Assets with the page encoded by encode, kept in memory
// until a write could change it. format names the encoding: callers that
// encode differently must name theirs differently. encode receives the
// page (nil when empty) and the next cursor; its result must not be
// changed by anyone afterwards, caller included.
func (l *Library) EncodedAssets(ctx context.Context, q AssetQuery, format string, encode func([]Asset, string) ([]byte, error)) ([]byte, error) {
	return l.EncodedAssetPage(ctx, q, &PageEncoding{Format: format, Page: encode})
}

// EncodedAssetPage is EncodedAssets with the encoding enc: with
// enc.Asset, each asset's encoding is kept as well, and a page read again
// after a write reads and encodes only the assets that changed
// (listfragments.go).
func (l *Library) EncodedAssetPage(ctx context.Context, q AssetQuery, enc *PageEncoding) ([]byte, error) {
	const op = "dam.EncodedAssets"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := l.checkQuery(ctx, op, actor, &q, false); err != nil {
		return nil, err
	}
	encode := enc.Page
	read := func() ([]byte, error) {
		if len(q.Domains) == 0 {
			return encode(nil, "")
		}
		if enc.Asset != nil && q.Sort != SortRelevance {
			b, ok, err := l.fragmentPage(ctx, q, enc)
			if err != nil {
				return nil, wrap(op, Internal, err)
			}
			if ok {
				return b, nil
			}
		}
		as, next, err := l.store.Assets(ctx, q)
		if err != nil {
			return nil, wrap(op, Internal, err)
		}
		return encode(as, next)
	}
	if q.policyFiltered() {
		// The policy's answer moves with grants, settings and licences,
		// which the listing generation does not follow: never kept.
		as, next, err := l.policyFilteredAssets(ctx, op, actor, q)
		if err != nil {
			return nil, err
		}
		return encode(as, next)
	}
	if len(q.Domains) == 0 || q.Availability != "" {
		return read() // availability moves with the clock, which no write marks
	}
	gen, err := l.store.ListingGeneration(ctx)
	if err != nil {
		return read()
	}
	key, err := listingKey(enc.Format, q)
	if err != nil {
		return read()
	}
	return l.listing.get(ctx, op, gen, key, read)
}

// get returns the body of key in generation gen: from memory, or from the
// read under way of another caller, or read now (and kept).
func (c *listingCache) get(ctx context.Context, op string, gen int64, key string, read func() ([]byte, error)) ([]byte, error) {
	p, first := c.page(gen, key)
	if p == nil {
		return read() // a reader of an older generation
	}
	if !first {
		select {
		case <-p.done:
		case <-ctx.Done():
			return nil, wrap(op, Canceled, ctx.Err())
		}
		if p.err == nil {
			return p.body, nil
		}
		return read() // the first reader failed (or was canceled): try again
	}
	p.body, p.err = read()
	close(p.done)
	c.settle(gen, key, p)
	return p.body, p.err
}

// page returns the page of key in generation gen, and whether the caller
// is the first to ask (and must read it). It returns nil when gen is older
// than a generation already seen.
func (c *listingCache) page(gen int64, key string) (*listingPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.pages == nil || gen > c.gen:
		c.gen, c.size, c.pages = gen, 0, map[string]*listingPage{}
	case gen < c.gen:
		return nil, false
	}
	if p, ok := c.pages[key]; ok {
		return p, false
	}
	p := &listingPage{done: make(chan struct{})}
	c.pages[key] = p
	return p, true
}

// settle keeps a page just read, or forgets it when it failed or is too
// large; past the bound it forgets every page.
func (c *listingCache) settle(gen int64, key string, p *listingPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.pages[key] != p {
		return
	}
	if p.err != nil || len(p.body) > maxListingPage {
		delete(c.pages, key)
		return
	}
	c.size += len(key) + len(p.body)
	if c.size > maxListingBytes {
		c.size, c.pages = 0, map[string]*listingPage{}
	}
}

// listingKey is the key of a completed query: every field of it (the
// domains in order), and the format.
func listingKey(format string, q AssetQuery) (string, error) {
	q.Domains = slices.Sorted(slices.Values(q.Domains))
	b, err := json.Marshal(struct {
		Format string
		Query  AssetQuery
	}{format, q})
	return string(b), err
}

// The asset cache keeps what Store.Asset returned, by ID, under the same
// ListingGeneration: an asset's row, its current version and its
// categories are among what moves it. It serves the download and preview
// paths, which read an asset and never change it: what it returns is
// shared, and nobody may change its slices, maps or pointed-to values.

// maxCachedAssets bounds the assets one generation keeps; past it, it
// forgets them all and starts again.
const maxCachedAssets = 10_000

type assetCache struct {
	mu   sync.Mutex
	gen  int64
	byID map[string]Asset
}

// servedAsset is visibleAsset through the asset cache; the result must
// not be changed (see above).
func (l *Library) servedAsset(ctx context.Context, op string, actor Actor, id string) (Asset, error) {
	if !validID(id) {
		return Asset{}, E(op, NotFound, "asset %q not found", id)
	}
	a, err := l.cachedAsset(ctx, id)
	if err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	if !actor.reaches(a.Domain) || a.DeletedAt != nil {
		return Asset{}, E(op, NotFound, "asset %s not found", id)
	}
	return a, nil
}

// cachedAsset is Store.Asset, from memory while the listing generation
// stays.
func (l *Library) cachedAsset(ctx context.Context, id string) (Asset, error) {
	gen, err := l.store.ListingGeneration(ctx)
	if err != nil {
		return l.store.Asset(ctx, id)
	}
	c := &l.assets
	c.mu.Lock()
	if c.byID == nil || gen > c.gen {
		c.gen, c.byID = gen, map[string]Asset{}
	}
	a, ok := c.byID[id]
	ok = ok && gen == c.gen // a reader of an older generation reads the store
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err = l.store.Asset(ctx, id)
	if err != nil {
		return a, err
	}
	c.mu.Lock()
	if gen == c.gen {
		if len(c.byID) >= maxCachedAssets {
			c.byID = map[string]Asset{}
		}
		c.byID[id] = a
	}
	c.mu.Unlock()
	return a, nil
}
