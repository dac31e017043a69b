package dam

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"
)

// Streams: every original, rendition and archive the Library hands out is
// read through a stream, which
//   - asks again, every Options.RecheckInterval or Options.RecheckBytes
//     (whichever comes first), whether the reader may still have it, and
//     fails the read when not: a revoked grant, a removed guest or a
//     disabled share cut a download under way;
//   - for the streams that hold one of a holder's MaxConcurrentArchives
//     slots, fails the read when the transfer stays below
//     Options.MinTransferRate over Options.MinRateWindow, so a slow (or
//     malicious) reader cannot keep a slot for ever;
//   - remembers its first error, since http.ServeContent drops it: the
//     HTTP layer then aborts the connection, and the client sees a
//     truncated transfer instead of a short body passing for a whole one.

// ErrRevoked is the cause of a stream cut because the reader lost access
// while it was under way.
var ErrRevoked = errors.New("access was withdrawn during the download")

// ErrTooSlow is the cause of a stream dropped for reading below
// Options.MinTransferRate.
var ErrTooSlow = errors.New("the download was slower than the minimum transfer rate")

func (o *Options) streamDefaults() {
	setDefault(&o.RecheckInterval, 5*time.Second)
	setDefault(&o.RecheckBytes, 8<<20)
	setDefault(&o.MinRateWindow, 30*time.Second)
	setDefault(&o.MaxArchiveConnections, 16)
	if o.MinTransferRate == 0 {
		o.MinTransferRate = 16 << 10
	}
}

// stream is the reader a Download or a Part hands out.
type stream struct {
	l       *Library
	ctx     context.Context
	r       io.ReadSeekCloser
	op      string
	check   func(context.Context) error // nil: nothing to check again
	slow    bool                        // enforce MinTransferRate
	release func()

	spacing int64 // the rechecks' spacing in RecheckInterval and RecheckBytes (spaced)

	mu         sync.Mutex // guards what estimates read from other goroutines
	err        error
	size       int64
	pos        int64
	started    time.Time
	read       int64
	lastCheck  time.Time
	sinceCheck int64
	winStart   time.Time
	winBytes   int64
}

// newStream wraps r (size bytes). check, when set, is asked again while
// the stream is read; slow enforces the minimum transfer rate; release
// runs once on Close.
func (l *Library) newStream(ctx context.Context, op string, r io.ReadSeekCloser, size int64, check func(context.Context) error, slow bool, release func()) *stream {
	now := l.now()
	return &stream{l: l, ctx: ctx, r: r, op: op, size: size, check: check, slow: slow && l.opts.MinTransferRate > 0,
		release: release, started: now, lastCheck: now, winStart: now, spacing: 1}
}

// checkBatch is how many policy decisions one recheck may cost before the
// rechecks are spaced out (spaced).
const checkBatch = 100

// spaced spaces the rechecks of a stream whose check costs n policy
// decisions (a job of n assets): past checkBatch, in proportion, so that
// checking a part of a 100,000-asset job costs no more per byte streamed
// than checking a single original.
func (s *stream) spaced(n int) *stream {
	s.spacing = max(1, int64(n)/checkBatch)
	return s
}

func (s *stream) Read(p []byte) (int, error) {
	if err := s.guard(); err != nil {
		return 0, err
	}
	n, err := s.r.Read(p)
	s.mu.Lock()
	s.pos += int64(n)
	s.read += int64(n)
	s.sinceCheck += int64(n)
	s.winBytes += int64(n)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	return n, err
}

// guard checks access and the transfer rate before a read.
func (s *stream) guard() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	now := s.l.now()
	if s.check != nil && (s.sinceCheck >= s.spacing*s.l.opts.RecheckBytes ||
		now.Sub(s.lastCheck) >= time.Duration(s.spacing)*s.l.opts.RecheckInterval) {
		if err := s.check(s.ctx); err != nil {
			if k := KindOf(err); k == Internal || k == Canceled {
				s.err = err
			} else {
				s.err = &Error{Op: s.op, Kind: k, Err: fmt.Errorf("%w: %s", ErrRevoked, ErrorMessage(err))}
			}
			return s.err
		}
		s.lastCheck, s.sinceCheck = now, 0
	}
	if s.slow {
		if el := now.Sub(s.winStart); el >= s.l.opts.MinRateWindow {
			if rate := float64(s.winBytes) / el.Seconds(); rate < float64(s.l.opts.MinTransferRate) {
				s.err = &Error{Op: s.op, Kind: ResourceExhausted, Err: fmt.Errorf("%w: %.0f bytes/s over %s, the minimum is %d",
					ErrTooSlow, rate, el.Round(time.Second), s.l.opts.MinTransferRate)}
				return s.err
			}
			s.winStart, s.winBytes = now, 0
		}
	}
	return nil
}

