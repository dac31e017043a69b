package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

const categoryCols = "c.id, c.name, c.parent_id, c.created_by, c.created_at, c.updated_by, c.updated_at"

// categoryTreeLock serialises the transactions that change the shape of
// the category tree on PostgreSQL, so two crossing moves cannot build a
// cycle and two creates cannot both take the last place under a limit.
const categoryTreeLock = "damkit.category_tree"

// maxCategoryWalk bounds every walk up or down the tree, so that even a
// tree damaged by hand (a cycle) cannot make a query run forever.
const maxCategoryWalk = 1000

// categorySubtree selects the IDs of a category and of all its
// subcategories (one argument: the category's ID), at most maxCategoryWalk
// levels down.
const categorySubtree = `WITH RECURSIVE sub(id, n) AS (
		SELECT id, 1 FROM categories WHERE id = ?
		UNION ALL
		SELECT c.id, sub.n + 1 FROM categories c JOIN sub ON c.parent_id = sub.id WHERE sub.n < 1000)
	SELECT id FROM sub`

// CreateCategory inserts a category under its parent ("" = top level),
// which must exist (NotFound). Sibling names are unique (AlreadyExists);
// the limits are checked under the tree lock.
func (s *Store) CreateCategory(ctx context.Context, c dam.Category, lim dam.CategoryLimits) error {
	const op = "sqlstore.CreateCategory"
	if c.ID == "" || c.Name == "" || strings.Contains(c.ID, ",") {
		return dam.E(op, dam.Invalid, "a category needs a name and an id without commas")
	}
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, categoryTreeLock); err != nil {
			return err
		}
		if lim.MaxCount > 0 {
			var n int
			if err := q.queryRow(ctx, "SELECT COUNT(*) FROM categories").Scan(&n); err != nil {
				return err
			}
			if n >= lim.MaxCount {
				return dam.E("", dam.ResourceExhausted, "the library has %d categories, the most it may have", n)
			}
		}
		depth := 1
		if c.ParentID != "" {
			up, err := categoryPath(ctx, q, c.ParentID)
			if err != nil {
				return err
			}
			depth += len(up)
		}
		if lim.MaxDepth > 0 && depth > lim.MaxDepth {
			return dam.E("", dam.Invalid, "categories nest at most %d levels deep", lim.MaxDepth)
		}
		if taken, err := q.exists(ctx, "SELECT 1 FROM categories WHERE id = ?", c.ID); err != nil || taken {
			if err != nil {
				return err
			}
			return dam.E("", dam.AlreadyExists, "category %s already exists", c.ID)
		}
		_, err := q.exec(ctx, `INSERT INTO categories (id, name, parent_id, created_by, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Name, c.ParentID, c.CreatedBy, encodeTime(c.CreatedAt),
			c.UpdatedBy, encodeTime(c.UpdatedAt))
		return s.siblingTaken(err, c.Name)
	})
}

// siblingTaken explains a unique-index violation on a category's name.
func (s *Store) siblingTaken(err error, name string) error {
	if s.d.isUnique(err) {
		return dam.E("", dam.AlreadyExists, "a category named %q already exists here", name)
	}
	return err
}

// categoryPath returns the IDs from id up to the top level (id first), so
// its length is id's depth. A missing category is NotFound.
func categoryPath(ctx context.Context, q querier, id string) ([]string, error) {
	ids, err := queryStrings(ctx, q, `WITH RECURSIVE up(id, parent_id, n) AS (
			SELECT id, parent_id, 1 FROM categories WHERE id = ?
			UNION ALL
			SELECT c.id, c.parent_id, up.n + 1 FROM categories c JOIN up ON c.id = up.parent_id WHERE up.n < ?)
		SELECT id FROM up ORDER BY n`, id, maxCategoryWalk)
	if err == nil && len(ids) == 0 {
		return nil, notFound("category", id)
	}
	return ids, err
}

// categoryCount is the expression counting a category's live assets of
// domains (none counted when domains is nil or empty), with its arguments.
func categoryCount(domains []string) (string, []any) {
	if len(domains) == 0 {
		return "0", nil
	}
	return `(SELECT COUNT(*) FROM asset_categories ac JOIN assets a ON a.id = ac.asset_id
		WHERE ac.category_id = c.id AND a.deleted_at IS NULL AND a.domain IN (` + placeholders(len(domains)) + `))`,
		anys(domains)
}

// Category returns one category; with domains, AssetCount counts its live
// assets of those domains.
func (s *Store) Category(ctx context.Context, id string, domains []string) (dam.Category, error) {
	const op = "sqlstore.Category"
	count, args := categoryCount(domains)
	c, err := scanCategory(s.read().queryRow(ctx, "SELECT "+categoryCols+", "+count+" FROM categories c WHERE c.id = ?",
		append(args, id)...))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Category{}, s.fail(ctx, op, notFound("category", id))
	}
	return c, s.fail(ctx, op, err)
}

// Categories lists every category in ID order, AssetCount as in Category.
func (s *Store) Categories(ctx context.Context, domains []string) ([]dam.Category, error) {
	const op = "sqlstore.Categories"
	count, args := categoryCount(domains)
	rows, err := s.read().query(ctx, "SELECT "+categoryCols+", "+count+" FROM categories c ORDER BY c.id", args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var cs []dam.Category
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		cs = append(cs, c)
	}
	return cs, s.fail(ctx, op, rows.Err())
}

// UpdateCategory writes a category's name, parent and updated by/at. When
// the parent changes, the walk that refuses a cycle and the depth check
// run under the tree lock, in the transaction of the write.
func (s *Store) UpdateCategory(ctx context.Context, c dam.Category, lim dam.CategoryLimits) error {
	const op = "sqlstore.UpdateCategory"
	if c.Name == "" {
		return dam.E(op, dam.Invalid, "a category needs a name")
	}
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, categoryTreeLock); err != nil {
			return err
		}
		var parentID string
		err := q.queryRow(ctx, "SELECT parent_id FROM categories WHERE id = ?"+s.d.forUpdate(), c.ID).Scan(&parentID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("category", c.ID)
		}
		if err != nil {
			return err
		}
		if c.ParentID != parentID {
			if err := s.checkMove(ctx, q, c.ID, c.ParentID, lim.MaxDepth); err != nil {
				return err
			}
		}
		_, err = q.exec(ctx, "UPDATE categories SET name = ?, parent_id = ?, updated_by = ?, updated_at = ? WHERE id = ?",
			c.Name, c.ParentID, c.UpdatedBy, encodeTime(c.UpdatedAt), c.ID)
		return s.siblingTaken(err, c.Name)
	})
}

// checkMove refuses to move category id under parentID when that would
// make it its own ancestor (FailedPrecondition) or nest its deepest
// subcategory more than maxDepth levels deep (Invalid).
func (s *Store) checkMove(ctx context.Context, q querier, id, parentID string, maxDepth int) error {
	var up []string
	if parentID != "" {
		var err error
		if up, err = categoryPath(ctx, q, parentID); err != nil {
			return err
		}
		if slices.Contains(up, id) {
			return dam.E("", dam.FailedPrecondition, "cannot move category %s into its own subtree", id)
		}
	}
	if maxDepth <= 0 {
		return nil
	}
	var height int
	if err := q.queryRow(ctx, `WITH RECURSIVE down(id, n) AS (
			SELECT id, 1 FROM categories WHERE id = ?
			UNION ALL
			SELECT c.id, down.n + 1 FROM categories c JOIN down ON c.parent_id = down.id WHERE down.n < ?)
		SELECT MAX(n) FROM down`, id, maxCategoryWalk).Scan(&height); err != nil {
		return err
	}
	if len(up)+height > maxDepth {
		return dam.E("", dam.Invalid, "categories nest at most %d levels deep: the move would make it %d",
			maxDepth, len(up)+height)
	}
	return nil
}

// DeleteCategory deletes a category that has no subcategories, with its
// memberships; the assets stay.
func (s *Store) DeleteCategory(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteCategory"
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, categoryTreeLock); err != nil {
			return err
		}
		if err := s.checkCategory(ctx, q, id, s.d.forUpdate()); err != nil {
			return err
		}
		if sub, err := q.exists(ctx, "SELECT 1 FROM categories WHERE parent_id = ? LIMIT 1", id); err != nil || sub {
			if err != nil {
				return err
			}
			return dam.E("", dam.FailedPrecondition, "category %s has subcategories: move or delete them first", id)
		}
		if _, err := q.exec(ctx, "DELETE FROM asset_categories WHERE category_id = ?", id); err != nil {
			return err
		}
		_, err := q.exec(ctx, "DELETE FROM categories WHERE id = ?", id)
		return err
	})
}

// checkCategory makes sure a category exists, locking its row with lock.
func (s *Store) checkCategory(ctx context.Context, q querier, id, lock string) error {
	found, err := q.exists(ctx, "SELECT 1 FROM categories WHERE id = ?"+lock, id)
	if err == nil && !found {
		return notFound("category", id)
	}
	return err
}

// AddCategoryAssets puts live assets in a category and returns those that
// were not in it yet (stamped with by and at).
func (s *Store) AddCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error) {
	return s.changeMembers(ctx, "sqlstore.AddCategoryAssets",
		"INSERT INTO asset_categories (category_id, asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
		id, assetIDs, by, at)
}

// RemoveCategoryAssets takes live assets out of a category and returns
// those that were in it (stamped with by and at). The assets stay.
func (s *Store) RemoveCategoryAssets(ctx context.Context, id string, assetIDs []string, by string, at time.Time) ([]string, error) {
	return s.changeMembers(ctx, "sqlstore.RemoveCategoryAssets",
		"DELETE FROM asset_categories WHERE category_id = ? AND asset_id = ?", id, assetIDs, by, at)
}

// changeMembers runs stmt (with the category and an asset ID) for every
// live asset, all or nothing, and stamps the assets it changed.
func (s *Store) changeMembers(ctx context.Context, op, stmt, id string, assetIDs []string, by string, at time.Time) ([]string, error) {
	var changed []string
	err := s.write(ctx, op, func(q querier) error {
		changed = changed[:0]
		if err := s.checkCategory(ctx, q, id, s.d.forShare()); err != nil {
			return err
		}
		seen := make(map[string]bool, len(assetIDs))
		for _, a := range assetIDs {
			if seen[a] {
				continue
			}
			seen[a] = true
			live, err := q.exists(ctx, "SELECT 1 FROM assets WHERE id = ? AND deleted_at IS NULL"+s.d.forUpdate(), a)
			if err != nil {
				return err
			}
			if !live {
				return notFound("asset", a)
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
			changed = append(changed, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Clip(changed), nil
}

// putCategories makes ids the category set of an asset; nil leaves it as
// it is. An unknown category is Invalid. known remembers, for one
// transaction, the categories already found.
func (s *Store) putCategories(ctx context.Context, q querier, assetID string, ids []string, known map[string]bool) error {
	if ids == nil {
		return nil
	}
	for _, id := range ids {
		if known[id] {
			continue
		}
		found, err := q.exists(ctx, "SELECT 1 FROM categories WHERE id = ?"+s.d.forShare(), id)
		if err != nil {
			return err
		}
		if !found {
			return dam.E("", dam.Invalid, "unknown category %s", id)
		}
		known[id] = true
	}
	del, args := "DELETE FROM asset_categories WHERE asset_id = ?", []any{assetID}
	if len(ids) > 0 {
		del += " AND category_id NOT IN (" + placeholders(len(ids)) + ")"
		args = append(args, anys(ids)...)
	}
	if _, err := q.exec(ctx, del, args...); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := q.exec(ctx, "INSERT INTO asset_categories (category_id, asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
			id, assetID); err != nil {
			return err
		}
	}
	return nil
}

// categoryList is the scan destination of an asset's categories, read as
// one comma-separated column (IDs have no commas) in ID order.
type categoryList struct{ ids *[]string }

func (d categoryList) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*d.ids = nil
	if s.Valid && s.String != "" {
		*d.ids = strings.Split(s.String, ",")
	}
	return nil
}

func scanCategory(r scanner) (dam.Category, error) {
	var c dam.Category
	err := r.Scan(&c.ID, &c.Name, &c.ParentID, &c.CreatedBy, dbTime{&c.CreatedAt}, &c.UpdatedBy, dbTime{&c.UpdatedAt}, &c.AssetCount)
	return c, err
}
