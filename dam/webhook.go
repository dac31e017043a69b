package dam

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/internal/netguard"
)

// Webhooks tell an integrator's endpoint what happens in the library, as
// it happens (webhooks.go delivers them). Each delivery is one HTTP POST
// of a JSON payload, signed as Standard Webhooks (standardwebhooks.com)
// specifies:
//
//	webhook-id:        the delivery's ID, the same on every retry (deduplicate on it)
//	webhook-timestamp: Unix seconds when this attempt was signed
//	webhook-signature: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))
//
// where key is the base64-decoded part of the endpoint's secret after
// "whsec_". A receiver recomputes the signature over the raw body, compares
// in constant time, and refuses timestamps more than a few minutes off.

// WebhookEvent names a kind of event an endpoint subscribes to.
type WebhookEvent string

// The events an endpoint may subscribe to, and the test event.
const (
	HookAssetUploaded   WebhookEvent = "asset.uploaded"   // upload or clone
	HookAssetUpdated    WebhookEvent = "asset.updated"    // metadata, new or deleted version, protection, restored from the trash
	HookAssetDeleted    WebhookEvent = "asset.deleted"    // moved to the trash
	HookRequestCreated  WebhookEvent = "request.created"  // a user asked to download a protected asset
	HookRequestDecided  WebhookEvent = "request.decided"  // approved (by an owner or automatically) or denied
	HookGrantRevoked    WebhookEvent = "grant.revoked"    // a download permission was revoked
	HookShareCreated    WebhookEvent = "share.created"    // a share link was made
	HookShareOpened     WebhookEvent = "share.opened"     // a guest opened a share's page
	HookShareDownloaded WebhookEvent = "share.downloaded" // a guest downloaded an asset or a ZIP of a share
	HookShareExpired    WebhookEvent = "share.expired"    // a share reached its end date
	HookPortalRequest   WebhookEvent = "portal.request"   // a portal visitor asked for an asset
	HookArchiveReady    WebhookEvent = "archive.ready"    // a background download is ready
	HookArchiveFailed   WebhookEvent = "archive.failed"   // a background download failed
	// HookTest is sent by "send test event"; nobody subscribes to it.
	HookTest WebhookEvent = "webhook.test"
)

// webhookActions maps usage log actions to the event they are, where the
// action alone decides it.
var webhookActions = map[EventAction]WebhookEvent{
	EventUpload:        HookAssetUploaded,
	EventClone:         HookAssetUploaded,
	EventEdit:          HookAssetUpdated,
	EventVersion:       HookAssetUpdated,
	EventVersionDelete: HookAssetUpdated,
	EventProtect:       HookAssetUpdated,
	EventRestore:       HookAssetUpdated,
	EventDelete:        HookAssetDeleted,
	EventRequest:       HookRequestCreated,
	EventApprove:       HookRequestDecided,
	EventDeny:          HookRequestDecided,
	EventRevoke:        HookGrantRevoked,
	EventShareCreate:   HookShareCreated,
	EventShareOpen:     HookShareOpened,
	EventShareExpire:   HookShareExpired,
	EventPortalRequest: HookPortalRequest,
	EventArchiveReady:  HookArchiveReady,
	EventArchiveFail:   HookArchiveFailed,
}

// Usage log actions recorded for webhooks' sake (the others are older).
const (
	EventShareExpire  EventAction = "share_expire"   // detail "share <id>"
	EventArchiveReady EventAction = "archive_ready"  // detail "job <id>"
	EventArchiveFail  EventAction = "archive_failed" // detail "job <id>"
)

// WebhookEvents lists the events an endpoint may subscribe to.
func WebhookEvents() []WebhookEvent {
	return []WebhookEvent{HookAssetUploaded, HookAssetUpdated, HookAssetDeleted, HookRequestCreated, HookRequestDecided,
		HookGrantRevoked, HookShareCreated, HookShareOpened, HookShareDownloaded, HookShareExpired, HookPortalRequest,
		HookArchiveReady, HookArchiveFailed}
}

// webhookEventOf tells which webhook event a usage log entry is, if any.
func webhookEventOf(e Event) (WebhookEvent, bool) {
	if e.Action == EventDownload {
		if kind, _ := eventSubject(e.Detail); kind == "share" {
			return HookShareDownloaded, true
		}
		return "", false
	}
	w, ok := webhookActions[e.Action]
	return w, ok
}

