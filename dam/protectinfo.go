package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// FolderProtectionInfo is what a folder's protection resolves to: its own
// setting, and the protection its assets without a setting of their own
// get, with where that comes from.
type FolderProtectionInfo struct {
	FolderID string     `json:"folder_id"`
	Setting  Protection `json:"setting"` // the folder's own: inherit, protected or unprotected
	// Protected is what the folder passes on to its assets that inherit.
	Protected bool `json:"protected"`
	// ProtectedBy is "folder" when a folder decides (SetBy names it: this
	// folder or the nearest parent with a setting) or "library" when none
	// does and the library's default applies.
	ProtectedBy string `json:"protected_by"`
	SetBy       string `json:"set_by,omitempty"`
}

// FolderProtection tells what a folder's protection resolves to and why,
// for anyone who reaches the folder.
func (l *Library) FolderProtection(ctx context.Context, id string) (FolderProtectionInfo, error) {
	const op = "dam.FolderProtection"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return FolderProtectionInfo{}, err
	}
	f, err := l.visibleFolder(ctx, op, actor, id)
	if err != nil {
		return FolderProtectionInfo{}, err
	}
	st, err := l.store.Settings(ctx)
	if err != nil {
		return FolderProtectionInfo{}, wrap(op, Internal, err)
	}
	fs, err := l.store.Folders(ctx, []string{f.Domain})
	if err != nil {
		return FolderProtectionInfo{}, wrap(op, Internal, err)
	}
	rows := make([]policy.Folder, 0, len(fs))
	for _, x := range fs {
		rows = append(rows, policy.Folder{ID: x.ID, ParentID: x.ParentID, Protection: policySetting(x.Protection)})
	}
	tree, err := policy.NewTree(rows)
	if err != nil {
		return FolderProtectionInfo{}, wrap(op, Internal, err)
	}
	info := FolderProtectionInfo{FolderID: f.ID, Setting: f.Protection, Protected: st.ProtectByDefault, ProtectedBy: "library"}
	if info.Setting == "" {
		info.Setting = Inherit
	}
	s, by, ok := tree.Resolve(f.ID)
	switch {
	case !ok:
		// The folder is missing from its own domain's tree: fail closed, as
		// downloads do.
		info.Protected, info.ProtectedBy, info.SetBy = true, "folder", f.ID
	case by != "":
		info.Protected, info.ProtectedBy, info.SetBy = s == policy.Protected, "folder", by
	}
	return info, nil
}
