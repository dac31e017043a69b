package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

const requestColumns = "id, batch, asset_id, domain, requester_id, requester_email, reason, status, validity_ns, auto_approved, decided_by, decided_at, message, created_at"

// CreateRequests inserts requests and the grants of auto-approved ones in
// one transaction.
func (s *Store) CreateRequests(ctx context.Context, rs []dam.Request, gs []dam.Grant) error {
	const op = "sqlstore.CreateRequests"
	return s.write(ctx, op, func(q querier) error {
		for _, r := range rs {
			if _, err := q.exec(ctx, "INSERT INTO requests ("+requestColumns+") VALUES ("+placeholders(14)+")",
				r.ID, r.Batch, r.AssetID, r.Domain, r.RequesterID, r.RequesterEmail, r.Reason, string(r.Status),
				int64(r.Validity), boolInt(r.AutoApproved), r.DecidedBy, encodeTimePtr(r.DecidedAt), r.Message, encodeTime(r.CreatedAt)); err != nil {
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type rowScanner interface{ Scan(dest ...any) error }

func scanRequest(sc rowScanner) (dam.Request, error) {
	var r dam.Request
	var status string
	var validity int64
	var auto int
	err := sc.Scan(&r.ID, &r.Batch, &r.AssetID, &r.Domain, &r.RequesterID, &r.RequesterEmail, &r.Reason, &status,
		&validity, &auto, &r.DecidedBy, dbTimePtr{&r.DecidedAt}, &r.Message, dbTime{&r.CreatedAt})
	r.Status, r.Validity, r.AutoApproved = dam.RequestStatus(status), time.Duration(validity), auto != 0
	return r, err
}

// Request returns one request.
func (s *Store) Request(ctx context.Context, id string) (dam.Request, error) {
	const op = "sqlstore.Request"
	r, err := scanRequest(s.read().queryRow(ctx, "SELECT "+requestColumns+" FROM requests WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Request{}, s.fail(ctx, op, notFound("request", id))
	}
	if err != nil {
		return dam.Request{}, s.fail(ctx, op, err)
	}
	return r, nil
}

// Requests lists requests newest first, keyset-paged on ID.
func (s *Store) Requests(ctx context.Context, rq dam.RequestQuery) ([]dam.Request, string, error) {
	const op = "sqlstore.Requests"
	var where []string
	var args []any
	if len(rq.Domains) > 0 {
		where = append(where, "domain IN ("+placeholders(len(rq.Domains))+")")
		args = append(args, anys(rq.Domains)...)
	}
	if rq.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(rq.Status))
	}
	if rq.RequesterID != "" {
		where = append(where, "requester_id = ?")
		args = append(args, rq.RequesterID)
	}
	if rq.AssetID != "" {
		where = append(where, "asset_id = ?")
		args = append(args, rq.AssetID)
	}
	if rq.Cursor != "" {
		where = append(where, "id < ?")
		args = append(args, rq.Cursor)
	}
	limit := pageLimit(rq.Limit)
	query := "SELECT " + requestColumns + " FROM requests"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1)
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	defer rows.Close()
	var out []dam.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, "", s.fail(ctx, op, err)
		}
		out = append(out, r)
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

// DecideRequest moves a pending request to its decision, compare-and-set
// on the status, and inserts the approval's grant in the same transaction.
func (s *Store) DecideRequest(ctx context.Context, r dam.Request, g *dam.Grant) error {
	const op = "sqlstore.DecideRequest"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE requests SET status = ?, decided_by = ?, decided_at = ?, message = ? WHERE id = ? AND status = ?",
			string(r.Status), r.DecidedBy, encodeTimePtr(r.DecidedAt), r.Message, r.ID, string(dam.RequestPending))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var status string
			err := q.queryRow(ctx, "SELECT status FROM requests WHERE id = ?", r.ID).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("request", r.ID)
			}
			if err != nil {
				return err
			}
			return dam.E("", dam.Conflict, "request %s was already %s", r.ID, status)
		}
		if g != nil {
			return insertGrant(ctx, q, *g)
		}
		return nil
	})
}

// DeleteRequest removes a request and revokes its grants.
func (s *Store) DeleteRequest(ctx context.Context, id, by string, at time.Time) error {
	const op = "sqlstore.DeleteRequest"
	return s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE request_id = ? AND revoked_at IS NULL",
			encodeTime(at), by, id); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM requests WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("request", id)
		}
		return nil
	})
}
