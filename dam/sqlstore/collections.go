package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/damkit/damkit/dam"
)

const collectionCols = "id, name, owner_id, default_profile, created_at, updated_at"

// liveItemCount counts the live items of collection c (one index probe
// of assets per item: it costs what the collection holds).
const liveItemCount = `(SELECT COUNT(*) FROM collection_items ci JOIN assets a ON a.id = ci.asset_id
	WHERE ci.collection_id = c.id AND a.deleted_at IS NULL)`

// CreateCollection inserts a collection with its items. Names are unique
// per owner (AlreadyExists); every item's asset must be live (NotFound).
func (s *Store) CreateCollection(ctx context.Context, c dam.Collection) error {
	const op = "sqlstore.CreateCollection"
	if c.ID == "" || c.Name == "" {
		return dam.E(op, dam.Invalid, "a collection needs an id and a name")
	}
	return s.write(ctx, op, func(q querier) error {
		if taken, err := q.exists(ctx, "SELECT 1 FROM collections WHERE id = ?", c.ID); err != nil || taken {
			if err != nil {
				return err
			}
			return dam.E("", dam.AlreadyExists, "collection %s already exists", c.ID)
		}
		_, err := q.exec(ctx, "INSERT INTO collections ("+collectionCols+") VALUES (?, ?, ?, ?, ?, ?)",
			c.ID, c.Name, c.OwnerID, c.DefaultProfile, encodeTime(c.CreatedAt), encodeTime(c.UpdatedAt))
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "you already have a collection named %q", c.Name)
		}
		if err != nil {
			return err
		}
		return s.putItems(ctx, q, c.ID, c.Items)
	})
}

// putItems adds items to a collection; an asset already there gets the new profile.
func (s *Store) putItems(ctx context.Context, q querier, id string, items []dam.CollectionItem) error {
	for _, it := range items {
		live, err := q.exists(ctx, "SELECT 1 FROM assets WHERE id = ? AND deleted_at IS NULL"+s.d.forShare(), it.AssetID)
		if err != nil {
			return err
		}
		if !live {
			return notFound("asset", it.AssetID)
		}
		if _, err := q.exec(ctx, `INSERT INTO collection_items (collection_id, asset_id, profile, added_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (collection_id, asset_id) DO UPDATE SET profile = excluded.profile`,
			id, it.AssetID, it.Profile, encodeTime(it.AddedAt)); err != nil {
			return err
		}
	}
	return nil
}

// Collection returns the collection with the items whose assets are live,
// in the order they were added.
func (s *Store) Collection(ctx context.Context, id string) (dam.Collection, error) {
	const op = "sqlstore.Collection"
	rows, err := s.read().query(ctx, `SELECT c.id, c.name, c.owner_id, c.default_profile, c.created_at, c.updated_at,
			i.asset_id, i.profile, i.added_at
		FROM collections c LEFT JOIN (
			SELECT ci.collection_id, ci.asset_id, ci.profile, ci.added_at
			FROM collection_items ci JOIN assets a ON a.id = ci.asset_id
			WHERE ci.collection_id = ? AND a.deleted_at IS NULL) i ON i.collection_id = c.id
		WHERE c.id = ? ORDER BY i.added_at, i.asset_id`, id, id)
	if err != nil {
		return dam.Collection{}, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var c dam.Collection
	found := false
	for rows.Next() {
		var assetID, profile, addedAt sql.NullString
		if err := rows.Scan(&c.ID, &c.Name, &c.OwnerID, &c.DefaultProfile, dbTime{&c.CreatedAt}, dbTime{&c.UpdatedAt},
			&assetID, &profile, &addedAt); err != nil {
			return dam.Collection{}, s.fail(ctx, op, err)
		}
		found = true
		if assetID.Valid {
			it := dam.CollectionItem{AssetID: assetID.String, Profile: profile.String}
			if err := (dbTime{&it.AddedAt}).Scan(addedAt.String); err != nil {
				return dam.Collection{}, s.fail(ctx, op, err)
			}
			c.Items = append(c.Items, it)
		}
	}
	if err := rows.Err(); err != nil {
		return dam.Collection{}, s.fail(ctx, op, err)
	}
	if !found {
		return dam.Collection{}, s.fail(ctx, op, notFound("collection", id))
	}
	c.ItemCount = len(c.Items)
	return c, nil
}

// CollectionPage returns the collection with the count of its live items
// and one page of them in asset ID order (the primary key's), so a page of
// a large collection reads only that page.
func (s *Store) CollectionPage(ctx context.Context, id, cursor string, limit int) (dam.Collection, string, error) {
	const op = "sqlstore.CollectionPage"
	limit = pageLimit(limit)
	var c dam.Collection
	err := s.read().queryRow(ctx, `SELECT c.id, c.name, c.owner_id, c.default_profile, c.created_at, c.updated_at, `+
		liveItemCount+` FROM collections c WHERE c.id = ?`, id).Scan(&c.ID, &c.Name, &c.OwnerID, &c.DefaultProfile,
		dbTime{&c.CreatedAt}, dbTime{&c.UpdatedAt}, &c.ItemCount)
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Collection{}, "", s.fail(ctx, op, notFound("collection", id))
	}
	if err != nil {
		return dam.Collection{}, "", s.fail(ctx, op, err)
	}
	rows, err := s.read().query(ctx, `SELECT ci.asset_id, ci.profile, ci.added_at
		FROM collection_items ci JOIN assets a ON a.id = ci.asset_id
		WHERE ci.collection_id = ? AND ci.asset_id > ? AND a.deleted_at IS NULL
		ORDER BY ci.asset_id LIMIT ?`, id, cursor, limit+1)
	if err != nil {
		return dam.Collection{}, "", s.fail(ctx, op, err)
	}
	defer rows.Close()
	c.Items = []dam.CollectionItem{}
	for rows.Next() {
		var it dam.CollectionItem
		if err := rows.Scan(&it.AssetID, &it.Profile, dbTime{&it.AddedAt}); err != nil {
			return dam.Collection{}, "", s.fail(ctx, op, err)
		}
		c.Items = append(c.Items, it)
	}
	if err := rows.Err(); err != nil {
		return dam.Collection{}, "", s.fail(ctx, op, err)
	}
	next := ""
	if len(c.Items) > limit {
		c.Items = c.Items[:limit]
		next = c.Items[limit-1].AssetID
	}
	return c, next, nil
}

