package share

import (
	"math"
	"sync"
	"time"
)

// Limiter is a token bucket per key (a client address): each key may make
// Burst attempts at once and then Rate per second. It keeps at most MaxKeys
// buckets, evicting the least recently seen when full, so a flood of
// addresses cannot grow it without bound. It reads no clock: callers pass
// the time, which keeps it testable. It is safe for concurrent use.
type Limiter struct {
	rate    float64
	burst   float64
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// LimiterOptions tune a Limiter; zero fields take the defaults.
type LimiterOptions struct {
	Rate    float64 // attempts refilled per second; default 1
	Burst   int     // attempts allowed at once; default 30
	MaxKeys int     // keys remembered; default 10,000
}

// NewLimiter returns a limiter; o may be nil.
func NewLimiter(o *LimiterOptions) *Limiter {
	var v LimiterOptions
	if o != nil {
		v = *o
	}
	if v.Rate <= 0 {
		v.Rate = 1
	}
	if v.Burst <= 0 {
		v.Burst = 30
	}
	if v.MaxKeys <= 0 {
		v.MaxKeys = 10000
	}
	return &Limiter{rate: v.Rate, burst: float64(v.Burst), maxKeys: v.MaxKeys, buckets: map[string]*bucket{}}
}

// Allow takes one attempt from key's bucket at now and reports whether
// there was one.
func (l *Limiter) Allow(key string, now time.Time) bool {
	ok, _ := l.Take(key, now)
	return ok
}

// Take takes one attempt from key's bucket at now. When there is none it
// takes nothing and returns how long until the next one refills: what a
// client is told to wait (Retry-After).
func (l *Limiter) Take(key string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucketAt(key, now)
	if b.tokens < 1 {
		return false, l.until(b)
	}
	b.tokens--
	return true, 0
}

// Wait returns how long until key has an attempt left at now (zero: it has
// one), taking nothing. Callers that count only some outcomes (failed
// guesses) check Wait first and Take once the outcome is known.
func (l *Limiter) Wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return 0
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		return 0
	}
	return l.until(b)
}

// bucketAt returns key's bucket refilled up to now, making it if need be.
func (l *Limiter) bucketAt(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	return b
}

func (l *Limiter) refill(b *bucket, now time.Time) {
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.rate)
		b.last = now
	}
}

// until is how long b needs to refill one whole attempt.
func (l *Limiter) until(b *bucket) time.Duration {
	return time.Duration(math.Ceil((1 - b.tokens) / l.rate * float64(time.Second)))
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// evict drops the buckets that are full again (they carry no state) and,
// if none is, the least recently seen one.
func (l *Limiter) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
			continue
		}
		if oldest == "" || b.last.Before(oldestAt) {
			oldest, oldestAt = k, b.last
		}
	}
	if len(l.buckets) >= l.maxKeys && oldest != "" {
		delete(l.buckets, oldest)
	}
}
