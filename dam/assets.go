package dam

import (
	"context"
	"io"
	"time"
)

// UploadOptions describe a new asset. Name is required; the rest defaults.
type UploadOptions struct {
	Name     string
	FolderID string // "" is the library root
	Domain   string // default: the folder's domain, else the actor's first
	// Meta is the asset's metadata. Over CopyMetaFrom, only the fields it
	// gives replace the copied ones (a non-empty title or description,
	// non-nil keywords, each custom field; an empty field value removes that
	// field); the others are copied. nil: empty, or the copied metadata.
	Meta         *Metadata
	CopyMetaFrom string // duplicate the metadata of this asset onto the upload
	Availability Availability
	ExpiresAt    *time.Time
	Protection   Protection

	// Categories are the IDs of the categories the asset goes in (an
	// unknown one is Invalid). nil: none, or with CopyMetaFrom the
	// categories of that asset.
	Categories []string

	// Sidecar is an XMP sidecar that came with the file (foo.xmp beside
	// foo.jpg; see IsSidecar): its metadata replaces what the file itself
	// says, never what Meta gives. Invalid when it holds no XMP.
	Sidecar []byte
}

// Upload ingests r as a new asset. Bytes are stored first (once per
// content) and the asset row is committed second, so an upload that fails
// halfway leaves no asset. An XMP sidecar (foo.xmp) whose partner
// (foo.jpg) is in the folder is applied to the partner instead, and the
// answer is the partner (see IsSidecar).
func (l *Library) Upload(ctx context.Context, r io.Reader, o UploadOptions) (Asset, error) {
	const op = "dam.Upload"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if !actor.CanEdit() {
		return Asset{}, E(op, PermissionDenied, "only owners and editors upload")
	}
	name, err := checkName(op, "asset", o.Name, l.opts.MaxNameLength)
	if err != nil {
		return Asset{}, err
	}
	domain, err := l.placement(ctx, op, actor, o.FolderID, o.Domain)
	if err != nil {
		return Asset{}, err
	}
	var side *Embedded
	if o.Sidecar != nil {
		if side, err = ParseSidecar(o.Sidecar); err != nil {
			return Asset{}, E(op, Invalid, "the sidecar of %s: %s", name, ErrorMessage(err))
		}
	}
	if IsSidecar(name) && o.Sidecar == nil {
		// foo.xmp beside foo.jpg is foo.jpg's metadata, not an asset (the
		// other options are for a new asset: they do not apply then).
		s, whole, err := readSidecar(r)
		if err != nil {
			return Asset{}, wrap(op, Invalid, err)
		}
		r = whole
		if s != nil {
			partner, ok, err := l.sidecarPartner(ctx, op, actor, domain, o.FolderID, name)
			if err != nil {
				return Asset{}, err
			}
			if ok {
				return l.applySidecar(ctx, op, actor, partner, name, s)
			}
		}
	}
	meta, cats := Metadata{}, []string(nil)
	if o.CopyMetaFrom != "" {
		src, err := l.visibleAsset(ctx, op, actor, o.CopyMetaFrom)
		if err != nil {
			return Asset{}, err
		}
		meta, cats = src.Meta, src.Categories
	}
	if o.Categories != nil {
		if cats, err = l.checkCategories(ctx, op, o.Categories, map[string]bool{}); err != nil {
			return Asset{}, err
		}
	}
	schema, err := l.schema(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if o.Meta != nil {
		if meta, err = overlayMetadata(op, schema, meta, *o.Meta); err != nil {
			return Asset{}, err
		}
	}
	if err := schema.checkRequired(op, meta); err != nil && !schema.fileMayFill(meta) {
		return Asset{}, err // refused before the bytes are read, unless the file's metadata may fill the gap
	}
	avail := o.Availability
	if avail == "" {
		avail = Available
	}
	if avail != Available && avail != Unavailable {
		return Asset{}, E(op, Invalid, "availability must be %q or %q", Available, Unavailable)
	}
	prot := o.Protection
	if prot == "" {
		prot = Inherit
	}
	if !prot.Valid() {
		return Asset{}, E(op, Invalid, "protection must be inherit, protected or unprotected")
	}
	in, err := l.ingest(ctx, r)
	if err != nil {
		return Asset{}, err
	}
	now := l.now().UTC()
	a := Asset{
		ID: NewID(now), Name: name, FolderID: o.FolderID, Domain: domain,
		Kind: MediaKindOf(in.MediaType), Meta: withSidecar(fillFromFile(meta, in.Embedded), in.Embedded, side), Availability: avail,
		Protection: prot, CreatedBy: actor.UserID, CreatedAt: now, UpdatedBy: actor.UserID, UpdatedAt: now,
		Categories: cats,
	}
	if err := schema.checkRequired(op, a.Meta); err != nil {
		return Asset{}, err
	}
	if o.ExpiresAt != nil {
		t := o.ExpiresAt.UTC()
		a.ExpiresAt = &t
	}
	a.Current = in.version(a.ID, 1, name, actor.UserID, now)
	if err := l.store.CreateAsset(ctx, a); err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	a.Categories = asRead(a.Categories)
	l.log.Info("asset uploaded", "asset", a.ID, "size", in.Size, "type", in.MediaType, "dedup", in.Existed)
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventUpload, AssetID: a.ID, Detail: name})
	return a, nil
}

