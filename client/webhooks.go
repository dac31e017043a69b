package client

import (
	"context"
	"iter"

	"github.com/damkit/damkit/dam"
)

// CreateWebhook registers an endpoint that is sent the events it names;
// the answer carries the signing secret, shown this once.
func (c *Client) CreateWebhook(ctx context.Context, nw dam.NewWebhook) (dam.Webhook, error) {
	var h dam.Webhook
	err := c.call(ctx, request{op: "POST /api/v1/webhooks", json: nw}, &h)
	return h, err
}

// Webhooks lists the webhook endpoints.
func (c *Client) Webhooks(ctx context.Context) ([]dam.Webhook, error) {
	return items[dam.Webhook](ctx, c, request{op: "GET /api/v1/webhooks"})
}

// Webhook returns one webhook endpoint.
func (c *Client) Webhook(ctx context.Context, id string) (dam.Webhook, error) {
	var h dam.Webhook
	err := c.call(ctx, request{op: "GET /api/v1/webhooks/{id}", args: args(id)}, &h)
	return h, err
}

// EditWebhook changes an endpoint (a rotated secret is returned once).
func (c *Client) EditWebhook(ctx context.Context, id string, p dam.WebhookPatch) (dam.Webhook, error) {
	var h dam.Webhook
	err := c.call(ctx, request{op: "PATCH /api/v1/webhooks/{id}", args: args(id), json: p}, &h)
	return h, err
}

// DeleteWebhook removes an endpoint.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/webhooks/{id}", args: args(id)}, nil)
}

// WebhookDeliveries lists an endpoint's deliveries, newest first, every page.
func (c *Client) WebhookDeliveries(ctx context.Context, id string) iter.Seq2[dam.WebhookDelivery, error] {
	return listAll[dam.WebhookDelivery](ctx, c, "GET /api/v1/webhooks/{id}/deliveries", args(id), nil)
}

// TestWebhook queues a test delivery to an endpoint.
func (c *Client) TestWebhook(ctx context.Context, id string) (dam.WebhookDelivery, error) {
	var d dam.WebhookDelivery
	err := c.call(ctx, request{op: "POST /api/v1/webhooks/{id}/test", args: args(id)}, &d)
	return d, err
}
