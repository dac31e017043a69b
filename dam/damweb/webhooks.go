package damweb

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Handler).webhookRoutes) }

// webhookRoutes are the owners' webhook endpoints: the list with a form to
// add one, an endpoint's page with its form, its delivery log, "send test
// event", secret rotation and deletion.
func (h *Handler) webhookRoutes() []route {
	return []route{
		{"GET", "/webhooks", true, h.webhooksPage},
		{"POST", "/webhooks", true, h.createWebhook},
		{"GET", "/webhooks/{id}", true, h.webhookPage},
		{"POST", "/webhooks/{id}", true, h.saveWebhook},
		{"POST", "/webhooks/{id}/test", true, h.testWebhook},
		{"POST", "/webhooks/{id}/rotate", true, h.rotateWebhook},
		{"POST", "/webhooks/{id}/delete", true, h.deleteWebhook},
	}
}

// webhookEventLabels say what each event is, in the order of the form.
var webhookEventLabels = map[dam.WebhookEvent]string{
	dam.HookAssetUploaded:   "an asset is uploaded or cloned",
	dam.HookAssetUpdated:    "an asset's metadata, versions or protection change, or it is restored",
	dam.HookAssetDeleted:    "an asset is moved to the trash",
	dam.HookRequestCreated:  "someone asks to download a protected asset",
	dam.HookRequestDecided:  "a request is approved or denied",
	dam.HookGrantRevoked:    "a download permission is revoked",
	dam.HookShareCreated:    "a share link is made",
	dam.HookShareOpened:     "a guest opens a share",
	dam.HookShareDownloaded: "a guest downloads from a share",
	dam.HookShareExpired:    "a share expires",
	dam.HookPortalRequest:   "a portal visitor asks for an asset",
	dam.HookArchiveReady:    "a background download is ready",
	dam.HookArchiveFailed:   "a background download failed",
}

// eventChoice is one checkbox of the form.
type eventChoice struct {
	Value   dam.WebhookEvent
	Label   string
	Checked bool
}

// webhookForm is the endpoint form as typed.
type webhookForm struct {
	Action, URL, Description string
	New, Enabled             bool
	Events                   []eventChoice
	Errors                   map[string]string
	Error                    string
}

func newWebhookForm(action string, isNew bool, w dam.Webhook) webhookForm {
	f := webhookForm{Action: action, New: isNew, URL: w.URL, Description: w.Description, Enabled: w.Enabled()}
	for _, e := range dam.WebhookEvents() {
		f.Events = append(f.Events, eventChoice{Value: e, Label: webhookEventLabels[e], Checked: w.Subscribes(e)})
	}
	return f
}

// readWebhookForm reads the posted form.
func readWebhookForm(r *http.Request, action string, isNew bool) (webhookForm, []dam.WebhookEvent) {
	var w dam.Webhook
	w.URL, w.Description = strings.TrimSpace(r.PostForm.Get("url")), r.PostForm.Get("description")
	for _, e := range r.PostForm["event"] {
		w.Events = append(w.Events, dam.WebhookEvent(e))
	}
	f := newWebhookForm(action, isNew, w)
	f.Enabled = r.PostForm.Get("enabled") != ""
	return f, w.Events
}

// refuse puts a dam error beside its field and reports whether the owner
// can correct it there.
func (f *webhookForm) refuse(err error) bool {
	if k := dam.KindOf(err); k != dam.Invalid && k != dam.ResourceExhausted {
		return false
	}
	msg := dam.ErrorMessage(err)
	f.Errors = map[string]string{}
	switch low := strings.ToLower(msg); {
	case strings.HasPrefix(low, "url"):
		f.Errors["url"] = msg
	case strings.HasPrefix(low, "events"):
		f.Errors["events"] = msg
	case strings.HasPrefix(low, "description"):
		f.Errors["description"] = msg
	default:
		f.Error = msg
	}
	return true
}

// webhookRow is one endpoint of the list.
type webhookRow struct {
	dam.Webhook
	Page string
}

type webhooksData struct {
	Rows []webhookRow
	Form webhookForm
}

func (h *Handler) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderWebhooks(w, r, http.StatusOK, newWebhookForm("/webhooks", true, dam.Webhook{}))
}

func (h *Handler) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, form webhookForm) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	hs, err := h.lib.Webhooks(ctx)
	if err != nil {
		return err
	}
	d := webhooksData{Form: form}
	for _, wh := range hs {
		d.Rows = append(d.Rows, webhookRow{Webhook: wh, Page: "/webhooks/" + url.PathEscape(wh.ID)})
	}
	return h.render(w, r, status, "webhooks", "Webhooks", "manage", d)
}