func (in ingested) version(assetID string, n int, name, by string, at time.Time) Version {
	return Version{
		AssetID: assetID, Number: n, SHA256: in.SHA256, CRC32: in.CRC32, Size: in.Size,
		MediaType: in.MediaType, Width: in.Width, Height: in.Height, EXIF: in.EXIF, Embedded: in.Embedded,
		Media: in.Media, OriginalName: name, CreatedBy: by, CreatedAt: at,
	}
}

// placement checks that the actor may put something in folderID and returns
// the domain it belongs to.
func (l *Library) placement(ctx context.Context, op string, actor Actor, folderID, domain string) (string, error) {
	if folderID != "" {
		f, err := l.visibleFolder(ctx, op, actor, folderID)
		if err != nil {
			return "", err
		}
		if domain != "" && domain != f.Domain {
			return "", E(op, Invalid, "folder %s belongs to domain %q, not %q", folderID, f.Domain, domain)
		}
		return f.Domain, nil
	}
	if domain == "" {
		if len(actor.Domains) == 0 {
			return "", E(op, PermissionDenied, "the actor belongs to no domain")
		}
		return actor.Domains[0], nil
	}
	if !actor.reaches(domain) {
		return "", E(op, PermissionDenied, "not a member of domain %q", domain)
	}
	return domain, nil
}

// visibleAsset returns a live asset the actor may see; assets outside the
// actor's domains are NotFound, so their existence does not leak.
func (l *Library) visibleAsset(ctx context.Context, op string, actor Actor, id string) (Asset, error) {
	a, err := l.anyAsset(ctx, op, actor, id)
	if err != nil {
		return Asset{}, err
	}
	if a.DeletedAt != nil {
		return Asset{}, E(op, NotFound, "asset %s not found", id)
	}
	return a, nil
}

// anyAsset is visibleAsset that also returns trashed assets.
func (l *Library) anyAsset(ctx context.Context, op string, actor Actor, id string) (Asset, error) {
	if !validID(id) {
		return Asset{}, E(op, NotFound, "asset %q not found", id)
	}
	a, err := l.store.Asset(ctx, id)
	if err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	if !actor.reaches(a.Domain) {
		return Asset{}, E(op, NotFound, "asset %s not found", id)
	}
	return a, nil
}

// Asset returns one live asset.
func (l *Library) Asset(ctx context.Context, id string) (Asset, error) {
	const op = "dam.Asset"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	return l.visibleAsset(ctx, op, actor, id)
}

// Assets lists live assets of the actor's domains, a page at a time.
func (l *Library) Assets(ctx context.Context, q AssetQuery) ([]Asset, string, error) {
	const op = "dam.Assets"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	return l.listAssets(ctx, op, actor, q, false)
}

func (l *Library) listAssets(ctx context.Context, op string, actor Actor, q AssetQuery, trash bool) ([]Asset, string, error) {
	if err := l.checkQuery(ctx, op, actor, &q, trash); err != nil {
		return nil, "", err
	}
	if len(q.Domains) == 0 {
		return nil, "", nil
	}
	if q.policyFiltered() {
		return l.policyFilteredAssets(ctx, op, actor, q)
	}
	as, next, err := l.store.Assets(ctx, q)
	if err != nil {
		return nil, "", wrap(op, Internal, err)
	}
	return as, next, nil
}

