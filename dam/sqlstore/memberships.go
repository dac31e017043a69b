package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// memberships carries what one write transaction's category writes need:
// the categories already found to exist, and the changes to
// category_counts. flush writes those last and in key order, so that
// transactions take the counter rows' locks in one order and cannot
// deadlock on them.
type memberships struct {
	known  map[string]bool
	counts map[countKey]int64
}

type countKey struct{ category, domain string }

func newMemberships() *memberships {
	return &memberships{known: map[string]bool{}, counts: map[countKey]int64{}}
}

func (m *memberships) count(category, domain string, n int64) {
	m.counts[countKey{category, domain}] += n
}

// flush writes the counted changes to category_counts.
func (m *memberships) flush(ctx context.Context, q querier) error {
	keys := slices.SortedFunc(maps.Keys(m.counts), func(a, b countKey) int {
		return cmp.Or(cmp.Compare(a.category, b.category), cmp.Compare(a.domain, b.domain))
	})
	for _, k := range keys {
		n := m.counts[k]
		if n == 0 {
			continue
		}
		if _, err := q.exec(ctx, `INSERT INTO category_counts (category_id, domain, live) VALUES (?, ?, ?)
			ON CONFLICT (category_id, domain) DO UPDATE SET live = category_counts.live + excluded.live`,
			k.category, k.domain, n); err != nil {
			return err
		}
	}
	clear(m.counts)
	return nil
}

// putCategories makes ids the category set of an asset (already written
// in this transaction); nil leaves it as it is. An unknown category is
// Invalid. The counts change only for a live asset.
func (s *Store) putCategories(ctx context.Context, q querier, m *memberships, assetID string, ids []string) error {
	if ids == nil {
		return nil
	}
	want := slices.Compact(slices.Sorted(slices.Values(ids)))
	for _, id := range want {
		if m.known[id] {
			continue
		}
		found, err := q.exists(ctx, "SELECT 1 FROM categories WHERE id = ?"+s.d.forShare(), id)
		if err != nil {
			return err
		}
		if !found {
			return dam.E("", dam.Invalid, "unknown category %s", id)
		}
		m.known[id] = true
	}
	var domain string
	var deleted sql.NullString
	if err := q.queryRow(ctx, "SELECT domain, deleted_at FROM assets WHERE id = ?", assetID).Scan(&domain, &deleted); err != nil {
		return err
	}
	had, err := queryStrings(ctx, q, "SELECT category_id FROM asset_categories WHERE asset_id = ? ORDER BY category_id", assetID)
	if err != nil {
		return err
	}
	live := int64(1)
	if deleted.Valid {
		live = 0
	}
	for _, id := range had {
		if _, keep := slices.BinarySearch(want, id); keep {
			continue
		}
		if _, err := q.exec(ctx, "DELETE FROM asset_categories WHERE category_id = ? AND asset_id = ?", id, assetID); err != nil {
			return err
		}
		m.count(id, domain, -live)
	}
	for _, id := range want {
		if _, there := slices.BinarySearch(had, id); there {
			continue
		}
		if _, err := q.exec(ctx, "INSERT INTO asset_categories (category_id, asset_id) VALUES (?, ?)", id, assetID); err != nil {
			return err
		}
		m.count(id, domain, live)
	}
	return nil
}

// AddCategoryAssets puts live assets in a category and returns those that
// were not in it yet (stamped with by and at).
func (s *Store) AddCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error) {
	return s.changeMembers(ctx, "sqlstore.AddCategoryAssets",
		"INSERT INTO asset_categories (category_id, asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING", 1,
		id, assetIDs, by, at)
}

// RemoveCategoryAssets takes live assets out of a category and returns
// those that were in it (stamped with by and at). The assets stay.
func (s *Store) RemoveCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error) {
	return s.changeMembers(ctx, "sqlstore.RemoveCategoryAssets",
		"DELETE FROM asset_categories WHERE category_id = ? AND asset_id = ?", -1, id, assetIDs, by, at)
}

