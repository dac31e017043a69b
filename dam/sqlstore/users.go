package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const userCols = "id, email, name, role, domains, admin, disabled_at, created_at"

const keyCols = "id, user_id, name, key_hash, created_at, last_used_at, revoked_at"

// CreateUser inserts a user with its first key (nil for none). IDs, emails
// (case-insensitively) and key hashes are unique.
func (s *Store) CreateUser(ctx context.Context, u dam.User, key *dam.APIKey) error {
	const op = "sqlstore.CreateUser"
	if u.ID == "" || u.Email == "" {
		return dam.E(op, dam.Invalid, "a user needs an id and an email")
	}
	if key != nil && (key.ID == "" || len(key.Hash) == 0) {
		return dam.E(op, dam.Invalid, "an API key needs an id and a hash")
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
		_, err := q.exec(ctx, "INSERT INTO users ("+userCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			u.ID, u.Email, u.Name, string(u.Role), encodeList(u.Domains), boolInt(u.Admin), encodeTimePtr(u.DisabledAt), encodeTime(u.CreatedAt))
		if err != nil {
			return err
		}
		if key == nil {
			return nil
		}
		k := *key
		k.UserID = u.ID
		return insertKey(ctx, s, q, k)
	})
}

func insertKey(ctx context.Context, s *Store, q querier, k dam.APIKey) error {
	_, err := q.exec(ctx, "INSERT INTO api_keys ("+keyCols+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		k.ID, k.UserID, k.Name, hex.EncodeToString(k.Hash), encodeTime(k.CreatedAt), encodeTimePtr(k.LastUsedAt), encodeTimePtr(k.RevokedAt))
	if s.d.isUnique(err) {
		return dam.E("", dam.AlreadyExists, "another API key has this hash or id")
	}
	return err
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

// UserByKeyHash returns the user whose live (unrevoked) API key hashes to
// keyHash, with the key.
func (s *Store) UserByKeyHash(ctx context.Context, keyHash []byte) (dam.User, dam.APIKey, error) {
	const op = "sqlstore.UserByKeyHash"
	none := dam.E(op, dam.NotFound, "no user has this API key")
	if len(keyHash) == 0 {
		return dam.User{}, dam.APIKey{}, none
	}
	k, err := scanKey(s.read().queryRow(ctx, "SELECT "+keyCols+" FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
		hex.EncodeToString(keyHash)))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.User{}, dam.APIKey{}, none
	}
	if err != nil {
		return dam.User{}, dam.APIKey{}, s.fail(ctx, op, err)
	}
	u, err := s.User(ctx, k.UserID)
	if dam.KindOf(err) == dam.NotFound {
		return dam.User{}, dam.APIKey{}, none
	}
	return u, k, err
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

// UpdateUser writes the changeable fields of u, keeping an enabled admin
// owner in the library.
func (s *Store) UpdateUser(ctx context.Context, u dam.User) error {
	const op = "sqlstore.UpdateUser"
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, "damkit.users"); err != nil {
			return err
		}
		res, err := q.exec(ctx, "UPDATE users SET name = ?, role = ?, domains = ?, admin = ?, disabled_at = ? WHERE id = ?",
			u.Name, string(u.Role), encodeList(u.Domains), boolInt(u.Admin), encodeTimePtr(u.DisabledAt), u.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return notFound("user", u.ID)
		}
		if err := bumpGeneration(ctx, q); err != nil {
			return err
		}
		return keepAnAdmin(ctx, q)
	})
}

// DeleteUser removes a user and its keys, keeping an enabled admin owner.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteUser"
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, "damkit.users"); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM users WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			return notFound("user", id)
		}
		if _, err := q.exec(ctx, "DELETE FROM api_keys WHERE user_id = ?", id); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, q); err != nil {
			return err
		}
		return keepAnAdmin(ctx, q)
	})
}

// keepAnAdmin fails (rolling the transaction back) when no enabled admin
// owner is left.
func keepAnAdmin(ctx context.Context, q querier) error {
	ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE role = 'owner' AND admin = 1 AND disabled_at IS NULL")
	if err != nil {
		return err
	}
	if !ok {
		return dam.E("", dam.FailedPrecondition, "the library would be left without an enabled administrator: make another owner an administrator first")
	}
	return nil
}

