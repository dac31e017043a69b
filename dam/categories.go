package dam

import (
	"context"
	"slices"
)

func (o *Options) categoryDefaults() {
	if o.MaxCategoryDepth <= 0 {
		o.MaxCategoryDepth = DefaultMaxCategoryDepth
	}
	if o.MaxCategories <= 0 {
		o.MaxCategories = DefaultMaxCategories
	}
	if o.MaxAssetCategories <= 0 {
		o.MaxAssetCategories = DefaultMaxAssetCategories
	}
}

func (l *Library) categoryLimits() CategoryLimits {
	return CategoryLimits{MaxDepth: l.opts.MaxCategoryDepth, MaxCount: l.opts.MaxCategories}
}

// CreateCategory makes a category under parentID ("" = top level). Names
// are unique among siblings; the tree is bounded by Options.MaxCategories
// (ResourceExhausted) and Options.MaxCategoryDepth (Invalid).
func (l *Library) CreateCategory(ctx context.Context, name, parentID string) (Category, error) {
	const op = "dam.CreateCategory"
	actor, err := categoryEditor(ctx, op)
	if err != nil {
		return Category{}, err
	}
	if name, err = checkName(op, "category", name, l.opts.MaxNameLength); err != nil {
		return Category{}, err
	}
	if parentID != "" && !validID(parentID) {
		return Category{}, E(op, NotFound, "parent category %q not found", parentID)
	}
	now := l.now().UTC()
	c := Category{ID: NewID(now), Name: name, ParentID: parentID,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedBy: actor.UserID, UpdatedAt: now}
	if err := l.store.CreateCategory(ctx, c, l.categoryLimits()); err != nil {
		return Category{}, wrap(op, Internal, err)
	}
	return c, nil
}

// categoryEditor returns the actor of ctx if they may shape the category
// tree and change memberships (owners and editors).
func categoryEditor(ctx context.Context, op string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.CanEdit() {
		return Actor{}, E(op, PermissionDenied, "only owners and editors change categories")
	}
	return actor, nil
}

// category returns one category with the count of the actor's live assets in it.
func (l *Library) category(ctx context.Context, op string, actor Actor, id string) (Category, error) {
	if !validID(id) {
		return Category{}, E(op, NotFound, "category %q not found", id)
	}
	c, err := l.store.Category(ctx, id, actor.Domains)
	return c, wrap(op, Internal, err)
}

// Category returns one category. Any user may see the category tree;
// AssetCount counts only the assets they may see.
func (l *Library) Category(ctx context.Context, id string) (Category, error) {
	const op = "dam.Category"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Category{}, err
	}
	return l.category(ctx, op, actor, id)
}

// Categories lists the whole tree as a flat list in ID order (each
// category names its parent), for any user.
func (l *Library) Categories(ctx context.Context) ([]Category, error) {
	const op = "dam.Categories"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	cs, err := l.store.Categories(ctx, actor.Domains)
	return cs, wrap(op, Internal, err)
}

// UpdateCategory renames a category and/or moves it under parentID ("" =
// top level); nil leaves a field as it is. Both change in one transaction.
// A move into the category's own subtree is FailedPrecondition.
func (l *Library) UpdateCategory(ctx context.Context, id string, name, parentID *string) (Category, error) {
	const op = "dam.UpdateCategory"
	actor, err := categoryEditor(ctx, op)
	if err != nil {
		return Category{}, err
	}
	c, err := l.category(ctx, op, actor, id)
	if err != nil {
		return Category{}, err
	}
	if err := l.reachesCategory(ctx, op, actor, id); err != nil {
		return Category{}, err
	}
	if name != nil {
		if c.Name, err = checkName(op, "category", *name, l.opts.MaxNameLength); err != nil {
			return Category{}, err
		}
	}
	if parentID != nil {
		switch {
		case *parentID == id:
			return Category{}, E(op, FailedPrecondition, "a category cannot be moved into itself")
		case *parentID != "" && !validID(*parentID):
			return Category{}, E(op, NotFound, "parent category %q not found", *parentID)
		}
		c.ParentID = *parentID
	}
	c.UpdatedBy, c.UpdatedAt = actor.UserID, l.now().UTC()
	if err := l.store.UpdateCategory(ctx, c, l.categoryLimits()); err != nil {
		return Category{}, wrap(op, Internal, err)
	}
	return l.category(ctx, op, actor, id)
}

