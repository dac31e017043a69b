package sqlstore

import (
	"context"
	"sync"
	"time"
)

// The two generations (CacheGeneration, ListingGeneration) are read before
// nearly every request uses what a process keeps in memory: a cached
// preview reads both. On SQLite such a read costs a few microseconds; on
// PostgreSQL it is a round trip each, a large part of a cached preview.
//
// genReader reads both counters in one query and lets concurrent callers
// share it, without giving anyone an older value than a read of its own
// would: a caller only takes the result of a query that started after
// the caller asked. Callers arriving while a query is in flight gather in
// the next round, which starts when that query ends; so under load a
// round trip serves every request that arrived during the previous one,
// and an idle store reads at once, as before. A change committed before a
// caller asked is in what it gets, in this process or any other.
//
// SQLite (on Linux, in WAL mode) reads neither with a statement while
// nothing was committed since the last read: walstamp.go.

// genTimeout bounds one shared read: callers still give up with their own
// context, and a failed round makes them read alone.
const genTimeout = 5 * time.Second

// generations are the two counters as one query read them.
type generations struct {
	cache, listing int64
}

type genReader struct {
	mu      sync.Mutex
	running bool      // a round's query is in flight
	next    *genRound // the round that starts when it ends; nil if nobody waits
}

type genRound struct {
	done    chan struct{} // closed once g and err are set
	g       generations
	err     error
	callers int // how many wait for it (under genReader.mu; tests read it)
}

// read returns both counters as read by a query that started after the
// call. fn reads them.
func (r *genReader) read(ctx context.Context, fn func(context.Context) (generations, error)) (generations, error) {
	r.mu.Lock()
	rd := r.next
	if rd == nil {
		rd = &genRound{done: make(chan struct{})}
		if r.running {
			r.next = rd
		} else {
			r.running = true
			go r.run(rd, fn)
		}
	}
	rd.callers++
	r.mu.Unlock()
	select {
	case <-rd.done:
	case <-ctx.Done():
		return generations{}, ctx.Err()
	}
	if rd.err != nil {
		// The shared read failed (or timed out): the caller reads alone,
		// and its own error, if any, is what it gets.
		return fn(ctx)
	}
	return rd.g, nil
}

// run reads rd's counters, then the rounds that gathered meanwhile, one
// after the other, until nobody waits.
func (r *genReader) run(rd *genRound, fn func(context.Context) (generations, error)) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), genTimeout)
		rd.g, rd.err = fn(ctx)
		cancel()
		close(rd.done)
		r.mu.Lock()
		rd, r.next = r.next, nil
		if rd == nil {
			r.running = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
	}
}

// readGenerations reads both counters in one statement (one snapshot).
func (s *Store) readGenerations(ctx context.Context) (generations, error) {
	var g generations
	err := s.read().queryRow(ctx, "SELECT a.gen, l.gen FROM auth_generation a, listing_generation l WHERE a.id = 1 AND l.id = 1").Scan(&g.cache, &g.listing)
	return g, err
}
