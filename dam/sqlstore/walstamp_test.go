package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// openHot opens a SQLite store whose generations come from the wal-index
// header (Linux only; elsewhere the store reads them with a statement and
// these tests have nothing to check).
func openHot(t *testing.T, path string) *Store {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the wal-index header is mapped on Linux only")
	}
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.NotNil(t, s.hot, "a SQLite store in WAL mode on Linux maps the wal-index header")
	return s
}

// gensOf reads both counters as the store's callers do.
func gensOf(t *testing.T, s *Store) generations {
	t.Helper()
	c, err := s.CacheGeneration(t.Context())
	require.NoError(t, err)
	l, err := s.ListingGeneration(t.Context())
	require.NoError(t, err)
	return generations{cache: c, listing: l}
}

// TestWALStampSeesEveryCommit: a store answers its generations from memory
// while nothing is committed, and sees every commit at once: its own,
// another Store's on the same file, a plain SQLite connection's (another
// program), a commit after the log restarted or was truncated, and a commit
// to an unrelated table (which rereads, and changes nothing).
func TestWALStampSeesEveryCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	a := openHot(t, path)
	b := openHot(t, path)
	plain, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	t.Cleanup(func() { _ = plain.Close() })
	ctx := t.Context()
	truth := func() generations {
		var g generations
		require.NoError(t, plain.QueryRowContext(ctx, "SELECT a.gen, l.gen FROM auth_generation a, listing_generation l WHERE a.id = 1 AND l.id = 1").Scan(&g.cache, &g.listing))
		return g
	}

	want := truth()
	require.Equal(t, want, gensOf(t, a))
	reads := a.hot.reads.Load()
	for range 10 {
		require.Equal(t, want, gensOf(t, a))
	}
	assert.Equal(t, reads, a.hot.reads.Load(), "no statement while nothing was committed")
	assert.GreaterOrEqual(t, a.hot.hits.Load(), int64(20))

	writes := []struct {
		name string
		do   func() error
	}{
		{"own cache generation", func() error {
			return a.writeCached(ctx, "test", func(querier) error { return nil })
		}},
		{"other store's listing generation", func() error {
			_, err := b.DB().ExecContext(ctx, "UPDATE listing_generation SET gen = gen + 1 WHERE id = 1")
			return err
		}},
		{"plain connection's cache generation", func() error {
			_, err := plain.ExecContext(ctx, "UPDATE auth_generation SET gen = gen + 1 WHERE id = 1")
			return err
		}},
		{"unrelated table", func() error {
			_, err := plain.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS walstamp_t (x); INSERT INTO walstamp_t VALUES (1)")
			return err
		}},
		{"log truncated, then a listing write", func() error {
			if _, err := b.DB().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
				return err
			}
			_, err := plain.ExecContext(ctx, "UPDATE listing_generation SET gen = gen + 1 WHERE id = 1")
			return err
		}},
		{"log restarted, then a cache write", func() error {
			if _, err := plain.ExecContext(ctx, "PRAGMA wal_checkpoint(RESTART)"); err != nil {
				return err
			}
			return b.writeCached(ctx, "test", func(querier) error { return nil })
		}},
	}
	for round := range 3 {
		for _, w := range writes {
			require.NoError(t, w.do(), w.name)
			want := truth()
			require.Equal(t, want, gensOf(t, a), "round %d: after %s", round, w.name)
			require.Equal(t, want, gensOf(t, b), "round %d: after %s", round, w.name)
			reads := a.hot.reads.Load()
			require.Equal(t, want, gensOf(t, a))
			require.Equal(t, reads, a.hot.reads.Load(), "round %d: after %s, read again while nothing moved", round, w.name)
		}
	}
}

// TestWALStampNeverOlderUnderConcurrentCommits: readers keep asking while
// another store commits; every answer holds every commit that ended before
// the question was asked.
func TestWALStampNeverOlderUnderConcurrentCommits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	a := openHot(t, path)
	b := openHot(t, path)
	ctx := t.Context()
	var committed atomic.Int64 // the cache generation of the latest commit that returned
	committed.Store(gensOf(t, a).cache)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				before := committed.Load()
				g, err := a.CacheGeneration(ctx)
				if err != nil || g < before {
					bad.Add(1)
				}
			}
		}()
	}
	for range 300 {
		var g int64
		err := b.write(ctx, "test", func(q querier) error {
			if err := bumpGeneration(ctx, q); err != nil {
				return err
			}
			return q.db.QueryRowContext(ctx, "SELECT gen FROM auth_generation WHERE id = 1").Scan(&g)
		})
		require.NoError(t, err)
		committed.Store(g)
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, bad.Load(), "answers older than a commit that ended before the question")
	assert.Equal(t, committed.Load(), gensOf(t, a).cache)
}

// TestWALStampAcrossProcesses: another process (this test binary again)
// commits through its own Store, one change at a time, and says so on its
// output; this process's store sees each change on its very next read.
func TestWALStampAcrossProcesses(t *testing.T) {
	if os.Getenv("DAMKIT_WALSTAMP_DB") != "" {
		t.Skip("running as the helper")
	}
	path := filepath.Join(t.TempDir(), "dam.db")
	a := openHot(t, path)
	gensOf(t, a) // the pair is kept before the other process writes

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestWALStampHelperProcess$")
	cmd.Env = append(os.Environ(), "DAMKIT_WALSTAMP_DB="+path)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	seen := 0
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) != 3 || f[0] != "gens" {
			continue // the test binary's own output
		}
		c, err1 := strconv.ParseInt(f[1], 10, 64)
		l, err2 := strconv.ParseInt(f[2], 10, 64)
		require.NoError(t, err1)
		require.NoError(t, err2)
		require.Equal(t, generations{cache: c, listing: l}, gensOf(t, a), "change %d of the other process", seen)
		seen++
		_, err = fmt.Fprintln(stdin, "next")
		require.NoError(t, err)
	}
	require.NoError(t, cmd.Wait())
	assert.Equal(t, 12, seen)
	assert.Positive(t, a.hot.hits.Load())
}

