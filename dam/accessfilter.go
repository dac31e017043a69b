package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// policyFilteredAssets lists a page of the assets of q that pass its
// policy filters (Downloadable, Protected, HasLicence), each decided by
// policy.Decide exactly as a download of the asset would be.
//
// The store's pages are read in the listing's order, a batch at a time,
// and filtered here; the answer's cursor is always one the store made, so
// paging keeps the store's guarantees (no duplicates or gaps while others
// write). When the page fills in the middle of a batch, the store is asked
// again for that batch cut just after the last asset kept, for the cursor
// of that place; if a write moved the listing in between, the batch is
// read again, and from then on each read asks for no more assets than the
// page still needs (so none is cut). The cost, besides the store's reads:
// one load of the access state (settings, folders, the caller's grants,
// cached) per batch, and a pure decision per asset. At most MaxPolicyScan assets are read per
// call; a page cut short by that bound has fewer assets than asked for
// and a cursor to go on.
func (l *Library) policyFilteredAssets(ctx context.Context, op string, actor Actor, q AssetQuery) ([]Asset, string, error) {
	if len(q.Domains) == 0 {
		return nil, "", nil
	}
	want := q.Limit
	batch := min(max(2*want, 100), maxPageSize)
	var out []Asset
	cursor, read := q.Cursor, 0
	exact := false // read only as many as the page still needs: no cut, no second read
	for {
		sq := q
		sq.Cursor, sq.Limit = cursor, batch
		if exact {
			sq.Limit = want - len(out)
		}
		page, next, err := l.store.Assets(ctx, sq)
		if err != nil {
			return nil, "", wrap(op, Internal, err)
		}
		keep, err := l.policyKeeps(ctx, op, actor, q, page)
		if err != nil {
			return nil, "", err
		}
		moved := false
		for i, a := range page {
			if !keep[i] {
				continue
			}
			out = append(out, a)
			if len(out) < want {
				continue
			}
			if i == len(page)-1 {
				return out, next, nil
			}
			// Full in the middle of the batch: the store's cursor just
			// after page[i] is that of the same read cut to i+1 assets.
			sq.Limit = i + 1
			cut, after, err := l.store.Assets(ctx, sq)
			if err != nil {
				return nil, "", wrap(op, Internal, err)
			}
			if len(cut) == i+1 && cut[i].ID == a.ID {
				return out, after, nil
			}
			// The listing moved between the two reads (a write in
			// between): drop this batch's assets and read it again, this
			// time no more than the page needs, so that it never has to
			// be cut.
			out = out[:len(out)-countKept(keep[:i+1])]
			moved, exact = true, true
			break
		}
		if moved {
			continue
		}
		read += len(page)
		if next == "" || read >= MaxPolicyScan {
			return out, next, nil
		}
		cursor = next
	}
}

func countKept(keep []bool) int {
	n := 0
	for _, k := range keep {
		if k {
			n++
		}
	}
	return n
}

// policyKeeps decides, for each asset of page, whether it passes q's
// policy filters.
func (l *Library) policyKeeps(ctx context.Context, op string, actor Actor, q AssetQuery, page []Asset) ([]bool, error) {
	keep := make([]bool, len(page))
	if len(page) == 0 {
		return keep, nil
	}
	ids := make([]string, len(page))
	for i, a := range page {
		ids[i] = a.ID
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return nil, err
	}
	for i, a := range page {
		d := policy.Decide(acc.input(actor, a, policy.ActionDownload, ""))
		keep[i] = matches(q.Downloadable, d.Allowed || d.Reason == policy.ReasonLicenceRequired) &&
			matches(q.Protected, d.Protected) && matches(q.HasLicence, d.Licence != "")
	}
	return keep, nil
}

// matches reports whether got is what want asks (nil: anything).
func matches(want *bool, got bool) bool { return want == nil || *want == got }
