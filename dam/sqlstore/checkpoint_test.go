package sqlstore

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settles waits until, after a burst of commits, the checkpointer has
// brought the log back: a commit then finds it restarted (a few frames)
// and the file cut back to the writer's journal_size_limit. Without
// checkpoints the bursts below leave well over 100 MiB of log (a usage
// event with 2 kB of detail adds about 8 pages of 4 KiB).
func settles(t *testing.T, s *Store, path string) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		now := time.Now().UTC()
		if !assert.NoError(c, s.AppendEvents(t.Context(), dam.Event{ID: dam.NewID(now), Time: now, ActorID: "settle", Action: dam.EventDownload})) {
			return
		}
		r, err := checkpoint(t.Context(), s.w, "PASSIVE") // -1 while another checkpoint runs
		if !assert.NoError(c, err) {
			return
		}
		assert.True(c, r.log >= 0 && r.log < 100, "log restarted: %+v", r)
		assert.LessOrEqual(c, walSize(t, path), int64(walSizeLimit), "log file cut back")
	}, 20*time.Second, 50*time.Millisecond)
}

// appendOne commits one usage event of n bytes of detail.
func appendOne(t *testing.T, s *Store, who string, i int, detail string) {
	t.Helper()
	now := time.Now().UTC()
	e := dam.Event{ID: dam.NewID(now), Time: now, ActorID: who, Action: dam.EventDownload,
		AssetID: fmt.Sprintf("a%d", i), Detail: detail}
	require.NoError(t, s.AppendEvents(t.Context(), e))
}

// walFrames is how many pages the log file holds (4 KiB pages, 24 bytes
// of header each, 32 of the file's).
func walFrames(t *testing.T, path string) int {
	return int(max(walSize(t, path)-32, 0) / (4096 + 24))
}

// walSize is the size of the database's log file (0 when there is none).
func walSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return st.Size()
}

// eventCount counts the events, those of settles aside.
func eventCount(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	require.NoError(t, s.read().queryRow(t.Context(), "SELECT count(*) FROM events WHERE actor_id <> 'settle'").Scan(&n))
	return n
}

// TestCheckpointerBoundsTheLog: many commits on a writer that never
// checkpoints itself leave a log no larger than the limit, because the
// checkpointer copies it into the database and makes it restart; every
// event stays readable and the database is sound.
func TestCheckpointerBoundsTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NotNil(t, s.ckpt)
	var auto int
	require.NoError(t, s.w.QueryRowContext(t.Context(), "PRAGMA wal_autocheckpoint").Scan(&auto))
	require.Equal(t, ckptBackstopPages, auto, "the writer checkpoints in its commits only as a backstop")

	detail := string(make([]byte, 2000)) // about half a page an event
	const commits = 6000
	var most int64
	for i := range commits {
		appendOne(t, s, "u1", i, detail)
		if i%50 == 0 {
			most = max(most, walSize(t, path))
		}
	}
	t.Logf("largest log seen: %d bytes over %d commits", most, commits)
	settles(t, s, path)
	assert.Equal(t, commits, eventCount(t, s))

	s.ckpt.mu.Lock()
	assert.NoError(t, s.ckpt.err)
	s.ckpt.mu.Unlock()

	var ok string
	require.NoError(t, s.w.QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&ok))
	assert.Equal(t, "ok", ok)
}

// TestCheckpointerRestartsTheLog: one pass of the checkpointer over a log
// longer than its reset threshold (and shorter than the writer's
// backstop, so nothing else checkpoints) copies it all, and the next
// commit starts the log over; over the truncate threshold it truncates the
// file. (The ticker never fires here: the passes are called.)
func TestCheckpointerRestartsTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	c := s.ckpt
	c.resetPages, c.truncatePages = 200, 5000
	detail := string(make([]byte, 2000))
	fill := func(frames int) {
		for i := 0; walFrames(t, path) < frames; i++ {
			appendOne(t, s, "u1", i, detail)
		}
	}
	frames := func() int {
		r, err := checkpoint(t.Context(), c.db, "PASSIVE")
		require.NoError(t, err)
		return r.log
	}
	fill(400)
	require.Less(t, walFrames(t, path), ckptBackstopPages, "the backstop did not run")
	require.NoError(t, c.pass(t.Context()))
	assert.Equal(t, c.last.log, c.last.copied, "the pass copied the whole log: %+v", c.last)
	appendOne(t, s, "u1", -1, "x")
	assert.Less(t, frames(), 10, "the commit after the pass started the log over")

	// Over the truncate threshold the file itself goes (a new store: this
	// log file has its room already).
	path = filepath.Join(t.TempDir(), "dam.db")
	s, err = Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	c = s.ckpt
	c.resetPages, c.truncatePages = 200, 300
	fill(400)
	require.NoError(t, c.pass(t.Context()))
	assert.Zero(t, walSize(t, path), "a TRUNCATE checkpoint empties the file")
	appendOne(t, s, "u1", -2, "x")
	assert.Less(t, frames(), 10)
}

