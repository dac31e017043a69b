package dam

import (
	"context"
)

// ExportEvents calls each, oldest first, for every event of the usage log
// that the actor reaches (as Events) and q selects, over any range
// (Since, Until). It reads the store a page at a time, so memory stays
// the same whatever the range; q.Cursor continues after an event ID, and
// q.Limit and q.Ascending are ignored. An error of each stops it and is
// returned.
func (l *Library) ExportEvents(ctx context.Context, q EventQuery, each func(Event) error) error {
	const op = "dam.ExportEvents"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if !actor.IsOwner() {
		q.ActorID = actor.UserID
	}
	if q.AssetID != "" && !validID(q.AssetID) {
		return E(op, Invalid, "bad asset id")
	}
	if q.Cursor != "" && !validID(q.Cursor) {
		return E(op, Invalid, "bad cursor")
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since) {
		return E(op, Invalid, "until must be after since")
	}
	if q.Reach, err = l.eventReach(ctx, op, actor); err != nil {
		return err
	}
	q.Ascending, q.Limit = true, maxPageSize
	for {
		es, _, err := l.store.Events(ctx, q)
		if err != nil {
			return wrap(op, KindOf(err), err)
		}
		if len(es) == 0 {
			return nil
		}
		q.Cursor = es[len(es)-1].ID
		full := len(es) == maxPageSize
		if es, err = l.siftEvents(ctx, op, actor, es); err != nil {
			return err
		}
		for _, e := range es {
			if err := each(e); err != nil {
				return err
			}
		}
		if !full {
			return nil
		}
	}
}
