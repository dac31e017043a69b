package policy

import (
	"strings"
	"time"
)

// Grant is a time-limited permission to download, given when a request was
// approved. It names its holder (a user ID, or the email of a portal
// visitor) and either one asset or a whole set of assets.
//
// A grant allows from From (inclusive) until Until (exclusive; zero means
// until revoked), and never at or after RevokedAt. The zero Grant names no
// one and nothing, so it allows nothing.
type Grant struct {
	ID        string
	ActorID   string   // the user it was given to, or
	Email     string   // the portal visitor it was given to
	AssetID   string   // the one asset it covers, or
	Assets    []string // the set of assets it covers
	From      time.Time
	Until     time.Time
	RevokedAt time.Time
}

// ValidAt reports whether g is in force at now: started, not ended, not
// revoked.
func (g *Grant) ValidAt(now time.Time) bool {
	return !now.Before(g.From) &&
		(g.Until.IsZero() || now.Before(g.Until)) &&
		(g.RevokedAt.IsZero() || now.Before(g.RevokedAt))
}

// holder reports whether g was given to a. Users are matched by ID,
// portal visitors by email (case-insensitively); share guests hold no
// grants.
func (g *Grant) holder(a *Actor) bool {
	switch {
	case a.Role.member():
		return g.ActorID != "" && g.ActorID == a.ID
	case a.Role == RoleVisitor:
		return g.Email != "" && strings.EqualFold(g.Email, a.Email)
	}
	return false
}

// Grants indexes grants by asset so that a decision looks at only the
// grants covering its asset. It is immutable once built; the nil *Grants
// holds no grants.
type Grants struct {
	list    []Grant
	byAsset map[string][]int32
}

// IndexGrants indexes gs. It may hold the grants of several actors: a
// decision only counts those whose holder is the decision's actor.
func IndexGrants(gs []Grant) *Grants {
	x := &Grants{list: append([]Grant(nil), gs...), byAsset: make(map[string][]int32)}
	for i := range x.list {
		g := &x.list[i]
		if g.AssetID != "" {
			x.byAsset[g.AssetID] = append(x.byAsset[g.AssetID], int32(i))
		}
		for _, id := range g.Assets {
			if id != "" && id != g.AssetID {
				x.byAsset[id] = append(x.byAsset[id], int32(i))
			}
		}
	}
	return x
}

// Len returns the number of grants held.
func (x *Grants) Len() int {
	if x == nil {
		return 0
	}
	return len(x.list)
}

// valid returns the ID of a grant held by a that covers asset and is in
// force at now.
func (x *Grants) valid(a *Actor, asset string, now time.Time) (id string, ok bool) {
	if x == nil || len(x.list) == 0 {
		return "", false
	}
	for _, i := range x.byAsset[asset] {
		g := &x.list[i]
		if g.holder(a) && g.ValidAt(now) {
			return g.ID, true
		}
	}
	return "", false
}
