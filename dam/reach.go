package dam

import (
	"context"
	"slices"
	"strings"
)

// The one rule for domains (DESIGN.md, "Who may do what").
//
// Every object belongs to domains: an asset or a folder to its own; a
// share, portal or download job to those of the assets it holds and of the
// person who made it; a request or grant to its asset's; an event to its
// asset's or, when it names none, to its actor's and to those of the
// share, portal or job it names; a user to the user's own. An actor
// reaches an object when every one of the object's domains is one of the
// actor's, owners included: an owner is an owner of its domains. An object
// out of reach answers exactly as an absent one (NotFound, with the same
// message), so its existence does not leak.
//
// Administering the library is a separate power, held by owners whose user
// has Admin set (the first user of a library, and owners an admin makes
// admins). An admin also reaches every user, whatever their domains, and
// is the only one to change what belongs to no domain: the usage settings,
// export profiles and licences, and categories holding assets of domains
// that are not the actor's (reachesCategory). Content stays behind the
// domains for admins too: an admin who needs another domain's assets adds
// that domain to their own user, a change that is on record.

// IsAdmin reports whether the actor administers the whole library.
func (a Actor) IsAdmin() bool { return a.IsOwner() && a.Admin }

// reaches reports whether the actor reaches an object of the given
// domains. An object of no domain is the library's: only admins reach it.
func (a Actor) reaches(domains ...string) bool {
	if len(domains) == 0 {
		return a.IsAdmin()
	}
	for _, d := range domains {
		if !a.InDomain(d) {
			return false
		}
	}
	return true
}

// reachesUser reports whether the actor may see and manage user u: admins
// reach every user, owners those all of whose domains are theirs, and
// anyone reaches themselves.
func (a Actor) reachesUser(u User) bool {
	if a.IsAdmin() || a.UserID == u.ID {
		return true
	}
	return len(u.Domains) > 0 && a.reaches(u.Domains...)
}

// administrator returns the actor of ctx if it administers the library;
// what names the library-wide thing it tried to change.
func administrator(ctx context.Context, op, what string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.IsAdmin() {
		return Actor{}, E(op, PermissionDenied, "only administrators change %s: they belong to the whole library, not to a domain", what)
	}
	return actor, nil
}

// absent is the one answer for a missing object and for one out of reach:
// the same kind and the same message, so the two cannot be told apart.
func absent(op, what, id string) error {
	if !validID(id) {
		return E(op, NotFound, "%s %.30q not found", what, id)
	}
	return E(op, NotFound, "%s %s not found", what, id)
}

// reachesCategory checks that the actor may change or delete a category.
// The category tree is the library's, shared by every domain; a category
// belongs to the domains of the assets in it and its subcategories, and
// one that holds another domain's assets is changed by an admin only (it
// is visible to all, so the answer is PermissionDenied, not NotFound). An
// empty category is any editor's.
func (l *Library) reachesCategory(ctx context.Context, op string, actor Actor, id string) error {
	if actor.IsAdmin() {
		return nil
	}
	ds, err := l.store.CategoryDomains(ctx, id)
	if err != nil {
		return wrap(op, Internal, err)
	}
	if len(ds) > 0 && !actor.reaches(ds...) {
		return E(op, PermissionDenied, "category %s holds assets of domains that are not yours: only an administrator changes it", id)
	}
	return nil
}

// reachesPerson reports whether the actor reaches the user with this ID, a
// person an object concerns (its creator, its requester). A person who no
// longer exists adds no domain.
func (l *Library) reachesPerson(ctx context.Context, op string, actor Actor, userID string) (bool, error) {
	if userID == "" || userID == actor.UserID {
		return true, nil
	}
	u, err := l.store.User(ctx, userID)
	if KindOf(err) == NotFound {
		return true, nil
	}
	if err != nil {
		return false, wrap(op, Internal, err)
	}
	return len(u.Domains) > 0 && actor.reaches(u.Domains...), nil
}

