package sqlstore

import (
	"context"
	"time"

	"github.com/damkit/damkit/dam"
)

const notificationColumns = "id, user_id, kind, subject, body, link, request_id, asset_id, created_at, read_at"

// AddNotifications writes inbox items.
func (s *Store) AddNotifications(ctx context.Context, ns ...dam.Notification) error {
	const op = "sqlstore.AddNotifications"
	return s.write(ctx, op, func(q querier) error {
		for _, n := range ns {
			if _, err := q.exec(ctx, "INSERT INTO notifications ("+notificationColumns+") VALUES ("+placeholders(10)+")",
				n.ID, n.UserID, n.Kind, n.Subject, n.Body, n.Link, n.RequestID, n.AssetID, encodeTime(n.CreatedAt), encodeTimePtr(n.ReadAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Notifications lists a user's inbox newest first, keyset-paged on ID.
func (s *Store) Notifications(ctx context.Context, userID string, unreadOnly bool, cursor string, limit int) ([]dam.Notification, string, error) {
	const op = "sqlstore.Notifications"
	query := "SELECT " + notificationColumns + " FROM notifications WHERE user_id = ?"
	args := []any{userID}
	if unreadOnly {
		query += " AND read_at IS NULL"
	}
	if cursor != "" {
		query += " AND id < ?"
		args = append(args, cursor)
	}
	limit = pageLimit(limit)
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	defer rows.Close()
	var out []dam.Notification
	for rows.Next() {
		var n dam.Notification
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.Subject, &n.Body, &n.Link, &n.RequestID, &n.AssetID,
			dbTime{&n.CreatedAt}, dbTimePtr{&n.ReadAt}); err != nil {
			return nil, "", s.fail(ctx, op, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// MarkRead marks a user's notifications read (all unread when ids is empty).
func (s *Store) MarkRead(ctx context.Context, userID string, ids []string, at time.Time) (int, error) {
	const op = "sqlstore.MarkRead"
	var n int64
	err := s.write(ctx, op, func(q querier) error {
		query := "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL"
		args := []any{encodeTime(at), userID}
		if len(ids) > 0 {
			query += " AND id IN (" + placeholders(len(ids)) + ")"
			args = append(args, anys(ids)...)
		}
		res, err := q.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
