package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"

	"github.com/damkit/damkit/dam"
)

const portalColumns = "id, slug, title, description, asset_ids, collection_ids, mode, enabled, licence, created_by, created_at, updated_at"

func scanPortal(sc rowScanner) (dam.Portal, error) {
	var p dam.Portal
	var enabled int
	var mode string
	err := sc.Scan(&p.ID, &p.Slug, &p.Title, &p.Description, dbJSON{&p.AssetIDs}, dbJSON{&p.CollectionIDs}, &mode, &enabled,
		&p.Licence, &p.CreatedBy, dbTime{&p.CreatedAt}, dbTime{&p.UpdatedAt})
	p.Mode, p.Enabled = dam.PortalMode(mode), enabled != 0
	p.AssetIDs, p.CollectionIDs = emptyNil(p.AssetIDs), emptyNil(p.CollectionIDs)
	return p, err
}

// CreatePortal inserts a portal; a taken slug is AlreadyExists.
func (s *Store) CreatePortal(ctx context.Context, p dam.Portal) error {
	const op = "sqlstore.CreatePortal"
	return s.write(ctx, op, func(q querier) error {
		taken, err := q.exists(ctx, "SELECT 1 FROM portals WHERE slug = ? OR id = ?", p.Slug, p.ID)
		if err != nil {
			return err
		}
		if taken {
			return dam.E("", dam.AlreadyExists, "portal slug %q is taken", p.Slug)
		}
		_, err = q.exec(ctx, "INSERT INTO portals ("+portalColumns+") VALUES ("+placeholders(12)+")",
			p.ID, p.Slug, p.Title, p.Description, encodeList(p.AssetIDs), encodeList(p.CollectionIDs), string(p.Mode),
			boolInt(p.Enabled), p.Licence, p.CreatedBy, encodeTime(p.CreatedAt), encodeTime(p.UpdatedAt))
		return err
	})
}

func (s *Store) portalWhere(ctx context.Context, op, where, arg string) (dam.Portal, error) {
	p, err := scanPortal(s.read().queryRow(ctx, "SELECT "+portalColumns+" FROM portals WHERE "+where+" = ?", arg))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Portal{}, s.fail(ctx, op, notFound("portal", arg))
	}
	return p, s.fail(ctx, op, err)
}

// Portal returns a portal by ID.
func (s *Store) Portal(ctx context.Context, id string) (dam.Portal, error) {
	return s.portalWhere(ctx, "sqlstore.Portal", "id", id)
}

// PortalBySlug returns a portal by slug.
func (s *Store) PortalBySlug(ctx context.Context, slug string) (dam.Portal, error) {
	return s.portalWhere(ctx, "sqlstore.PortalBySlug", "slug", slug)
}

// Portals lists every portal, newest first.
func (s *Store) Portals(ctx context.Context) ([]dam.Portal, error) {
	const op = "sqlstore.Portals"
	rows, err := s.read().query(ctx, "SELECT "+portalColumns+" FROM portals ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	out := []dam.Portal{}
	for rows.Next() {
		p, err := scanPortal(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		out = append(out, p)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// UpdatePortal writes a portal's settings; a taken slug is AlreadyExists.
func (s *Store) UpdatePortal(ctx context.Context, p dam.Portal) error {
	const op = "sqlstore.UpdatePortal"
	return s.write(ctx, op, func(q querier) error {
		taken, err := q.exists(ctx, "SELECT 1 FROM portals WHERE slug = ? AND id <> ?", p.Slug, p.ID)
		if err != nil {
			return err
		}
		if taken {
			return dam.E("", dam.AlreadyExists, "portal slug %q is taken", p.Slug)
		}
		res, err := q.exec(ctx, "UPDATE portals SET slug = ?, title = ?, description = ?, asset_ids = ?, collection_ids = ?, mode = ?, enabled = ?, licence = ?, updated_at = ? WHERE id = ?",
			p.Slug, p.Title, p.Description, encodeList(p.AssetIDs), encodeList(p.CollectionIDs), string(p.Mode), boolInt(p.Enabled),
			p.Licence, encodeTime(p.UpdatedAt), p.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, notFound("portal", p.ID))
		}
		return nil
	})
}

// DeletePortal removes a portal and its request links.
func (s *Store) DeletePortal(ctx context.Context, id string) error {
	const op = "sqlstore.DeletePortal"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "DELETE FROM portals WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, notFound("portal", id))
		}
		if _, err = q.exec(ctx, "DELETE FROM portal_requests WHERE portal_id = ?", id); err != nil {
			return err
		}
		_, err = q.exec(ctx, "DELETE FROM portal_opens WHERE portal_id = ?", id)
		return err
	})
}

