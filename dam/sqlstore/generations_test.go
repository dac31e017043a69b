package sqlstore

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenReaderSharesOnlyLaterReads: callers who ask while a read is in
// flight never get that read's value (it may predate their call); they
// share the next one, all of them in one query.
func TestGenReaderSharesOnlyLaterReads(t *testing.T) {
	var r genReader
	var calls atomic.Int64
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	fn := func(context.Context) (generations, error) {
		n := calls.Add(1)
		if n == 1 {
			entered <- struct{}{}
			<-release
		}
		return generations{cache: n, listing: 10 * n}, nil
	}
	first := make(chan generations, 1)
	go func() {
		g, err := r.read(context.Background(), fn)
		assert.NoError(t, err)
		first <- g
	}()
	<-entered // the first query is in flight
	const later = 10
	var wg sync.WaitGroup
	got := make([]generations, later)
	for i := range later {
		wg.Go(func() {
			g, err := r.read(context.Background(), fn)
			assert.NoError(t, err)
			got[i] = g
		})
	}
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.next != nil && r.next.callers == later
	}, 10*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	assert.Equal(t, generations{cache: 1, listing: 10}, <-first)
	for _, g := range got {
		assert.Equal(t, generations{cache: 2, listing: 20}, g, "a caller took a read that started before it asked")
	}
	assert.Equal(t, int64(2), calls.Load(), "the later callers share one query")
	r.mu.Lock()
	assert.False(t, r.running)
	assert.Nil(t, r.next)
	r.mu.Unlock()
}

// TestGenReaderNeverOlder: under concurrent callers and a counter that
// keeps moving, every caller gets a value at least what the counter was
// when it asked.
func TestGenReaderNeverOlder(t *testing.T) {
	var r genReader
	var committed atomic.Int64
	fn := func(context.Context) (generations, error) {
		time.Sleep(50 * time.Microsecond) // a round trip
		v := committed.Load()
		return generations{cache: v, listing: v}, nil
	}
	stop := make(chan struct{})
	var writer sync.WaitGroup
	writer.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				committed.Add(1)
				time.Sleep(10 * time.Microsecond)
			}
		}
	})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 200 {
				before := committed.Load()
				g, err := r.read(context.Background(), fn)
				if !assert.NoError(t, err) || !assert.GreaterOrEqual(t, g.cache, before) || !assert.GreaterOrEqual(t, g.listing, before) {
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	writer.Wait()
}

// TestGenReaderFailureAndCancel: a failed shared read makes its callers
// read alone (and report their own error), and a caller whose context
// ends stops waiting.
func TestGenReaderFailureAndCancel(t *testing.T) {
	var r genReader
	var calls atomic.Int64
	fn := func(ctx context.Context) (generations, error) {
		if calls.Add(1) == 1 {
			return generations{}, errors.New("connection reset")
		}
		return generations{cache: 7, listing: 8}, nil
	}
	g, err := r.read(context.Background(), fn)
	require.NoError(t, err)
	assert.Equal(t, generations{cache: 7, listing: 8}, g)
	assert.Equal(t, int64(2), calls.Load())

	broken := errors.New("database down")
	_, err = r.read(context.Background(), func(context.Context) (generations, error) { return generations{}, broken })
	require.ErrorIs(t, err, broken)

	release := make(chan struct{})
	blocked := func(context.Context) (generations, error) {
		<-release
		return generations{}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.read(ctx, blocked)
		done <- err
	}()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	close(release)
	require.Eventually(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return !r.running
	}, 10*time.Second, time.Millisecond)
}
