package dam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Links builds the URLs that notifications point to. dam knows no HTTP;
// the host (damhttp.Links for the reference server) says where things live.
type Links interface {
	AssetDownload(assetID string) string
	RequestsDashboard() string
	Inbox() string
}

// Notification kinds.
const (
	NotifyRequestReceived = "request_received"
	NotifyRequestApproved = "request_approved"
	NotifyRequestDenied   = "request_denied"
)

// notify delivers messages: users' in-app inbox first (always), then every
// notifier (email...) unless the recipient's notification preferences
// (notifyprefs.go) turn this kind off. Failures are logged: the operation
// that caused the message has already happened and must not be undone by
// a mail server.
func (l *Library) notify(ctx context.Context, ms ...Message) {
	ctx = context.WithoutCancel(ctx)
	now := l.now().UTC()
	var inbox []Notification
	for _, m := range ms {
		if m.To.UserID != "" {
			inbox = append(inbox, Notification{ID: NewID(now), UserID: m.To.UserID, Kind: m.Kind, Subject: m.Subject,
				Body: m.body(), Link: m.Link, CreatedAt: now})
		}
	}
	if len(inbox) > 0 {
		if err := l.store.AddNotifications(ctx, inbox...); err != nil {
			l.log.Error("writing the inbox failed", "err", err)
		}
	}
	if len(l.opts.Notifiers) == 0 {
		return
	}
	muted := l.emailMuted(ctx, ms)
	for _, n := range l.opts.Notifiers {
		for i, m := range ms {
			if muted != nil && muted[i] {
				continue
			}
			if err := n.Notify(ctx, m); err != nil {
				l.log.Error("notification failed", "kind", m.Kind, "to", m.To.Email, "err", err)
			}
		}
	}
}

// body is the plain text of a message as the inbox shows it.
func (m Message) body() string {
	var b strings.Builder
	b.WriteString(m.Text)
	for _, d := range m.Details {
		fmt.Fprintf(&b, "\n%s: %s", d.Label, d.Value)
	}
	return b.String()
}

func (l *Library) link(f func(Links) string) string {
	if l.opts.Links == nil {
		return ""
	}
	return f(l.opts.Links)
}

// notifyRecipients tells the owners who receive requests about new ones.
func (l *Library) notifyRecipients(ctx context.Context, s Settings, requester Actor, rs []Request) {
	users, err := l.store.Users(ctx)
	if err != nil {
		l.log.Error("listing request recipients failed", "err", err)
		return
	}
	details := l.requestDetails(ctx, rs)
	details = append(details, Detail{Label: "Requested by", Value: requester.Email})
	if rs[0].Reason != "" {
		details = append(details, Detail{Label: "Reason", Value: rs[0].Reason})
	}
	details = append(details, Detail{Label: "Permission would last", Value: validityText(rs[0].Validity)})
	var ms []Message
	for _, u := range requestRecipients(users, s.Deselected, rs) {
		ms = append(ms, Message{Kind: NotifyRequestReceived, To: Recipient{UserID: u.ID, Email: u.Email, Name: u.Name},
			Subject: fmt.Sprintf("Download request from %s (%d asset%s)", requester.Email, len(rs), plural(len(rs))),
			Text:    requester.Email + " asks to download protected assets. Approve or deny the request on the requests dashboard.",
			Link:    l.link(Links.RequestsDashboard), Details: details})
	}
	l.notify(ctx, ms...)
}

// requestRecipients are the enabled owners of the requests' domains who
// receive requests. A domain none of whose chosen owners is left (the
// settings never allow that, but a recipient may since have been disabled
// or deleted) goes to all its enabled owners, so that a request never
// reaches nobody.
func requestRecipients(users []User, deselected []string, rs []Request) []User {
	var out []User
	covered := map[string]bool{}
	for _, u := range users {
		if u.Role != RoleOwner || u.DisabledAt != nil || slices.Contains(deselected, u.ID) || !anyDomain(u, rs) {
			continue
		}
		out = append(out, u)
		for _, d := range u.Domains {
			covered[d] = true
		}
	}
	for _, r := range rs {
		if covered[r.Domain] {
			continue
		}
		covered[r.Domain] = true
		for _, u := range users {
			if u.Role == RoleOwner && u.DisabledAt == nil && u.Actor().InDomain(r.Domain) && !slices.ContainsFunc(out, func(o User) bool { return o.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	return out
}

// notifyDecided tells a requester what was decided.
func (l *Library) notifyDecided(ctx context.Context, userID, email string, rs []Request, approved bool, message string) {
	details := l.requestDetails(ctx, rs)
	m := Message{To: Recipient{UserID: userID, Email: email}, Details: details}
	if approved {
		m.Kind = NotifyRequestApproved
		m.Subject = "Your download request was approved"
		m.Text = "You may now download the assets you asked for."
		if v := rs[0].Validity; v > 0 {
			m.Details = append(m.Details, Detail{Label: "Valid until", Value: rs[0].DecidedAt.Add(v).Format(time.RFC1123)})
		}
		if link := l.visitorLink(ctx, rs[0]); link != "" || userID == "" {
			m.Link = link // a portal visitor: their signed link, or none if the portal is gone
		} else if len(rs) == 1 {
			m.Link = l.link(func(x Links) string { return x.AssetDownload(rs[0].AssetID) })
		} else {
			m.Link = l.link(Links.Inbox)
		}
	} else {
		m.Kind = NotifyRequestDenied
		m.Subject = "Your download request was denied"
		m.Text = "An owner denied your download request. You may ask again."
	}
	if message != "" {
		m.Details = append(m.Details, Detail{Label: "Message", Value: message})
	}
	if userID == "" && email == "" {
		return
	}
	l.notify(ctx, m)
}

// requestDetails names the assets of requests (at most ten).
func (l *Library) requestDetails(ctx context.Context, rs []Request) []Detail {
	var ds []Detail
	for i, r := range rs {
		if i == 10 {
			ds = append(ds, Detail{Label: "Asset", Value: fmt.Sprintf("and %d more", len(rs)-10)})
			break
		}
		name := r.AssetID
		if a, err := l.store.Asset(ctx, r.AssetID); err == nil {
			name = a.Name
		}
		ds = append(ds, Detail{Label: "Asset", Value: name})
	}
	return ds
}

func validityText(d time.Duration) string {
	if d <= 0 {
		return "until revoked"
	}
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		return fmt.Sprintf("%d day%s", n, plural(n))
	}
	return d.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func anyDomain(u User, rs []Request) bool {
	for _, r := range rs {
		if u.Actor().InDomain(r.Domain) {
			return true
		}
	}
	return false
}

// Inbox lists the actor's notifications, newest first.
func (l *Library) Inbox(ctx context.Context, unreadOnly bool, cursor string, limit int) ([]Notification, string, error) {
	const op = "dam.Inbox"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	if limit, err = l.page(op, cursor, limit); err != nil {
		return nil, "", err
	}
	ns, next, err := l.store.Notifications(ctx, actor.UserID, unreadOnly, cursor, limit)
	return ns, next, wrap(op, Internal, err)
}

// MarkRead marks notifications of the actor read (all when ids is empty).
func (l *Library) MarkRead(ctx context.Context, ids []string) (int, error) {
	const op = "dam.MarkRead"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return 0, err
	}
	if len(ids) > maxBulk {
		return 0, E(op, Invalid, "at most %d ids", maxBulk)
	}
	n, err := l.store.MarkRead(ctx, actor.UserID, ids, l.now().UTC())
	return n, wrap(op, Internal, err)
}