// DeleteCategory deletes a category that has no subcategories
// (FailedPrecondition otherwise). Its assets leave it and are otherwise
// untouched: deleting a category never deletes an asset.
func (l *Library) DeleteCategory(ctx context.Context, id string) error {
	const op = "dam.DeleteCategory"
	actor, err := categoryEditor(ctx, op)
	if err != nil {
		return err
	}
	if _, err := l.category(ctx, op, actor, id); err != nil {
		return err
	}
	if err := l.reachesCategory(ctx, op, actor, id); err != nil {
		return err
	}
	return wrap(op, Internal, l.store.DeleteCategory(ctx, id))
}

// CategoryAssets lists, a page at a time, the live assets the actor may see
// that are directly in a category (Assets with AssetQuery.CategoryID also
// takes in subcategories).
func (l *Library) CategoryAssets(ctx context.Context, id, cursor string, limit int) ([]Asset, string, error) {
	const op = "dam.CategoryAssets"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	if _, err := l.category(ctx, op, actor, id); err != nil {
		return nil, "", err
	}
	return l.listAssets(ctx, op, actor, AssetQuery{CategoryID: id, CategoryOnly: true, Cursor: cursor, Limit: limit}, false)
}

// AddToCategory puts assets in a category, all or none (an asset the actor
// may not see, or a trashed one, is NotFound). Assets already in it are
// left as they are; each one added is an edit in the usage log.
func (l *Library) AddToCategory(ctx context.Context, id string, assetIDs []string) (Category, error) {
	return l.changeCategory(ctx, "dam.AddToCategory", id, assetIDs, true)
}

// RemoveFromCategory takes assets out of a category. The assets stay in
// the library and in their other categories: removing is not deleting.
func (l *Library) RemoveFromCategory(ctx context.Context, id string, assetIDs []string) (Category, error) {
	return l.changeCategory(ctx, "dam.RemoveFromCategory", id, assetIDs, false)
}

func (l *Library) changeCategory(ctx context.Context, op, id string, assetIDs []string, add bool) (Category, error) {
	actor, err := categoryEditor(ctx, op)
	if err != nil {
		return Category{}, err
	}
	if _, err := l.category(ctx, op, actor, id); err != nil {
		return Category{}, err
	}
	if len(assetIDs) == 0 || len(assetIDs) > maxBulk {
		return Category{}, E(op, Invalid, "give 1 to %d assets", maxBulk)
	}
	for _, aid := range assetIDs {
		a, err := l.visibleAsset(ctx, op, actor, aid)
		if err != nil {
			return Category{}, err
		}
		if add && len(a.Categories) >= l.opts.MaxAssetCategories && !slices.Contains(a.Categories, id) {
			return Category{}, E(op, Invalid, "asset %s is already in %d categories, the most one may be in", aid, len(a.Categories))
		}
	}
	change, detail := l.store.RemoveCategoryAssets, "removed from category "+id
	if add {
		change, detail = l.store.AddCategoryAssets, "added to category "+id
	}
	changed, err := change(ctx, id, assetIDs, actor.UserID, l.now().UTC())
	if err != nil {
		return Category{}, wrap(op, Internal, err)
	}
	es := make([]Event, len(changed))
	for i, aid := range changed {
		es[i] = Event{ActorID: actor.UserID, Action: EventEdit, AssetID: aid, Detail: detail}
	}
	if len(es) > 0 {
		l.record(ctx, es...)
	}
	return l.category(ctx, op, actor, id)
}

// checkCategories validates a category set from outside and returns it
// sorted, without repeats and never nil (so that an empty set replaces
// the asset's categories rather than keeping them). An unknown category
// is Invalid. known remembers, for one call, the categories already found.
func (l *Library) checkCategories(ctx context.Context, op string, ids []string, known map[string]bool) ([]string, error) {
	out := slices.Compact(slices.Sorted(slices.Values(ids)))
	if out == nil {
		out = []string{}
	}
	if len(out) > l.opts.MaxAssetCategories {
		return nil, E(op, Invalid, "an asset may be in at most %d categories", l.opts.MaxAssetCategories)
	}
	for _, id := range out {
		if known[id] {
			continue
		}
		if !validID(id) {
			return nil, E(op, Invalid, "unknown category %.40q", id)
		}
		if _, err := l.store.Category(ctx, id, nil); err != nil {
			if KindOf(err) == NotFound {
				return nil, E(op, Invalid, "unknown category %s", id)
			}
			return nil, wrap(op, Internal, err)
		}
		known[id] = true
	}
	return out, nil
}

// asRead returns a category set as the store reads it back (nil when
// empty), so that an asset looks the same in every answer.
func asRead(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// filterCategory checks the category of a listing's filter: an unknown one
// is Invalid, as in any other category set from outside.
func (l *Library) filterCategory(ctx context.Context, op, id string) error {
	if id == "" {
		return nil
	}
	_, err := l.checkCategories(ctx, op, []string{id}, map[string]bool{})
	return err
}
