package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const webhookColumns = "id, url, events, description, secret, created_by, created_at, updated_at, disabled_at, disabled_reason, last_success_at, cursor"

func scanWebhook(sc rowScanner) (dam.Webhook, error) {
	var w dam.Webhook
	err := sc.Scan(&w.ID, &w.URL, dbJSON{&w.Events}, &w.Description, &w.Secret, &w.CreatedBy, dbTime{&w.CreatedAt}, dbTime{&w.UpdatedAt},
		dbTimePtr{&w.DisabledAt}, &w.DisabledReason, dbTimePtr{&w.LastSuccessAt}, &w.Cursor)
	return w, err
}

// CreateWebhook inserts an endpoint.
func (s *Store) CreateWebhook(ctx context.Context, w dam.Webhook) error {
	const op = "sqlstore.CreateWebhook"
	return s.write(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "INSERT INTO webhooks ("+webhookColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			w.ID, w.URL, encodeJSON(nonNil(w.Events)), w.Description, w.Secret, w.CreatedBy, encodeTime(w.CreatedAt), encodeTime(w.UpdatedAt),
			encodeTimePtr(w.DisabledAt), w.DisabledReason, encodeTimePtr(w.LastSuccessAt), w.Cursor)
		if s.d.isUnique(err) {
			return dam.E("", dam.AlreadyExists, "webhook %s already exists", w.ID)
		}
		return err
	})
}

// Webhook returns one endpoint.
func (s *Store) Webhook(ctx context.Context, id string) (dam.Webhook, error) {
	const op = "sqlstore.Webhook"
	w, err := scanWebhook(s.read().queryRow(ctx, "SELECT "+webhookColumns+" FROM webhooks WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Webhook{}, s.fail(ctx, op, notFound("webhook", id))
	}
	if err != nil {
		return dam.Webhook{}, s.fail(ctx, op, err)
	}
	return w, nil
}

// Webhooks lists every endpoint in ID order.
func (s *Store) Webhooks(ctx context.Context) ([]dam.Webhook, error) {
	const op = "sqlstore.Webhooks"
	rows, err := s.read().query(ctx, "SELECT "+webhookColumns+" FROM webhooks ORDER BY id")
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	defer rows.Close()
	var ws []dam.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		ws = append(ws, w)
	}
	return ws, s.fail(ctx, op, rows.Err())
}

// UpdateWebhook writes an endpoint's editable fields.
func (s *Store) UpdateWebhook(ctx context.Context, w dam.Webhook) error {
	const op = "sqlstore.UpdateWebhook"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `UPDATE webhooks SET url = ?, events = ?, description = ?, secret = ?, updated_at = ?,
			disabled_at = ?, disabled_reason = ? WHERE id = ?`,
			w.URL, encodeJSON(nonNil(w.Events)), w.Description, w.Secret, encodeTime(w.UpdatedAt),
			encodeTimePtr(w.DisabledAt), w.DisabledReason, w.ID)
		return oneRow(res, err, "webhook", w.ID)
	})
}

// oneRow turns an UPDATE or DELETE that touched no row into NotFound.
func oneRow(res sql.Result, err error, what, id string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(what, id)
	}
	return nil
}

// DisableWebhook turns an enabled endpoint off (compare-and-set).
func (s *Store) DisableWebhook(ctx context.Context, id, reason string, at time.Time) (bool, error) {
	const op = "sqlstore.DisableWebhook"
	var did bool
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE webhooks SET disabled_at = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND disabled_at IS NULL",
			encodeTime(at), reason, encodeTime(at), id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		did = n == 1
		return err
	})
	return did, err
}

// DeleteWebhook removes an endpoint and its deliveries.
func (s *Store) DeleteWebhook(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteWebhook"
	return s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id); err != nil {
			return err
		}
		res, err := q.exec(ctx, "DELETE FROM webhooks WHERE id = ?", id)
		return oneRow(res, err, "webhook", id)
	})
}

// QueueWebhookDeliveries inserts deliveries (repeats of a webhook and
// event skipped) and moves the cursor from from to to, compare-and-set.
func (s *Store) QueueWebhookDeliveries(ctx context.Context, webhookID, from, to string, ds []dam.WebhookDelivery) error {
	const op = "sqlstore.QueueWebhookDeliveries"
	return s.write(ctx, op, func(q querier) error {
		if to != "" {
			res, err := q.exec(ctx, "UPDATE webhooks SET cursor = ? WHERE id = ? AND cursor = ?", to, webhookID, from)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return dam.E("", dam.FailedPrecondition, "the cursor of webhook %s moved", webhookID)
			}
		}
		for _, d := range ds {
			if d.WebhookID != webhookID {
				return dam.E("", dam.Invalid, "delivery %s is for webhook %s, not %s", d.ID, d.WebhookID, webhookID)
			}
			_, err := q.exec(ctx, `INSERT INTO webhook_deliveries (id, webhook_id, event_id, type, payload, status, attempts, next_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (webhook_id, event_id) DO NOTHING`,
				d.ID, d.WebhookID, d.EventID, string(d.Type), string(d.Payload), string(d.Status), encodeTime(d.NextAt), encodeTime(d.CreatedAt))
			if err != nil {
				return err
			}
		}
		return nil
	})
}

