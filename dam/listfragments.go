package dam

import (
	"context"
	"slices"
	"sync"
)

// Listing fragments: after a write, the listing cache (listcache.go)
// forgets every page, although the write changed one asset of them or
// none. A page read again then costs its rows: the asset, its current
// version and categories, a boxed value per column. So each asset's
// encoding is kept too, by (format, ID), with the revision it was encoded
// at: the store moves an asset's revision, in the same transaction, with
// every write to what Store.Asset shows of it, and never gives two states
// of assets the same revision (migration 0043). A page not in the listing
// cache then reads only the IDs and revisions of its assets
// (Store.AssetRevisions), reads in full only the assets whose revision is
// not kept (Store.RevisedAssets), and joins the kept encodings.
//
// An asset's encoding must depend on the asset alone: not on the caller,
// the clock or anything else (PageEncoding.Asset). What a caller reaches
// is still decided by the query, as for every page.

const (
	// maxFragmentBytes bounds the encodings kept, counted as their bytes,
	// their keys' and fragmentOverhead each; past it, about a quarter of
	// them (any) are forgotten.
	maxFragmentBytes = 8 << 20
	// fragmentOverhead is what one kept encoding costs besides its bytes
	// and key: the map entry, the slice and the cursor's fields.
	fragmentOverhead = 256
	// maxFragment is the largest encoding of one asset kept.
	maxFragment = 256 << 10
)

// PageEncoding encodes pages of assets for EncodedAssetPage.
type PageEncoding struct {
	// Format names the encoding: encodings that differ must be named
	// differently.
	Format string
	// Page encodes a page whole: the assets (nil when empty) and the
	// cursor of the next page. Required.
	Page func(as []Asset, next string) ([]byte, error)
	// Asset appends the encoding of one asset, which must depend on *a
	// alone, and reports false when it cannot encode it (the page is then
	// encoded by Page). Optional: without it, pages are read and encoded
	// whole.
	Asset func(dst []byte, a *Asset) ([]byte, bool)
	// Join makes a page of its assets' encodings, in order, and the next
	// cursor: the bytes Page returns for the same assets. It must not keep
	// or change items. Required with Asset.
	Join func(items [][]byte, next string) ([]byte, error)
}

// AssetRevision is an asset's ID and revision (see Store.AssetRevisions).
// The revision moves with every write to what Store.Asset shows of the
// asset (its row, its versions, its categories), and no two states of any
// assets share one.
type AssetRevision struct {
	ID       string
	Revision int64
}

type fragmentKey struct{ format, id string }

// fragment is an asset's encoding at a revision, with what a cursor past
// it holds.
type fragment struct {
	rev    int64
	body   []byte
	cursor AssetCursor // Sort unset
}

type fragmentCache struct {
	mu   sync.Mutex
	size int
	byID map[fragmentKey]fragment
}

func fragmentSize(k fragmentKey, f fragment) int {
	return len(k.format) + len(k.id) + len(f.body) + len(f.cursor.Name) + fragmentOverhead
}

// lookup fills bodies[i] and cursors[i] for every revision kept, and
// returns the indexes of those not kept.
func (c *fragmentCache) lookup(format string, revs []AssetRevision, bodies [][]byte, cursors []AssetCursor) []int {
	var missing []int
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range revs {
		f, ok := c.byID[fragmentKey{format, r.ID}]
		if !ok || f.rev != r.Revision {
			missing = append(missing, i)
			continue
		}
		bodies[i], cursors[i] = f.body, f.cursor
	}
	return missing
}

// keep keeps fs, unless a newer revision of the same asset is kept.
func (c *fragmentCache) keep(format string, ids []string, fs []fragment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID == nil {
		c.byID = map[fragmentKey]fragment{}
	}
	for i, f := range fs {
		if len(f.body) > maxFragment {
			continue
		}
		k := fragmentKey{format, ids[i]}
		if old, ok := c.byID[k]; ok {
			if old.rev >= f.rev {
				continue // a reader of an older state
			}
			c.size -= fragmentSize(k, old)
		}
		c.byID[k] = f
		c.size += fragmentSize(k, f)
	}
	if c.size > maxFragmentBytes {
		for k, f := range c.byID { // in the map's (random) order
			if c.size <= maxFragmentBytes*3/4 {
				break
			}
			delete(c.byID, k)
			c.size -= fragmentSize(k, f)
		}
	}
}

// fragmentPage reads and encodes the page of the completed query q from
// kept encodings and the assets not kept. It reports false when the page
// must be read whole: an asset changed between the two reads (or went), or
// enc.Asset could not encode one.
func (l *Library) fragmentPage(ctx context.Context, q AssetQuery, enc *PageEncoding) ([]byte, bool, error) {
	revs, more, err := l.store.AssetRevisions(ctx, q)
	if err != nil {
		return nil, false, err
	}
	bodies := make([][]byte, len(revs))
	cursors := make([]AssetCursor, len(revs))
	missing := l.fragments.lookup(enc.Format, revs, bodies, cursors)
	if len(missing) > 0 {
		ids := make([]string, len(missing))
		for j, i := range missing {
			ids[j] = revs[i].ID
		}
		as, got, err := l.store.RevisedAssets(ctx, ids)
		if err != nil {
			return nil, false, err
		}
		fs := make([]fragment, len(as))
		var scratch []byte // each encoding is appended here and kept at its size
		for j := range as {
			b, ok := enc.Asset(scratch[:0], &as[j])
			if !ok {
				return nil, false, nil
			}
			scratch = b
			fs[j] = fragment{rev: got[j], body: slices.Clone(b), cursor: CursorAfter("", &as[j])}
		}
		kept := make([]string, len(as))
		for j := range as {
			kept[j] = as[j].ID
		}
		l.fragments.keep(enc.Format, kept, fs)
		if len(as) != len(ids) {
			return nil, false, nil // gone since the first read
		}
		for j, i := range missing {
			if as[j].ID != ids[j] || got[j] != revs[i].Revision {
				return nil, false, nil // changed since the first read
			}
			bodies[i], cursors[i] = fs[j].body, fs[j].cursor
		}
	}
	next := ""
	if more && len(revs) > 0 {
		c := cursors[len(revs)-1]
		c.Sort = q.Sort
		next = c.String()
	}
	b, err := enc.Join(bodies, next)
	return b, err == nil, err
}
