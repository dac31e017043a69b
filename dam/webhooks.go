package dam

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// WebhookStore keeps webhook endpoints and their deliveries. Deliveries
// are derived from the usage log (EventStore): each endpoint keeps a
// cursor, the last event whose deliveries are queued for good.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w Webhook) error
	Webhook(ctx context.Context, id string) (Webhook, error)
	// Webhooks lists every endpoint in ID order.
	Webhooks(ctx context.Context) ([]Webhook, error)
	// UpdateWebhook writes URL, events, description, secret, updated_at,
	// disabled_at and disabled_reason.
	UpdateWebhook(ctx context.Context, w Webhook) error
	// DisableWebhook turns a webhook off unless it already is, and
	// reports whether this call did (compare-and-set).
	DisableWebhook(ctx context.Context, id, reason string, at time.Time) (bool, error)
	// DeleteWebhook removes an endpoint and its deliveries.
	DeleteWebhook(ctx context.Context, id string) error
	// QueueWebhookDeliveries inserts deliveries, skipping those whose
	// (webhook, event) pair is already queued, and, when to is not "",
	// moves the webhook's cursor from from to to (compare-and-set: a
	// cursor that moved meanwhile is FailedPrecondition and nothing is
	// written), in one transaction.
	QueueWebhookDeliveries(ctx context.Context, webhookID, from, to string, ds []WebhookDelivery) error
	// ClaimWebhookDeliveries takes for worker, until leaseUntil, at most
	// limit deliveries of enabled webhooks that are pending and due at now
	// or whose delivering lease expired (a worker died mid-delivery),
	// counting an attempt on each. Concurrent claimers never get the same
	// delivery.
	ClaimWebhookDeliveries(ctx context.Context, worker string, now, leaseUntil time.Time, limit int) ([]WebhookDelivery, error)
	// FinishWebhookDelivery writes the outcome of an attempt (status,
	// next_at, last_*) if d is still delivering and claimed by d.ClaimedBy
	// (FailedPrecondition otherwise); a delivered one sets its webhook's
	// last_success_at.
	FinishWebhookDelivery(ctx context.Context, d WebhookDelivery) error
	// WebhookDeliveries lists an endpoint's deliveries newest first.
	WebhookDeliveries(ctx context.Context, webhookID, cursor string, limit int) ([]WebhookDelivery, string, error)
	// PruneWebhookDeliveries deletes delivered and failed deliveries made
	// before t, at most limit, and returns how many.
	PruneWebhookDeliveries(ctx context.Context, before time.Time, limit int) (int, error)
}

// Webhook defaults.
const (
	maxWebhooks           = 100
	maxWebhookDescription = 500
	maxWebhookResponse    = 1 << 10 // bytes of a response body kept in the delivery log
	webhookBatch          = 500     // events read per query
	leaseWebhooks         = "dam.webhooks"
	// NotifyWebhookDisabled tells an endpoint's owner it was turned off.
	NotifyWebhookDisabled = "webhook_disabled"
)

// WebhookLinks is implemented by Links that can point at an endpoint's page.
type WebhookLinks interface {
	Webhook(id string) string
}

func (o *Options) webhookDefaults() {
	setDefault(&o.WebhookRetryFor, 24*time.Hour)
	setDefault(&o.WebhookBackoff, 30*time.Second)
	setDefault(&o.WebhookPollInterval, time.Second)
	setDefault(&o.WebhookLease, time.Minute)
	setDefault(&o.WebhookSettle, 5*time.Second)
	setDefault(&o.WebhookConcurrency, 8)
	setDefault(&o.WebhookLogRetention, 30*24*time.Hour)
}

// NewWebhook is what an owner registers.
type NewWebhook struct {
	URL         string         `json:"url"`
	Events      []WebhookEvent `json:"events"`
	Description string         `json:"description,omitempty"`
	// Secret, "whsec_" and base64 of 24 to 64 bytes; empty: one is made.
	Secret string `json:"secret,omitempty"`
}

