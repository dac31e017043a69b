package client_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

func TestWebhooks(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(hook.Close)
	s := newServerWith(t, &dam.Options{WebhookAllowPrivate: true,
		WebhookSender: damhttp.NewWebhookSender(&damhttp.WebhookSenderOptions{AllowPrivate: true})}, nil)
	ctx, c := t.Context(), s.c

	h, err := c.CreateWebhook(ctx, dam.NewWebhook{URL: hook.URL + "/hook", Events: []dam.WebhookEvent{"asset.uploaded"}})
	require.NoError(t, err)
	assert.NotEmpty(t, h.Secret, "the secret comes back once")
	hs, err := c.Webhooks(ctx)
	require.NoError(t, err)
	require.Len(t, hs, 1)
	got, err := c.Webhook(ctx, h.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Secret)
	desc := "uploads"
	edited, err := c.EditWebhook(ctx, h.ID, dam.WebhookPatch{Description: &desc})
	require.NoError(t, err)
	assert.Equal(t, "uploads", edited.Description)
	d, err := c.TestWebhook(ctx, h.ID)
	require.NoError(t, err)
	assert.Equal(t, h.ID, d.WebhookID)
	ds, err := client.Collect(c.WebhookDeliveries(ctx, h.ID))
	require.NoError(t, err)
	assert.NotEmpty(t, ds)
	require.NoError(t, c.DeleteWebhook(ctx, h.ID))
	_, err = c.Webhook(ctx, h.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}
