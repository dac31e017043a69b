package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Compacting SQLite's full-text index beside the writes.
//
// FTS5 writes each transaction's documents as a new segment of the index
// and merges segments as they pile up (automerge, four to a level): at
// 1,000,000 documents the index settles into about ten segments, the
// largest holding a quarter of it, and a search seeks each of its words in
// every segment and merges their lists. The same index in one segment
// (FTS5's optimize) answers the benchmark's searches with their facets up
// to twice as fast (bench/search/RESULTS.md), but optimizing rewrites the
// whole index, 25 s at 1,000,000 documents, holding the writer throughout.
//
// So a goroutine reads the index's structure record (one row) every
// Options.SearchCompactInterval, and when the segments other than the
// largest hold compactShare of its pages or more (documents added or
// changed since the last compaction), it runs FTS5's incremental optimize
// ('merge' with a negative count: every segment merged into one)
// compactStepPages pages at a time, each step its own write transaction,
// so that a write waits for one step at most (FTS5 ends a step between
// words only: a step that reaches a very common word copies its whole
// list, some 2,300 pages and 250 ms for a word in 93 % of 1,000,000
// documents). It rests three times as long as a step took before the
// next, so compaction takes a quarter of a core at most, and stops once
// the index is one segment, or after steps enough to write it twice
// (writes that never pause keep adding segments). A tenth of the index
// new before each rewrite bounds how often a document is rewritten as the
// library grows. Another process on the same file may compact too: the
// steps are transactions, and FTS5 continues whatever merge the other
// left.

const (
	defaultSearchCompactInterval = 10 * time.Minute
	// compactShare: the share of the index's pages outside its largest
	// segment at which it is compacted.
	compactShare = 0.1
	// compactStepPages is the pages of index one step writes (FTS5 pages
	// of about 4 kB: 6-7 ms of work at p50 at 1,000,000 documents).
	compactStepPages = 64
	// compactRest is how many times as long as a step took the compactor
	// rests before the next: a quarter of a core at most, and time for the
	// checkpointer to copy the log the steps write beside them.
	compactRest = 3
)

// ftsStructure is what compaction reads of an FTS5 index's structure
// record: its segments' sizes and whether a merge is under way.
type ftsStructure struct {
	pages   []int // pages of each segment
	merging bool  // a level has segments being merged
}

// fragmented reports whether the pages outside the largest segment are
// at least share of all of them.
func (st ftsStructure) fragmented(share float64) bool {
	if len(st.pages) < 2 {
		return false
	}
	total, largest := 0, 0
	for _, p := range st.pages {
		total += p
		largest = max(largest, p)
	}
	return float64(total-largest) >= share*float64(total)
}

// ftsStructureV2 marks a structure record of FTS5's second format (tables
// with contentless deletes), whose segments carry five more numbers.
var ftsStructureV2 = []byte{0xff, 0x00, 0x00, 0x01}

// parseFTSStructure decodes an FTS5 structure record (the row of id 10 in
// the %_data table; fts5StructureDecode in SQLite's fts5_index.c): a
// 4-byte cookie, the V2 mark if any, the number of levels and of segments
// and a write counter, then for each level its merge count and segments,
// each an ID and its first and last page. A record that does not add up
// is an error, never a panic.
func parseFTSStructure(b []byte) (ftsStructure, error) {
	var st ftsStructure
	bad := func(what string) (ftsStructure, error) {
		return ftsStructure{}, fmt.Errorf("FTS5 structure record: %s", what)
	}
	if len(b) < 4 {
		return bad("too short")
	}
	i := 4
	v2 := len(b) >= 8 && string(b[4:8]) == string(ftsStructureV2)
	if v2 {
		i = 8
	}
	next := func() (uint64, bool) {
		v, n := sqliteVarint(b[i:])
		i += n
		return v, n > 0
	}
	levels, ok1 := next()
	segments, ok2 := next()
	_, ok3 := next()         // write counter
	const maxSegments = 2000 // FTS5_MAX_SEGMENT
	if !ok1 || !ok2 || !ok3 || levels > maxSegments || segments > maxSegments {
		return bad("bad header")
	}
	st.pages = make([]int, 0, segments)
	for range levels {
		merge, ok1 := next()
		n, ok2 := next()
		if !ok1 || !ok2 || merge > n || n > segments-uint64(len(st.pages)) {
			return bad("bad level")
		}
		st.merging = st.merging || merge > 0
		for range n {
			var f [3]uint64
			for k := range f {
				v, ok := next()
				if !ok {
					return bad("bad segment")
				}
				f[k] = v
			}
			if v2 {
				for range 5 { // origins, tombstone pages and entries, entries
					if _, ok := next(); !ok {
						return bad("bad segment")
					}
				}
			}
			first, last := f[1], f[2]
			if last < first || last-first > 1<<31 {
				return bad("bad segment pages")
			}
			st.pages = append(st.pages, int(last-first+1))
		}
	}
	if uint64(len(st.pages)) != segments {
		return bad("segments do not add up")
	}
	return st, nil
}

