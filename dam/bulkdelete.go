package dam

import "context"

// DeleteAssets moves many assets to the trash at once, all or nothing: if
// any is missing, out of the actor's reach or already in the trash, or the
// actor may not delete, nothing changes. The store trashes them in one
// transaction, so a concurrent delete of one of them cannot leave the rest
// half done. Each can be restored from the trash on its own (Restore).
func (l *Library) DeleteAssets(ctx context.Context, ids []string) error {
	const op = "dam.DeleteAssets"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if !actor.CanEdit() {
		return E(op, PermissionDenied, "only owners and editors delete assets")
	}
	switch {
	case len(ids) == 0:
		return E(op, Invalid, "no assets given")
	case len(ids) > maxBulk:
		return E(op, Invalid, "at most %d assets per call", maxBulk)
	}
	seen := make(map[string]bool, len(ids))
	order := make([]string, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := l.visibleAsset(ctx, op, actor, id); err != nil {
			return err
		}
		order = append(order, id)
	}
	// NotFound from the store: trashed or purged by someone else since
	// it was checked here; nothing changed.
	if err := l.store.TrashAssets(ctx, order, actor.UserID, l.now().UTC()); err != nil {
		return wrap(op, Internal, err)
	}
	es := make([]Event, len(order))
	for i, id := range order {
		es[i] = Event{ActorID: actor.UserID, Action: EventDelete, AssetID: id}
	}
	l.record(ctx, es...)
	return nil
}
