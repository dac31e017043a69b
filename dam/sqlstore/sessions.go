package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const sessionCols = "id, user_id, created_at, last_seen_at, expires_at, user_agent, method"

// CreateSession inserts a session keyed by the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, ss dam.Session, secretHash []byte) error {
	const op = "sqlstore.CreateSession"
	if ss.ID == "" || ss.UserID == "" || len(secretHash) == 0 {
		return dam.E(op, dam.Invalid, "a session needs an id, a user and a secret")
	}
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "INSERT INTO sessions ("+sessionCols+", secret_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			ss.ID, ss.UserID, encodeTime(ss.CreatedAt), encodeTime(ss.LastSeenAt), encodeTime(ss.ExpiresAt),
			ss.UserAgent, ss.Method, hex.EncodeToString(secretHash))
		return err
	})
}

// SessionByHash returns the session of a secret's hash.
func (s *Store) SessionByHash(ctx context.Context, secretHash []byte) (dam.Session, error) {
	const op = "sqlstore.SessionByHash"
	ss, err := scanSession(s.read().queryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE secret_hash = ?",
		hex.EncodeToString(secretHash)))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Session{}, dam.E(op, dam.NotFound, "no such session")
	}
	return ss, s.fail(ctx, op, err)
}

// TouchSession moves last_seen_at forward (never back).
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	const op = "sqlstore.TouchSession"
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
			encodeTime(at), id, encodeTime(at))
		return err
	})
}

// Sessions lists a user's sessions, newest first.
func (s *Store) Sessions(ctx context.Context, userID string) ([]dam.Session, error) {
	const op = "sqlstore.Sessions"
	rows, err := s.read().query(ctx, "SELECT "+sessionCols+" FROM sessions WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var out []dam.Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, ss)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// DeleteSessions removes some (or, with no ids, all) of a user's sessions.
func (s *Store) DeleteSessions(ctx context.Context, userID string, ids []string) (int, error) {
	const op = "sqlstore.DeleteSessions"
	var n int64
	err := s.write(ctx, op, func(q querier) error {
		query, args := "DELETE FROM sessions WHERE user_id = ?", []any{userID}
		if len(ids) > 0 {
			query += " AND id IN (" + placeholders(len(ids)) + ")"
			args = append(args, anys(ids)...)
		}
		res, err := q.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return bumpGeneration(ctx, q)
	})
	return int(n), err
}

// DeleteStaleSessions removes expired and idle sessions, and sign-in links
// past their expiry (used or not).
func (s *Store) DeleteStaleSessions(ctx context.Context, now, idleBefore time.Time) (int, error) {
	const op = "sqlstore.DeleteStaleSessions"
	var n int64
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?",
			encodeTime(now), encodeTime(idleBefore))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = q.exec(ctx, "DELETE FROM signin_links WHERE expires_at <= ?", encodeTime(now))
		return err
	})
	return int(n), err
}

// CreateSignInLink stores a one-time link's hash.
func (s *Store) CreateSignInLink(ctx context.Context, secretHash []byte, userID string, expires time.Time) error {
	const op = "sqlstore.CreateSignInLink"
	if len(secretHash) == 0 || userID == "" {
		return dam.E(op, dam.Invalid, "a sign-in link needs a secret and a user")
	}
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "INSERT INTO signin_links (secret_hash, user_id, expires_at) VALUES (?, ?, ?)",
			hex.EncodeToString(secretHash), userID, encodeTime(expires))
		return err
	})
}

// UseSignInLink marks an unused, unexpired link used (compare-and-set)
// and returns its user.
func (s *Store) UseSignInLink(ctx context.Context, secretHash []byte, at time.Time) (string, error) {
	const op = "sqlstore.UseSignInLink"
	var userID string
	err := s.write(ctx, op, func(q querier) error {
		h := hex.EncodeToString(secretHash)
		res, err := q.exec(ctx, "UPDATE signin_links SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL AND expires_at > ?",
			encodeTime(at), h, encodeTime(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return err
			}
			return dam.E("", dam.NotFound, "no usable sign-in link")
		}
		return q.queryRow(ctx, "SELECT user_id FROM signin_links WHERE secret_hash = ?", h).Scan(&userID)
	})
	return userID, err
}

// UserByEmail returns the user with this email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (dam.User, error) {
	const op = "sqlstore.UserByEmail"
	u, err := scanUser(s.read().queryRow(ctx, "SELECT "+userCols+" FROM users WHERE lower(email) = lower(?)", email))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.User{}, dam.E(op, dam.NotFound, "no user has this email")
	}
	return u, s.fail(ctx, op, err)
}

func scanSession(r scanner) (dam.Session, error) {
	var ss dam.Session
	err := r.Scan(&ss.ID, &ss.UserID, dbTime{&ss.CreatedAt}, dbTime{&ss.LastSeenAt}, dbTime{&ss.ExpiresAt},
		&ss.UserAgent, &ss.Method)
	return ss, err
}
