package sqlstore

import (
	"context"
	"time"

	"github.com/damkit/damkit/dam"
)

// prefsBatch bounds the user IDs in one IN list, well under the bind
// parameter limits of both engines; a batch of messages to more users
// takes one query per prefsBatch users.
const prefsBatch = 500

// NotificationPrefs returns the choices of userIDs, by user then kind.
func (s *Store) NotificationPrefs(ctx context.Context, userIDs []string) (map[string]map[dam.PreferenceKind]bool, error) {
	const op = "sqlstore.NotificationPrefs"
	out := map[string]map[dam.PreferenceKind]bool{}
	for start := 0; start < len(userIDs); start += prefsBatch {
		ids := userIDs[start:min(start+prefsBatch, len(userIDs))]
		rows, err := s.read().query(ctx, "SELECT user_id, kind, email FROM notification_prefs WHERE user_id IN ("+
			placeholders(len(ids))+")", anys(ids)...)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		for rows.Next() {
			var user, kind string
			var email int
			if err := rows.Scan(&user, &kind, &email); err != nil {
				rows.Close()
				return nil, s.fail(ctx, op, err)
			}
			if out[user] == nil {
				out[user] = map[dam.PreferenceKind]bool{}
			}
			out[user][dam.PreferenceKind(kind)] = email != 0
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
	}
	return out, nil
}

// SetNotificationPrefs upserts (non-nil) or deletes (nil) one user's
// choices in one transaction.
func (s *Store) SetNotificationPrefs(ctx context.Context, userID string, choices map[dam.PreferenceKind]*bool, at time.Time) error {
	const op = "sqlstore.SetNotificationPrefs"
	return s.write(ctx, op, func(q querier) error {
		for kind, on := range choices {
			var err error
			if on == nil {
				_, err = q.exec(ctx, "DELETE FROM notification_prefs WHERE user_id = ? AND kind = ?", userID, string(kind))
			} else {
				_, err = q.exec(ctx, `INSERT INTO notification_prefs (user_id, kind, email, updated_at) VALUES (?, ?, ?, ?)
					ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at`,
					userID, string(kind), boolInt(*on), encodeTime(at))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
