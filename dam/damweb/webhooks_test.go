package damweb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

func hookSiteOptions() *dam.Options {
	return &dam.Options{WebhookSender: damhttp.NewWebhookSender(&damhttp.WebhookSenderOptions{AllowPrivate: true}), WebhookAllowPrivate: true}
}

// TestWebhooksPages adds an endpoint through the form (without JS),
// sees its secret once, sends a test event and reads the answer in the
// delivery log, turns it off, rotates the secret and deletes it.
func TestWebhooksPages(t *testing.T) {
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hits.Add(1)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "thanks")
	}))
	defer recv.Close()
	s := newSite(t, hookSiteOptions())
	b := s.signIn(t, "owner")
	resp, body := b.get("/webhooks")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "No webhooks yet")
	assert.Contains(t, body, `value="share.expired"`)

	// Refusals come back beside their field, the form as typed.
	resp, body = b.post("/webhooks", url.Values{"url": {"ftp://x.example.com/"}, "event": {"asset.uploaded"}, "description": {"CMS"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `id="wh-url-err">url must be http:// or https://`)
	assert.Contains(t, body, `value="asset.uploaded" checked`)
	assert.Contains(t, body, `value="CMS"`)
	resp, body = b.post("/webhooks", url.Values{"url": {recv.URL}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `id="wh-events-err">events: subscribe to at least one`)

	resp, body = b.post("/webhooks", url.Values{"url": {recv.URL + "/in"}, "event": {"asset.uploaded", "asset.deleted"}, "description": {"CMS"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	hs, err := s.lib.Webhooks(s.owner)
	require.NoError(t, err)
	require.Len(t, hs, 1)
	wh := hs[0]
	assert.Equal(t, []dam.WebhookEvent{dam.HookAssetDeleted, dam.HookAssetUploaded}, wh.Events)
	assert.Contains(t, body, `<code class="wrap-anywhere" id="secret">whsec_`)
	resp, body = b.get("/webhooks/" + wh.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "whsec_", "the secret is shown once")
	assert.Contains(t, body, "Nothing delivered yet")

	resp, _ = b.post("/webhooks/"+wh.ID+"/test", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, err = s.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	assert.Equal(t, int32(1), hits.Load())
	resp, body = b.get("/webhooks/" + wh.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<code>webhook.test</code>")
	assert.Contains(t, body, "HTTP 202")
	assert.Contains(t, body, "thanks")

	// Off: the list says so.
	resp, _ = b.post("/webhooks/"+wh.ID, url.Values{"url": {recv.URL + "/in"}, "event": {"asset.uploaded"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	got, err := s.lib.Webhook(s.owner, wh.ID)
	require.NoError(t, err)
	assert.False(t, got.Enabled())
	assert.Equal(t, []dam.WebhookEvent{dam.HookAssetUploaded}, got.Events)
	_, body = b.get("/webhooks")
	assert.Contains(t, body, "Off <span class=\"muted small\">(turned off by an owner)</span>")

	resp, body = b.post("/webhooks/"+wh.ID+"/rotate", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `id="secret">whsec_`)

	// Others never reach the page; editors get no page at all.
	e := s.signIn(t, "editor")
	resp, _ = e.get("/webhooks")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, _ = b.post("/webhooks/"+wh.ID+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	hs, err = s.lib.Webhooks(s.owner)
	require.NoError(t, err)
	assert.Empty(t, hs)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/webhooks"))
}
