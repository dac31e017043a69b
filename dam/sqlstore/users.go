package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/damkit/damkit/dam"
)

const userCols = "id, email, name, role, domains, created_at"

// CreateUser inserts a user with the hash of its API key (nil for none).
// IDs, emails (case-insensitively) and key hashes are unique.
func (s *Store) CreateUser(ctx context.Context, u dam.User, keyHash []byte) error {
	const op = "sqlstore.CreateUser"
	if u.ID == "" || u.Email == "" {
		return dam.E(op, dam.Invalid, "a user needs an id and an email")
	}
	var key any
	if len(keyHash) > 0 {
		key = hex.EncodeToString(keyHash)
	}
	return s.write(ctx, op, func(q querier) error {
		// Checked first so the error can say which is taken.
		for _, c := range []struct{ query, arg, msg string }{
			{"SELECT 1 FROM users WHERE id = ?", u.ID, "user " + u.ID + " already exists"},
			{"SELECT 1 FROM users WHERE lower(email) = lower(?)", u.Email, "a user with email " + u.Email + " already exists"},
		} {
			if taken, err := q.exists(ctx, c.query, c.arg); err != nil || taken {
				if err != nil {
					return err
				}
				return dam.E("", dam.AlreadyExists, "%s", c.msg)
			}
		}
		_, err := q.exec(ctx, "INSERT INTO users ("+userCols+", key_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
			u.ID, u.Email, u.Name, string(u.Role), encodeList(u.Domains), encodeTime(u.CreatedAt), key)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "another user has this API key")
		}
		return err
	})
}

// User returns the user with the given id.
func (s *Store) User(ctx context.Context, id string) (dam.User, error) {
	const op = "sqlstore.User"
	u, err := scanUser(s.read().queryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.User{}, s.fail(ctx, op, notFound("user", id))
	}
	return u, s.fail(ctx, op, err)
}

// UserByKeyHash returns the user whose API key hashes to keyHash.
func (s *Store) UserByKeyHash(ctx context.Context, keyHash []byte) (dam.User, error) {
	const op = "sqlstore.UserByKeyHash"
	if len(keyHash) == 0 {
		return dam.User{}, dam.E(op, dam.NotFound, "no user has this API key")
	}
	u, err := scanUser(s.read().queryRow(ctx, "SELECT "+userCols+" FROM users WHERE key_hash = ?",
		hex.EncodeToString(keyHash)))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.User{}, dam.E(op, dam.NotFound, "no user has this API key")
	}
	return u, s.fail(ctx, op, err)
}

// Users lists all users in ID (creation) order.
func (s *Store) Users(ctx context.Context) ([]dam.User, error) {
	const op = "sqlstore.Users"
	rows, err := s.read().query(ctx, "SELECT "+userCols+" FROM users ORDER BY id")
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var us []dam.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		us = append(us, u)
	}
	return us, s.fail(ctx, op, rows.Err())
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (dam.User, error) {
	var u dam.User
	var role string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &role, dbJSON{&u.Domains}, dbTime{&u.CreatedAt})
	u.Role = dam.Role(role)
	u.Domains = emptyNil(u.Domains)
	return u, err
}
