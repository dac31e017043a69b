package dam

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// Usage summarises the usage log of one share or portal: who asked, who
// downloaded what, and how often.
type Usage struct {
	Subject   string        `json:"subject"` // "share <id>" or "portal <id>"
	Downloads int           `json:"downloads"`
	Requests  int           `json:"requests"`
	Opens     int           `json:"opens"` // pages opened by guests or visitors
	Assets    []AssetUsage  `json:"assets"`
	People    []PersonUsage `json:"people"`
	// Days is the portal's usage per UTC day over the last UsageDays
	// days, oldest first, every day listed (none for shares).
	Days      []DayUsage `json:"days,omitempty"`
	Truncated bool       `json:"truncated,omitempty"` // more than maxUsageEvents events: counts are partial
}

// AssetUsage counts the downloads of one asset, and the requests for it.
type AssetUsage struct {
	AssetID   string `json:"asset_id"`
	Downloads int    `json:"downloads"`
	Requests  int    `json:"requests"`
}

// DayUsage is a portal's usage on one UTC day ("2006-01-02").
type DayUsage struct {
	Day       string `json:"day"`
	Opens     int    `json:"opens"`
	Requests  int    `json:"requests"`
	Downloads int    `json:"downloads"`
}

// UsageDays is how many days a portal's usage lists one by one.
const UsageDays = 30

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

// PortalUsage summarises a portal's usage (owners): page opens (counted
// per day, anonymous visitors included), requests and downloads, per
// asset, per visitor and per day over the last UsageDays days.
func (l *Library) PortalUsage(ctx context.Context, id string) (Usage, error) {
	const op = "dam.PortalUsage"
	if _, err := l.Portal(ctx, id); err != nil {
		return Usage{}, err
	}
	u, err := l.usage(ctx, op, "portal "+id)
	if err != nil {
		return Usage{}, err
	}
	opens, err := l.store.PortalOpens(ctx, id, "0000-01-01", "9999-12-31")
	if err != nil {
		return Usage{}, wrap(op, Internal, err)
	}
	byDay := map[string]int{}
	for _, o := range opens {
		u.Opens += o.Count
		byDay[o.Day] = o.Count
	}
	for i := range u.Days {
		u.Days[i].Opens = byDay[u.Days[i].Day]
	}
	return u, nil
}

func (l *Library) usage(ctx context.Context, op, subject string) (Usage, error) {
	u := Usage{Subject: subject, Assets: []AssetUsage{}, People: []PersonUsage{}}
	assets := map[string]*AssetUsage{}
	asset := func(id string) *AssetUsage {
		a := assets[id]
		if a == nil {
			a = &AssetUsage{AssetID: id}
			assets[id] = a
		}
		return a
	}
	// The last UsageDays days, today (UTC) included, for portals.
	days := map[string]*DayUsage{}
	if strings.HasPrefix(subject, "portal ") {
		today := l.now().UTC()
		u.Days = make([]DayUsage, UsageDays)
		for i := range u.Days {
			u.Days[i].Day = today.AddDate(0, 0, i-UsageDays+1).Format(time.DateOnly)
		}
		for i := range u.Days {
			days[u.Days[i].Day] = &u.Days[i]
		}
	}
	day := func(e Event) *DayUsage {
		if d := days[e.Time.UTC().Format(time.DateOnly)]; d != nil {
			return d
		}
		return &DayUsage{}
	}
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
				asset(e.AssetID).Downloads++
				person(e).Downloads++
				day(e).Downloads++
			case EventPortalRequest:
				u.Requests++
				asset(e.AssetID).Requests++
				person(e).Requests++
				day(e).Requests++
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
	for _, a := range assets {
		u.Assets = append(u.Assets, *a)
	}
	slices.SortFunc(u.Assets, func(a, b AssetUsage) int {
		if a.Downloads != b.Downloads {
			return b.Downloads - a.Downloads
		}
		if a.Requests != b.Requests {
			return b.Requests - a.Requests
		}
		return cmp.Compare(a.AssetID, b.AssetID)
	})
	for _, p := range people {
		u.People = append(u.People, *p)
	}
	slices.SortFunc(u.People, func(a, b PersonUsage) int { return cmp.Compare(a.Actor, b.Actor) })
	return u, nil
}
