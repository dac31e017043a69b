package sqlstore

import (
	"context"
	"time"
)

// TrashAssets marks many live assets deleted in one transaction: the first
// that is missing or already trashed rolls every other back (NotFound).
func (s *Store) TrashAssets(ctx context.Context, ids []string, by string, at time.Time) error {
	const op = "sqlstore.TrashAssets"
	if len(ids) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(ids))
	return s.write(ctx, op, func(q querier) error {
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			if err := s.trash(ctx, q, id, by, at); err != nil {
				return err
			}
		}
		return nil
	})
}

// trash marks one live asset deleted inside a transaction and takes it out
// of its categories' counts.
func (s *Store) trash(ctx context.Context, q querier, id, by string, at time.Time) error {
	res, err := q.exec(ctx, "UPDATE assets SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
		encodeTime(at), by, id)
	n, err := count(res, err)
	if err != nil {
		return err
	}
	if n > 0 {
		return recount(ctx, q, id, -1)
	}
	return s.whyNot(ctx, q, id, "already in the trash")
}
