package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadGateBoundsAndGivesBack: the gate admits at most its size at
// once, a waiter gives up when its context ends, and every read through
// the store (rows read to the end, rows closed early, single rows) gives
// its turn back: with one turn, a read left holding it would block the
// next one until the deadline.
func TestReadGateBoundsAndGivesBack(t *testing.T) {
	g := newReadGate(3)
	var in, most atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if !assert.NoError(t, g.enter(t.Context())) {
				return
			}
			n := in.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			in.Add(-1)
			g.leave()
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, most.Load(), int64(3), "never more than the gate's size at once")

	one := newReadGate(1)
	require.NoError(t, one.enter(t.Context()))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, one.enter(ctx), context.Canceled, "a waiter whose context ended gives up")
	one.leave()

	s, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "dam.db"), &Options{MaxOpenConns: 1})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	require.Equal(t, 1, cap(s.gate))
	ctx, cancel = context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for i := range 3 {
		rs, err := s.read().query(ctx, "SELECT 1 UNION ALL SELECT 2")
		require.NoError(t, err, "round %d", i)
		for rs.Next() {
		}
		require.NoError(t, rs.Err())
		require.NoError(t, rs.Close(), "closing after the end gives nothing back twice")

		rs, err = s.read().query(ctx, "SELECT 1 UNION ALL SELECT 2")
		require.NoError(t, err)
		require.True(t, rs.Next())
		require.NoError(t, rs.Close(), "closed early")

		var n int
		require.NoError(t, s.read().queryRow(ctx, "SELECT 1").Scan(&n))
		_, err = s.ListingGeneration(ctx)
		require.NoError(t, err)
	}
	assert.Empty(t, s.gate, "every turn given back")
}