// AddAPIKey stores another key of an existing user.
func (s *Store) AddAPIKey(ctx context.Context, k dam.APIKey) error {
	const op = "sqlstore.AddAPIKey"
	if k.ID == "" || k.UserID == "" || len(k.Hash) == 0 {
		return dam.E(op, dam.Invalid, "an API key needs an id, a user and a hash")
	}
	return s.write(ctx, op, func(q querier) error {
		if ok, err := q.exists(ctx, "SELECT 1 FROM users WHERE id = ?", k.UserID); err != nil || !ok {
			if err != nil {
				return err
			}
			return notFound("user", k.UserID)
		}
		return insertKey(ctx, s, q, k)
	})
}

// APIKeys lists a user's keys, oldest first.
func (s *Store) APIKeys(ctx context.Context, userID string) ([]dam.APIKey, error) {
	const op = "sqlstore.APIKeys"
	rows, err := s.read().query(ctx, "SELECT "+keyCols+" FROM api_keys WHERE user_id = ? ORDER BY created_at, id", userID)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	ks := []dam.APIKey{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		ks = append(ks, k)
	}
	return ks, s.fail(ctx, op, rows.Err())
}

// APIKey returns one key.
func (s *Store) APIKey(ctx context.Context, id string) (dam.APIKey, error) {
	const op = "sqlstore.APIKey"
	k, err := scanKey(s.read().queryRow(ctx, "SELECT "+keyCols+" FROM api_keys WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.APIKey{}, s.fail(ctx, op, notFound("API key", id))
	}
	return k, s.fail(ctx, op, err)
}

// RevokeAPIKey ends a live key.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	const op = "sqlstore.RevokeAPIKey"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", encodeTime(at), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return bumpGeneration(ctx, q)
		}
		if ok, err := q.exists(ctx, "SELECT 1 FROM api_keys WHERE id = ?", id); err != nil || !ok {
			if err != nil {
				return err
			}
			return notFound("API key", id)
		}
		return dam.E("", dam.Conflict, "API key %s is already revoked", id)
	})
}

// TouchAPIKey records a use of a key, at most once per every.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time, every time.Duration) error {
	const op = "sqlstore.TouchAPIKey"
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
			encodeTime(at), id, encodeTime(at.Add(-every)))
		return err
	})
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (dam.User, error) {
	var u dam.User
	var role string
	var admin int
	err := r.Scan(&u.ID, &u.Email, &u.Name, &role, dbJSON{&u.Domains}, &admin, dbTimePtr{&u.DisabledAt}, dbTime{&u.CreatedAt})
	u.Role = dam.Role(role)
	u.Admin = admin != 0
	u.Domains = emptyNil(u.Domains)
	return u, err
}

func scanKey(r scanner) (dam.APIKey, error) {
	var k dam.APIKey
	var hash string
	err := r.Scan(&k.ID, &k.UserID, &k.Name, &hash, dbTime{&k.CreatedAt}, dbTimePtr{&k.LastUsedAt}, dbTimePtr{&k.RevokedAt})
	if err != nil {
		return dam.APIKey{}, err
	}
	k.Hash, err = hex.DecodeString(hash)
	return k, err
}

// CacheGeneration returns the counter that moves with every change to
// what processes keep in memory: revoked keys, changed or deleted users,
// deleted sessions (authentication), and folders, settings, licences,
// acceptances and export profiles (the access rules). Migration 0031 named its table for the
// first of these.
func (s *Store) CacheGeneration(ctx context.Context) (int64, error) {
	const op = "sqlstore.CacheGeneration"
	if s.gens != nil { // PostgreSQL: one shared round trip (generations.go)
		g, err := s.gens.read(ctx, s.readGenerations)
		return g.cache, s.fail(ctx, op, err)
	}
	if s.hot != nil { // SQLite in WAL mode: no statement while nothing committed (walstamp.go)
		g, err := s.hot.get(ctx, s.readGenerations)
		return g.cache, s.fail(ctx, op, err)
	}
	var g int64
	err := s.read().queryRow(ctx, "SELECT gen FROM auth_generation WHERE id = 1").Scan(&g)
	return g, s.fail(ctx, op, err)
}

// bumpGeneration moves the cache generation inside a write transaction.
func bumpGeneration(ctx context.Context, q querier) error {
	_, err := q.exec(ctx, "UPDATE auth_generation SET gen = gen + 1 WHERE id = 1")
	return err
}

// writeCached is write for a change to what processes cache: the
// generation moves in the same transaction, when fn succeeds.
func (s *Store) writeCached(ctx context.Context, op string, fn func(q querier) error) error {
	return s.write(ctx, op, func(q querier) error {
		if err := fn(q); err != nil {
			return err
		}
		return bumpGeneration(ctx, q)
	})
}
