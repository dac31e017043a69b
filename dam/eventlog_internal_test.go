package dam

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatedEvents is an EventStore whose first AppendEvents waits for open,
// recording every transaction's events; an event whose ID is bad fails
// its whole transaction.
type gatedEvents struct {
	open chan struct{}
	bad  string

	mu    sync.Mutex
	first bool
	txs   [][]Event
}

func (g *gatedEvents) AppendEvents(ctx context.Context, es ...Event) error {
	g.mu.Lock()
	wait := !g.first
	g.first = true
	g.mu.Unlock()
	if wait {
		<-g.open
	}
	for _, e := range es {
		if e.ID == g.bad {
			return E("test", Invalid, "bad event %s", e.ID)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.txs = append(g.txs, es)
	return nil
}

func (g *gatedEvents) stored() map[string]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := map[string]int{}
	for _, tx := range g.txs {
		for _, e := range tx {
			ids[e.ID]++
		}
	}
	return ids
}

func (w *eventWriter) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

// TestGroupCommit: callers arriving while a commit is under way are
// committed together in the next transaction; each returns its own
// outcome, and one caller's bad event fails no one else's.
func TestGroupCommit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		callers   int
		perCaller int
		bad       string // the ID of an event that fails its transaction
		wantTxs   int    // committed transactions
	}{
		{"waiters share one transaction", 50, 1, "", 2},
		{"batches stop at maxEventBatch events", 5, 400, "", 1 + 2},    // 400, then 800 and 800
		{"a bad event fails only its caller", 20, 2, "c07-e1", 1 + 18}, // the batch of 19 fails, then each alone
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gatedEvents{open: make(chan struct{}), bad: tc.bad}
			var w eventWriter
			events := func(c int) []Event {
				es := make([]Event, tc.perCaller)
				for i := range es {
					es[i] = Event{ID: fmt.Sprintf("c%02d-e%d", c, i), Action: EventDownload}
				}
				return es
			}
			errs := make([]error, tc.callers)
			var wg sync.WaitGroup
			// The first caller leads and blocks in the store; the others queue.
			wg.Go(func() { errs[0] = w.append(t.Context(), g, events(0)) })
			require.Eventually(t, func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				return w.leading && len(w.queue) == 0
			}, 10*time.Second, time.Millisecond)
			for c := 1; c < tc.callers; c++ {
				wg.Go(func() { errs[c] = w.append(t.Context(), g, events(c)) })
			}
			require.Eventually(t, func() bool { return w.queued() == tc.callers-1 }, 10*time.Second, time.Millisecond)
			close(g.open)
			wg.Wait()

			stored := g.stored()
			for c := range tc.callers {
				if tc.bad != "" && c == 7 {
					assert.Equal(t, Invalid, KindOf(errs[c]), "the caller with the bad event hears of it")
					assert.Zero(t, stored[fmt.Sprintf("c%02d-e0", c)], "none of its events is stored")
					continue
				}
				require.NoError(t, errs[c], "caller %d", c)
				for _, e := range events(c) {
					assert.Equal(t, 1, stored[e.ID], "event %s is stored once", e.ID)
				}
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			assert.Equal(t, tc.wantTxs, len(g.txs), "transactions")
			for _, tx := range g.txs {
				assert.LessOrEqual(t, len(tx), maxEventBatch, "events in one transaction")
			}
			assert.False(t, w.leading, "the lead is given up once the queue is empty")
		})
	}
}

// countingEvents is an EventStore that records the size of each
// transaction and never blocks (as a SQLite commit never gives up its P).
type countingEvents struct {
	mu  sync.Mutex
	txs []int
}

func (c *countingEvents) AppendEvents(_ context.Context, es ...Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.txs = append(c.txs, len(es))
	return nil
}

// TestEventBatchesFormOnOneCore: with one P, as a server pinned to one
// core has, callers that are ready to run when a leader starts share its
// transaction. Before the leader yielded, each of these callers committed
// alone (100 transactions of one event): nothing else runs while a leader
// commits, so nothing queued behind it.
func TestEventBatchesFormOnOneCore(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var w eventWriter
	st := &countingEvents{}
	const callers = 100
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			assert.NoError(t, w.append(t.Context(), st, []Event{{ID: fmt.Sprint(i)}}))
		})
	}
	wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	total := 0
	for _, n := range st.txs {
		total += n
	}
	assert.Equal(t, callers, total, "every event committed once")
	assert.LessOrEqual(t, len(st.txs), 10, "transactions of sizes %v", st.txs)
}
