package dam

import (
	"context"
	"os"
	"strconv"
	"time"
)

// LeaseStore keeps named, expiring leases so that periodic work shared by
// several processes on one store (the trash sweep, recovering stalled jobs,
// expiring archives) is done by one of them at a time.
type LeaseStore interface {
	// AcquireLease takes the lease name for holder until until, and reports
	// whether it did: it succeeds when the lease is free, expired at now, or
	// already holder's (a renewal). It is one compare-and-set.
	AcquireLease(ctx context.Context, name, holder string, until, now time.Time) (bool, error)
	// ReleaseLease gives up holder's lease; someone else's is left alone.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Lease names of the periodic work in Run and RunJobs.
const (
	leaseSweep     = "dam.sweep"
	leaseJobsSweep = "dam.jobs-sweep"
)

// holdLease takes or renews a lease for d and reports whether this holder
// has it now. A store error counts as not holding it: the work waits for
// the next round rather than running twice.
func (l *Library) holdLease(ctx context.Context, name, holder string, d time.Duration) bool {
	now := l.now().UTC()
	ok, err := l.store.AcquireLease(ctx, name, holder, now.Add(d), now)
	if err != nil {
		if ctx.Err() == nil {
			l.log.Error("taking a lease failed", "lease", name, "err", err)
		}
		return false
	}
	return ok
}

// releaseLease gives up a lease when Run or RunJobs stops (a graceful
// shutdown), so another process takes the work over at once instead of
// waiting for the lease to expire.
func (l *Library) releaseLease(name, holder string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.store.ReleaseLease(ctx, name, holder); err != nil {
		l.log.Warn("releasing a lease failed; it expires on its own", "lease", name, "err", err)
	}
}

// sweepLeased runs Sweep and SweepShares when holder has the sweep lease,
// which it keeps for two sweep intervals: so with several processes on one
// store only one purges the trash and sends share expiry notices, and
// another takes over when that one stops.
func (l *Library) sweepLeased(ctx context.Context, holder string) (SweepReport, error) {
	if !l.holdLease(ctx, leaseSweep, holder, 2*l.opts.SweepInterval) {
		return SweepReport{}, nil
	}
	rep, err := l.Sweep(ctx)
	if _, serr := l.SweepShares(ctx); serr != nil && ctx.Err() == nil {
		l.log.Error("share notices failed", "err", serr)
	}
	return rep, err
}

// jobsSweepLeased runs RecoverJobs and SweepArchives when holder has the
// jobs-sweep lease, kept for a few poll intervals.
func (l *Library) jobsSweepLeased(ctx context.Context, holder string) {
	if !l.holdLease(ctx, leaseJobsSweep, holder, 3*l.opts.JobPollInterval) {
		return
	}
	if _, err := l.RecoverJobs(ctx); err != nil && ctx.Err() == nil {
		l.log.Error("recovering jobs failed", "err", err)
	}
	if _, err := l.SweepArchives(ctx); err != nil && ctx.Err() == nil {
		l.log.Error("expiring archives failed", "err", err)
	}
}

// processName is host:pid, part of the names job workers and lease holders
// go by, so that an operator (or a test) can tell which process of several
// holds a job or a lease.
func processName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}
