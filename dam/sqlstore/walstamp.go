package sqlstore

import (
	"context"
	"sync/atomic"
)

// On SQLite the two generations (CacheGeneration, ListingGeneration) were
// a SELECT each, before nearly every request: on a cached preview those
// two statements were an eighth of the server's CPU and, through the read
// pool's turns, most of its tail. hotGens answers them without a
// statement while nothing was committed since they were last read.
//
// Every commit to a SQLite database in WAL mode rewrites the wal-index
// header at the start of the "-shm" file (https://www.sqlite.org/walformat.html):
// iChange is incremented, mxFrame moves on (or, when the log restarts, the
// salts change), and the header's checksum with them, before the commit
// returns. A process that maps that file sees the header of every commit,
// its own and other processes', as SQLite's own readers do (they read it
// to begin every read transaction). So:
//
//   - the stamp (the header's 48 bytes) is read BEFORE the SELECT that
//     reads both counters; the pair (stamp, counters) is kept;
//   - a caller whose stamp equals the kept one gets the kept counters: no
//     commit happened since that stamp was read, and the counters were read
//     by a statement that began after it, so they hold every commit that
//     ended before the caller asked — the same guarantee a SELECT of its
//     own would give;
//   - any other stamp (a commit since, a header being written, anything
//     unexpected) reads again, and keeps the new pair.
//
// A header the caller reads half-written (its two copies differ) or
// uninitialised is no stamp: that caller reads with a statement. Where
// the file cannot be mapped (not Linux, not WAL, an in-memory database)
// the store reads as before (walstamp_other.go, openWALStamp).
type hotGens struct {
	stamp walStamp
	kept  atomic.Pointer[keptGens]
	// hits and reads count the answers from memory and the statements
	// (tests read them).
	hits, reads atomic.Int64
}

// keptGens is a pair of counters and the stamp read before them.
type keptGens struct {
	stamp walHeader
	g     generations
}

// walHeader is the wal-index header (its first copy) as 32-bit words.
type walHeader [12]uint32

// walStamp reads the current wal-index header; ok is false when it has
// none to give (being written, not initialised, closed).
type walStamp interface {
	load() (h walHeader, ok bool)
	close() error
}

// get returns both counters, read by fn unless nothing was committed since
// the kept pair was read.
func (h *hotGens) get(ctx context.Context, fn func(context.Context) (generations, error)) (generations, error) {
	st, ok := h.stamp.load()
	if ok {
		if k := h.kept.Load(); k != nil && k.stamp == st {
			h.hits.Add(1)
			return k.g, nil
		}
	}
	h.reads.Add(1)
	g, err := fn(ctx)
	if err != nil || !ok {
		return g, err
	}
	// Whichever pair is stored last is valid: each holds counters read
	// after its stamp. An older one only costs a statement later.
	h.kept.Store(&keptGens{stamp: st, g: g})
	return g, nil
}

// beforeOwnCommit returns the header before a transaction of this store
// that moves neither counter (usage events); pass it to afterOwnCommit once
// that transaction committed.
func (h *hotGens) beforeOwnCommit() (walHeader, bool) {
	if h == nil {
		return walHeader{}, false
	}
	return h.stamp.load()
}

// afterOwnCommit keeps the counters across the caller's own commit, which
// moved neither of them, when that commit is the only one since pre: iChange
// (word 2) moved by exactly one, and it moved at least once for the
// caller's commit, so no other commit (another connection's, another
// process's, a log restart) came between. Anything else leaves the kept
// pair as it is: the next reader reads with a statement. Without this,
// every download's usage event cost the next request a statement.
func (h *hotGens) afterOwnCommit(pre walHeader, preOK bool) {
	if h == nil || !preOK {
		return
	}
	post, ok := h.stamp.load()
	if !ok || post[2] != pre[2]+1 {
		return
	}
	if k := h.kept.Load(); k != nil && k.stamp == pre {
		h.kept.CompareAndSwap(k, &keptGens{stamp: post, g: k.g})
	}
}

func (h *hotGens) close() error {
	if h == nil {
		return nil
	}
	return h.stamp.close()
}