// WebhookPatch changes an endpoint; nil fields stay.
type WebhookPatch struct {
	URL         *string        `json:"url,omitempty"`
	Events      []WebhookEvent `json:"events,omitempty"`
	Description *string        `json:"description,omitempty"`
	Enabled     *bool          `json:"enabled,omitempty"`
	// RotateSecret makes a new secret (returned once).
	RotateSecret bool `json:"rotate_secret,omitempty"`
}

func (l *Library) checkNewWebhook(op string, nw NewWebhook) (Webhook, error) {
	u, err := checkWebhookURL(op, nw.URL, l.opts.WebhookAllowPrivate)
	if err != nil {
		return Webhook{}, err
	}
	es, err := checkWebhookEvents(op, nw.Events)
	if err != nil {
		return Webhook{}, err
	}
	if utf8.RuneCountInString(nw.Description) > maxWebhookDescription {
		return Webhook{}, E(op, Invalid, "description is longer than %d characters", maxWebhookDescription)
	}
	secret := nw.Secret
	if secret == "" {
		secret = newWebhookSecret()
	} else if _, err := webhookKey(secret); err != nil {
		return Webhook{}, E(op, Invalid, "secret: %v", err)
	}
	return Webhook{URL: u, Events: es, Description: strings.TrimSpace(nw.Description), Secret: secret}, nil
}

// CreateWebhook registers an endpoint (owners). It hears the events its
// creator reaches (reach.go) from now on; the answer holds the secret.
func (l *Library) CreateWebhook(ctx context.Context, nw NewWebhook) (Webhook, error) {
	const op = "dam.CreateWebhook"
	actor, err := webhookOwner(ctx, op)
	if err != nil {
		return Webhook{}, err
	}
	w, err := l.checkNewWebhook(op, nw)
	if err != nil {
		return Webhook{}, err
	}
	all, err := l.store.Webhooks(ctx)
	if err != nil {
		return Webhook{}, wrap(op, Internal, err)
	}
	if len(all) >= maxWebhooks {
		return Webhook{}, E(op, ResourceExhausted, "the library has %d webhooks, the most it keeps", maxWebhooks)
	}
	now := l.now().UTC()
	// The ID is time-ordered: as the cursor it starts deliveries after
	// the events before it.
	w.ID, w.CreatedBy, w.CreatedAt, w.UpdatedAt = NewID(now), actor.UserID, now, now
	w.Cursor = w.ID
	if err := l.store.CreateWebhook(ctx, w); err != nil {
		return Webhook{}, wrap(op, Internal, err)
	}
	return w, nil
}

func webhookOwner(ctx context.Context, op string) (Actor, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, err
	}
	if !actor.IsOwner() {
		return Actor{}, E(op, PermissionDenied, "only owners manage webhooks")
	}
	return actor, nil
}

// webhook loads an endpoint the actor reaches: one whose creator it
// reaches. The secret is left out.
func (l *Library) webhook(ctx context.Context, op, id string) (Webhook, error) {
	actor, err := webhookOwner(ctx, op)
	if err != nil {
		return Webhook{}, err
	}
	if !validID(id) {
		return Webhook{}, absent(op, "webhook", id)
	}
	w, err := l.store.Webhook(ctx, id)
	if KindOf(err) == NotFound {
		return Webhook{}, absent(op, "webhook", id)
	}
	if err != nil {
		return Webhook{}, wrap(op, Internal, err)
	}
	ok, err := l.reachesPerson(ctx, op, actor, w.CreatedBy)
	if err != nil {
		return Webhook{}, err
	}
	if !ok {
		return Webhook{}, absent(op, "webhook", id)
	}
	return w, nil
}

// Webhook returns one endpoint, without its secret.
func (l *Library) Webhook(ctx context.Context, id string) (Webhook, error) {
	w, err := l.webhook(ctx, "dam.Webhook", id)
	w.Secret = ""
	return w, err
}