// sqliteVarint decodes SQLite's variable-length integer at the start of b
// (big-endian, seven bits a byte, the ninth byte eight), returning it and
// its length, or a length of 0 when b ends first.
func sqliteVarint(b []byte) (uint64, int) {
	var v uint64
	for k := range 9 {
		if k >= len(b) {
			return 0, 0
		}
		if k == 8 {
			return v<<8 | uint64(b[k]), 9
		}
		v = v<<7 | uint64(b[k]&0x7f)
		if b[k] < 0x80 {
			return v, k + 1
		}
	}
	return v, 9
}

// ftsIndexStructure reads the structure record of asset_fts.
func ftsIndexStructure(ctx context.Context, q querier) (ftsStructure, error) {
	var b []byte
	err := q.queryRow(ctx, "SELECT block FROM asset_fts_data WHERE id = 10").Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return ftsStructure{}, nil // no document was ever written
	}
	if err != nil {
		return ftsStructure{}, err
	}
	return parseFTSStructure(b)
}

// compactSearchStep runs one step of the incremental optimize, in its own
// write transaction, and reports whether the index needs more (it is not
// yet one segment, or a merge is under way).
func (s *Store) compactSearchStep(ctx context.Context, pages int) (more bool, err error) {
	const op = "sqlstore.compactSearch"
	// The merge moves no generation: listings read before it stay good.
	pre, preOK := s.hot.beforeOwnCommit()
	err = s.write(ctx, op, func(q querier) error {
		if _, err := q.exec(ctx, "INSERT INTO asset_fts (asset_fts, rank) VALUES ('merge', ?)", -pages); err != nil {
			return err
		}
		st, err := ftsIndexStructure(ctx, q)
		more = len(st.pages) > 1 || st.merging
		return err
	})
	if err == nil {
		s.hot.afterOwnCommit(pre, preOK)
	}
	return more, err
}

// searchCompactor runs the compaction of one SQLite store's index.
type searchCompactor struct {
	s        *Store
	interval time.Duration
	share    float64 // compactShare (tests set others)
	stop     context.CancelFunc
	done     chan struct{}

	mu     sync.Mutex
	passes int   // compactions run to the end, for tests and diagnostics
	err    error // the latest failure, nil after a success (as checkpointer's)
}

// startSearchCompactor starts s's compaction goroutine.
func startSearchCompactor(s *Store, interval time.Duration) *searchCompactor {
	ctx, stop := context.WithCancel(context.Background())
	c := &searchCompactor{s: s, interval: interval, share: compactShare, stop: stop, done: make(chan struct{})}
	go c.run(ctx)
	return c
}

func (c *searchCompactor) run(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		compacted, err := c.pass(ctx)
		if ctx.Err() != nil {
			return
		}
		c.mu.Lock()
		c.err = err
		if compacted {
			c.passes++
		}
		c.mu.Unlock()
	}
}

// pass compacts the index when it is fragmented, step by step, resting
// between steps; compacted says it ran to the end (or to its bound).
func (c *searchCompactor) pass(ctx context.Context) (compacted bool, err error) {
	st, err := ftsIndexStructure(ctx, querier{d: c.s.d, db: c.s.r})
	// Fragmented, not merely merging: automerge leaves merges under way.
	if err != nil || !st.fragmented(c.share) {
		return false, err
	}
	total := 0
	for _, p := range st.pages {
		total += p
	}
	steps := 2*total/compactStepPages + 100 // writing the index twice: writes that never pause add segments
	for more := true; more && steps > 0; steps-- {
		t0 := time.Now()
		if more, err = c.s.compactSearchStep(ctx, compactStepPages); err != nil {
			return false, err
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(compactRest * time.Since(t0)):
		}
	}
	return true, nil
}

// close stops the goroutine and waits for it.
func (c *searchCompactor) close() {
	if c == nil {
		return
	}
	c.stop()
	<-c.done
}
