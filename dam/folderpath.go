package dam

import "context"

// MaxFolderPath bounds how many levels MakeFolders walks or makes at once.
const MaxFolderPath = 32

// MakeFolders returns the folder at path under parentID ("" = the root of
// the actor's first domain), making the folders along it that do not exist
// yet, like mkdir -p: a dropped folder's structure recreated in the
// library. Existing folders are matched by name (after the same cleaning
// as every folder name); new ones inherit their parent's domain and
// protection. Two uploads making the same folder at once both get it.
func (l *Library) MakeFolders(ctx context.Context, parentID string, path []string) (Folder, error) {
	const op = "dam.MakeFolders"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Folder{}, err
	}
	if !actor.CanEdit() {
		return Folder{}, E(op, PermissionDenied, "only owners and editors create folders")
	}
	switch {
	case len(path) == 0:
		return Folder{}, E(op, Invalid, "no folder names given")
	case len(path) > MaxFolderPath:
		return Folder{}, E(op, Invalid, "a folder path of %d levels is deeper than the limit of %d", len(path), MaxFolderPath)
	}
	names := make([]string, len(path))
	for i, n := range path {
		if names[i], err = checkName(op, "folder", n, l.opts.MaxNameLength); err != nil {
			return Folder{}, err
		}
	}
	domain, err := l.placement(ctx, op, actor, parentID, "")
	if err != nil {
		return Folder{}, err
	}
	children, err := l.childFolders(ctx, op, domain)
	if err != nil {
		return Folder{}, err
	}
	var f Folder
	for _, name := range names {
		if existing, ok := children[parentID][name]; ok {
			f, parentID = existing, existing.ID
			continue
		}
		now := l.now().UTC()
		f = Folder{ID: NewID(now), Name: name, ParentID: parentID, Domain: domain, Protection: Inherit,
			CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
		if cerr := l.store.CreateFolder(ctx, f); KindOf(cerr) == AlreadyExists {
			// Made by someone else since the listing: take theirs.
			if children, err = l.childFolders(ctx, op, domain); err != nil {
				return Folder{}, err
			}
			existing, ok := children[parentID][name]
			if !ok {
				return Folder{}, wrap(op, Internal, cerr)
			}
			f = existing
		} else if cerr != nil {
			return Folder{}, wrap(op, Internal, cerr)
		}
		parentID = f.ID
	}
	return f, nil
}

// childFolders indexes a domain's folders by parent and name.
func (l *Library) childFolders(ctx context.Context, op, domain string) (map[string]map[string]Folder, error) {
	fs, err := l.store.Folders(ctx, []string{domain})
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := map[string]map[string]Folder{}
	for _, f := range fs {
		if out[f.ParentID] == nil {
			out[f.ParentID] = map[string]Folder{}
		}
		out[f.ParentID][f.Name] = f
	}
	return out, nil
}
