package dam

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Usage events are written by group commit: the requests recording events
// at the same time hand them to one of them, the leader, which appends them
// all in one store transaction while the others wait; each caller returns
// once its own events are committed (or failed), so an event is durable
// before the response that caused it completes, and nothing is held in
// memory that a shutdown or a crash could lose. Under load a transaction
// carries many requests' events, instead of one transaction per download.
//
// There is no goroutine: whoever finds no leader leads, and a leader hands
// the lead to the first waiter queued during its commit.

// maxEventBatch bounds the events of one transaction.
const maxEventBatch = 1000

type eventWriter struct {
	mu      sync.Mutex
	queue   []*eventBatch
	leading bool
}

// eventBatch is one caller's events and where its outcome is sent.
type eventBatch struct {
	es   []Event
	done chan error // buffered: errLead hands the lead over, anything else is the outcome
}

// eventAppender is the part of the Store the writer uses.
type eventAppender interface {
	AppendEvents(ctx context.Context, es ...Event) error
}

// errLead tells a waiting caller that it leads now.
var errLead = errors.New("dam: lead the next event commit")

// append commits es, together with the events of concurrent callers.
func (w *eventWriter) append(ctx context.Context, st eventAppender, es []Event) error {
	mine := &eventBatch{es: es, done: make(chan error, 1)}
	w.mu.Lock()
	w.queue = append(w.queue, mine)
	if w.leading {
		w.mu.Unlock()
		if err := <-mine.done; err != errLead {
			return err
		}
		w.mu.Lock()
	}
	w.leading = true
	var err error
	for done := false; !done; {
		// Let the requests that are ready to run reach their events
		// first: with one P (a server on one core) nothing else runs
		// while a leader commits, so without this yield a batch holds
		// only the events queued between two commits, often one, and
		// every download pays a transaction of its own. After it, the
		// batch is everything the runnable requests had to record.
		w.mu.Unlock()
		runtime.Gosched()
		w.mu.Lock()
		// Take what is queued, up to maxEventBatch events (at least one
		// caller's, whatever its size), ours among the first taken.
		n, events := 0, 0
		for n < len(w.queue) && (n == 0 || events+len(w.queue[n].es) <= maxEventBatch) {
			events += len(w.queue[n].es)
			n++
		}
		batch := w.queue[:n:n]
		w.queue = w.queue[n:]
		w.mu.Unlock()
		errs := commitEvents(ctx, st, batch)
		for i, b := range batch {
			if b == mine {
				err, done = errs[i], true
			} else {
				b.done <- errs[i]
			}
		}
		w.mu.Lock()
	}
	if len(w.queue) > 0 {
		w.queue[0].done <- errLead
	} else {
		w.leading = false
	}
	w.mu.Unlock()
	return err
}

// commitEvents appends the events of every batch in one transaction. When
// that fails and there are several batches, each is tried alone, so that
// one caller's bad event does not fail the others'.
func commitEvents(ctx context.Context, st eventAppender, batch []*eventBatch) []error {
	errs := make([]error, len(batch))
	if len(batch) == 1 {
		errs[0] = st.AppendEvents(ctx, batch[0].es...)
		return errs
	}
	var all []Event
	for _, b := range batch {
		all = append(all, b.es...)
	}
	if err := st.AppendEvents(ctx, all...); err == nil {
		return errs
	}
	for i, b := range batch {
		errs[i] = st.AppendEvents(ctx, b.es...)
	}
	return errs
}