// Collections lists the collections of an owner in ID order, without items;
// counted, with the count of their live items.
func (s *Store) Collections(ctx context.Context, ownerID string, counted bool) ([]dam.Collection, error) {
	return s.listCollections(ctx, "sqlstore.Collections", counted, "", ownerID)
}

// CollectionsWith lists the owner's collections that hold the asset while
// it is live, as Collections does.
func (s *Store) CollectionsWith(ctx context.Context, ownerID, assetID string) ([]dam.Collection, error) {
	return s.listCollections(ctx, "sqlstore.CollectionsWith", true, ` AND EXISTS (SELECT 1 FROM collection_items ci
		JOIN assets a ON a.id = ci.asset_id WHERE ci.collection_id = c.id AND ci.asset_id = ? AND a.deleted_at IS NULL)`,
		ownerID, assetID)
}

// listCollections lists an owner's collections narrowed by where (with
// its arguments after the owner's), counted or not.
func (s *Store) listCollections(ctx context.Context, op string, counted bool, where string, args ...any) ([]dam.Collection, error) {
	count := "0"
	if counted {
		count = liveItemCount
	}
	rows, err := s.read().query(ctx, `SELECT c.id, c.name, c.owner_id, c.default_profile, c.created_at, c.updated_at, `+
		count+` FROM collections c WHERE c.owner_id = ?`+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var cs []dam.Collection
	for rows.Next() {
		var c dam.Collection
		if err := rows.Scan(&c.ID, &c.Name, &c.OwnerID, &c.DefaultProfile, dbTime{&c.CreatedAt}, dbTime{&c.UpdatedAt}, &c.ItemCount); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		cs = append(cs, c)
	}
	return cs, s.fail(ctx, op, rows.Err())
}

// UpdateCollection writes the name, default profile and update time.
func (s *Store) UpdateCollection(ctx context.Context, c dam.Collection) error {
	const op = "sqlstore.UpdateCollection"
	if c.Name == "" {
		return dam.E(op, dam.Invalid, "a collection needs a name")
	}
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE collections SET name = ?, default_profile = ?, updated_at = ? WHERE id = ?",
			c.Name, c.DefaultProfile, encodeTime(c.UpdatedAt), c.ID)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "you already have a collection named %q", c.Name)
		}
		return affected(res, err, notFound("collection", c.ID))
	})
}

// DeleteCollection deletes a collection and its items, never the assets.
func (s *Store) DeleteCollection(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteCollection"
	return s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "DELETE FROM collection_items WHERE collection_id = ?", id); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM collections WHERE id = ?", id)
		return affected(res, err, notFound("collection", id))
	})
}

// AddCollectionItems adds items (an asset already there gets the new
// profile). Every asset must be live (NotFound), or nothing is added.
func (s *Store) AddCollectionItems(ctx context.Context, id string, items []dam.CollectionItem) error {
	const op = "sqlstore.AddCollectionItems"
	return s.write(ctx, op, func(q querier) error {
		if err := s.checkCollection(ctx, q, id); err != nil {
			return err
		}
		return s.putItems(ctx, q, id, items)
	})
}

// RemoveCollectionItems removes the assets from a collection; ones not in
// it are ignored.
func (s *Store) RemoveCollectionItems(ctx context.Context, id string, assetIDs []string) error {
	const op = "sqlstore.RemoveCollectionItems"
	return s.write(ctx, op, func(q querier) error {
		if err := s.checkCollection(ctx, q, id); err != nil {
			return err
		}
		if len(assetIDs) == 0 {
			return nil
		}
		_, err := q.exec(ctx, "DELETE FROM collection_items WHERE collection_id = ? AND asset_id IN ("+
			placeholders(len(assetIDs))+")", append([]any{id}, anys(assetIDs)...)...)
		return err
	})
}

// checkCollection makes sure a collection exists and stays until commit.
func (s *Store) checkCollection(ctx context.Context, q querier, id string) error {
	found, err := q.exists(ctx, "SELECT 1 FROM collections WHERE id = ?"+s.d.forShare(), id)
	if err == nil && !found {
		return notFound("collection", id)
	}
	return err
}
