package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// Protection is the owners' decision (DESIGN.md): a move that lowers what
// guards an asset — its effective protection, or the licence that governs
// it — takes an owner. Editors still move assets and folders wherever the
// guard stays (into a protected folder, between folders of one protection,
// or an asset protected by its own setting).

// guard is what keeps an asset from being downloaded freely: whether it is
// protected and the licence to accept first ("" for none).
type guard struct {
	protected bool
	licence   string
}

// lowers reports why g2 guards less than g ("" when it does not).
func (g guard) lowers(g2 guard) string {
	switch {
	case g.protected && !g2.protected:
		return "its protection"
	case g.licence != "" && g2.licence == "":
		return "its licence " + g.licence
	}
	return ""
}

// guardOf is the guard of asset a where it stands (a may be a moved copy).
func (acc *access) guardOf(actor Actor, a Asset) guard {
	d := policy.Decide(acc.input(actor, a, policy.ActionDownload, ""))
	return guard{d.Protected, d.Licence}
}

// inherited is the guard an asset of domain that sets nothing itself gets
// in folder fid ("" the root): what a folder moved there inherits.
func (acc *access) inherited(actor Actor, domain, fid string) guard {
	probe := Asset{ID: "probe", Domain: domain, FolderID: fid, Kind: MediaOther, Availability: Available, Protection: Inherit}
	return acc.guardOf(actor, probe)
}

// checkAssetMove refuses a non-owner's move of a to folderID when it would
// guard the asset less.
func (l *Library) checkAssetMove(ctx context.Context, op string, actor Actor, acc **access, a Asset, folderID string) error {
	if actor.IsOwner() || folderID == a.FolderID {
		return nil
	}
	if *acc == nil {
		var err error
		if *acc, err = l.loadAccess(ctx, op, actor, nil); err != nil {
			return err
		}
	}
	moved := a
	moved.FolderID = folderID
	if what := (*acc).guardOf(actor, a).lowers((*acc).guardOf(actor, moved)); what != "" {
		return E(op, PermissionDenied, "moving asset %s there would drop %s, so people could download it without asking: "+
			"only owners lower an asset's protection (ask an owner to move it, or to protect the asset itself first)", a.ID, what)
	}
	return nil
}

// checkFolderMove refuses a non-owner's move of folder f under parentID
// when what f passes on to its assets and subfolders would guard less.
func (l *Library) checkFolderMove(ctx context.Context, op string, actor Actor, f Folder, parentID string) error {
	if actor.IsOwner() || parentID == f.ParentID {
		return nil
	}
	acc, err := l.loadAccess(ctx, op, actor, nil)
	if err != nil {
		return err
	}
	before, after := acc.inherited(actor, f.Domain, f.ParentID), acc.inherited(actor, f.Domain, parentID)
	// A setting of the folder's own stays with it.
	if f.Protection == Protected || f.Protection == Unprotected {
		before.protected, after.protected = false, false
	}
	if f.Licence != "" {
		before.licence, after.licence = "", ""
	}
	if what := before.lowers(after); what != "" {
		return E(op, PermissionDenied, "moving folder %s there would drop %s for everything in it, so people could download it without asking: "+
			"only owners lower protection (ask an owner to move it, or to protect the folder itself first)", f.ID, what)
	}
	return nil
}
