package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/damkit/damkit/dam"
)

const jobColumns = "id, requester_id, name, items, options, status, single, entries_total, entries_done, bytes_total, bytes_done, parts, skipped, attempts, claimed_by, heartbeat, error, created_at, updated_at, expires_at"

// CreateJob inserts a download job.
func (s *Store) CreateJob(ctx context.Context, j dam.Job) error {
	const op = "sqlstore.CreateJob"
	return s.write(ctx, op, func(q querier) error {
		sentBy := ""
		if j.SentBy != nil {
			sentBy = j.SentBy.UserID
		}
		if j.Guest != nil {
			sentBy = j.Guest.SharerID // a guest's job counts against the sharer
		}
		_, err := q.exec(ctx, "INSERT INTO jobs ("+jobColumns+", sent_by) VALUES ("+placeholders(21)+")",
			j.ID, j.RequesterID, j.Name, encodeJSON(nonNil(j.Items)), encodeJSON(jobOptionsRow{j.Options, j.SentBy, j.Sent, j.Guest}),
			string(j.Status), boolInt(j.Single),
			j.EntriesTotal, j.EntriesDone, j.BytesTotal, j.BytesDone, encodeJSON(nonNil(j.Parts)), encodeJSON(nonNil(j.Skipped)),
			j.Attempts, j.ClaimedBy, encodeTimePtr(j.Heartbeat), j.Error, encodeTime(j.CreatedAt), encodeTime(j.UpdatedAt),
			encodeTimePtr(j.ExpiresAt), sentBy)
		return err
	})
}

// jobOptionsRow is what the options column holds: the archive options and,
// for archives sent to other users, who sent them and what was sent. They
// are written once, with the job, and never queried (sent_by has its own
// column for counting).
type jobOptionsRow struct {
	dam.JobOptions
	SentBy *dam.Sender `json:"sent_by,omitempty"`
	Sent   []dam.Sent  `json:"sent,omitempty"`
	// Guest names the share guest or portal visitor who asked for the job.
	Guest *dam.JobGuest `json:"guest,omitempty"`
}

func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

func scanJob(sc rowScanner) (dam.Job, error) {
	var j dam.Job
	var status string
	var single int
	var opts jobOptionsRow
	err := sc.Scan(&j.ID, &j.RequesterID, &j.Name, dbJSON{&j.Items}, dbJSON{&opts}, &status, &single,
		&j.EntriesTotal, &j.EntriesDone, &j.BytesTotal, &j.BytesDone, dbJSON{&j.Parts}, dbJSON{&j.Skipped},
		&j.Attempts, &j.ClaimedBy, dbTimePtr{&j.Heartbeat}, &j.Error, dbTime{&j.CreatedAt}, dbTime{&j.UpdatedAt},
		dbTimePtr{&j.ExpiresAt})
	j.Status, j.Single = dam.JobStatus(status), single != 0
	j.Options, j.SentBy, j.Sent, j.Guest = opts.JobOptions, opts.SentBy, opts.Sent, opts.Guest
	return j, err
}

// Job returns one job.
func (s *Store) Job(ctx context.Context, id string) (dam.Job, error) {
	const op = "sqlstore.Job"
	j, err := scanJob(s.read().queryRow(ctx, "SELECT "+jobColumns+" FROM jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return dam.Job{}, s.fail(ctx, op, notFound("job", id))
	}
	if err != nil {
		return dam.Job{}, s.fail(ctx, op, err)
	}
	return j, nil
}

// Jobs lists a requester's jobs newest first, keyset-paged on ID.
func (s *Store) Jobs(ctx context.Context, requesterID, cursor string, limit int) ([]dam.Job, string, error) {
	const op = "sqlstore.Jobs"
	query := "SELECT " + jobColumns + " FROM jobs WHERE requester_id = ?"
	args := []any{requesterID}
	if cursor != "" {
		query += " AND id < ?"
		args = append(args, cursor)
	}
	limit = pageLimit(limit)
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit+1)
	out, err := s.queryJobs(ctx, query, args...)
	if err != nil {
		return nil, "", s.fail(ctx, op, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

func (s *Store) queryJobs(ctx context.Context, query string, args ...any) ([]dam.Job, error) {
	rows, err := s.read().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dam.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ActiveJobs counts a requester's queued and running jobs, not those sent
// to them.
func (s *Store) ActiveJobs(ctx context.Context, requesterID string) (int, error) {
	const op = "sqlstore.ActiveJobs"
	var n int
	err := s.read().queryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE requester_id = ? AND sent_by = '' AND status IN (?, ?)",
		requesterID, string(dam.JobQueued), string(dam.JobRunning)).Scan(&n)
	return n, s.fail(ctx, op, err)
}

// ActiveSentJobs counts the queued and running jobs a user sent to others.
func (s *Store) ActiveSentJobs(ctx context.Context, senderID string) (int, error) {
	const op = "sqlstore.ActiveSentJobs"
	if senderID == "" {
		return 0, nil // '' marks jobs nobody sent
	}
	var n int
	err := s.read().queryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE sent_by = ? AND status IN (?, ?)",
		senderID, string(dam.JobQueued), string(dam.JobRunning)).Scan(&n)
	return n, s.fail(ctx, op, err)
}

// ActiveGuestJobs counts a requester's queued and running jobs, those
// counted against a sharer (sent_by) included.
func (s *Store) ActiveGuestJobs(ctx context.Context, requesterID string) (int, error) {
	const op = "sqlstore.ActiveGuestJobs"
	var n int
	err := s.read().queryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE requester_id = ? AND status IN (?, ?)",
		requesterID, string(dam.JobQueued), string(dam.JobRunning)).Scan(&n)
	return n, s.fail(ctx, op, err)
}

// ClaimJob takes the oldest queued job for worker. On PostgreSQL the
// SELECT locks the row and skips rows other claimers hold (SKIP LOCKED),
// so concurrent workers take different jobs; the UPDATE is still a
// compare-and-set on status = 'queued', so of two workers racing for one
// job exactly one wins and the loser tries the next.
func (s *Store) ClaimJob(ctx context.Context, worker string, at time.Time) (dam.Job, error) {
	const op = "sqlstore.ClaimJob"
	var id string
	err := s.write(ctx, op, func(q querier) error {
		for range 8 {
			err := q.queryRow(ctx, "SELECT id FROM jobs WHERE status = ? ORDER BY id LIMIT 1"+s.d.skipLocked(), string(dam.JobQueued)).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return dam.E("", dam.NotFound, "no queued job")
			}
			if err != nil {
				return err
			}
			res, err := q.exec(ctx, "UPDATE jobs SET status = ?, claimed_by = ?, heartbeat = ?, updated_at = ?, attempts = attempts + 1 WHERE id = ? AND status = ?",
				string(dam.JobRunning), worker, encodeTime(at), encodeTime(at), id, string(dam.JobQueued))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				return nil
			}
		}
		return dam.E("", dam.Conflict, "other workers keep winning the queued jobs")
	})
	if err != nil {
		return dam.Job{}, err
	}
	return s.Job(ctx, id)
}