// checkQuery validates a listing's query and completes it: the actor's
// domains, trash or live, the effective sort and the page size.
func (l *Library) checkQuery(ctx context.Context, op string, actor Actor, q *AssetQuery, trash bool) error {
	q.Domains = actor.Domains
	if len(q.Domains) == 0 {
		return nil
	}
	q.Deleted = trash
	q.Now = time.Time{}
	if q.Availability != "" {
		q.Now = l.now().UTC()
	}
	search, err := parseSearch(op, q.Text)
	if err != nil {
		return err
	}
	q.Sort = EffectiveSort(*q)
	if q.Sort == SortRelevance && search.Empty() {
		return E(op, Invalid, "sort %s needs search text", SortRelevance)
	}
	if _, err := parseAssetCursor(op, q.Sort, q.Cursor); err != nil {
		return err
	}
	if q.Limit, err = l.page(op, "", q.Limit); err != nil {
		return err
	}
	for _, id := range q.IDs {
		if !validID(id) {
			return E(op, Invalid, "bad asset id %q", id)
		}
	}
	if err := checkFilters(op, *q); err != nil {
		return err
	}
	if q.CollectionID != "" {
		if _, err := l.ownCollection(ctx, op, actor, q.CollectionID); err != nil {
			return err
		}
	}
	return l.filterCategory(ctx, op, q.CategoryID)
}

// EditAsset applies one patch to one asset.
func (l *Library) EditAsset(ctx context.Context, id string, p AssetPatch) (Asset, error) {
	as, err := l.editAssets(ctx, "dam.EditAsset", map[string]AssetPatch{id: p}, []string{id})
	if err != nil {
		return Asset{}, err
	}
	return as[0], nil
}

// EditAssets applies a patch to many assets in one transaction: all change
// or none does (a missing id leaves everything as it was).
func (l *Library) EditAssets(ctx context.Context, ids []string, p AssetPatch) ([]Asset, error) {
	patches := make(map[string]AssetPatch, len(ids))
	for _, id := range ids {
		patches[id] = p
	}
	return l.editAssets(ctx, "dam.EditAssets", patches, ids)
}

// maxBulk bounds one bulk call.
const maxBulk = 10000

func (l *Library) editAssets(ctx context.Context, op string, patches map[string]AssetPatch, order []string) ([]Asset, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if !actor.CanEdit() {
		return nil, E(op, PermissionDenied, "only owners and editors edit assets")
	}
	if len(order) == 0 {
		return nil, E(op, Invalid, "no assets given")
	}
	if len(order) > maxBulk {
		return nil, E(op, Invalid, "at most %d assets per call", maxBulk)
	}
	schema, err := l.schema(ctx, op)
	if err != nil {
		return nil, err
	}
	now := l.now().UTC()
	out := make([]Asset, 0, len(order))
	writes := make([]Asset, 0, len(order)) // as out, with nil Categories where they stay
	known := map[string]bool{}             // categories found to exist
	seen := make(map[string]bool, len(order))
	var acc *access // loaded by the first move that needs it
	for _, id := range order {
		if seen[id] {
			continue
		}
		seen[id] = true
		a, err := l.visibleAsset(ctx, op, actor, id)
		if err != nil {
			return nil, err
		}
		p := patches[id]
		if err := l.checkPatch(ctx, op, actor, &acc, a, p); err != nil {
			return nil, err
		}
		b := p.apply(a)
		if p.Name != nil {
			if b.Name, err = checkName(op, "asset", b.Name, l.opts.MaxNameLength); err != nil {
				return nil, err
			}
		}
		if b.Meta, err = checkMetadata(op, b.Meta); err != nil {
			return nil, err
		}
		if err := schema.checkPatched(op, &b.Meta, p.Fields); err != nil {
			return nil, err
		}
		b.UpdatedBy, b.UpdatedAt = actor.UserID, now
		w := b
		if p.Categories != nil {
			if b.Categories, err = l.checkCategories(ctx, op, *p.Categories, known); err != nil {
				return nil, err
			}
			w.Categories, b.Categories = b.Categories, asRead(b.Categories)
		} else {
			w.Categories = nil // not written, so a concurrent AddToCategory is not undone
		}
		out = append(out, b)
		writes = append(writes, w)
	}
	if err := l.store.UpdateAssets(ctx, writes); err != nil {
		return nil, wrap(op, Internal, err)
	}
	es := make([]Event, len(out))
	for i, a := range out {
		es[i] = Event{ActorID: actor.UserID, Action: EventEdit, AssetID: a.ID}
	}
	l.record(ctx, es...)
	return out, nil
}