// reachesAssets reports whether every asset named by ids that still
// exists (live or trashed) is of the actor's domains. The common case (all
// in reach) costs two queries; only IDs not found in the actor's domains
// are looked up one by one, to tell a purged asset from another domain's.
func (l *Library) reachesAssets(ctx context.Context, op string, actor Actor, ids []string) (bool, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return true, nil
	}
	found := make(map[string]bool, len(ids))
	if len(actor.Domains) > 0 {
		for start := 0; start < len(ids); start += 500 {
			chunk := ids[start:min(start+500, len(ids))]
			for _, trash := range []bool{false, true} {
				as, _, err := l.store.Assets(ctx, AssetQuery{Domains: actor.Domains, IDs: chunk, Deleted: trash, Limit: len(chunk)})
				if err != nil {
					return false, wrap(op, Internal, err)
				}
				for _, a := range as {
					found[a.ID] = true
				}
			}
		}
	}
	for _, id := range ids {
		if found[id] || !validID(id) {
			continue
		}
		a, err := l.store.Asset(ctx, id)
		if KindOf(err) == NotFound {
			continue
		}
		if err != nil {
			return false, wrap(op, Internal, err)
		}
		if !actor.reaches(a.Domain) {
			return false, nil
		}
	}
	return true, nil
}

// reachesObject is the rule for objects made of assets by a person
// (shares, portals, jobs): the actor reaches the person and every asset.
func (l *Library) reachesObject(ctx context.Context, op string, actor Actor, by string, assetIDs []string) (bool, error) {
	ok, err := l.reachesPerson(ctx, op, actor, by)
	if err != nil || !ok {
		return false, err
	}
	return l.reachesAssets(ctx, op, actor, assetIDs)
}

// eventReach is the part of the usage log the actor reaches: events about
// assets of its domains, and events about no asset by users it reaches.
func (l *Library) eventReach(ctx context.Context, op string, actor Actor) (*EventReach, error) {
	r := &EventReach{Domains: slices.Clone(actor.Domains), ActorIDs: []string{}, People: actor.IsOwner()}
	if actor.IsAdmin() {
		r.AllUsers = true // an admin reaches every user: no list to send
		return r, nil
	}
	users, err := l.store.Users(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	for _, u := range users {
		if actor.reachesUser(u) {
			r.ActorIDs = append(r.ActorIDs, u.ID)
		}
	}
	return r, nil
}

// siftEvents keeps, of the events a store returned for an EventReach, those
// about no asset whose share, portal or download job the actor reaches: an
// event names its subject in its detail ("share <id> ...", "job <id>: ...").
// A guest's or visitor's event that names none is dropped.
func (l *Library) siftEvents(ctx context.Context, op string, actor Actor, es []Event) ([]Event, error) {
	known := map[string]bool{}
	out := es[:0]
	for _, e := range es {
		if e.AssetID != "" {
			out = append(out, e)
			continue
		}
		kind, id := eventSubject(e.Detail)
		if kind == "" {
			if !strings.Contains(e.ActorID, "@") {
				out = append(out, e)
			}
			continue
		}
		key := kind + " " + id
		ok, seen := known[key]
		if !seen {
			var err error
			switch kind {
			case "share":
				_, _, err = l.ownShare(ctx, op, id)
			case "portal":
				if actor.IsOwner() {
					_, err = l.portalByID(ctx, op, actor, id)
				} else {
					err = absent(op, "portal", id)
				}
			case "job":
				_, err = l.visibleJob(ctx, op, actor, id)
			}
			if err != nil && KindOf(err) != NotFound {
				return nil, err
			}
			ok = err == nil
			known[key] = ok
		}
		if ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// eventSubject finds the share, portal or job an event's detail names
// ("share <id>", "... portal <id>", "job <id>: ...").
func eventSubject(detail string) (kind, id string) {
	fs := strings.Fields(detail)
	for i := 0; i+1 < len(fs); i++ {
		if id := strings.TrimSuffix(fs[i+1], ":"); (fs[i] == "share" || fs[i] == "portal" || fs[i] == "job") && validID(id) {
			return fs[i], id
		}
	}
	return "", ""
}