func (s *stream) Seek(offset int64, whence int) (int64, error) {
	abs, err := s.r.Seek(offset, whence)
	if err == nil {
		s.mu.Lock()
		s.pos = abs
		s.mu.Unlock()
	}
	return abs, err
}

func (s *stream) Close() error {
	err := s.r.Close()
	if s.release != nil {
		s.release()
		s.release = nil
	}
	return err
}

// readError is the first error a read met.
func (s *stream) readError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// eta estimates how long until the stream ends: the bytes left at the
// rate seen so far, or, before there is one, at the minimum rate (a
// stream slower than that is dropped).
func (s *stream) eta(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := float64(max(s.size-s.pos, 0))
	rate := float64(s.l.opts.MinTransferRate)
	if el := now.Sub(s.started).Seconds(); el >= 1 && s.read > 0 {
		rate = float64(s.read) / el
	}
	if rate <= 0 {
		return 0
	}
	return seconds(left / rate)
}

func seconds(s float64) time.Duration {
	if s >= float64(math.MaxInt64/int64(time.Second)) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * float64(time.Second))
}

// ReadError returns the first error a read of the download met (a lost
// access, a bucket failure), if any: the response is then incomplete.
func (d *Download) ReadError() error {
	if s, ok := d.ReadSeekCloser.(*stream); ok {
		return s.readError()
	}
	return nil
}

// ReadError returns the first error a read of the part met, if any.
func (p *Part) ReadError() error {
	if s, ok := p.ReadSeekCloser.(*stream); ok {
		return s.readError()
	}
	return nil
}

// archiveState is the Library's in-memory side of downloads: the archives
// being streamed per holder (a user, or a guest of a share), which count
// against MaxConcurrentArchives with the user's queued and running jobs,
// and the worker's wake-up call. One download (an archive part) counts
// once however many connections read it (a download manager's ranges).
// The zero value is ready.
type archiveState struct {
	mu      sync.Mutex
	holders map[string]map[string]*slot // holder → download key → slot
	wakeCh  chan struct{}
}

// slot is one download under way and the streams reading it.
type slot struct {
	streams map[*stream]bool
	conns   int
}

func (s *archiveState) wakeup() chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wakeCh == nil {
		s.wakeCh = make(chan struct{}, 1)
	}
	return s.wakeCh
}

// wake tells a waiting worker that a job was queued.
func (s *archiveState) wake() {
	select {
	case s.wakeup() <- struct{}{}:
	default:
	}
}

// streaming returns how many downloads holder is streaming.
func (s *archiveState) streaming(holder string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.holders[holder])
}

// acquire takes a connection to download key for holder: a download
// already under way takes any connection up to maxConns, a new one a slot
// unless holder's downloads plus jobs reach limit. It returns the slot to
// attach the stream to (nil: refused).
func (s *archiveState) acquire(holder, key string, jobs, limit, maxConns int) *slot {
	s.mu.Lock()
	defer s.mu.Unlock()
	ds := s.holders[holder]
	if d := ds[key]; d != nil {
		if d.conns >= maxConns {
			return nil
		}
		d.conns++
		return d
	}
	if len(ds)+jobs >= limit {
		return nil
	}
	if s.holders == nil {
		s.holders = map[string]map[string]*slot{}
	}
	if ds == nil {
		ds = map[string]*slot{}
		s.holders[holder] = ds
	}
	d := &slot{streams: map[*stream]bool{}, conns: 1}
	ds[key] = d
	return d
}

// attach records st as reading d, for estimates.
func (s *archiveState) attach(d *slot, st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.streams[st] = true
}

