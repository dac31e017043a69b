package sqlstore

import (
	"context"
	"time"
)

// AcquireLease takes or renews the lease name for holder until until, in
// one compare-and-set upsert: it inserts the lease when there is none and
// overwrites it only when it is already holder's or expired at now. Both
// databases take a row lock for the conflict check, so of two processes
// racing for a free lease exactly one gets it.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error) {
	const op = "sqlstore.AcquireLease"
	var got bool
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
			name, holder, encodeTime(until), encodeTime(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	return got, err
}

// ReleaseLease gives up holder's lease name so another process may take it
// at once; a lease held by someone else is left alone.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	const op = "sqlstore.ReleaseLease"
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "DELETE FROM leases WHERE name = ? AND holder = ?", name, holder)
		return err
	})
}
