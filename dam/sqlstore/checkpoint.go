package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// WAL checkpoints of a SQLite store run beside the writes, not inside them.
//
// SQLite's default (wal_autocheckpoint=1000) makes the connection whose
// commit takes the write-ahead log past 1,000 pages copy the log into the
// database file and fsync it before that commit returns: with
// synchronous=NORMAL those are the only fsyncs a WAL database does, and
// they land on whichever request happens to commit then (under load, the
// group commit of usage events: every download waiting in that batch). The
// writer connection here leaves it to a checkpointer goroutine with its own
// connection, which runs PRAGMA wal_checkpoint(PASSIVE) every
// Options.CheckpointInterval: it copies and fsyncs while the writer goes on
// committing and readers go on reading (a passive checkpoint takes no lock
// a reader or writer waits for). The writer keeps SQLite's autocheckpoint
// as a backstop at ckptBackstopPages, for when the checkpointer falls
// behind (a starved goroutine, a burst of large writes): the log stays
// bounded whatever the timing.
//
// A passive checkpoint cannot reset the log: SQLite restarts it from the
// start when a write begins after every frame was copied, and under steady
// writes new frames arrive while the copy runs. So once the log holds more
// than ckptResetPages frames, the checkpointer finishes the copy on the
// writer connection itself (queued with the commits; what is left is what
// arrived during the passive pass, and the log restarts at the next
// commit), and above ckptTruncatePages (readers kept it from restarting)
// it truncates the log there (a
// TRUNCATE checkpoint waits for readers still in the old log, up to the
// busy timeout). journal_size_limit trims the file when the log restarts.
// Another process on the same file runs its own checkpointer; one
// checkpoint at a time runs (SQLite's checkpointer lock), the other side
// finds it busy and tries again at its next tick.

const (
	defaultCheckpointInterval = time.Second
	// ckptResetPages: above this many frames (4 MiB of 4 KiB pages) after
	// a passive checkpoint, finish it on the writer so that the log
	// restarts. SQLite's own autocheckpoint threshold is 1,000 pages.
	ckptResetPages = 1000
	// ckptBackstopPages is the writer's wal_autocheckpoint: a commit that
	// takes the log past it checkpoints, as SQLite does by default at
	// 1,000 pages, when the checkpointer has not.
	ckptBackstopPages = 3000
	// ckptTruncatePages: above this many frames (24 MiB) the log is
	// truncated even if that makes the writer wait for readers.
	ckptTruncatePages = 6000
	// walSizeLimit is the writer's journal_size_limit: the log file is cut
	// back to this size when it restarts.
	walSizeLimit = 16 << 20
)

// checkpointer runs the WAL checkpoints of one SQLite store.
type checkpointer struct {
	db       *sql.DB // its own connection: passive checkpoints
	w        *sql.DB // the store's writer: finishing and truncating
	interval time.Duration
	// resetPages and truncatePages are ckptResetPages and
	// ckptTruncatePages (tests set smaller ones).
	resetPages, truncatePages int
	stop                      context.CancelFunc
	done                      chan struct{}

	mu   sync.Mutex
	last checkpointResult // the latest pass, for tests and diagnostics
	err  error            // the latest failure, nil after a success
}

// checkpointResult is the row of PRAGMA wal_checkpoint: whether it was
// blocked, the frames in the log and the frames copied into the database.
type checkpointResult struct {
	busy, log, copied int
}

// startCheckpointer opens the checkpointer's connection to path (dsn holds
// the connection parameters) and starts its goroutine.
func startCheckpointer(path, dsn string, w *sql.DB, interval time.Duration) (*checkpointer, error) {
	db, err := sql.Open("sqlite", path+"?"+dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, w: w, interval: interval, resetPages: ckptResetPages, truncatePages: ckptTruncatePages,
		stop: stop, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := c.pass(ctx)
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
	}
}

// pass runs one round: a passive checkpoint beside the writes, then, when
// the log is long, the rest of it on the writer so the log restarts.
func (c *checkpointer) pass(ctx context.Context) error {
	r, err := checkpoint(ctx, c.db, "PASSIVE")
	if err != nil {
		return err
	}

	if r.log > c.resetPages {
		mode := "PASSIVE"
		if r.log > c.truncatePages {
			mode = "TRUNCATE"
		}
		if r, err = checkpoint(ctx, c.w, mode); err != nil {
			return err
		}

	}
	c.mu.Lock()
	c.last = r
	c.mu.Unlock()
	return nil
}

// checkpoint runs PRAGMA wal_checkpoint(mode) on db.
func checkpoint(ctx context.Context, db *sql.DB, mode string) (checkpointResult, error) {
	var r checkpointResult
	err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&r.busy, &r.log, &r.copied)
	if err != nil {
		return r, fmt.Errorf("wal_checkpoint(%s): %w", mode, err)
	}
	return r, nil
}

// close stops the goroutine, waits for it and closes the connection.
func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	c.stop()
	<-c.done
	return c.db.Close()
}