// Webhooks lists the endpoints of the users the actor reaches (owners).
func (l *Library) Webhooks(ctx context.Context) ([]Webhook, error) {
	const op = "dam.Webhooks"
	actor, err := webhookOwner(ctx, op)
	if err != nil {
		return nil, err
	}
	all, err := l.store.Webhooks(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := []Webhook{}
	for _, w := range all {
		ok, err := l.reachesPerson(ctx, op, actor, w.CreatedBy)
		if err != nil {
			return nil, err
		}
		if ok {
			w.Secret = ""
			out = append(out, w)
		}
	}
	return out, nil
}

// UpdateWebhook changes an endpoint. Enabling a disabled one sends what
// queued meanwhile; rotating the secret returns the new one.
func (l *Library) UpdateWebhook(ctx context.Context, id string, p WebhookPatch) (Webhook, error) {
	const op = "dam.UpdateWebhook"
	w, err := l.webhook(ctx, op, id)
	if err != nil {
		return Webhook{}, err
	}
	nw := NewWebhook{URL: w.URL, Events: w.Events, Description: w.Description, Secret: w.Secret}
	if p.URL != nil {
		nw.URL = *p.URL
	}
	if p.Events != nil {
		nw.Events = p.Events
	}
	if p.Description != nil {
		nw.Description = *p.Description
	}
	if p.RotateSecret {
		nw.Secret = ""
	}
	checked, err := l.checkNewWebhook(op, nw)
	if err != nil {
		return Webhook{}, err
	}
	now := l.now().UTC()
	w.URL, w.Events, w.Description, w.Secret, w.UpdatedAt = checked.URL, checked.Events, checked.Description, checked.Secret, now
	if p.Enabled != nil {
		if *p.Enabled {
			w.DisabledAt, w.DisabledReason = nil, ""
		} else if w.DisabledAt == nil {
			w.DisabledAt, w.DisabledReason = &now, "turned off by an owner"
		}
	}
	if err := l.store.UpdateWebhook(ctx, w); err != nil {
		return Webhook{}, wrap(op, KindOf(err), err)
	}
	if !p.RotateSecret {
		w.Secret = ""
	}
	l.wakeWebhooks()
	return w, nil
}

// DeleteWebhook removes an endpoint and its delivery log.
func (l *Library) DeleteWebhook(ctx context.Context, id string) error {
	const op = "dam.DeleteWebhook"
	if _, err := l.webhook(ctx, op, id); err != nil {
		return err
	}
	if err := l.store.DeleteWebhook(ctx, id); err != nil {
		return wrap(op, KindOf(err), err)
	}
	return nil
}

// WebhookDeliveries lists an endpoint's deliveries newest first: what was
// sent, how many attempts, and the last response.
func (l *Library) WebhookDeliveries(ctx context.Context, id, cursor string, limit int) ([]WebhookDelivery, string, error) {
	const op = "dam.WebhookDeliveries"
	if _, err := l.webhook(ctx, op, id); err != nil {
		return nil, "", err
	}
	limit, err := l.page(op, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	ds, next, err := l.store.WebhookDeliveries(ctx, id, cursor, limit)
	if err != nil {
		return nil, "", wrap(op, Internal, err)
	}
	return ds, next, nil
}

// TestWebhook queues a webhook.test delivery to an endpoint (enabled or
// not: a disabled one gets it when enabled) and returns it.
func (l *Library) TestWebhook(ctx context.Context, id string) (WebhookDelivery, error) {
	const op = "dam.TestWebhook"
	w, err := l.webhook(ctx, op, id)
	if err != nil {
		return WebhookDelivery{}, err
	}
	actor, _ := ActorFrom(ctx)
	now := l.now().UTC()
	d := WebhookDelivery{ID: NewID(now), WebhookID: w.ID, EventID: NewID(now), Type: HookTest, Status: DeliveryPending,
		NextAt: now, CreatedAt: now}
	d.Payload, _ = json.Marshal(webhookPayload{Type: HookTest, Timestamp: now, Data: webhookData{EventID: d.EventID, ActorID: actor.UserID,
		Message: "a test event sent from the webhook's page; it changes nothing"}})
	if err := l.store.QueueWebhookDeliveries(ctx, w.ID, "", "", []WebhookDelivery{d}); err != nil {
		return WebhookDelivery{}, wrap(op, Internal, err)
	}
	l.wakeWebhooks()
	return d, nil
}

// webhookWake wakes RunWebhooks of this process early.
var webhookWake = struct {
	sync.Mutex
	chans map[*Library]chan struct{}
}{chans: map[*Library]chan struct{}{}}

func (l *Library) webhookWakeup() chan struct{} {
	webhookWake.Lock()
	defer webhookWake.Unlock()
	c := webhookWake.chans[l]
	if c == nil {
		c = make(chan struct{}, 1)
		webhookWake.chans[l] = c
	}
	return c
}

func (l *Library) wakeWebhooks() {
	select {
	case l.webhookWakeup() <- struct{}{}:
	default:
	}
}

// RunWebhooks delivers webhooks until ctx is done: every
// WebhookPollInterval it queues the deliveries of new usage log events
// (one process at a time, under a lease) and sends those due. Several
// processes on one store share the work; each delivery is claimed by one
// of them, and one that dies mid-delivery leaves it to be claimed again
// when its lease (WebhookLease) runs out: at least once.
func (l *Library) RunWebhooks(ctx context.Context) error {
	if l.opts.WebhookSender == nil {
		return E("dam.RunWebhooks", FailedPrecondition, "Options.WebhookSender is not set (damhttp.NewWebhookSender makes one)")
	}
	worker := "hooks-" + processName() + "-" + NewID(l.now())
	defer l.releaseLease(leaseWebhooks, worker)
	defer func() {
		webhookWake.Lock()
		delete(webhookWake.chans, l)
		webhookWake.Unlock()
	}()
	t := time.NewTicker(l.opts.WebhookPollInterval)
	defer t.Stop()
	wake := l.webhookWakeup()
	for {
		if l.holdLease(ctx, leaseWebhooks, worker, 5*l.opts.WebhookPollInterval+l.opts.WebhookLease) {
			if _, err := l.QueueWebhooks(ctx); err != nil && ctx.Err() == nil {
				l.log.Error("queueing webhooks failed", "err", err)
			}
		}
		for ctx.Err() == nil {
			n, err := l.deliverWebhooks(ctx, worker)
			if err != nil && ctx.Err() == nil {
				l.log.Error("delivering webhooks failed", "err", err)
			}
			if n < l.claimBatch() || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-wake:
		}
	}
}

// DeliverWebhooks queues and sends what is due once, returning how many
// deliveries it attempted (for tests and one-shot hosts; RunWebhooks is
// the loop).
func (l *Library) DeliverWebhooks(ctx context.Context) (int, error) {
	if l.opts.WebhookSender == nil {
		return 0, E("dam.DeliverWebhooks", FailedPrecondition, "Options.WebhookSender is not set")
	}
	if _, err := l.QueueWebhooks(ctx); err != nil {
		return 0, err
	}
	return l.deliverWebhooks(ctx, "hooks-"+NewID(l.now()))
}

// QueueWebhooks turns the usage log's new events into deliveries, for
// every enabled endpoint: the events its creator reaches and it
// subscribes to. It returns how many it queued (repeats included).
//
// Events are read after each endpoint's cursor. Writers commit in about
// the order of their IDs but not exactly, so the cursor only passes
// events older than WebhookSettle; younger ones are read again next
// round, their deliveries already queued (a repeat is skipped), so an
// event committed late is not missed.
func (l *Library) QueueWebhooks(ctx context.Context) (int, error) {
	const op = "dam.QueueWebhooks"
	hooks, err := l.store.Webhooks(ctx)
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	now := l.now().UTC()
	if _, err := l.store.PruneWebhookDeliveries(ctx, now.Add(-l.opts.WebhookLogRetention), 10*webhookBatch); err != nil {
		l.log.Error("pruning the webhook log failed", "err", err)
	}
	queued := 0
	for _, w := range hooks {
		if !w.Enabled() {
			continue
		}
		n, err := l.queueWebhook(ctx, op, w, now)
		queued += n
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}

func (l *Library) queueWebhook(ctx context.Context, op string, w Webhook, now time.Time) (int, error) {
	u, err := l.store.User(ctx, w.CreatedBy)
	if KindOf(err) == NotFound {
		if _, err := l.store.DisableWebhook(ctx, w.ID, "its owner was deleted", now); err != nil {
			return 0, wrap(op, Internal, err)
		}
		return 0, nil
	}
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	actor := u.Actor()
	reach, err := l.eventReach(ctx, op, actor)
	if err != nil {
		return 0, err
	}
	settled := idFloor(now.Add(-l.opts.WebhookSettle))
	queued := 0
	// cursor is the stored cursor, read how far this round has read. The
	// settled events are a prefix of the log in ID order: the cursor moves
	// over them only while every event read so far was settled.
	cursor, read := w.Cursor, w.Cursor
	for {
		es, _, err := l.store.Events(ctx, EventQuery{Reach: reach, Ascending: true, Cursor: read, Limit: webhookBatch})
		if err != nil {
			return queued, wrap(op, Internal, err)
		}
		if len(es) == 0 {
			return queued, nil
		}
		next := cursor
		if read == cursor {
			for _, e := range es {
				if e.ID < settled {
					next = e.ID
				}
			}
		}
		read = es[len(es)-1].ID
		full := len(es) == webhookBatch
		if es, err = l.siftEvents(ctx, op, actor, es); err != nil {
			return queued, err
		}
		var ds []WebhookDelivery
		for _, e := range es {
			t, ok := webhookEventOf(e)
			if !ok || !w.Subscribes(t) {
				continue
			}
			ds = append(ds, WebhookDelivery{ID: NewID(now), WebhookID: w.ID, EventID: e.ID, Type: t, Payload: eventPayload(t, e),
				Status: DeliveryPending, NextAt: now, CreatedAt: now})
		}
		to := ""
		if next != cursor {
			to = next
		}
		if len(ds) > 0 || to != "" {
			err := l.store.QueueWebhookDeliveries(ctx, w.ID, cursor, to, ds)
			if KindOf(err) == FailedPrecondition {
				return queued, nil // another process moved the cursor: this round is its
			}
			if err != nil {
				return queued, wrap(op, Internal, err)
			}
			queued += len(ds)
		}
		cursor = next
		if !full {
			return queued, nil
		}
	}
}

// idFloor is the smallest ID made at t: every ID made before t sorts
// below it.
func idFloor(t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	return encodeID(b)
}

// claimBatch is how many deliveries a worker claims at once: a few per
// concurrent request, so that processes share a burst instead of one
// claiming it all.
func (l *Library) claimBatch() int { return 2 * l.opts.WebhookConcurrency }

// deliverWebhooks claims due deliveries and sends them, at most
// WebhookConcurrency at once, returning how many it claimed.
func (l *Library) deliverWebhooks(ctx context.Context, worker string) (int, error) {
	const op = "dam.deliverWebhooks"
	now := l.now().UTC()
	ds, err := l.store.ClaimWebhookDeliveries(ctx, worker, now, now.Add(l.opts.WebhookLease), l.claimBatch())
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	hooks := map[string]*Webhook{}
	for _, d := range ds {
		if _, ok := hooks[d.WebhookID]; ok {
			continue
		}
		w, err := l.store.Webhook(ctx, d.WebhookID)
		if err != nil {
			hooks[d.WebhookID] = nil // deleted meanwhile: its deliveries went with it
			continue
		}
		hooks[d.WebhookID] = &w
	}
	sem := make(chan struct{}, l.opts.WebhookConcurrency)
	var wg sync.WaitGroup
	for _, d := range ds {
		w := hooks[d.WebhookID]
		if w == nil {
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			// A delivery that waited here until less than half its lease
			// is left is not sent: another process may claim it once the
			// lease runs out, and two sends would overlap. It goes back
			// when the lease ends (the attempt counted).
			if d.LeaseUntil != nil && l.now().After(d.LeaseUntil.Add(-l.opts.WebhookLease/2)) {
				return
			}
			l.deliverWebhook(ctx, *w, d)
		})
	}
	wg.Wait()
	return len(ds), nil
}

// deliverWebhook makes one attempt and writes its outcome.
func (l *Library) deliverWebhook(ctx context.Context, w Webhook, d WebhookDelivery) {
	start := l.now().UTC()
	sig, err := SignWebhook(w.Secret, d.ID, start, d.Payload)
	var status int
	var resp []byte
	if err == nil {
		header := map[string]string{
			"Content-Type":      "application/json",
			"User-Agent":        "damkit-webhooks/1",
			"webhook-id":        d.ID,
			"webhook-timestamp": strconv.FormatInt(start.Unix(), 10),
			"webhook-signature": sig,
		}
		status, resp, err = l.opts.WebhookSender.SendWebhook(ctx, w.URL, header, d.Payload)
	}
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and another attempt follows
	}
	now := l.now().UTC()
	d.LastAt, d.LastStatus, d.LastError = &now, status, ""
	d.LastResponse = strings.ToValidUTF8(string(resp[:min(len(resp), maxWebhookResponse)]), "\uFFFD")
	switch {
	case err != nil:
		d.LastError = err.Error()
	case status < 200 || status > 299:
		d.LastError = fmt.Sprintf("the endpoint answered %d", status)
	}
	final := false
	switch {
	case d.LastError == "":
		d.Status = DeliveryDelivered
	case now.Sub(d.CreatedAt) >= l.opts.WebhookRetryFor:
		d.Status, final = DeliveryFailed, true
	default:
		d.Status, d.NextAt = DeliveryPending, now.Add(webhookBackoff(l.opts.WebhookBackoff, d.Attempts))
	}
	if err := l.store.FinishWebhookDelivery(context.WithoutCancel(ctx), d); err != nil {
		l.log.Warn("writing a webhook delivery failed", "delivery", d.ID, "err", err)
		return
	}
	if final && (w.LastSuccessAt == nil || w.LastSuccessAt.Before(d.CreatedAt)) {
		l.disableWebhook(ctx, w, now)
	}
}

// webhookBackoff is the wait before attempt n+1: base doubling with each
// attempt, at most 6 hours, with up to a fifth more at random so that
// deliveries failed together do not retry together.
func webhookBackoff(base time.Duration, attempts int) time.Duration {
	d := base
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 2
	}
	d = min(d, 6*time.Hour)
	return d + time.Duration(float64(d)*0.2*rand.Float64())
}

