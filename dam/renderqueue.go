package dam

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/damkit/damkit/rendition"
)

// renderQueue bounds the renders a library runs: at most MaxRenders at
// once, at most RenderQueue more waiting, the rest refused with
// ResourceExhausted (HTTP 429) rather than piling up memory. It also makes
// concurrent requests for one missing rendition share a single render (a
// keyed single flight; golang.org/x/sync is not a dependency).
type renderQueue struct {
	registry *rendition.Registry
	slots    chan struct{}
	queue    int64
	waiting  atomic.Int64

	rendered atomic.Int64 // renders started
	joined   atomic.Int64 // callers that waited on another caller's render

	mu      sync.Mutex
	flights map[string]*flight
	// metas remembers sidecars already read: a rendition key names fixed
	// bytes (version hash, profile hash), so a hit needs no bucket read.
	metas map[string]renditionMeta
}

// maxMetas bounds the remembered sidecars; past it the memory starts over.
const maxMetas = 4096

func (r *renderQueue) meta(key string) (renditionMeta, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.metas[key]
	return m, ok
}

// forget drops the remembered sidecars of keys under prefix.
func (r *renderQueue) forget(prefix string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.metas {
		if strings.HasPrefix(k, prefix) {
			delete(r.metas, k)
		}
	}
}

func (r *renderQueue) remember(key string, m renditionMeta) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.metas) >= maxMetas {
		clear(r.metas)
	}
	r.metas[key] = m
}

// flight is one render in progress; followers wait for done.
type flight struct {
	done chan struct{}
	meta renditionMeta
	err  error
}

func newRenderQueue(o Options) *renderQueue {
	reg := rendition.DefaultRegistry()
	for _, e := range o.Engines {
		if e != nil {
			reg.Register(e)
		}
	}
	q := max(o.RenderQueue, 0)
	return &renderQueue{registry: reg, slots: make(chan struct{}, o.MaxRenders), queue: int64(q), flights: map[string]*flight{}, metas: map[string]renditionMeta{}}
}

// acquire takes a render slot, waiting in the bounded queue when all are
// busy. The returned function gives the slot back.
func (r *renderQueue) acquire(ctx context.Context, op string) (func(), error) {
	release := func() { <-r.slots }
	select {
	case r.slots <- struct{}{}:
		return release, nil
	default:
	}
	if r.waiting.Add(1) > r.queue {
		r.waiting.Add(-1)
		return nil, E(op, ResourceExhausted, "too many renditions are being made (%d at once, %d waiting): try again shortly",
			cap(r.slots), r.queue)
	}
	defer r.waiting.Add(-1)
	select {
	case r.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, &Error{Op: op, Kind: Canceled, Err: ctx.Err()}
	}
}

// do runs fn once per key at a time: callers arriving while it runs wait
// for its result instead of running it again.
func (r *renderQueue) do(ctx context.Context, op, key string, fn func() (renditionMeta, error)) (renditionMeta, error) {
	r.mu.Lock()
	if f, ok := r.flights[key]; ok {
		r.mu.Unlock()
		r.joined.Add(1)
		select {
		case <-f.done:
			return f.meta, f.err
		case <-ctx.Done():
			return renditionMeta{}, &Error{Op: op, Kind: Canceled, Err: ctx.Err()}
		}
	}
	f := &flight{done: make(chan struct{})}
	r.flights[key] = f
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.flights, key)
		r.mu.Unlock()
		close(f.done)
	}()
	f.err = E(op, Internal, "render of %s did not finish", key) // kept if fn panics
	f.meta, f.err = fn()
	return f.meta, f.err
}