func (l *Library) checkPatch(ctx context.Context, op string, actor Actor, acc **access, a Asset, p AssetPatch) error {
	if p.Availability != nil && *p.Availability != Available && *p.Availability != Unavailable {
		return E(op, Invalid, "availability must be %q or %q", Available, Unavailable)
	}
	if p.FolderID != nil && *p.FolderID != a.FolderID {
		domain, err := l.placement(ctx, op, actor, *p.FolderID, "")
		if err != nil {
			return err
		}
		if *p.FolderID != "" && domain != a.Domain {
			return E(op, Invalid, "cannot move asset %s to a folder of another domain", a.ID)
		}
		if err := l.checkAssetMove(ctx, op, actor, acc, a, *p.FolderID); err != nil {
			return err
		}
	}
	return nil
}

// Clone makes a new asset with the same bytes (stored once) and a copy of
// the metadata of the source's current version, in the source's categories.
func (l *Library) Clone(ctx context.Context, id string, name string) (Asset, error) {
	return l.CloneWith(ctx, id, CloneOptions{Name: name})
}

// CloneOptions describe a clone. The zero value clones everything.
type CloneOptions struct {
	Name string // default: the source's name
	// Categories of the clone (IDs); nil: the source's categories.
	Categories []string
}

// CloneWith is Clone with options: the clone may be categorised at once.
func (l *Library) CloneWith(ctx context.Context, id string, o CloneOptions) (Asset, error) {
	const op = "dam.Clone"
	name := o.Name
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Asset{}, err
	}
	if !actor.CanEdit() {
		return Asset{}, E(op, PermissionDenied, "only owners and editors clone assets")
	}
	src, err := l.visibleAsset(ctx, op, actor, id)
	if err != nil {
		return Asset{}, err
	}
	if name == "" {
		name = src.Name
	}
	if name, err = checkName(op, "asset", name, l.opts.MaxNameLength); err != nil {
		return Asset{}, err
	}
	if o.Categories != nil {
		if src.Categories, err = l.checkCategories(ctx, op, o.Categories, map[string]bool{}); err != nil {
			return Asset{}, err
		}
	}
	now := l.now().UTC()
	a := src
	a.ID, a.Name = NewID(now), name
	a.CreatedBy, a.CreatedAt, a.UpdatedBy, a.UpdatedAt = actor.UserID, now, actor.UserID, now
	a.DeletedAt, a.DeletedBy = nil, ""
	a.Current.AssetID, a.Current.Number, a.Current.CreatedBy, a.Current.CreatedAt = a.ID, 1, actor.UserID, now
	if err := l.store.CreateAsset(ctx, a); err != nil {
		return Asset{}, wrap(op, Internal, err)
	}
	a.Categories = asRead(a.Categories)
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventClone, AssetID: a.ID, Detail: "from " + src.ID})
	return a, nil
}

// AddNote attaches a note to an asset.
func (l *Library) AddNote(ctx context.Context, assetID, text string) (Note, error) {
	const op = "dam.AddNote"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Note{}, err
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return Note{}, err
	}
	text = cleanText(text, maxNote+1)
	if text == "" {
		return Note{}, E(op, Invalid, "note is empty")
	}
	if len([]rune(text)) > maxNote {
		return Note{}, E(op, Invalid, "note is longer than %d characters", maxNote)
	}
	now := l.now().UTC()
	n := Note{ID: NewID(now), AssetID: assetID, AuthorID: actor.UserID, Text: text, CreatedAt: now}
	if err := l.store.AddNote(ctx, n); err != nil {
		return Note{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventNote, AssetID: assetID})
	return n, nil
}

// Notes lists the notes of an asset, oldest first.
func (l *Library) Notes(ctx context.Context, assetID string) ([]Note, error) {
	const op = "dam.Notes"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if _, err := l.visibleAsset(ctx, op, actor, assetID); err != nil {
		return nil, err
	}
	ns, err := l.store.Notes(ctx, assetID)
	return ns, wrap(op, Internal, err)
}