// disableWebhook turns off an endpoint that failed for WebhookRetryFor
// without one success, and tells its owner.
func (l *Library) disableWebhook(ctx context.Context, w Webhook, now time.Time) {
	reason := fmt.Sprintf("every delivery failed for %s", l.opts.WebhookRetryFor)
	ok, err := l.store.DisableWebhook(context.WithoutCancel(ctx), w.ID, reason, now)
	if err != nil || !ok {
		if err != nil {
			l.log.Error("disabling a webhook failed", "webhook", w.ID, "err", err)
		}
		return
	}
	l.log.Warn("webhook disabled", "webhook", w.ID, "url", w.URL)
	m := Message{Kind: NotifyWebhookDisabled, Subject: "A webhook was turned off",
		Text: fmt.Sprintf("Deliveries to %s failed for %s without one success, so it was turned off. Events keep queueing; "+
			"enable it again once the endpoint answers.", w.URL, l.opts.WebhookRetryFor),
		Details: []Detail{{Label: "Webhook", Value: w.ID}, {Label: "URL", Value: w.URL}}}
	if wl, ok := l.opts.Links.(WebhookLinks); ok {
		m.Link = wl.Webhook(w.ID)
	}
	var ms []Message
	for _, u := range l.webhookOwners(ctx, w) {
		m.To = Recipient{UserID: u.ID, Email: u.Email, Name: u.Name}
		ms = append(ms, m)
	}
	l.notify(ctx, ms...)
}

// webhookOwners are who hear that a webhook was turned off: its creator
// and every enabled owner who reaches them (owners of a domain of theirs,
// and administrators), the creator first.
func (l *Library) webhookOwners(ctx context.Context, w Webhook) []User {
	users, err := l.store.Users(ctx)
	if err != nil {
		l.log.Error("listing the owners of a disabled webhook failed", "webhook", w.ID, "err", err)
		return nil
	}
	i := slices.IndexFunc(users, func(u User) bool { return u.ID == w.CreatedBy })
	if i < 0 {
		return nil
	}
	creator := users[i]
	var out []User
	if creator.DisabledAt == nil {
		out = append(out, creator)
	}
	for _, u := range users {
		if u.ID != creator.ID && u.Role == RoleOwner && u.DisabledAt == nil && u.Actor().reachesUser(creator) {
			out = append(out, u)
		}
	}
	return out
}
