package dam

import "context"

// CreateFolder makes a folder under parentID ("" = root) in domain (default:
// the parent's domain, else the actor's first).
func (l *Library) CreateFolder(ctx context.Context, name, parentID, domain string) (Folder, error) {
	const op = "dam.CreateFolder"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Folder{}, err
	}
	if !actor.CanEdit() {
		return Folder{}, E(op, PermissionDenied, "only owners and editors create folders")
	}
	if name, err = checkName(op, "folder", name, l.opts.MaxNameLength); err != nil {
		return Folder{}, err
	}
	if domain, err = l.placement(ctx, op, actor, parentID, domain); err != nil {
		return Folder{}, err
	}
	now := l.now().UTC()
	f := Folder{ID: NewID(now), Name: name, ParentID: parentID, Domain: domain, Protection: Inherit,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := l.store.CreateFolder(ctx, f); err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	return f, nil
}

// visibleFolder returns a folder of the actor's domains, NotFound otherwise.
func (l *Library) visibleFolder(ctx context.Context, op string, actor Actor, id string) (Folder, error) {
	if !validID(id) {
		return Folder{}, E(op, NotFound, "folder %q not found", id)
	}
	f, err := l.store.Folder(ctx, id)
	if err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	if !actor.reaches(f.Domain) {
		return Folder{}, E(op, NotFound, "folder %s not found", id)
	}
	return f, nil
}

// Folder returns one folder.
func (l *Library) Folder(ctx context.Context, id string) (Folder, error) {
	const op = "dam.Folder"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Folder{}, err
	}
	return l.visibleFolder(ctx, op, actor, id)
}

// Folders lists every folder of the actor's domains.
func (l *Library) Folders(ctx context.Context) ([]Folder, error) {
	const op = "dam.Folders"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if len(actor.Domains) == 0 {
		return nil, nil
	}
	fs, err := l.store.Folders(ctx, actor.Domains)
	return fs, wrap(op, Internal, err)
}

// RenameFolder gives a folder a new name, unique among its siblings.
func (l *Library) RenameFolder(ctx context.Context, id, name string) (Folder, error) {
	const op = "dam.RenameFolder"
	actor, err := l.folderEditor(ctx, op, id)
	if err != nil {
		return Folder{}, err
	}
	if name, err = checkName(op, "folder", name, l.opts.MaxNameLength); err != nil {
		return Folder{}, err
	}
	if err := l.store.RenameFolder(ctx, id, name, l.now().UTC()); err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	return l.visibleFolder(ctx, op, actor, id)
}

// MoveFolder moves a folder under parentID ("" = root). Moving a folder into
// its own subtree is refused with FailedPrecondition.
func (l *Library) MoveFolder(ctx context.Context, id, parentID string) (Folder, error) {
	const op = "dam.MoveFolder"
	actor, err := l.folderEditor(ctx, op, id)
	if err != nil {
		return Folder{}, err
	}
	f, err := l.visibleFolder(ctx, op, actor, id)
	if err != nil {
		return Folder{}, err
	}
	if parentID != "" {
		p, err := l.visibleFolder(ctx, op, actor, parentID)
		if err != nil {
			return Folder{}, err
		}
		if p.Domain != f.Domain {
			return Folder{}, E(op, Invalid, "cannot move a folder into another domain")
		}
	}
	if parentID == id {
		return Folder{}, E(op, FailedPrecondition, "a folder cannot be moved into itself")
	}
	if err := l.checkFolderMove(ctx, op, actor, f, parentID); err != nil {
		return Folder{}, err
	}
	if err := l.store.MoveFolder(ctx, id, parentID, l.now().UTC()); err != nil {
		return Folder{}, wrap(op, Internal, err)
	}
	return l.visibleFolder(ctx, op, actor, id)
}

// DeleteFolder removes an empty folder.
func (l *Library) DeleteFolder(ctx context.Context, id string) error {
	const op = "dam.DeleteFolder"
	if _, err := l.folderEditor(ctx, op, id); err != nil {
		return err
	}
	return wrap(op, Internal, l.store.DeleteFolder(ctx, id))
}

func (l *Library) folderEditor(ctx context.Context, op, id string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if _, err := l.visibleFolder(ctx, op, actor, id); err != nil {
		return Actor{}, err
	}
	if !actor.CanEdit() {
		return Actor{}, E(op, PermissionDenied, "only owners and editors change folders")
	}
	return actor, nil
}