// Webhook is an endpoint registered by an owner.
type Webhook struct {
	ID          string         `json:"id"`
	URL         string         `json:"url"`
	Events      []WebhookEvent `json:"events"`
	Description string         `json:"description,omitempty"`
	// Secret signs the deliveries ("whsec_" + base64). It is shown when
	// the endpoint is made and when it is rotated, never listed.
	Secret    string    `json:"secret,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// DisabledAt is set when the endpoint was turned off, by an owner or
	// after failing for WebhookRetryFor without one success; DisabledReason
	// says why. Nothing is delivered to a disabled endpoint; events keep
	// queueing and go out when it is enabled again.
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	LastSuccessAt  *time.Time `json:"last_success_at,omitempty"`
	// Cursor is the last usage log event whose deliveries are queued for
	// good (webhooks.go); the store keeps it.
	Cursor string `json:"-"`
}

// Enabled reports whether deliveries go out.
func (w Webhook) Enabled() bool { return w.DisabledAt == nil }

// Subscribes reports whether the endpoint wants events of kind e.
func (w Webhook) Subscribes(e WebhookEvent) bool { return slices.Contains(w.Events, e) }

// DeliveryStatus is where a delivery is.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending    DeliveryStatus = "pending"    // waiting for its (next) attempt at NextAt
	DeliveryDelivering DeliveryStatus = "delivering" // a worker is sending it, until LeaseUntil
	DeliveryDelivered  DeliveryStatus = "delivered"  // the endpoint answered 2xx
	DeliveryFailed     DeliveryStatus = "failed"     // every attempt for WebhookRetryFor failed
)

// WebhookDelivery is one event for one endpoint, with its last attempt.
type WebhookDelivery struct {
	ID        string          `json:"id"` // the webhook-id header
	WebhookID string          `json:"webhook_id"`
	EventID   string          `json:"event_id"` // the usage log event (a fresh ID for a test)
	Type      WebhookEvent    `json:"type"`
	Payload   json.RawMessage `json:"payload"`
	Status    DeliveryStatus  `json:"status"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	CreatedAt time.Time       `json:"created_at"`
	// The last attempt: HTTP status (0: no response), error, the start of
	// the response body, and when.
	LastStatus   int        `json:"last_status,omitempty"`
	LastError    string     `json:"last_error,omitempty"`
	LastResponse string     `json:"last_response,omitempty"`
	LastAt       *time.Time `json:"last_at,omitempty"`
	ClaimedBy    string     `json:"-"`
	LeaseUntil   *time.Time `json:"-"`
}

// WebhookSender makes the HTTP requests of deliveries. dam makes no HTTP
// requests itself: damhttp.NewWebhookSender is the standard one (it
// refuses private addresses, times out, bounds the response).
type WebhookSender interface {
	// SendWebhook POSTs body with the headers to url and returns the
	// response status and the start of the response body. An error means
	// there was no response (a refused address, a timeout, a reset).
	SendWebhook(ctx context.Context, url string, header map[string]string, body []byte) (status int, response []byte, err error)
}

// webhookPayload is the JSON body of a delivery.
type webhookPayload struct {
	Type      WebhookEvent `json:"type"`
	Timestamp time.Time    `json:"timestamp"`
	Data      webhookData  `json:"data"`
}

type webhookData struct {
	EventID  string      `json:"event_id"`
	Action   EventAction `json:"action,omitempty"`
	ActorID  string      `json:"actor_id,omitempty"`
	AssetID  string      `json:"asset_id,omitempty"`
	ShareID  string      `json:"share_id,omitempty"`
	PortalID string      `json:"portal_id,omitempty"`
	JobID    string      `json:"job_id,omitempty"`
	Detail   string      `json:"detail,omitempty"`
	Message  string      `json:"message,omitempty"`
}

func eventPayload(t WebhookEvent, e Event) json.RawMessage {
	d := webhookData{EventID: e.ID, Action: e.Action, ActorID: e.ActorID, AssetID: e.AssetID, Detail: e.Detail}
	switch kind, id := eventSubject(e.Detail); kind {
	case "share":
		d.ShareID = id
	case "portal":
		d.PortalID = id
	case "job":
		d.JobID = id
	}
	b, _ := json.Marshal(webhookPayload{Type: t, Timestamp: e.Time.UTC(), Data: d})
	return b
}