// changeMembers runs stmt (with the category and an asset ID) for every
// live asset, all or nothing, and stamps and counts (by delta) the assets
// it changed. The assets are locked in ID order, so that two calls on
// overlapping sets wait for each other instead of deadlocking.
func (s *Store) changeMembers(ctx context.Context, op, stmt string, delta int64, id string, assetIDs []string,
	by string, at time.Time) ([]string, error) {
	var changed []string
	err := s.write(ctx, op, func(q querier) error {
		changed = changed[:0]
		if err := s.checkCategory(ctx, q, id, s.d.forShare()); err != nil {
			return err
		}
		m := newMemberships()
		for _, a := range slices.Compact(slices.Sorted(slices.Values(assetIDs))) {
			var domain string
			err := q.queryRow(ctx, "SELECT domain FROM assets WHERE id = ? AND deleted_at IS NULL"+s.d.forUpdate(), a).Scan(&domain)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("asset", a)
			}
			if err != nil {
				return err
			}
			n, err := count(q.exec(ctx, stmt, id, a))
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			if _, err := q.exec(ctx, "UPDATE assets SET updated_by = ?, updated_at = ? WHERE id = ?", by, encodeTime(at), a); err != nil {
				return err
			}
			m.count(id, domain, delta)
			changed = append(changed, a)
		}
		if err := m.flush(ctx, q); err != nil {
			return err
		}
		return s.index(ctx, q, changed...)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clip(changed), nil
}

// maxCategoryArms is the largest subtree listed by merging one index walk
// per category; a larger one is listed by sorting all its members.
const maxCategoryArms = 50

// categoryPageIDs returns, in ID order, the IDs of the first limit+1
// assets of a listing by category: those past the cursor in q.CategoryID
// (and its subcategories unless q.CategoryOnly) that pass the listing's
// other conditions (where, on assets a, with args). Each category of the
// subtree is one arm that walks its primary key (category_id, asset_id)
// from the cursor and stops after limit+1 assets that pass, so a page
// reads about a page per category however many assets they hold. An
// asset is checked by a scalar subquery on its key: both engines run it
// once per member, whereas a join let PostgreSQL's generic plan
// merge-join from the start of the assets table.
func (s *Store) categoryPageIDs(ctx context.Context, q dam.AssetQuery, where []string, args []any, limit int) ([]string, error) {
	cats, err := s.categoryMembers(ctx, q)
	if err != nil || len(cats) == 0 {
		return nil, err
	}
	query, all := categoryPageQuery(cats, where, args, q.Cursor, limit)
	r := s.read()
	if len(cats) > maxCategoryArms {
		r = s.readOnce()
	}
	return queryStrings(ctx, r, query, all...)
}

// categoryMembers returns the categories whose assets a listing by
// category keeps: q.CategoryID, and its subcategories unless
// q.CategoryOnly (none when the category does not exist).
func (s *Store) categoryMembers(ctx context.Context, q dam.AssetQuery) ([]string, error) {
	if q.CategoryOnly {
		return []string{q.CategoryID}, nil
	}
	return queryStrings(ctx, s.read(), categorySubtree, q.CategoryID)
}

// categoryPageQuery is the query of categoryPageIDs for the categories
// cats, with its arguments.
func categoryPageQuery(cats, where []string, args []any, cursor string, limit int) (string, []any) {
	passes := "(SELECT 1 FROM assets a WHERE a.id = ac.asset_id AND " + strings.Join(where, " AND ") + ") = 1"
	if len(cats) > maxCategoryArms {
		return "SELECT DISTINCT ac.asset_id FROM asset_categories ac WHERE ac.category_id IN (" + placeholders(len(cats)) +
				") AND ac.asset_id > ? AND " + passes + " ORDER BY ac.asset_id LIMIT ?",
			append(append(anys(cats), cursor), append(args, limit+1)...)
	}
	arms := make([]string, len(cats))
	all := make([]any, 0, len(cats)*(len(args)+3)+1)
	for i, c := range cats {
		arms[i] = "SELECT asset_id FROM (SELECT ac.asset_id FROM asset_categories ac WHERE ac.category_id = ? AND ac.asset_id > ? AND " +
			passes + " ORDER BY ac.asset_id LIMIT ?) arm" + strconv.Itoa(i)
		all = append(append(append(all, c, cursor), args...), limit+1)
	}
	return strings.Join(arms, " UNION ") + " ORDER BY asset_id LIMIT ?", append(all, limit+1)
}

// paddedIDs returns ids as query arguments, the last one repeated up to a
// power of two: a page's rows are read by a handful of statement texts,
// which stay prepared, rather than one per page length.
func paddedIDs(ids []string) []any {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	out := anys(ids)
	for len(out) < n {
		out = append(out, ids[len(ids)-1])
	}
	return out
}

// readOnce is the read querier that does not prepare its statement, for
// queries whose text varies with their input (a list of any length).
func (s *Store) readOnce() querier { return querier{d: s.d, db: s.r, gate: s.gate} }

// categoryList is the scan destination of an asset's categories, read as
// one comma-separated column (IDs have no commas) and sorted here, which
// costs less than an ordered aggregate in the query.
type categoryList struct{ ids *[]string }

func (d categoryList) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*d.ids = nil
	if s.Valid && s.String != "" {
		*d.ids = strings.Split(s.String, ",")
		slices.Sort(*d.ids)
	}
	return nil
}

// recount adds delta to the counts of every category an asset is in: -1
// when it goes to the trash, +1 when it comes back.
func recount(ctx context.Context, q querier, assetID string, delta int64) error {
	rows, err := q.query(ctx, `SELECT ac.category_id, a.domain FROM asset_categories ac JOIN assets a ON a.id = ac.asset_id
		WHERE ac.asset_id = ?`, assetID)
	if err != nil {
		return err
	}
	m := newMemberships()
	for rows.Next() {
		var category, domain string
		if err := rows.Scan(&category, &domain); err != nil {
			rows.Close()
			return err
		}
		m.count(category, domain, delta)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return m.flush(ctx, q)
}
