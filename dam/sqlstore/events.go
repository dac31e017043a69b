package sqlstore

import (
	"context"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// AppendEvents adds entries to the usage log, all or none.
//
// The group commit of dam (eventlog.go) hands it many requests' events at
// once. On PostgreSQL they go in as multi-row INSERTs of up to
// eventRowsPerInsert rows: a batch of that size is one statement, atomic
// on its own, so one round trip instead of a BEGIN, an INSERT per event
// and a COMMIT; larger ones run their statements in one transaction. On
// SQLite (no round trips) each event is the one-row INSERT, kept prepared,
// in one transaction: parsing a statement of n rows cost more.
func (s *Store) AppendEvents(ctx context.Context, es ...dam.Event) error {
	const op = "sqlstore.AppendEvents"
	if len(es) == 0 {
		return nil
	}
	for _, e := range es {
		if e.ID == "" {
			return dam.E(op, dam.Invalid, "an event needs an id")
		}
	}
	insert := func(q querier) error {
		for rest := es; len(rest) > 0; {
			n := min(len(rest), eventRowsPerInsert)
			if err := s.insertEvents(ctx, q, rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	}
	// The events table moves neither generation: the counters read before
	// this commit stay good after it (walstamp.go).
	pre, preOK := s.hot.beforeOwnCommit()
	var err error
	switch {
	case !s.d.postgres && len(es) == 1:
		// SQLite: one row is one statement, kept prepared (parsing it
		// was a good part of an event's cost).
		err = s.fail(ctx, op, s.insertEvents(ctx, querier{d: s.d, db: s.w, wstmts: &s.wstmts}, es))
		s.wstmts.prepareWanted(context.WithoutCancel(ctx), s.w)
	case !s.d.postgres:
		// SQLite: the one-row statement, kept prepared, once per event in
		// one transaction, rather than a statement of n rows to parse.
		err = s.write(ctx, op, func(q querier) error {
			for i := range es {
				if err := s.insertEvents(ctx, q, es[i:i+1]); err != nil {
					return err
				}
			}
			return nil
		})
	case len(es) <= eventRowsPerInsert:
		err = s.fail(ctx, op, insert(querier{d: s.d, db: s.w}))
	default:
		err = s.write(ctx, op, insert)
	}
	if err == nil {
		s.hot.afterOwnCommit(pre, preOK)
	}
	return err
}

// eventRowsPerInsert bounds the rows of one INSERT of AppendEvents (six
// parameters a row: well within SQLite's 32,766 and PostgreSQL's 65,535).
const eventRowsPerInsert = 500

// insertEvents inserts es in one statement.
func (s *Store) insertEvents(ctx context.Context, q querier, es []dam.Event) error {
	var b strings.Builder
	b.Grow(80 + len(es)*len(", (?, ?, ?, ?, ?, ?)"))
	b.WriteString("INSERT INTO events (id, time, actor_id, action, asset_id, detail) VALUES ")
	args := make([]any, 0, 6*len(es))
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, e.ID, encodeTime(e.Time), e.ActorID, string(e.Action), e.AssetID, e.Detail)
	}
	_, err := q.exec(ctx, b.String(), args...)
	if s.d.isUnique(err) {
		if len(es) == 1 {
			return dam.E("", dam.AlreadyExists, "event %s already exists", es[0].ID)
		}
		return dam.E("", dam.AlreadyExists, "an event of these %d already exists", len(es))
	}
	return err
}

// Events lists the events q selects newest first (by ID; oldest first
// when q.Ascending), returning the cursor of the next page ("" at the end).
func (s *Store) Events(ctx context.Context, q dam.EventQuery) ([]dam.Event, string, error) {
	const op = "sqlstore.Events"
	query, args, limit := s.eventsQuery(q)
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	defer rows.Close()
	var es []dam.Event
	for rows.Next() {
		var e dam.Event
		var action string
		if err := rows.Scan(&e.ID, dbTime{&e.Time}, &e.ActorID, &action, &e.AssetID, &e.Detail); err != nil {
			return nil, "", s.fail(ctx, op, err)
		}
		e.Action = dam.EventAction(action)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	next := ""
	if len(es) > limit {
		es = es[:limit]
		next = es[limit-1].ID
	}
	return es, next, nil
}

// eventsQuery is the SQL of Events, its arguments and the page size.
func (s *Store) eventsQuery(q dam.EventQuery) (string, []any, int) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if q.AssetID != "" {
		add("asset_id = ?", q.AssetID)
	}
	if q.ActorID != "" {
		add("actor_id = ?", q.ActorID)
	}
	if q.Action != "" {
		add("action = ?", string(q.Action))
	}
	if !q.Since.IsZero() {
		add("time >= ?", encodeTime(q.Since))
	}
	if !q.Until.IsZero() {
		add("time < ?", encodeTime(q.Until))
	}
	if q.Subject != "" {
		prefix := q.Subject + " "
		where = append(where, "(detail = ? OR substr(detail, 1, ?) = ?)")
		args = append(args, q.Subject, len(prefix), prefix)
	}
	if r := q.Reach; r != nil {
		// The reach is a filter, not a way in: on SQLite an index on
		// asset_id or actor_id here makes the planner gather every row
		// the reach selects and sort them, so each page costs the whole
		// rest of the log (quadratic over an export). Walking the log in
		// ID order stops at the page's end.
		asset, actor := s.d.noIndex("asset_id"), s.d.noIndex("actor_id")
		assets, actors := "1 = 0", "1 = 0"
		if len(r.Domains) > 0 {
			assets = "(" + asset + " <> '' AND " + asset + " IN (SELECT id FROM assets WHERE domain IN (" + placeholders(len(r.Domains)) + ")))"
			args = append(args, anys(r.Domains)...)
		}
		if r.AllUsers {
			actors = "(" + asset + " = '' AND " + actor + " NOT LIKE '%@%')"
		} else if len(r.ActorIDs) > 0 {
			actors = "(" + asset + " = '' AND " + actor + " IN (" + placeholders(len(r.ActorIDs)) + "))"
			args = append(args, anys(r.ActorIDs)...)
		}
		people := "1 = 0"
		if r.People {
			people = "(" + asset + " = '' AND " + actor + " LIKE '%@%')"
		}
		where = append(where, "("+assets+" OR "+actors+" OR "+people+")")
	}
	order := " ORDER BY id DESC LIMIT ?"
	if q.Cursor != "" {
		if q.Ascending {
			add("id > ?", q.Cursor)
		} else {
			add("id < ?", q.Cursor)
		}
	}
	if q.Ascending {
		order = " ORDER BY id LIMIT ?"
	}
	query := "SELECT id, time, actor_id, action, asset_id, detail FROM events"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	limit := pageLimit(q.Limit)
	return query + order, append(args, limit+1), limit
}

// DeleteEventsBefore deletes up to limit events older than t, oldest
// first (the retention sweep).
func (s *Store) DeleteEventsBefore(ctx context.Context, t time.Time, limit int) (int, error) {
	const op = "sqlstore.DeleteEventsBefore"
	if limit <= 0 {
		return 0, nil
	}
	var n int64
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `DELETE FROM events WHERE id IN
			(SELECT id FROM events WHERE time < ? ORDER BY time, id LIMIT ?)`, encodeTime(t), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