// webhookSecretPrefix starts every secret, as Standard Webhooks writes them.
const webhookSecretPrefix = "whsec_"

// newWebhookSecret makes a secret of 32 random bytes.
func newWebhookSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return webhookSecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// webhookKey decodes a secret into its HMAC key.
func webhookKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(secret, webhookSecretPrefix)
	if !ok {
		return nil, fmt.Errorf("a secret starts with %q", webhookSecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("a secret is %q and base64: %v", webhookSecretPrefix, err)
	}
	if len(key) < 24 || len(key) > 64 {
		return nil, fmt.Errorf("a secret's key is 24 to 64 bytes, not %d", len(key))
	}
	return key, nil
}

// SignWebhook returns the webhook-signature header value of a delivery:
// "v1," and the base64 HMAC-SHA256, keyed by secret, of id.timestamp.body.
func SignWebhook(secret, id string, timestamp time.Time, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", E("dam.SignWebhook", Invalid, "%v", err)
	}
	return "v1," + base64.StdEncoding.EncodeToString(webhookMAC(key, id, timestamp.Unix(), body)), nil
}

func webhookMAC(key []byte, id string, ts int64, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(ts, 10) + "."))
	m.Write(body)
	return m.Sum(nil)
}

// WebhookTolerance is how far from now VerifyWebhook accepts a timestamp.
const WebhookTolerance = 5 * time.Minute

// VerifyWebhook checks a delivery as its receiver should: id, timestamp
// and signature are the three headers' values, body the raw request body.
// The signature header may hold several space-separated "v1,<base64>"
// signatures (during a secret's rotation); one matching is enough.
func VerifyWebhook(secret, id, timestamp, signature string, body []byte, now time.Time) error {
	const op = "dam.VerifyWebhook"
	key, err := webhookKey(secret)
	if err != nil {
		return E(op, Invalid, "%v", err)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return E(op, Invalid, "webhook-timestamp %.20q is not Unix seconds", timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return E(op, Invalid, "webhook-timestamp is %s away from now", d.Round(time.Second))
	}
	want := webhookMAC(key, id, ts, body)
	for _, s := range strings.Fields(signature) {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return E(op, PermissionDenied, "no valid v1 signature")
}

// maxWebhookURL bounds an endpoint's URL in bytes.
const maxWebhookURL = 2048

// checkWebhookURL refuses what cannot be an endpoint: not http(s), no
// host, credentials in the URL, and (unless private addresses are
// allowed) a literal private address. Names are checked when dialled.
func checkWebhookURL(op, raw string, allowPrivate bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", E(op, Invalid, "url is required")
	}
	if len(raw) > maxWebhookURL {
		return "", E(op, Invalid, "url is longer than %d bytes", maxWebhookURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", E(op, Invalid, "url is not a URL: %v", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", E(op, Invalid, "url must be http:// or https://, not %.20q", u.Scheme)
	}
	if u.Hostname() == "" {
		return "", E(op, Invalid, "url has no host")
	}
	if u.User != nil {
		return "", E(op, Invalid, "url must not hold credentials: the signature authenticates deliveries")
	}
	if u.Fragment != "" {
		return "", E(op, Invalid, "url must not have a #fragment")
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil && !allowPrivate && !netguard.Public(a) {
		return "", E(op, Invalid, "url points at %s, a private or loopback address (the server's -webhooks-allow-private flag allows them)", a)
	}
	if !allowPrivate && (strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost")) {
		return "", E(op, Invalid, "url points at localhost (the server's -webhooks-allow-private flag allows it)")
	}
	return u.String(), nil
}

// checkWebhookEvents refuses an empty list and unknown events, and
// returns the list sorted without repeats.
func checkWebhookEvents(op string, es []WebhookEvent) ([]WebhookEvent, error) {
	if len(es) == 0 {
		return nil, E(op, Invalid, "events: subscribe to at least one of %v", WebhookEvents())
	}
	known := WebhookEvents()
	for _, e := range es {
		if !slices.Contains(known, e) {
			return nil, E(op, Invalid, "events: unknown event %.40q (known: %v)", e, known)
		}
	}
	out := slices.Clone(es)
	slices.Sort(out)
	return slices.Compact(out), nil
}
