package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

// recipeOf is the JSON column of a profile: everything but its name and
// audit fields, which have columns of their own.
func recipeOf(p dam.Profile) (string, error) {
	p.Name, p.CreatedBy, p.UpdatedBy = "", "", ""
	p.CreatedAt, p.UpdatedAt = time.Time{}, time.Time{}
	b, err := json.Marshal(p)
	return string(b), err
}

const profileColumns = "name, data, created_by, created_at, updated_by, updated_at"

func scanProfile(sc rowScanner) (dam.Profile, error) {
	var p dam.Profile
	var data string
	if err := sc.Scan(&p.Name, &data, &p.CreatedBy, dbTime{&p.CreatedAt}, &p.UpdatedBy, dbTime{&p.UpdatedAt}); err != nil {
		return dam.Profile{}, err
	}
	var r dam.Profile
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return dam.Profile{}, err
	}
	r.Name, r.CreatedBy, r.CreatedAt, r.UpdatedBy, r.UpdatedAt = p.Name, p.CreatedBy, p.CreatedAt, p.UpdatedBy, p.UpdatedAt
	p = r
	return p, nil
}

// CreateProfile inserts a profile; a taken name is AlreadyExists.
func (s *Store) CreateProfile(ctx context.Context, p dam.Profile) error {
	const op = "sqlstore.CreateProfile"
	data, err := recipeOf(p)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return s.writeCached(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "INSERT INTO profiles ("+profileColumns+") VALUES ("+placeholders(6)+")",
			p.Name, data, p.CreatedBy, encodeTime(p.CreatedAt), p.UpdatedBy, encodeTime(p.UpdatedAt))
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "an export profile named %q already exists", p.Name)
		}
		return err
	})
}

// Profile returns the profile named name.
func (s *Store) Profile(ctx context.Context, name string) (dam.Profile, error) {
	const op = "sqlstore.Profile"
	p, err := scanProfile(s.read().queryRow(ctx, "SELECT "+profileColumns+" FROM profiles WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Profile{}, s.fail(ctx, op, notFound("profile", name))
	}
	if err != nil {
		return dam.Profile{}, s.fail(ctx, op, err)
	}
	return p, nil
}

// maxProfiles bounds one listing; a library has a handful of profiles.
const maxProfiles = 10000

// Profiles lists the profiles by name.
func (s *Store) Profiles(ctx context.Context) ([]dam.Profile, error) {
	const op = "sqlstore.Profiles"
	rows, err := s.read().query(ctx, "SELECT "+profileColumns+" FROM profiles ORDER BY name LIMIT ?", maxProfiles)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	out := []dam.Profile{}
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, p)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// UpdateProfile replaces a profile's recipe and its updated fields.
func (s *Store) UpdateProfile(ctx context.Context, p dam.Profile) error {
	const op = "sqlstore.UpdateProfile"
	data, err := recipeOf(p)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return s.writeCached(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE profiles SET data = ?, updated_by = ?, updated_at = ? WHERE name = ?",
			data, p.UpdatedBy, encodeTime(p.UpdatedAt), p.Name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("profile", p.Name)
		}
		return nil
	})
}

// DeleteProfile removes a profile.
func (s *Store) DeleteProfile(ctx context.Context, name string) error {
	const op = "sqlstore.DeleteProfile"
	return s.writeCached(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "DELETE FROM profiles WHERE name = ?", name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("profile", name)
		}
		return nil
	})
}
