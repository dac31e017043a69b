package sqlstore

import (
	"context"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Revisions (migration 0043) are moved by triggers on assets, versions
// and asset_categories: every write to what Store.Asset shows of an asset
// gives it the next number of one counter shared by all assets.

// AssetRevisions reads the page Assets would read, selecting only its
// assets' IDs and revisions: no version rows, no categories, no JSON.
func (s *Store) AssetRevisions(ctx context.Context, q dam.AssetQuery) ([]dam.AssetRevision, bool, error) {
	const op = "sqlstore.AssetRevisions"
	p, err := s.listingPage(ctx, q)
	if err != nil || p.empty {
		return nil, false, s.fail(ctx, op, err)
	}
	if p.relevance {
		return nil, false, s.fail(ctx, op, dam.E("", dam.Invalid, "no revisions of a listing sorted by %s", dam.SortRelevance))
	}
	rows, err := p.r.query(ctx, "SELECT a.id, a.revision FROM assets a WHERE "+strings.Join(p.where, " AND ")+
		" ORDER BY "+p.pageBy+" LIMIT ?", p.args...)
	if err != nil {
		return nil, false, s.fail(ctx, op, err)
	}
	defer rows.Close()
	revs := make([]dam.AssetRevision, 0, min(p.limit+1, 128))
	for rows.Next() {
		var r dam.AssetRevision
		if err := rows.Scan(&r.ID, &r.Revision); err != nil {
			return nil, false, s.fail(ctx, op, err)
		}
		revs = append(revs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, s.fail(ctx, op, err)
	}
	if len(revs) > p.limit {
		return revs[:p.limit], true, nil
	}
	return revs, false, nil
}

// revisedAssetSelect reads assets with their current version and revision.
var revisedAssetSelect = "SELECT " + assetColumns + ", a.revision FROM assets a" +
	" JOIN versions v ON v.asset_id = a.id AND v.number = a.current_version"

// RevisedAssets reads the assets of ids in one query, each with the
// revision of the row read.
func (s *Store) RevisedAssets(ctx context.Context, ids []string) ([]dam.Asset, []int64, error) {
	const op = "sqlstore.RevisedAssets"
	if len(ids) == 0 {
		return nil, nil, nil
	}
	args := paddedIDs(ids)
	rows, err := s.read().query(ctx, revisedAssetSelect+" WHERE a.id IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	type revised struct {
		a   dam.Asset
		rev int64
	}
	byID := make(map[string]revised, len(ids))
	for rows.Next() {
		var r revised
		if r.a, err = scanAssetWith(rows, &r.rev); err != nil {
			return nil, nil, s.fail(ctx, op, err)
		}
		byID[r.a.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, nil, s.fail(ctx, op, err)
	}
	as := make([]dam.Asset, 0, len(byID))
	revs := make([]int64, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			as = append(as, r.a)
			revs = append(revs, r.rev)
			delete(byID, id) // a repeated ID counts once
		}
	}
	return as, revs, nil
}
