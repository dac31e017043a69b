package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

const grantColumns = "id, request_id, asset_id, user_id, email, from_at, until_at, revoked_at, revoked_by, created_by"

func insertGrant(ctx context.Context, q querier, g dam.Grant) error {
	_, err := q.exec(ctx, "INSERT INTO grants ("+grantColumns+") VALUES ("+placeholders(10)+")",
		g.ID, g.RequestID, g.AssetID, g.UserID, g.Email, encodeTime(g.From), encodeTimePtr(g.Until),
		encodeTimePtr(g.RevokedAt), g.RevokedBy, g.CreatedBy)
	return err
}

func scanGrant(sc rowScanner) (dam.Grant, error) {
	var g dam.Grant
	err := sc.Scan(&g.ID, &g.RequestID, &g.AssetID, &g.UserID, &g.Email, dbTime{&g.From}, dbTimePtr{&g.Until},
		dbTimePtr{&g.RevokedAt}, &g.RevokedBy, &g.CreatedBy)
	return g, err
}

// Grant returns one grant.
func (s *Store) Grant(ctx context.Context, id string) (dam.Grant, error) {
	const op = "sqlstore.Grant"
	g, err := scanGrant(s.read().queryRow(ctx, "SELECT "+grantColumns+" FROM grants WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Grant{}, s.fail(ctx, op, notFound("grant", id))
	}
	if err != nil {
		return dam.Grant{}, s.fail(ctx, op, err)
	}
	return g, nil
}

// maxGrantRows bounds one listing of grants.
const maxGrantRows = 10000

// Grants lists grants matching q, oldest first. A query naming both a user
// and an email matches either (a person known by both).
func (s *Store) Grants(ctx context.Context, gq dam.GrantQuery) ([]dam.Grant, error) {
	const op = "sqlstore.Grants"
	var where []string
	var args []any
	switch {
	case gq.UserID != "" && gq.Email != "":
		where = append(where, "(user_id = ? OR lower(email) = lower(?))")
		args = append(args, gq.UserID, gq.Email)
	case gq.UserID != "":
		where = append(where, "user_id = ?")
		args = append(args, gq.UserID)
	case gq.Email != "":
		where = append(where, "lower(email) = lower(?)")
		args = append(args, gq.Email)
	}
	if gq.RequestID != "" {
		where = append(where, "request_id = ?")
		args = append(args, gq.RequestID)
	}
	if len(gq.AssetIDs) > 0 {
		where = append(where, "asset_id IN ("+placeholders(len(gq.AssetIDs))+")")
		args = append(args, anys(gq.AssetIDs)...)
	}
	if gq.Live {
		where = append(where, "revoked_at IS NULL")
	}
	query := "SELECT " + grantColumns + " FROM grants"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id LIMIT ?"
	args = append(args, maxGrantRows)
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var out []dam.Grant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, g)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// RevokeGrant ends a live grant, compare-and-set on revoked_at.
func (s *Store) RevokeGrant(ctx context.Context, id, by string, at time.Time) error {
	const op = "sqlstore.RevokeGrant"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL", encodeTime(at), by, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			found, err := q.exists(ctx, "SELECT 1 FROM grants WHERE id = ?", id)
			if err != nil {
				return err
			}
			if !found {
				return notFound("grant", id)
			}
			return dam.E("", dam.Conflict, "grant %s was already revoked", id)
		}
		return nil
	})
}
