package dam

import (
	"context"
	"io"
	"strconv"

	"github.com/damkit/damkit/storage"
)

// NewVersionOptions describe a new version of an asset. Metadata is
// inherited from the asset; the fields Meta gives replace those fields.
type NewVersionOptions struct {
	Name string // the uploaded file's name; default: the asset's name
	// Meta edits the asset's metadata: the fields it gives (a non-empty
	// title or description, non-nil keywords, each custom field; an empty
	// field value removes that field) replace the asset's, the others are
	// kept. nil keeps all of it.
	Meta *Metadata
	// Categories replace the asset's categories (IDs; an unknown one is
	// Invalid); nil keeps them.
	Categories []string
}

// AddVersion uploads a new version of an asset without overwriting the
// earlier ones; the new version becomes current.
func (l *Library) AddVersion(ctx context.Context, assetID string, r io.Reader, o NewVersionOptions) (Asset, error) {
	const op = "dam.AddVersion"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if !actor.CanEdit() {
		return Asset{}, E(op, PermissionDenied, "only owners and editors upload versions")
	}
	a, err := l.visibleAsset(ctx, op, actor, assetID)
	if err != nil {
		return Asset{}, err
	}
	name := a.Name
	if o.Name != "" {
		if name, err = checkName(op, "file", o.Name, l.opts.MaxNameLength); err != nil {
			return Asset{}, err
		}
	}
	if o.Meta != nil {
		schema, err := l.schema(ctx, op)
		if err != nil {
			return Asset{}, err
		}
		if a.Meta, err = overlayMetadata(op, schema, a.Meta, *o.Meta); err != nil {
			return Asset{}, err
		}
	}
	var cats []string // nil: the store keeps the asset's categories
	if o.Categories != nil {
		if cats, err = l.checkCategories(ctx, op, o.Categories, map[string]bool{}); err != nil {
			return Asset{}, err
		}
	}
	in, err := l.ingest(ctx, r)
	if err != nil {
		return Asset{}, err
	}
	now := l.now().UTC()
	a.Meta = fillFromFile(a.Meta, in.Embedded)
	a.UpdatedBy, a.UpdatedAt = actor.UserID, now
	v := in.version(a.ID, 0, name, actor.UserID, now)
	w := a
	w.Categories = cats
	n, err := l.store.AddVersion(ctx, w, v)
	if err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	v.Number = n
	if cats != nil {
		a.Categories = asRead(cats)
	}
	a.Kind = MediaKindOf(v.MediaType)
	a.Current = v
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventVersion, AssetID: a.ID, Detail: name})
	return a, nil
}

// Versions lists the version history of an asset, oldest first.
func (l *Library) Versions(ctx context.Context, assetID string) ([]Version, error) {
	const op = "dam.Versions"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return nil, err
	}
	vs, err := l.store.Versions(ctx, assetID)
	return vs, wrap(op, Internal, err)
}

// DeleteVersion removes one version of an asset; the last one cannot go
// (delete the asset instead). Bytes no other version references are deleted.
func (l *Library) DeleteVersion(ctx context.Context, assetID string, number int) error {
	const op = "dam.DeleteVersion"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return err
	}
	if !actor.CanEdit() {
		return E(op, PermissionDenied, "only owners and editors delete versions")
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return err
	}
	if number < 1 {
		return E(op, NotFound, "version %d not found", number)
	}
	inUse, sha, err := l.store.DeleteVersion(ctx, assetID, number)
	if err != nil {
		return wrap(op, Internal, err)
	}
	if !inUse {
		l.deleteBlob(ctx, sha)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventVersionDelete, AssetID: assetID})
	return nil
}

// deleteBlob removes an original no row references any more. Failure only
// leaves unreferenced bytes behind, so it is logged, not returned.
func (l *Library) deleteBlob(ctx context.Context, sha string) {
	if sha == "" {
		return
	}
	if err := l.bucket.Delete(context.WithoutCancel(ctx), storage.OriginalKey(sha)); err != nil {
		l.log.Warn("deleting unreferenced blob failed", "sha256", sha, "err", err)
	}
	l.deleteRenditions(ctx, sha)
}

// RestoreVersion makes an earlier version current again: a new version
// with that version's bytes (the same blob, no copy) and its file's
// metadata (type, dimensions, EXIF, embedded metadata, original name).
// The asset's own metadata stays as it is. The history keeps every
// version, the restored one included.
func (l *Library) RestoreVersion(ctx context.Context, assetID string, number int) (Asset, error) {
	const op = "dam.RestoreVersion"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if !actor.CanEdit() {
		return Asset{}, E(op, PermissionDenied, "only owners and editors restore versions")
	}
	a, err := l.visibleAsset(ctx, op, actor, assetID)
	if err != nil {
		return Asset{}, err
	}
	vs, err := l.store.Versions(ctx, a.ID)
	if err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	var old *Version
	for i := range vs {
		if vs[i].Number == number {
			old = &vs[i]
		}
	}
	if old == nil {
		return Asset{}, E(op, NotFound, "version %d of asset %s not found", number, a.ID)
	}
	if old.Number == a.Current.Number {
		return Asset{}, E(op, FailedPrecondition, "version %d is already the current one", number)
	}
	now := l.now().UTC()
	v := *old
	v.Number, v.CreatedBy, v.CreatedAt = 0, actor.UserID, now
	a.UpdatedBy, a.UpdatedAt = actor.UserID, now
	w := a
	w.Categories = nil // keep the asset's categories
	n, err := l.store.AddVersion(ctx, w, v)
	if err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	v.Number = n
	a.Kind = MediaKindOf(v.MediaType)
	a.Current = v
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventVersion, AssetID: a.ID, Detail: "restored version " + strconv.Itoa(number)})
	return a, nil
}
