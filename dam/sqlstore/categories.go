package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

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
const categorySubtree = subtreeCTE + `
	SELECT id FROM sub`

// subtreeCTE is the WITH clause of categorySubtree: sub holds the IDs.
const subtreeCTE = `WITH RECURSIVE sub(id, n) AS (
		SELECT id, 1 FROM categories WHERE id = ?
		UNION ALL
		SELECT c.id, sub.n + 1 FROM categories c JOIN sub ON c.parent_id = sub.id WHERE sub.n < 1000)`

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

// categoryCount is the expression of a category's live assets of domains
// (none counted when domains is nil or empty), with its arguments.
func categoryCount(domains []string) (string, []any) {
	if len(domains) == 0 {
		return "0", nil
	}
	return `CAST(COALESCE((SELECT SUM(n.live) FROM category_counts n
		WHERE n.category_id = c.id AND n.domain IN (` + placeholders(len(domains)) + `)), 0) AS BIGINT)`, anys(domains)
}

// Category returns one category; AssetCount counts its live assets of
// domains (none given: 0).
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
		var parentID, name string
		err := q.queryRow(ctx, "SELECT parent_id, name FROM categories WHERE id = ?"+s.d.forUpdate(), c.ID).Scan(&parentID, &name)
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
		if err := s.siblingTaken(err, c.Name); err != nil {
			return err
		}
		if c.Name == name && c.ParentID == parentID {
			return nil
		}
		ids, err := assetsInCategoryTree(ctx, q, c.ID) // their documents hold the path
		if err != nil {
			return err
		}
		return s.index(ctx, q, ids...)
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
		members, err := queryStrings(ctx, q, "SELECT asset_id FROM asset_categories WHERE category_id = ? ORDER BY asset_id", id)
		if err != nil {
			return err
		}
		for _, stmt := range []string{
			"DELETE FROM asset_categories WHERE category_id = ?",
			"DELETE FROM category_counts WHERE category_id = ?",
			"DELETE FROM categories WHERE id = ?",
		} {
			if _, err := q.exec(ctx, stmt, id); err != nil {
				return err
			}
		}
		return s.index(ctx, q, members...)
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

func scanCategory(r scanner) (dam.Category, error) {
	var c dam.Category
	err := r.Scan(&c.ID, &c.Name, &c.ParentID, &c.CreatedBy, dbTime{&c.CreatedAt}, &c.UpdatedBy, dbTime{&c.UpdatedAt}, &c.AssetCount)
	return c, err
}

// CategoryDomains lists the domains of the assets, live or trashed, in a
// category's subtree.
func (s *Store) CategoryDomains(ctx context.Context, id string) ([]string, error) {
	const op = "sqlstore.CategoryDomains"
	ds, err := queryStrings(ctx, s.read(), subtreeCTE+`
	SELECT DISTINCT a.domain FROM asset_categories m JOIN assets a ON a.id = m.asset_id
		WHERE m.category_id IN (SELECT id FROM sub) ORDER BY a.domain`, id)
	return ds, s.fail(ctx, op, err)
}
