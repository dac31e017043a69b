package dam

import (
	"context"
	"time"
)

// Delete moves an asset to the trash: it leaves listings and collections
// and can be restored until the retention period ends.
func (l *Library) Delete(ctx context.Context, id string) error {
	const op = "dam.Delete"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if !actor.CanEdit() {
		return E(op, PermissionDenied, "only owners and editors delete assets")
	}
	if _, err := l.visibleAsset(ctx, op, actor, id); err != nil {
		return err
	}
	if err := l.store.TrashAsset(ctx, id, actor.UserID, l.now().UTC()); err != nil {
		return wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventDelete, AssetID: id})
	return nil
}

// Trash lists the trashed assets of the actor's domains: every one for an
// owner, the ones the actor deleted for anyone else.
func (l *Library) Trash(ctx context.Context, cursor string, limit int) ([]Asset, string, error) {
	const op = "dam.Trash"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	q := AssetQuery{Cursor: cursor, Limit: limit}
	if !actor.IsOwner() {
		q.DeletedBy = actor.UserID
	}
	return l.listAssets(ctx, op, actor, q, true)
}

// Restore takes an asset out of the trash: any of the actor's domains for
// an owner, one the actor deleted for an editor.
func (l *Library) Restore(ctx context.Context, id string) (Asset, error) {
	const op = "dam.Restore"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if !actor.CanEdit() {
		return Asset{}, E(op, PermissionDenied, "only owners and editors restore assets")
	}
	a, err := l.anyAsset(ctx, op, actor, id)
	if err != nil {
		return Asset{}, err
	}
	if a.DeletedAt != nil && !actor.IsOwner() && a.DeletedBy != actor.UserID {
		// Not in this actor's trash (Trash): as absent as it looks there.
		return Asset{}, E(op, NotFound, "asset %s not found", id)
	}
	if a.DeletedAt == nil {
		return Asset{}, E(op, FailedPrecondition, "asset %s is not in the trash", id)
	}
	if err := l.store.RestoreAsset(ctx, id, actor.UserID, l.now().UTC()); err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventRestore, AssetID: id})
	return l.visibleAsset(ctx, op, actor, id)
}

// SweepReport says what a sweep removed.
type SweepReport struct {
	Purged   int // assets removed from the trash for good
	Blobs    int // originals deleted because nothing referenced them
	Leftover int // temporary objects of uploads that never finished
	Events   int // usage events older than Options.EventRetention
}

// Sweep purges assets trashed longer than the retention period (deleting
// bytes no other asset or version references) and removes leftovers of
// uploads that died. Run calls it periodically.
func (l *Library) Sweep(ctx context.Context) (SweepReport, error) {
	const op = "dam.Sweep"
	var rep SweepReport
	now := l.now().UTC()
	cutoff := now.Add(-l.opts.TrashRetention)
	for {
		ids, err := l.store.TrashedBefore(ctx, cutoff, 100)
		if err != nil {
			return rep, wrap(op, Internal, err)
		}
		for _, id := range ids {
			orphans, err := l.store.PurgeAsset(ctx, id)
			if err != nil {
				return rep, wrap(op, Internal, err)
			}
			rep.Purged++
			for _, sha := range orphans {
				l.deleteBlob(ctx, sha)
				rep.Blobs++
			}
			l.record(ctx, Event{ActorID: "system", Action: EventPurge, AssetID: id})
		}
		if len(ids) < 100 {
			break
		}
	}
	if n, err := l.sweepSessions(ctx, now); err != nil {
		return rep, wrap(op, Internal, err)
	} else if n > 0 {
		l.log.Debug("sweep", "sessions", n)
	}
	n, err := l.bucket.SweepTemp(ctx, now.Add(-l.opts.TempMaxAge))
	rep.Leftover = n
	if err != nil {
		return rep, wrap(op, Internal, err)
	}
	if rep.Events, err = l.sweepEvents(ctx, now); err != nil {
		return rep, wrap(op, Internal, err)
	}
	if rep != (SweepReport{}) {
		l.log.Info("sweep", "purged", rep.Purged, "blobs", rep.Blobs, "leftovers", rep.Leftover, "events", rep.Events)
	}
	return rep, nil
}

// PurgeAt returns when a trashed asset will be purged for good (zero for a
// live asset).
func (l *Library) PurgeAt(a Asset) time.Time {
	if a.DeletedAt == nil {
		return time.Time{}
	}
	return a.DeletedAt.Add(l.opts.TrashRetention)
}

// eventSweepBatch is how many events one delete transaction of the
// retention sweep removes, so that it never holds the writer for long.
const eventSweepBatch = 1000

// sweepEvents deletes the usage events older than Options.EventRetention
// (none when it is negative), a batch at a time.
func (l *Library) sweepEvents(ctx context.Context, now time.Time) (int, error) {
	if l.opts.EventRetention < 0 {
		return 0, nil
	}
	cutoff := now.Add(-l.opts.EventRetention)
	total := 0
	for {
		n, err := l.store.DeleteEventsBefore(ctx, cutoff, eventSweepBatch)
		total += n
		if err != nil || n < eventSweepBatch {
			return total, err
		}
	}
}
