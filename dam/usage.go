package dam

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Usage summarises the usage log of one share or portal: who asked, who
// downloaded what, and how often.
type Usage struct {
	Subject   string        `json:"subject"` // "share <id>" or "portal <id>"
	Downloads int           `json:"downloads"`
	Requests  int           `json:"requests"`
	Opens     int           `json:"opens"` // share pages opened by guests
	Assets    []AssetUsage  `json:"assets"`
	People    []PersonUsage `json:"people"`
	Truncated bool          `json:"truncated,omitempty"` // more than maxUsageEvents events: counts are partial
}

// AssetUsage counts the downloads of one asset.
type AssetUsage struct {
	AssetID   string `json:"asset_id"`
	Downloads int    `json:"downloads"`
}

// PersonUsage is what one guest or visitor did.
type PersonUsage struct {
	Actor     string    `json:"actor"` // email
	Downloads int       `json:"downloads"`
	Requests  int       `json:"requests"`
	Opens     int       `json:"opens"` // share pages opened
	Last      time.Time `json:"last"`
}

// maxUsageEvents bounds the events one summary reads.
const maxUsageEvents = 100_000

// ShareUsage summarises a share's usage (its sharer and owners).
func (l *Library) ShareUsage(ctx context.Context, id string) (Usage, error) {
	if _, err := l.Share(ctx, id); err != nil {
		return Usage{}, err
	}
	return l.usage(ctx, "dam.ShareUsage", "share "+id)
}

// PortalUsage summarises a portal's usage (owners).
func (l *Library) PortalUsage(ctx context.Context, id string) (Usage, error) {
	if _, err := l.Portal(ctx, id); err != nil {
		return Usage{}, err
	}
	return l.usage(ctx, "dam.PortalUsage", "portal "+id)
}

func (l *Library) usage(ctx context.Context, op, subject string) (Usage, error) {
	u := Usage{Subject: subject, Assets: []AssetUsage{}, People: []PersonUsage{}}
	assets := map[string]int{}
	people := map[string]*PersonUsage{}
	person := func(e Event) *PersonUsage {
		p := people[e.ActorID]
		if p == nil {
			p = &PersonUsage{Actor: e.ActorID}
			people[e.ActorID] = p
		}
		if e.Time.After(p.Last) {
			p.Last = e.Time
		}
		return p
	}
	q := EventQuery{Subject: subject, Limit: maxPageSize}
	for read := 0; ; {
		es, next, err := l.store.Events(ctx, q)
		if err != nil {
			return Usage{}, wrap(op, Internal, err)
		}
		for _, e := range es {
			switch e.Action {
			case EventDownload:
				u.Downloads++
				assets[e.AssetID]++
				person(e).Downloads++
			case EventPortalRequest:
				u.Requests++
				person(e).Requests++
			case EventShareOpen:
				u.Opens++
				person(e).Opens++
			}
		}
		read += len(es)
		if next == "" {
			break
		}
		if read >= maxUsageEvents {
			u.Truncated = true
			break
		}
		q.Cursor = next
	}
	for id, n := range assets {
		u.Assets = append(u.Assets, AssetUsage{AssetID: id, Downloads: n})
	}
	slices.SortFunc(u.Assets, func(a, b AssetUsage) int {
		if a.Downloads != b.Downloads {
			return b.Downloads - a.Downloads
		}
		return cmp.Compare(a.AssetID, b.AssetID)
	})
	for _, p := range people {
		u.People = append(u.People, *p)
	}
	slices.SortFunc(u.People, func(a, b PersonUsage) int { return cmp.Compare(a.Actor, b.Actor) })
	return u, nil
}