// TestCheckpointerStopsOnClose: Close returns after the checkpointer's
// goroutine has ended and its connection is closed, and a store with
// negative CheckpointInterval has none and leaves SQLite's
// autocheckpoint on.
func TestCheckpointerStopsOnClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: time.Millisecond})
	require.NoError(t, err)
	c := s.ckpt
	require.NotNil(t, c)
	appendOne(t, s, "u1", 0, "x")
	time.Sleep(20 * time.Millisecond) // some passes run
	require.NoError(t, s.Close())
	select {
	case <-c.done:
	default:
		t.Fatal("the checkpointer still runs after Close")
	}
	require.Error(t, c.db.Ping(), "its connection is closed")

	off, err := Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: -1})
	require.NoError(t, err)
	defer off.Close()
	assert.Nil(t, off.ckpt)
	var auto int
	require.NoError(t, off.w.QueryRowContext(t.Context(), "PRAGMA wal_autocheckpoint").Scan(&auto))
	assert.Equal(t, 1000, auto, "SQLite checkpoints in the commits")
	assert.Equal(t, 1, eventCount(t, off), "the event written before Close is there")
}

// TestCheckpointersOfTwoStoresOnOneFile: two stores (as two processes
// would) write and read one file at once, each with its checkpointer; both
// see every event of both, the log stays bounded, the database is sound,
// and once one closes the other goes on writing and checkpointing.
func TestCheckpointersOfTwoStoresOnOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	open := func() *Store {
		s, err := Open(t.Context(), "sqlite://"+path, &Options{CheckpointInterval: 20 * time.Millisecond})
		require.NoError(t, err)
		return s
	}
	a, b := open(), open()
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })

	detail := string(make([]byte, 2000))
	const each = 2000
	var wg sync.WaitGroup
	var mu sync.Mutex
	var most int64
	for name, s := range map[string]*Store{"a": a, "b": b} {
		wg.Go(func() {
			for i := range each {
				now := time.Now().UTC()
				e := dam.Event{ID: dam.NewID(now), Time: now, ActorID: name, Action: dam.EventDownload,
					AssetID: fmt.Sprintf("a%d", i), Detail: detail}
				if !assert.NoError(t, s.AppendEvents(t.Context(), e)) {
					return
				}
				if i%20 == 0 {
					// Readers of both stores see what is committed, whichever
					// checkpoint has run.
					es, _, err := s.Events(t.Context(), dam.EventQuery{ActorID: name, Limit: 1})
					if !assert.NoError(t, err) || !assert.Len(t, es, 1) {
						return
					}
					assert.Equal(t, e.ID, es[0].ID, "the newest event of %s", name)
					if st, err := os.Stat(path + "-wal"); err == nil {
						mu.Lock()
						most = max(most, st.Size())
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	t.Logf("largest log seen: %d bytes", most)
	settles(t, a, path)
	settles(t, b, path)
	assert.Equal(t, 2*each, eventCount(t, a))
	assert.Equal(t, 2*each, eventCount(t, b))

	require.NoError(t, a.Close())
	for i := range each {
		appendOne(t, b, "b", each+i, detail)
	}
	settles(t, b, path) // the other store's checkpointer goes on
	assert.Equal(t, 3*each, eventCount(t, b))
	var ok string
	require.NoError(t, b.w.QueryRowContext(t.Context(), "PRAGMA integrity_check").Scan(&ok))
	assert.Equal(t, "ok", ok)
	b.ckpt.mu.Lock()
	assert.NoError(t, b.ckpt.err)
	b.ckpt.mu.Unlock()
}