// release gives back one connection of holder's download key (and st).
func (s *archiveState) release(holder, key string, st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.holders[holder][key]
	if d == nil {
		return
	}
	delete(d.streams, st)
	if d.conns--; d.conns <= 0 {
		delete(s.holders[holder], key)
		if len(s.holders[holder]) == 0 {
			delete(s.holders, holder)
		}
	}
}

// frees estimates how long until holder has a download fewer: the
// soonest download to end, each ending with its slowest connection. With
// key set, it is how long until that download has a connection fewer.
// ok is false when there is nothing to wait for.
func (s *archiveState) frees(holder, key string, now time.Time) (wait time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wait = time.Duration(math.MaxInt64)
	for k, d := range s.holders[holder] {
		if key != "" {
			if k == key {
				for st := range d.streams {
					wait, ok = min(wait, st.eta(now)), true
				}
			}
			continue
		}
		var end time.Duration
		for st := range d.streams {
			end = max(end, st.eta(now))
		}
		wait, ok = min(wait, end), true
	}
	return wait, ok
}

// takeSlot takes a connection to download key for holder (jobs: the
// holder's queued and running jobs, which hold slots too). Refused, it
// returns a ResourceExhausted error saying when a slot should free. Give
// it back with slotStream, or with l.archives.release(holder, key, nil)
// when the download fails to open.
func (l *Library) takeSlot(ctx context.Context, op, holder, key string, jobs int) (*slot, error) {
	d := l.archives.acquire(holder, key, jobs, l.opts.MaxConcurrentArchives, l.opts.MaxArchiveConnections)
	if d != nil {
		return d, nil
	}
	if l.archives.connections(holder, key) >= l.opts.MaxArchiveConnections {
		wait, _ := l.archives.frees(holder, key, l.now())
		return nil, exhausted(op, wait, "this download already has %d connections open (the limit); wait for one to finish",
			l.opts.MaxArchiveConnections)
	}
	return nil, l.busy(ctx, op, holder, jobs > 0)
}

// slotStream wraps r (size bytes) in a stream that holds slot d until
// closed, reads at no less than the minimum rate and is checked again by
// check.
func (l *Library) slotStream(ctx context.Context, op string, d *slot, holder, key string, r io.ReadSeekCloser, size int64, check func(context.Context) error) *stream {
	var st *stream
	st = l.newStream(ctx, op, r, size, check, true, func() { l.archives.release(holder, key, st) })
	l.archives.attach(d, st)
	return st
}

// connections returns how many connections read holder's download key.
func (s *archiveState) connections(holder, key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.holders[holder][key]; d != nil {
		return d.conns
	}
	return 0
}

// busy refuses a new download of holder whose slots are all taken, saying
// when one should free: the soonest stream to end or, when jobs hold
// slots too, the soonest job to be built at the pace it has been built so
// far; failing both, the job poll interval.
func (l *Library) busy(ctx context.Context, op, holder string, jobs bool) error {
	now := l.now()
	wait, ok := l.archives.frees(holder, "", now)
	if jobs {
		if jw, jok := l.jobsFree(ctx, holder, now); jok && (!ok || jw < wait) {
			wait, ok = jw, true
		}
	}
	if !ok {
		wait = l.opts.JobPollInterval
	}
	return exhausted(op, wait, "you already have %d downloads under way (the limit); wait for one to finish or cancel it",
		l.opts.MaxConcurrentArchives)
}

// jobsFree estimates how long until one of requester's active jobs is
// built: its bytes left at the pace of its bytes done since it was made.
// A job not started yet is not estimated.
func (l *Library) jobsFree(ctx context.Context, requester string, now time.Time) (time.Duration, bool) {
	js, _, err := l.store.Jobs(ctx, requester, "", 50)
	if err != nil {
		return 0, false
	}
	wait, ok := time.Duration(math.MaxInt64), false
	for _, j := range js {
		if !j.Active() || j.BytesDone <= 0 {
			continue
		}
		el := now.Sub(j.CreatedAt).Seconds()
		if el <= 0 {
			continue
		}
		rate := float64(j.BytesDone) / el
		wait, ok = min(wait, seconds(float64(max(j.BytesTotal-j.BytesDone, 0))/rate)), true
	}
	return wait, ok
}