func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	form, events := readWebhookForm(r, "/webhooks", true)
	wh, err := h.lib.CreateWebhook(ctx, dam.NewWebhook{URL: form.URL, Events: events, Description: form.Description})
	if err == nil {
		// The secret is shown on this answer only: rendered, not redirected.
		return h.renderWebhook(w, r, http.StatusCreated, wh, newWebhookForm("/webhooks/"+url.PathEscape(wh.ID), false, wh), wh.Secret)
	}
	if !form.refuse(err) {
		return err
	}
	return h.renderWebhooks(w, r, httpdam.StatusOf(dam.KindOf(err)), form)
}

// webhookData is an endpoint's page.
type webhookData struct {
	Webhook    dam.Webhook
	Page       string
	Form       webhookForm
	Secret     string // just made or rotated: shown once
	Deliveries []dam.WebhookDelivery
	More       bool
}

func (h *Handler) webhookPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	wh, err := h.lib.Webhook(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderWebhook(w, r, http.StatusOK, wh, newWebhookForm("/webhooks/"+url.PathEscape(wh.ID), false, wh), "")
}

// webhookLogSize is how many deliveries the page lists.
const webhookLogSize = 50

func (h *Handler) renderWebhook(w http.ResponseWriter, r *http.Request, status int, wh dam.Webhook, form webhookForm, secret string) error {
	ds, next, err := h.lib.WebhookDeliveries(r.Context(), wh.ID, "", webhookLogSize)
	if err != nil {
		return err
	}
	d := webhookData{Webhook: wh, Page: "/webhooks/" + url.PathEscape(wh.ID), Form: form, Secret: secret, Deliveries: ds, More: next != ""}
	return h.render(w, r, status, "webhook", "Webhook", "manage", d)
}

// ownedWebhook loads the endpoint a POST names, for owners.
func (h *Handler) ownedWebhook(w http.ResponseWriter, r *http.Request) (dam.Webhook, bool, error) {
	if err := parseForm(r); err != nil {
		return dam.Webhook{}, false, err
	}
	if !actorOf(r.Context()).IsOwner() {
		return dam.Webhook{}, false, h.noPage(w, r)
	}
	wh, err := h.lib.Webhook(r.Context(), r.PathValue("id"))
	return wh, err == nil, err
}

func (h *Handler) saveWebhook(w http.ResponseWriter, r *http.Request) error {
	cur, ok, err := h.ownedWebhook(w, r)
	if !ok {
		return err
	}
	form, events := readWebhookForm(r, "/webhooks/"+url.PathEscape(cur.ID), false)
	if events == nil {
		events = []dam.WebhookEvent{} // none ticked: dam says at least one
	}
	wh, err := h.lib.UpdateWebhook(r.Context(), cur.ID, dam.WebhookPatch{URL: &form.URL, Events: events, Description: &form.Description, Enabled: &form.Enabled})
	if err == nil {
		msg := "Saved."
		if !cur.Enabled() && wh.Enabled() {
			msg = "Saved and enabled: events queued while it was off go out now."
		}
		return redirect(w, r, "/webhooks/"+url.PathEscape(wh.ID), msg)
	}
	if !form.refuse(err) {
		return err
	}
	return h.renderWebhook(w, r, httpdam.StatusOf(dam.KindOf(err)), cur, form, "")
}

func (h *Handler) testWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, ok, err := h.ownedWebhook(w, r)
	if !ok {
		return err
	}
	if _, err := h.lib.TestWebhook(r.Context(), wh.ID); err != nil {
		return err
	}
	msg := "Test event queued: it goes out within seconds; reload to see the endpoint's answer below."
	if !wh.Enabled() {
		msg = "Test event queued: it goes out when the webhook is enabled again."
	}
	return redirect(w, r, "/webhooks/"+url.PathEscape(wh.ID), msg)
}

func (h *Handler) rotateWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, ok, err := h.ownedWebhook(w, r)
	if !ok {
		return err
	}
	wh, err = h.lib.UpdateWebhook(r.Context(), wh.ID, dam.WebhookPatch{RotateSecret: true})
	if err != nil {
		return err
	}
	return h.renderWebhook(w, r, http.StatusOK, wh, newWebhookForm("/webhooks/"+url.PathEscape(wh.ID), false, wh), wh.Secret)
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	wh, ok, err := h.ownedWebhook(w, r)
	if !ok {
		return err
	}
	if err := h.lib.DeleteWebhook(r.Context(), wh.ID); err != nil {
		return err
	}
	return redirect(w, r, "/webhooks", "Webhook to "+wh.URL+" deleted.")
}
