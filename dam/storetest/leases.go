package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// claimTests check job claims when many workers (in one process or
// several) poll the queue at once.
var claimTests = []test{
	{"EightClaimersTwentyJobs", func(t *testing.T, f *fixture) {
		const claimers, jobs = 8, 20
		want := map[string]bool{}
		for range jobs {
			j := f.job("u1")
			require.NoError(t, f.s.CreateJob(f.ctx, j))
			want[j.ID] = true
		}
		at := f.tick()
		var mu sync.Mutex
		claimed := map[string][]string{} // job ID -> workers that claimed it
		var wg sync.WaitGroup
		errs := make(chan error, claimers*jobs)
		for w := range claimers {
			worker := "w" + string(rune('a'+w))
			wg.Go(func() {
				for {
					j, err := f.s.ClaimJob(f.ctx, worker, at)
					if dam.KindOf(err) == dam.NotFound {
						return
					}
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					claimed[j.ID] = append(claimed[j.ID], worker)
					mu.Unlock()
					if j.ClaimedBy != worker || j.Status != dam.JobRunning {
						errs <- dam.E("", dam.Internal, "job %s came back claimed by %q, %s", j.ID, j.ClaimedBy, j.Status)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Len(t, claimed, jobs, "every job is claimed")
		for id, by := range claimed {
			assert.True(t, want[id], "claimed an unknown job %s", id)
			assert.Len(t, by, 1, "job %s claimed by %v", id, by)
		}
		_, err := f.s.ClaimJob(f.ctx, "late", at)
		requireKind(t, dam.NotFound, err, "the queue is empty")
	}},
}

// leaseTests check the named leases that make periodic sweeps run in one
// process at a time.
var leaseTests = []test{
	{"FreeHeldRenewed", func(t *testing.T, f *fixture) {
		now := f.tick()
		ok, err := f.s.AcquireLease(f.ctx, "sweep", "a", now.Add(time.Minute), now)
		require.NoError(t, err)
		assert.True(t, ok, "a free lease is taken")
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "b", now.Add(time.Minute), now.Add(time.Second))
		require.NoError(t, err)
		assert.False(t, ok, "a held lease is not taken by another")
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "a", now.Add(2*time.Minute), now.Add(30*time.Second))
		require.NoError(t, err)
		assert.True(t, ok, "the holder renews")
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "b", now.Add(3*time.Minute), now.Add(90*time.Second))
		require.NoError(t, err)
		assert.False(t, ok, "the renewal moved the expiry past the first one")
		ok, err = f.s.AcquireLease(f.ctx, "other", "b", now.Add(time.Minute), now)
		require.NoError(t, err)
		assert.True(t, ok, "leases are independent by name")
	}},
	{"ExpiryAndTakeover", func(t *testing.T, f *fixture) {
		now := f.tick()
		ok, err := f.s.AcquireLease(f.ctx, "sweep", "a", now.Add(time.Minute), now)
		require.NoError(t, err)
		require.True(t, ok)
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "b", now.Add(2*time.Minute), now.Add(time.Minute))
		require.NoError(t, err)
		assert.True(t, ok, "a lease is free from the moment it expires")
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "a", now.Add(3*time.Minute), now.Add(61*time.Second))
		require.NoError(t, err)
		assert.False(t, ok, "the old holder lost it")
	}},
	{"Release", func(t *testing.T, f *fixture) {
		now := f.tick()
		ok, err := f.s.AcquireLease(f.ctx, "sweep", "a", now.Add(time.Hour), now)
		require.NoError(t, err)
		require.True(t, ok)
		require.NoError(t, f.s.ReleaseLease(f.ctx, "sweep", "b"), "releasing someone else's lease does nothing")
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "b", now.Add(time.Hour), now)
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, f.s.ReleaseLease(f.ctx, "sweep", "a"))
		ok, err = f.s.AcquireLease(f.ctx, "sweep", "b", now.Add(time.Hour), now)
		require.NoError(t, err)
		assert.True(t, ok, "a released lease is free at once")
	}},
	{"Contention", func(t *testing.T, f *fixture) {
		const holders, rounds = 8, 5
		now := f.tick()
		for r := range rounds {
			// Each round starts after the previous lease expired, so
			// exactly one of the racing holders must win it.
			at := now.Add(time.Duration(r) * time.Minute)
			var mu sync.Mutex
			var winners []string
			var wg sync.WaitGroup
			errs := make(chan error, holders)
			for h := range holders {
				holder := "h" + string(rune('a'+h))
				wg.Go(func() {
					ok, err := f.s.AcquireLease(f.ctx, "sweep", holder, at.Add(30*time.Second), at)
					errs <- err
					if ok {
						mu.Lock()
						winners = append(winners, holder)
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			assert.Len(t, winners, 1, "round %d: one holder wins, got %v", r, winners)
		}
	}},
}
