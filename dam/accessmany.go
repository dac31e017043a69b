package dam

import (
	"context"

	"github.com/damkit/damkit/policy"
)

// AccessAll is Access for a page of assets at once (one load of grants,
// settings and folders for all of them), so that a listing can mark each
// asset the actor may not download without one query per asset. Assets
// outside the actor's reach are left out of the answer.
func (l *Library) AccessAll(ctx context.Context, assets []Asset) (map[string]AccessInfo, error) {
	const op = "dam.AccessAll"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if len(assets) > maxPageSize {
		return nil, E(op, Invalid, "at most %d assets at once", maxPageSize)
	}
	ids := make([]string, 0, len(assets))
	for _, a := range assets {
		if actor.InDomain(a.Domain) && a.DeletedAt == nil {
			ids = append(ids, a.ID)
		}
	}
	out := make(map[string]AccessInfo, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	acc, err := l.loadAccess(ctx, op, actor, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range assets {
		if !actor.InDomain(a.Domain) || a.DeletedAt != nil {
			continue
		}
		d := policy.Decide(acc.input(actor, a, policy.ActionDownload, ""))
		view := policy.Decide(acc.input(actor, a, policy.ActionView, ""))
		out[a.ID] = AccessInfo{AssetID: a.ID, CanDownload: d.Allowed, CanRequest: d.CanRequest, Protected: d.Protected,
			Watermark:   view.Watermark,
			ProtectedBy: d.Source.Level.String(), FolderID: d.Source.FolderID, Reason: string(d.Reason),
			GrantID: d.GrantID, LicencePending: d.Reason == policy.ReasonLicenceRequired}
		if !d.Allowed {
			info := out[a.ID]
			info.Explanation = ErrorMessage(acc.refusal("", a, d))
			out[a.ID] = info
		}
	}
	return out, nil
}
