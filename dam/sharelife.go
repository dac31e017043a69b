package dam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/share"
)

// A share's life after it is created (issue 17): its end moved later or
// earlier (a new duration from the allowed list, counted from now, or an
// end date no later than the longest allowed duration from now), an
// expired share opened again the same way, a guest's own end or download
// limit, and its view-only flag, password and download limit. Each change
// goes into the usage log, and the guests whose access it changes are told.

// Limits of download limits.
const maxDownloadLimit = 1_000_000

// Notification kind telling guests their access changed.
const NotifyShareAccessChanged = "share_access_changed"

// ShareEnd is a share's or a guest's new end: Days from now (one of the
// allowed durations) or Until, an instant within the longest allowed
// duration from now. Exactly one is given.
type ShareEnd struct {
	Days  int        `json:"days,omitempty"`
	Until *time.Time `json:"until,omitempty"`
}

// GuestAccess changes one guest's access; nil fields stay. ExpiresAt
// given as the zero ShareEnd clears the guest's own end (the share's
// applies); DownloadLimit 0 removes the guest's own limit.
type GuestAccess struct {
	ExpiresAt     *ShareEnd `json:"expires_at"`
	DownloadLimit *int      `json:"download_limit"`
}

// end resolves e against now: the new end, checked.
func (l *Library) end(op string, e ShareEnd, now time.Time) (time.Time, error) {
	longest := slices.Max(l.opts.ShareDurations)
	switch {
	case e.Days != 0 && e.Until != nil:
		return time.Time{}, E(op, Invalid, "give days or until, not both")
	case e.Until != nil:
		u := e.Until.UTC()
		if !u.After(now) {
			return time.Time{}, E(op, Invalid, "until must be in the future")
		}
		if u.Sub(now) > longest {
			return time.Time{}, E(op, Invalid, "until must be within %s from now (the longest share allowed)", share.Durations{longest})
		}
		return u, nil
	case e.Days <= 0 || e.Days > 3660:
		return time.Time{}, E(op, Invalid, "days must be one of %s", l.opts.ShareDurations)
	}
	d := time.Duration(e.Days) * share.Day
	if err := l.opts.ShareDurations.Check(d); err != nil {
		return time.Time{}, E(op, Invalid, "%s", strings.TrimPrefix(err.Error(), "share: "))
	}
	return now.Add(d), nil
}

// checkDownloadLimit checks a download limit (0: none).
func checkDownloadLimit(op string, n int) error {
	if n < 0 || n > maxDownloadLimit {
		return E(op, Invalid, "download_limit must be between 0 (no limit) and %d", maxDownloadLimit)
	}
	return nil
}

// ExtendShare gives a share a new end, later or earlier than its current
// one; an expired share given a new end answers its guests again
// (restored). Guests with an end of their own past the new end are cut to
// it. The sharer or an owner in reach does it; the guests whose access
// changed are told.
func (l *Library) ExtendShare(ctx context.Context, id string, e ShareEnd) (ShareView, error) {
	const op = "dam.ExtendShare"
	if _, err := l.sharer(ctx, op); err != nil {
		return ShareView{}, err
	}
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	now := l.now().UTC()
	until, err := l.end(op, e, now)
	if err != nil {
		return ShareView{}, err
	}
	was := sh.ExpiresAt
	action := EventShareExtend
	switch {
	case !now.Before(was):
		action = EventShareRestore
	case until.Before(was):
		action = EventShareShorten
	}
	sh.ExpiresAt, sh.UpdatedAt = until, now
	// The sweep warns and reports the new end afresh.
	sh.ExpiringNoticeAt, sh.ExpiredNoticeAt = nil, nil
	if until.Sub(now) <= l.opts.ShareExpiryNotice {
		sh.ExpiringNoticeAt = &now
	}
	if err := l.store.UpdateShare(ctx, sh); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	for i, g := range sh.Guests {
		if g.ExpiresAt != nil && g.ExpiresAt.After(until) {
			g.ExpiresAt = &until
			if err := l.store.UpdateGuest(ctx, g); err != nil {
				return ShareView{}, wrap(op, Internal, err)
			}
			sh.Guests[i] = g
		}
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: action,
		Detail: fmt.Sprintf("share %s ends %s (was %s)", sh.ID, until.Format(time.RFC3339), was.Format(time.RFC3339))})
	var told []Guest
	for _, g := range sh.Guests {
		if g.Active(now) && !g.Public() {
			told = append(told, g)
		}
	}
	l.tellGuests(ctx, actor, sh, told)
	return l.sharerView(ctx, op, sh, now)
}