// CountPortalOpen adds one to a portal's opens on day: one row per portal
// and day.
func (s *Store) CountPortalOpen(ctx context.Context, portalID, day string) error {
	const op = "sqlstore.CountPortalOpen"
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, `INSERT INTO portal_opens (portal_id, day, opens) VALUES (?, ?, 1)
			ON CONFLICT (portal_id, day) DO UPDATE SET opens = portal_opens.opens + 1`, portalID, day)
		return err
	})
}

// PortalOpens returns a portal's opens per day from first to last.
func (s *Store) PortalOpens(ctx context.Context, portalID, first, last string) ([]dam.DayCount, error) {
	const op = "sqlstore.PortalOpens"
	rows, err := s.read().query(ctx, "SELECT day, opens FROM portal_opens WHERE portal_id = ? AND day >= ? AND day <= ? ORDER BY day",
		portalID, first, last)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	out := []dam.DayCount{}
	for rows.Next() {
		var d dam.DayCount
		var n int64
		if err := rows.Scan(&d.Day, &n); err != nil {
			return nil, s.fail(ctx, op, err)
		}
		d.Count = int(n)
		out = append(out, d)
	}
	return out, s.fail(ctx, op, rows.Err())
}

// CreatePortalRequests inserts visitor requests and grants and links them
// to the portal, in one transaction.
func (s *Store) CreatePortalRequests(ctx context.Context, portalID string, rs []dam.Request, gs []dam.Grant) error {
	const op = "sqlstore.CreatePortalRequests"
	return s.write(ctx, op, func(q querier) error {
		for _, r := range rs {
			if _, err := q.exec(ctx, "INSERT INTO requests ("+requestColumns+") VALUES ("+placeholders(14)+")",
				r.ID, r.Batch, r.AssetID, r.Domain, r.RequesterID, r.RequesterEmail, r.Reason, string(r.Status),
				int64(r.Validity), boolInt(r.AutoApproved), r.DecidedBy, encodeTimePtr(r.DecidedAt), r.Message, encodeTime(r.CreatedAt)); err != nil {
				return err
			}
			if _, err := q.exec(ctx, "INSERT INTO portal_requests (request_id, portal_id) VALUES (?, ?)", r.ID, portalID); err != nil {
				return err
			}
		}
		for _, g := range gs {
			if err := insertGrant(ctx, q, g); err != nil {
				return err
			}
		}
		return nil
	})
}

// RequestPortal returns the portal a visitor request came through.
func (s *Store) RequestPortal(ctx context.Context, requestID string) (string, error) {
	const op = "sqlstore.RequestPortal"
	var id string
	err := s.read().queryRow(ctx, "SELECT portal_id FROM portal_requests WHERE request_id = ?", requestID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", s.fail(ctx, op, notFound("portal request", requestID))
	}
	return id, s.fail(ctx, op, err)
}

// PortalSecret stores candidate unless a secret exists, then returns the
// stored one: concurrent first uses all end up with the same secret.
func (s *Store) PortalSecret(ctx context.Context, candidate []byte) ([]byte, error) {
	const op = "sqlstore.PortalSecret"
	var h string
	err := s.read().queryRow(ctx, "SELECT secret FROM portal_secrets WHERE id = 1").Scan(&h)
	if err == nil {
		secret, err := hex.DecodeString(h)
		return secret, s.fail(ctx, op, err)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, s.fail(ctx, op, err)
	}
	var secret []byte
	err = s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "INSERT INTO portal_secrets (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
			hex.EncodeToString(candidate)); err != nil {
			return err
		}
		if err := q.queryRow(ctx, "SELECT secret FROM portal_secrets WHERE id = 1").Scan(&h); err != nil {
			return err
		}
		var err error
		secret, err = hex.DecodeString(h)
		return err
	})
	return secret, err
}