const deliveryColumns = `d.id, d.webhook_id, d.event_id, d.type, d.payload, d.status, d.attempts, d.next_at, d.claimed_by, d.lease_until,
	d.last_status, d.last_error, d.last_response, d.last_at, d.created_at`

func scanDelivery(sc rowScanner) (dam.WebhookDelivery, error) {
	var d dam.WebhookDelivery
	var typ, status, payload string
	err := sc.Scan(&d.ID, &d.WebhookID, &d.EventID, &typ, &payload, &status, &d.Attempts, dbTime{&d.NextAt}, &d.ClaimedBy,
		dbTimePtr{&d.LeaseUntil}, &d.LastStatus, &d.LastError, &d.LastResponse, dbTimePtr{&d.LastAt}, dbTime{&d.CreatedAt})
	d.Type, d.Status, d.Payload = dam.WebhookEvent(typ), dam.DeliveryStatus(status), []byte(payload)
	return d, err
}

// ClaimWebhookDeliveries claims due deliveries of enabled endpoints. On
// PostgreSQL the SELECT skips rows other claimers hold; each UPDATE is
// still a compare-and-set on the state the row was read in, so two
// claimers never both get one delivery.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, worker string, now, leaseUntil time.Time, limit int) ([]dam.WebhookDelivery, error) {
	const op = "sqlstore.ClaimWebhookDeliveries"
	limit = pageLimit(limit)
	n := encodeTime(now)
	due := `((d.status = 'pending' AND d.next_at <= ?) OR (d.status = 'delivering' AND d.lease_until <= ?))`
	var ids []string
	err := s.write(ctx, op, func(q querier) error {
		ids = ids[:0]
		rows, err := q.query(ctx, `SELECT d.id FROM webhook_deliveries d WHERE `+due+`
			AND d.webhook_id IN (SELECT id FROM webhooks WHERE disabled_at IS NULL) ORDER BY d.next_at, d.id LIMIT ?`+s.d.skipLocked(),
			n, n, limit)
		if err != nil {
			return err
		}
		var cands []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			cands = append(cands, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range cands {
			res, err := q.exec(ctx, `UPDATE webhook_deliveries SET status = 'delivering', claimed_by = ?, lease_until = ?, attempts = attempts + 1
				WHERE id = ? AND ((status = 'pending' AND next_at <= ?) OR (status = 'delivering' AND lease_until <= ?))`,
				worker, encodeTime(leaseUntil), id, n, n)
			if err != nil {
				return err
			}
			if c, err := res.RowsAffected(); err != nil {
				return err
			} else if c == 1 {
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err := s.read().query(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries d WHERE d.id IN ("+placeholders(len(ids))+") ORDER BY d.id", anys(ids)...)
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	return s.scanDeliveries(ctx, op, rows)
}

func (s *Store) scanDeliveries(ctx context.Context, op string, rows *rows) ([]dam.WebhookDelivery, error) {
	defer rows.Close()
	var ds []dam.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		ds = append(ds, d)
	}
	return ds, s.fail(ctx, op, rows.Err())
}

// FinishWebhookDelivery writes an attempt's outcome, compare-and-set on
// the claim.
func (s *Store) FinishWebhookDelivery(ctx context.Context, d dam.WebhookDelivery) error {
	const op = "sqlstore.FinishWebhookDelivery"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `UPDATE webhook_deliveries SET status = ?, next_at = ?, lease_until = NULL, last_status = ?, last_error = ?,
			last_response = ?, last_at = ? WHERE id = ? AND status = 'delivering' AND claimed_by = ?`,
			string(d.Status), encodeTime(d.NextAt), d.LastStatus, d.LastError, d.LastResponse, encodeTimePtr(d.LastAt), d.ID, d.ClaimedBy)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return dam.E("", dam.FailedPrecondition, "delivery %s is no longer claimed by %s", d.ID, d.ClaimedBy)
		}
		if d.Status == dam.DeliveryDelivered && d.LastAt != nil {
			_, err = q.exec(ctx, "UPDATE webhooks SET last_success_at = ? WHERE id = ? AND (last_success_at IS NULL OR last_success_at < ?)",
				encodeTime(*d.LastAt), d.WebhookID, encodeTime(*d.LastAt))
		}
		return err
	})
}

// WebhookDeliveries lists an endpoint's deliveries newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, webhookID, cursor string, limit int) ([]dam.WebhookDelivery, string, error) {
	const op = "sqlstore.WebhookDeliveries"
	limit = pageLimit(limit)
	query, args := "SELECT "+deliveryColumns+" FROM webhook_deliveries d WHERE d.webhook_id = ?", []any{webhookID}
	if cursor != "" {
		query += " AND d.id < ?"
		args = append(args, cursor)
	}
	rows, err := s.read().query(ctx, query+" ORDER BY d.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	ds, err := s.scanDeliveries(ctx, op, rows)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ds) > limit {
		ds = ds[:limit]
		next = ds[limit-1].ID
	}
	return ds, next, nil
}

// PruneWebhookDeliveries deletes finished deliveries made before before.
func (s *Store) PruneWebhookDeliveries(ctx context.Context, before time.Time, limit int) (int, error) {
	const op = "sqlstore.PruneWebhookDeliveries"
	var n int64
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries
			WHERE created_at < ? AND status IN ('delivered', 'failed') ORDER BY created_at LIMIT ?)`, encodeTime(before), pageLimit(limit))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