// UpdateJob writes a job's progress, parts, status and error, compare-and-set
// on its status and claiming worker.
func (s *Store) UpdateJob(ctx context.Context, j dam.Job, from dam.JobStatus) error {
	const op = "sqlstore.UpdateJob"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `UPDATE jobs SET status = ?, entries_total = ?, entries_done = ?, bytes_total = ?, bytes_done = ?,
			parts = ?, skipped = ?, claimed_by = ?, heartbeat = ?, error = ?, updated_at = ?, expires_at = ?
			WHERE id = ? AND status = ? AND claimed_by = ?`,
			string(j.Status), j.EntriesTotal, j.EntriesDone, j.BytesTotal, j.BytesDone, encodeJSON(nonNil(j.Parts)),
			encodeJSON(nonNil(j.Skipped)), j.ClaimedBy, encodeTimePtr(j.Heartbeat), j.Error, encodeTime(j.UpdatedAt),
			encodeTimePtr(j.ExpiresAt), j.ID, string(from), j.ClaimedBy)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var status, by string
			err := q.queryRow(ctx, "SELECT status, claimed_by FROM jobs WHERE id = ?", j.ID).Scan(&status, &by)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("job", j.ID)
			}
			if err != nil {
				return err
			}
			return dam.E("", dam.Conflict, "job %s is %s (claimed by %q), not %s", j.ID, status, by, from)
		}
		return nil
	})
}

// RequeueStaleJobs recovers jobs whose worker stopped sending heartbeats.
func (s *Store) RequeueStaleJobs(ctx context.Context, before time.Time, maxAttempts int, at, expires time.Time) (int, int, error) {
	const op = "sqlstore.RequeueStaleJobs"
	var requeued, failed int64
	err := s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, `UPDATE jobs SET status = ?, error = ?, claimed_by = '', heartbeat = NULL, updated_at = ?, expires_at = ?
			WHERE status = ? AND heartbeat < ? AND attempts >= ?`,
			string(dam.JobFailed), "the worker building this archive stopped too many times; ask for the download again",
			encodeTime(at), encodeTime(expires), string(dam.JobRunning), encodeTime(before), maxAttempts)
		if err != nil {
			return err
		}
		if failed, err = res.RowsAffected(); err != nil {
			return err
		}
		res, err = q.exec(ctx, `UPDATE jobs SET status = ?, claimed_by = '', heartbeat = NULL, updated_at = ?
			WHERE status = ? AND heartbeat < ?`,
			string(dam.JobQueued), encodeTime(at), string(dam.JobRunning), encodeTime(before))
		if err != nil {
			return err
		}
		requeued, err = res.RowsAffected()
		return err
	})
	return int(requeued), int(failed), err
}

// ExpiredJobs lists jobs whose expiry has passed, oldest expiry first.
func (s *Store) ExpiredJobs(ctx context.Context, at time.Time, limit int) ([]dam.Job, error) {
	const op = "sqlstore.ExpiredJobs"
	out, err := s.queryJobs(ctx, "SELECT "+jobColumns+" FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= ? AND status <> ? ORDER BY expires_at, id LIMIT ?",
		encodeTime(at), string(dam.JobExpired), pageLimit(limit))
	return out, s.fail(ctx, op, err)
}

// DeleteJob removes a job.
func (s *Store) DeleteJob(ctx context.Context, id string) error {
	const op = "sqlstore.DeleteJob"
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "DELETE FROM jobs WHERE id = ?", id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("job", id)
		}
		return nil
	})
}
