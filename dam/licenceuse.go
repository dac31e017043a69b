package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// LicenceUses is what the store finds set to a licence in some domains.
type LicenceUses struct {
	FolderIDs  []string
	AssetIDs   []string // the first ones, in ID order
	AssetCount int      // all of them
}

// LicenceUse says where a licence applies, within the owner's reach: what
// is set to it, and the portals whose visitors it governs.
type LicenceUse struct {
	LibraryDefault bool     `json:"library_default"` // the library's default licence
	Folders        []Folder `json:"folders"`         // set on them; their subtrees inherit it
	Assets         []Asset  `json:"assets"`          // set on them directly (trashed ones too): the first MaxLicenceUseAssets
	AssetCount     int      `json:"asset_count"`     // all the assets set to it directly
	Portals        []Portal `json:"portals"`         // portals where a visitor must accept it to download
}

// MaxLicenceUseAssets bounds the assets LicenceUse lists.
const MaxLicenceUseAssets = 100

// maxLicenceUsePortalAssets bounds the assets LicenceUse decides, all
// portals together: past it, the portals not yet looked at are left out.
const maxLicenceUsePortalAssets = 20000

// LicenceUse says where licence id applies (owners only), within the
// actor's domains: objects of other domains are neither listed nor
// counted. Portals list those the actor reaches in which the licence
// governs the download of one of the assets.
func (l *Library) LicenceUse(ctx context.Context, id string) (LicenceUse, error) {
	const op = "dam.LicenceUse"
	actor, err := l.licenceOwner(ctx, op)
	if err != nil {
		return LicenceUse{}, err
	}
	if _, err := l.licence(ctx, op, id); err != nil {
		return LicenceUse{}, err
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		return LicenceUse{}, wrap(op, Internal, err)
	}
	u := LicenceUse{LibraryDefault: s.Licence == id, Folders: []Folder{}, Assets: []Asset{}, Portals: []Portal{}}
	found, err := l.store.LicenceUses(ctx, id, actor.Domains, MaxLicenceUseAssets)
	if err != nil {
		return LicenceUse{}, wrap(op, Internal, err)
	}
	u.AssetCount = found.AssetCount
	for _, fid := range found.FolderIDs {
		f, err := l.store.Folder(ctx, fid)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return LicenceUse{}, wrap(op, Internal, err)
		}
		u.Folders = append(u.Folders, f)
	}
	for _, aid := range found.AssetIDs {
		a, err := l.store.Asset(ctx, aid)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return LicenceUse{}, wrap(op, Internal, err)
		}
		u.Assets = append(u.Assets, a)
	}
	ps, err := l.Portals(ctx)
	if err != nil {
		return LicenceUse{}, err
	}
	visitor := Actor{Kind: ActorVisitor}
	budget := maxLicenceUsePortalAssets
	for _, p := range ps {
		ids, err := l.portalAssetIDs(ctx, op, p)
		if err != nil {
			return LicenceUse{}, err
		}
		if budget -= len(ids); budget < 0 {
			break
		}
		governs, err := l.governsPortal(ctx, op, visitor, p, ids, id)
		if err != nil {
			return LicenceUse{}, err
		}
		if governs {
			u.Portals = append(u.Portals, p)
		}
	}
	return u, nil
}

// governsPortal reports whether licence id governs a visitor's download of
// one of the portal's assets.
func (l *Library) governsPortal(ctx context.Context, op string, visitor Actor, p Portal, ids []string, id string) (bool, error) {
	as, err := l.presentAssets(ctx, op, ids)
	if err != nil || len(as) == 0 {
		return false, err
	}
	acc, err := l.loadAccess(ctx, op, visitor, ids)
	if err != nil {
		return false, err
	}
	pp := policyPortal(p, ids)
	for _, a := range as {
		in := acc.input(visitor, a, policy.ActionDownload, "")
		in.Portal = pp
		if policy.Decide(in).Licence == id {
			return true, nil
		}
	}
	return false, nil
}
