package dam

import (
	"context"
	"regexp"
)

// profileName is the shape of an export profile name ("original" is the
// untouched file). Collections store names; renditions resolve them.
var profileName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func checkProfileName(op, p string) error {
	if p != "" && !profileName.MatchString(p) {
		return E(op, Invalid, "profile name %.70q must be 1-64 lowercase letters, digits, - or _", p)
	}
	return nil
}

// CreateCollection makes a personal collection of the actor.
func (l *Library) CreateCollection(ctx context.Context, name, defaultProfile string) (Collection, error) {
	const op = "dam.CreateCollection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, err
	}
	if name, err = checkName(op, "collection", name, l.opts.MaxNameLength); err != nil {
		return Collection{}, err
	}
	if err := checkProfileName(op, defaultProfile); err != nil {
		return Collection{}, err
	}
	now := l.now().UTC()
	c := Collection{ID: NewID(now), Name: name, OwnerID: actor.UserID, DefaultProfile: defaultProfile,
		Items: []CollectionItem{}, CreatedAt: now, UpdatedAt: now}
	if err := l.store.CreateCollection(ctx, c); err != nil {
		return Collection{}, wrap(op, Internal, err)
	}
	return c, nil
}

// Collection returns one of the actor's collections with its live items.
func (l *Library) Collection(ctx context.Context, id string) (Collection, error) {
	const op = "dam.Collection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, err
	}
	return l.ownCollection(ctx, op, actor, id)
}

func (l *Library) ownCollection(ctx context.Context, op string, actor Actor, id string) (Collection, error) {
	if !validID(id) {
		return Collection{}, E(op, NotFound, "collection %q not found", id)
	}
	c, err := l.store.Collection(ctx, id)
	if err != nil {
		return Collection{}, wrap(op, Internal, err)
	}
	if c.OwnerID != actor.UserID {
		return Collection{}, E(op, NotFound, "collection %s not found", id)
	}
	return c, nil
}

// Collections lists the actor's collections (without items) with the
// number of live assets each holds (ItemCount).
func (l *Library) Collections(ctx context.Context) ([]Collection, error) {
	const op = "dam.Collections"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	cs, err := l.store.Collections(ctx, actor.UserID, true)
	return cs, wrap(op, Internal, err)
}

// CollectionChoices lists the actor's collections without items or counts
// (ItemCount 0): what a page needs to offer "add to a collection", at a
// cost that does not grow with what the collections hold.
func (l *Library) CollectionChoices(ctx context.Context) ([]Collection, error) {
	const op = "dam.CollectionChoices"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	cs, err := l.store.Collections(ctx, actor.UserID, false)
	return cs, wrap(op, Internal, err)
}

// CollectionPage returns one of the actor's collections with ItemCount and
// a page of its live items in asset ID order (cursor: the last asset ID of
// the previous page), and the next page's cursor ("" at the end). Pages of
// a large collection read only themselves.
func (l *Library) CollectionPage(ctx context.Context, id, cursor string, limit int) (Collection, string, error) {
	const op = "dam.CollectionPage"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, "", err
	}
	if limit, err = l.page(op, cursor, limit); err != nil {
		return Collection{}, "", err
	}
	if !validID(id) {
		return Collection{}, "", E(op, NotFound, "collection %q not found", id)
	}
	c, next, err := l.store.CollectionPage(ctx, id, cursor, limit)
	if KindOf(err) == NotFound || (err == nil && c.OwnerID != actor.UserID) {
		return Collection{}, "", E(op, NotFound, "collection %s not found", id)
	}
	if err != nil {
		return Collection{}, "", wrap(op, Internal, err)
	}
	return c, next, nil
}

// CollectionsWith lists the actor's collections that hold the asset
// (without items). An asset out of the actor's reach is NotFound.
func (l *Library) CollectionsWith(ctx context.Context, assetID string) ([]Collection, error) {
	const op = "dam.CollectionsWith"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return nil, err
	}
	cs, err := l.store.CollectionsWith(ctx, actor.UserID, assetID)
	return cs, wrap(op, Internal, err)
}

// UpdateCollection renames a collection and sets its default profile; nil
// leaves a field as it is.
func (l *Library) UpdateCollection(ctx context.Context, id string, name, defaultProfile *string) (Collection, error) {
	const op = "dam.UpdateCollection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, err
	}
	c, err := l.ownCollection(ctx, op, actor, id)
	if err != nil {
		return Collection{}, err
	}
	if name != nil {
		if c.Name, err = checkName(op, "collection", *name, l.opts.MaxNameLength); err != nil {
			return Collection{}, err
		}
	}
	if defaultProfile != nil {
		if err := checkProfileName(op, *defaultProfile); err != nil {
			return Collection{}, err
		}
		c.DefaultProfile = *defaultProfile
	}
	c.UpdatedAt = l.now().UTC()
	if err := l.store.UpdateCollection(ctx, c); err != nil {
		return Collection{}, wrap(op, Internal, err)
	}
	return c, nil
}

// DeleteCollection deletes a collection; its assets stay.
func (l *Library) DeleteCollection(ctx context.Context, id string) error {
	const op = "dam.DeleteCollection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if _, err := l.ownCollection(ctx, op, actor, id); err != nil {
		return err
	}
	return wrap(op, Internal, l.store.DeleteCollection(ctx, id))
}

// AddToCollection adds assets (each with an optional profile) to a collection.
func (l *Library) AddToCollection(ctx context.Context, id string, items []CollectionItem) (Collection, error) {
	const op = "dam.AddToCollection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, err
	}
	if _, err := l.ownCollection(ctx, op, actor, id); err != nil {
		return Collection{}, err
	}
	if len(items) == 0 || len(items) > maxBulk {
		return Collection{}, E(op, Invalid, "give 1 to %d assets", maxBulk)
	}
	now := l.now().UTC()
	for i := range items {
		if err := checkProfileName(op, items[i].Profile); err != nil {
			return Collection{}, err
		}
		if _, err := l.visibleAsset(ctx, op, actor, items[i].AssetID); err != nil {
			return Collection{}, err
		}
		items[i].AddedAt = now
	}
	if err := l.store.AddCollectionItems(ctx, id, items); err != nil {
		return Collection{}, wrap(op, Internal, err)
	}
	return l.ownCollection(ctx, op, actor, id)
}

// RemoveFromCollection takes assets out of a collection without deleting them.
func (l *Library) RemoveFromCollection(ctx context.Context, id string, assetIDs []string) (Collection, error) {
	const op = "dam.RemoveFromCollection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Collection{}, err
	}
	if _, err := l.ownCollection(ctx, op, actor, id); err != nil {
		return Collection{}, err
	}
	if len(assetIDs) == 0 || len(assetIDs) > maxBulk {
		return Collection{}, E(op, Invalid, "give 1 to %d assets", maxBulk)
	}
	if err := l.store.RemoveCollectionItems(ctx, id, assetIDs); err != nil {
		return Collection{}, wrap(op, Internal, err)
	}
	return l.ownCollection(ctx, op, actor, id)
}