// TestWALStampHelperProcess is the other process of
// TestWALStampAcrossProcesses: it commits a change, prints both counters
// and waits for "next", twelve times.
func TestWALStampHelperProcess(t *testing.T) {
	path := os.Getenv("DAMKIT_WALSTAMP_DB")
	if path == "" {
		t.Skip("the helper of TestWALStampAcrossProcesses")
	}
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+path, nil)
	require.NoError(t, err)
	defer s.Close()
	in := bufio.NewScanner(os.Stdin)
	for i := range 12 {
		switch i % 4 {
		case 0:
			err = s.writeCached(ctx, "helper", func(querier) error { return nil })
		case 1:
			_, err = s.DB().ExecContext(ctx, "UPDATE listing_generation SET gen = gen + 1 WHERE id = 1")
		case 2:
			_, err = s.DB().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			if err == nil {
				_, err = s.DB().ExecContext(ctx, "UPDATE auth_generation SET gen = gen + 1 WHERE id = 1")
			}
		case 3:
			_, err = s.DB().ExecContext(ctx, "UPDATE auth_generation SET gen = gen + 1 WHERE id = 1; UPDATE listing_generation SET gen = gen + 1 WHERE id = 1")
		}
		require.NoError(t, err)
		var c, l int64
		require.NoError(t, s.DB().QueryRowContext(ctx, "SELECT a.gen, l.gen FROM auth_generation a, listing_generation l WHERE a.id = 1 AND l.id = 1").Scan(&c, &l))
		fmt.Printf("gens %d %d\n", c, l)
		if !in.Scan() {
			return
		}
	}
}

// fakeStamp is a wal-index header that tests move by hand.
type fakeStamp struct{ h atomic.Uint32 }

func (f *fakeStamp) load() (walHeader, bool) {
	return walHeader{walIndexHeaderTestVersion, f.h.Load()}, true
}
func (f *fakeStamp) close() error { return nil }

const walIndexHeaderTestVersion = 3007000

// TestHotGensStampBeforeRead: a commit that lands between the statement
// and the caller's look at the header is never hidden. The stamp kept is
// the one read before the statement, so the next caller sees the header
// moved and reads again; keeping the stamp read after the statement would
// pair the new header with the old counters for good.
func TestHotGensStampBeforeRead(t *testing.T) {
	st := &fakeStamp{}
	h := &hotGens{stamp: st}
	var counter int64
	read := func(context.Context) (generations, error) {
		g := generations{cache: counter, listing: counter}
		// A commit ends right after the statement read the counters.
		counter++
		st.h.Add(1)
		return g, nil
	}
	g, err := h.get(t.Context(), read)
	require.NoError(t, err)
	assert.Equal(t, int64(0), g.cache)
	g, err = h.get(t.Context(), read)
	require.NoError(t, err)
	assert.Equal(t, int64(1), g.cache, "the commit after the first statement is seen")

	// Nothing moves: the kept pair answers.
	quiet := func(context.Context) (generations, error) {
		return generations{cache: counter, listing: counter}, nil
	}
	g, err = h.get(t.Context(), quiet)
	require.NoError(t, err)
	reads := h.reads.Load()
	g2, err := h.get(t.Context(), quiet)
	require.NoError(t, err)
	assert.Equal(t, g, g2)
	assert.Equal(t, reads, h.reads.Load())
	// The header moves without the counters' read changing them: read again.
	st.h.Add(1)
	counter++
	g3, err := h.get(t.Context(), quiet)
	require.NoError(t, err)
	assert.Equal(t, counter, g3.cache)
}

// TestWALStampKeptAcrossOwnEvents: the store's own usage-event commits,
// which move neither counter, leave the kept pair in place (no statement
// for the next reader), unless another commit came between: then the next
// reader reads, and sees that commit.
func TestWALStampKeptAcrossOwnEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	a := openHot(t, path)
	b := openHot(t, path)
	ctx := t.Context()
	event := func(i int) dam.Event {
		return dam.Event{ID: dam.NewID(time.Now()), Time: time.Now(), ActorID: "u", Action: dam.EventDownload,
			AssetID: fmt.Sprintf("a%d", i)}
	}
	want := gensOf(t, a)
	for i := range 5 {
		require.NoError(t, a.AppendEvents(ctx, event(i)))
		reads := a.hot.reads.Load()
		require.Equal(t, want, gensOf(t, a))
		assert.Equal(t, reads, a.hot.reads.Load(), "event %d: no statement after the store's own event", i)
	}
	// Another store's listing write, then this store's event: the header
	// moved by two commits, so the next reader reads and sees the write.
	_, err := b.DB().ExecContext(ctx, "UPDATE listing_generation SET gen = gen + 1 WHERE id = 1")
	require.NoError(t, err)
	require.NoError(t, a.AppendEvents(ctx, event(9)))
	reads := a.hot.reads.Load()
	got := gensOf(t, a)
	assert.Equal(t, want.listing+1, got.listing, "the other store's write is seen")
	assert.Greater(t, a.hot.reads.Load(), reads, "read with a statement")
}