// SetGuestAccess gives one guest of a share an end of their own (no later
// than the share's) or a download limit of their own. The guest is told.
func (l *Library) SetGuestAccess(ctx context.Context, id, guestID string, a GuestAccess) (ShareView, error) {
	const op = "dam.SetGuestAccess"
	actor, sh, err := l.ownShare(ctx, op, id)
	if err != nil {
		return ShareView{}, err
	}
	i := slices.IndexFunc(sh.Guests, func(g Guest) bool { return g.ID == guestID })
	if !validID(guestID) || i < 0 || sh.Guests[i].RemovedAt != nil {
		return ShareView{}, E(op, NotFound, "guest %.30q not found", guestID)
	}
	if a.ExpiresAt == nil && a.DownloadLimit == nil {
		return ShareView{}, E(op, Invalid, "give expires_at or download_limit")
	}
	now := l.now().UTC()
	g := sh.Guests[i]
	var what []string
	if a.ExpiresAt != nil {
		if *a.ExpiresAt == (ShareEnd{}) {
			g.ExpiresAt = nil
			what = append(what, "expiry: the share's")
		} else {
			until, err := l.end(op, *a.ExpiresAt, now)
			if err != nil {
				return ShareView{}, err
			}
			if until.After(sh.ExpiresAt) {
				return ShareView{}, E(op, Invalid, "a guest's access ends no later than the share (%s): extend the share first", sh.ExpiresAt.Format(time.RFC3339))
			}
			g.ExpiresAt = &until
			what = append(what, "expiry "+until.Format(time.RFC3339))
		}
	}
	if a.DownloadLimit != nil {
		if err := checkDownloadLimit(op, *a.DownloadLimit); err != nil {
			return ShareView{}, err
		}
		g.DownloadLimit = *a.DownloadLimit
		what = append(what, fmt.Sprintf("download limit %d", g.DownloadLimit))
	}
	if err := l.store.UpdateGuest(ctx, g); err != nil {
		return ShareView{}, wrap(op, Internal, err)
	}
	sh.Guests[i] = g
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventShareGuestEdit,
		Detail: fmt.Sprintf("share %s guest %s %s", sh.ID, guestName(g), strings.Join(what, ", "))})
	if !g.Public() {
		l.tellGuests(ctx, actor, sh, []Guest{g})
	}
	return l.sharerView(ctx, op, sh, now)
}

func guestName(g Guest) string {
	if g.Public() {
		return "public link"
	}
	return g.Email
}

// shareSettings applies the view-only flag, password and download limit of
// a patch or a new share to sh, returning what changed for the log.
func shareSettings(op string, sh *Share, viewOnly *bool, password *string, limit, assetLimit *int) ([]string, error) {
	var what []string
	if viewOnly != nil && *viewOnly != sh.ViewOnly {
		sh.ViewOnly = *viewOnly
		what = append(what, fmt.Sprintf("view_only=%t", sh.ViewOnly))
	}
	if password != nil {
		if *password == "" {
			if sh.PasswordHash != "" {
				what = append(what, "password removed")
			}
			sh.PasswordHash = ""
		} else {
			h, err := hashSharePassword(op, *password)
			if err != nil {
				return nil, err
			}
			sh.PasswordHash = h
			what = append(what, "password set")
		}
	}
	if limit != nil {
		if err := checkDownloadLimit(op, *limit); err != nil {
			return nil, err
		}
		if *limit != sh.DownloadLimit {
			sh.DownloadLimit = *limit
			what = append(what, fmt.Sprintf("download_limit=%d", sh.DownloadLimit))
		}
	}
	if assetLimit != nil {
		if *assetLimit < 0 || *assetLimit > maxDownloadLimit {
			return nil, E(op, Invalid, "asset_download_limit must be between 0 (no limit) and %d", maxDownloadLimit)
		}
		if *assetLimit != sh.AssetDownloadLimit {
			sh.AssetDownloadLimit = *assetLimit
			what = append(what, fmt.Sprintf("asset_download_limit=%d", sh.AssetDownloadLimit))
		}
	}
	return what, nil
}

// tellGuests tells guests that their access to sh changed: when it ends
// now and how many downloads are left. Guests have no account, so the
// message carries no link (their own link still opens the share).
func (l *Library) tellGuests(ctx context.Context, by Actor, sh Share, gs []Guest) {
	if len(gs) == 0 {
		return
	}
	who := by.Email
	if u, err := l.store.User(ctx, by.UserID); err == nil && u.Name != "" {
		who = u.Name
	}
	ms := make([]Message, 0, len(gs))
	for _, g := range gs {
		end := sh.ExpiresAt
		if g.ExpiresAt != nil && g.ExpiresAt.Before(end) {
			end = *g.ExpiresAt
		}
		details := []Detail{{Label: "Shared by", Value: who}, {Label: "Available until", Value: end.Format(time.RFC1123)}}
		if left := downloadsLeft(sh, g); left != nil {
			details = append(details, Detail{Label: "Downloads left", Value: fmt.Sprint(*left)})
		}
		ms = append(ms, Message{Kind: NotifyShareAccessChanged, To: Recipient{UserID: g.UserID, Email: g.Email},
			Subject: "Your access to \u201c" + sh.Title + "\u201d changed",
			Text:    fmt.Sprintf("%s changed your access to the share %q: use the link you received before.", who, sh.Title),
			Details: details})
	}
	l.notify(ctx, ms...)
}
