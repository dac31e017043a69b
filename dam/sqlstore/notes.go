package sqlstore

import (
	"context"

	"github.com/damkit/damkit/dam"
)

// AddNote attaches a note to a live asset (NotFound when missing or trashed).
func (s *Store) AddNote(ctx context.Context, n dam.Note) error {
	const op = "sqlstore.AddNote"
	if n.ID == "" {
		return dam.E(op, dam.Invalid, "a note needs an id")
	}
	return s.write(ctx, op, func(q querier) error {
		live, err := q.exists(ctx, "SELECT 1 FROM assets WHERE id = ? AND deleted_at IS NULL"+s.d.forShare(), n.AssetID)
		if err != nil {
			return err
		}
		if !live {
			return notFound("asset", n.AssetID)
		}
		_, err = q.exec(ctx, "INSERT INTO notes (id, asset_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.AssetID, n.AuthorID, n.Text, encodeTime(n.CreatedAt))
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "note %s already exists", n.ID)
		}
		if err != nil {
			return err
		}
		return s.index(ctx, q, n.AssetID)
	})
}

// Notes lists the notes of an asset (trashed or not), oldest first.
func (s *Store) Notes(ctx context.Context, assetID string) ([]dam.Note, error) {
	const op = "sqlstore.Notes"
	q := s.read()
	rows, err := q.query(ctx, "SELECT id, asset_id, author_id, text, created_at FROM notes WHERE asset_id = ? ORDER BY id", assetID)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var ns []dam.Note
	for rows.Next() {
		var n dam.Note
		if err := rows.Scan(&n.ID, &n.AssetID, &n.AuthorID, &n.Text, dbTime{&n.CreatedAt}); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		ns = append(ns, n)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, op, err)
	}
	if len(ns) == 0 {
		found, err := q.exists(ctx, "SELECT 1 FROM assets WHERE id = ?", assetID)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		if !found {
			return nil, s.fail(ctx, op, notFound("asset", assetID))
		}
	}
	return ns, nil
}
