package damhttp_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// receiver is a webhook endpoint that checks every delivery's signature.
type receiver struct {
	t      *testing.T
	url    string
	status atomic.Int32
	mu     sync.Mutex
	secret string
	got    []received
}

type received struct {
	id, typ  string
	verified bool
	payload  map[string]any
	header   http.Header
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.status.Store(200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		rc.mu.Lock()
		err = dam.VerifyWebhook(rc.secret, r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), body, time.Now())
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		typ, _ := p["type"].(string)
		rc.got = append(rc.got, received{id: r.Header.Get("webhook-id"), typ: typ, verified: err == nil, payload: p, header: r.Header.Clone()})
		rc.mu.Unlock()
		w.WriteHeader(int(rc.status.Load()))
		_, _ = io.WriteString(w, "receiver says hello")
	}))
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/hook"
	return rc
}

func (rc *receiver) setSecret(s string) { rc.mu.Lock(); rc.secret = s; rc.mu.Unlock() }

func (rc *receiver) deliveries() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func hookOptions() *dam.Options {
	return &dam.Options{WebhookSender: damhttp.NewWebhookSender(&damhttp.WebhookSenderOptions{AllowPrivate: true}), WebhookAllowPrivate: true}
}

func TestWebhooksDeliverSignedEvents(t *testing.T) {
	a := newAPI(t, hookOptions())
	rc := newReceiver(t)
	var hook dam.Webhook
	a.json("POST", "/api/v1/webhooks", map[string]any{"url": rc.url, "events": []string{"asset.uploaded", "asset.updated", "share.created"},
		"description": "CMS sync"}, 201, &hook)
	require.True(t, strings.HasPrefix(hook.Secret, "whsec_"), hook.Secret)
	rc.setSecret(hook.Secret)
	var got dam.Webhook
	a.json("GET", "/api/v1/webhooks/"+hook.ID, nil, 200, &got)
	assert.Empty(t, got.Secret, "the secret is shown once")
	assert.Equal(t, []dam.WebhookEvent{dam.HookAssetUpdated, dam.HookAssetUploaded, dam.HookShareCreated}, got.Events)

	resp, b := a.do("POST", "/api/v1/assets?name=brief.txt", strings.NewReader("the brief"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var asset dam.Asset
	require.NoError(t, json.Unmarshal(b, &asset))
	a.json("PATCH", "/api/v1/assets/"+asset.ID, map[string]any{"title": "Brief"}, 200, nil)
	a.json("POST", "/api/v1/assets/"+asset.ID+"/notes", map[string]any{"text": "not subscribed"}, 201, nil)

	n, err := a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	ds := rc.deliveries()
	require.Len(t, ds, 2)
	// Deliveries go out concurrently, in no promised order.
	byID := map[string]string{}
	for _, d := range ds {
		byID[d.id] = d.typ
		assert.True(t, d.verified, "signature of %s", d.typ)
		data := d.payload["data"].(map[string]any)
		assert.Equal(t, asset.ID, data["asset_id"])
		assert.Equal(t, "application/json", d.header.Get("Content-Type"))
	}
	assert.ElementsMatch(t, []string{"asset.uploaded", "asset.updated"}, []string{ds[0].typ, ds[1].typ})

	// The settle window reads recent events again: nothing goes twice.
	n, err = a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, rc.deliveries(), 2)

	var log struct {
		Items []dam.WebhookDelivery `json:"items"`
	}
	a.json("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", nil, 200, &log)
	require.Len(t, log.Items, 2)
	for _, d := range log.Items {
		assert.Equal(t, byID[d.ID], string(d.Type), "webhook-id is the delivery's ID")
		assert.Equal(t, dam.DeliveryDelivered, d.Status)
		assert.Equal(t, 200, d.LastStatus)
		assert.Equal(t, "receiver says hello", d.LastResponse)
		assert.Equal(t, 1, d.Attempts)
	}

	var test dam.WebhookDelivery
	a.json("POST", "/api/v1/webhooks/"+hook.ID+"/test", nil, 202, &test)
	_, err = a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	ds = rc.deliveries()
	require.Len(t, ds, 3)
	assert.Equal(t, "webhook.test", ds[2].typ)
	assert.Equal(t, test.ID, ds[2].id)
	assert.True(t, ds[2].verified)

	// A receiver refuses a body changed after signing.
	h := ds[0].header
	body, err := json.Marshal(ds[0].payload)
	require.NoError(t, err)
	assert.Error(t, dam.VerifyWebhook(hook.Secret, h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature"), append(body, ' '), time.Now()))

	// Rotating the secret: the new one is shown once, and signs what follows.
	var rotated dam.Webhook
	a.json("PATCH", "/api/v1/webhooks/"+hook.ID, map[string]any{"rotate_secret": true}, 200, &rotated)
	require.NotEqual(t, hook.Secret, rotated.Secret)
	rc.setSecret(rotated.Secret)
	a.json("POST", "/api/v1/webhooks/"+hook.ID+"/test", nil, 202, nil)
	_, err = a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	ds = rc.deliveries()
	require.Len(t, ds, 4)
	assert.True(t, ds[3].verified)

	a.json("DELETE", "/api/v1/webhooks/"+hook.ID, nil, 204, nil)
	resp, b = a.do("GET", "/api/v1/webhooks/"+hook.ID, nil, nil)
	a.wantError(resp, b, 404, "not_found")
}

func TestWebhooksRetryThenDisable(t *testing.T) {
	opts := hookOptions()
	opts.WebhookBackoff = time.Hour
	a := newAPI(t, opts)
	rc := newReceiver(t)
	rc.status.Store(500)
	var hook dam.Webhook
	a.json("POST", "/api/v1/webhooks", map[string]any{"url": rc.url, "events": []string{"asset.uploaded"}}, 201, &hook)
	rc.setSecret(hook.Secret)
	resp, b := a.do("POST", "/api/v1/assets?name=a.txt", strings.NewReader("a"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	_, err := a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	var log struct {
		Items []dam.WebhookDelivery `json:"items"`
	}
	a.json("GET", "/api/v1/webhooks/"+hook.ID+"/deliveries", nil, 200, &log)
	require.Len(t, log.Items, 1)
	d := log.Items[0]
	assert.Equal(t, dam.DeliveryPending, d.Status)
	assert.Equal(t, 500, d.LastStatus)
	assert.Equal(t, "the endpoint answered 500", d.LastError)
	assert.True(t, d.NextAt.After(time.Now().Add(50*time.Minute)), "backs off: next at %s", d.NextAt)
	n, err := a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "not due yet")
	assert.Len(t, rc.deliveries(), 1)
}

func TestWebhooksDisabledAfterFailingForRetryFor(t *testing.T) {
	opts := hookOptions()
	opts.WebhookRetryFor = time.Nanosecond // the first failure is the last
	a := newAPI(t, opts)
	owners := map[string]*api{}
	for _, domain := range []string{"default", "elsewhere"} {
		var made struct {
			Key string `json:"api_key"`
		}
		a.json("POST", "/api/v1/users", map[string]any{"email": "owner-" + domain + "@example.com", "role": "owner", "domains": []string{domain}}, 201, &made)
		require.NotEmpty(t, made.Key)
		owners[domain] = &api{t: t, url: a.url, key: made.Key, lib: a.lib}
	}
	rc := newReceiver(t)
	rc.status.Store(503)
	var hook dam.Webhook
	a.json("POST", "/api/v1/webhooks", map[string]any{"url": rc.url, "events": []string{"asset.uploaded"}}, 201, &hook)
	rc.setSecret(hook.Secret)
	resp, b := a.do("POST", "/api/v1/assets?name=a.txt", strings.NewReader("a"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	_, err := a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	var got dam.Webhook
	a.json("GET", "/api/v1/webhooks/"+hook.ID, nil, 200, &got)
	require.NotNil(t, got.DisabledAt, "disabled")
	assert.Contains(t, got.DisabledReason, "every delivery failed")
	var inbox struct {
		Items []dam.Notification `json:"items"`
	}
	a.json("GET", "/api/v1/inbox", nil, 200, &inbox)
	require.NotEmpty(t, inbox.Items)
	assert.Equal(t, dam.NotifyWebhookDisabled, inbox.Items[0].Kind)
	assert.Contains(t, inbox.Items[0].Body, rc.url)
	// The other owners of the creator's domain are told too; an owner of
	// another domain is not.
	for domain, told := range map[string]bool{"default": true, "elsewhere": false} {
		var theirs struct {
			Items []dam.Notification `json:"items"`
		}
		owners[domain].json("GET", "/api/v1/inbox", nil, 200, &theirs)
		if told {
			require.Len(t, theirs.Items, 1, domain)
			assert.Equal(t, dam.NotifyWebhookDisabled, theirs.Items[0].Kind)
		} else {
			assert.Empty(t, theirs.Items, domain)
		}
	}

	// Nothing goes to a disabled endpoint; enabling it sends what queued.
	rc.status.Store(200)
	resp, b = a.do("POST", "/api/v1/assets?name=b.txt", strings.NewReader("b"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	_, err = a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	assert.Len(t, rc.deliveries(), 1)
	var enabled dam.Webhook
	a.json("PATCH", "/api/v1/webhooks/"+hook.ID, map[string]any{"enabled": true}, 200, &enabled)
	assert.Nil(t, enabled.DisabledAt)
	a.json("POST", "/api/v1/webhooks/"+hook.ID+"/test", nil, 202, nil)
	_, err = a.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	types := []string{}
	for _, d := range rc.deliveries()[1:] {
		types = append(types, d.typ)
		assert.True(t, d.verified)
	}
	assert.ElementsMatch(t, []string{"asset.uploaded", "webhook.test"}, types, "the upload made while disabled goes out once enabled; the failed one does not")
}

func TestWebhooksHearOnlyTheirOwnersReach(t *testing.T) {
	a := newAPI(t, hookOptions())
	ctx := t.Context()
	admin, err := a.lib.Store().UserByEmail(ctx, "owner@example.com")
	require.NoError(t, err)
	adminCtx := dam.WithActor(ctx, admin.Actor())
	_, keyB, err := a.lib.CreateUser(adminCtx, dam.NewUser{Email: "owner-b@example.com", Role: dam.RoleOwner, Domains: []string{"b"}})
	require.NoError(t, err)
	b := &api{t: t, url: a.url, key: keyB, lib: a.lib}
	mine, theirs := newReceiver(t), newReceiver(t)
	var hookA, hookB dam.Webhook
	a.json("POST", "/api/v1/webhooks", map[string]any{"url": mine.url, "events": dam.WebhookEvents()}, 201, &hookA)
	b.json("POST", "/api/v1/webhooks", map[string]any{"url": theirs.url, "events": dam.WebhookEvents()}, 201, &hookB)
	mine.setSecret(hookA.Secret)
	theirs.setSecret(hookB.Secret)
	resp, body := a.do("POST", "/api/v1/assets?name=default.txt", strings.NewReader("d"), nil)
	require.Equal(t, 201, resp.StatusCode, string(body))
	_, err = a.lib.DeliverWebhooks(ctx)
	require.NoError(t, err)
	assert.Len(t, mine.deliveries(), 1)
	assert.Empty(t, theirs.deliveries(), "domain b's owner hears nothing of default")
	var list struct {
		Items []dam.Webhook `json:"items"`
	}
	b.json("GET", "/api/v1/webhooks", nil, 200, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, hookB.ID, list.Items[0].ID)
}

func TestWebhooksRefuseHostileInput(t *testing.T) {
	a := newAPI(t, &dam.Options{WebhookSender: damhttp.NewWebhookSender(nil)})
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"loopback", map[string]any{"url": "http://127.0.0.1:8080/in", "events": []string{"asset.uploaded"}}, "private or loopback"},
		{"private", map[string]any{"url": "https://10.0.0.7/in", "events": []string{"asset.uploaded"}}, "private or loopback"},
		{"metadata", map[string]any{"url": "http://169.254.169.254/latest", "events": []string{"asset.uploaded"}}, "private or loopback"},
		{"mapped", map[string]any{"url": "http://[::ffff:127.0.0.1]/", "events": []string{"asset.uploaded"}}, "private or loopback"},
		{"localhost", map[string]any{"url": "http://localhost:9/in", "events": []string{"asset.uploaded"}}, "localhost"},
		{"scheme", map[string]any{"url": "file:///etc/passwd", "events": []string{"asset.uploaded"}}, "http:// or https://"},
		{"credentials", map[string]any{"url": "https://u:p@hooks.example.com/", "events": []string{"asset.uploaded"}}, "credentials"},
		{"no events", map[string]any{"url": "https://hooks.example.com/"}, "at least one"},
		{"unknown event", map[string]any{"url": "https://hooks.example.com/", "events": []string{"asset.exploded"}}, "unknown event"},
		{"test is not subscribable", map[string]any{"url": "https://hooks.example.com/", "events": []string{"webhook.test"}}, "unknown event"},
		{"bad secret", map[string]any{"url": "https://hooks.example.com/", "events": []string{"asset.uploaded"}, "secret": "hunter2"}, "whsec_"},
		{"long url", map[string]any{"url": "https://hooks.example.com/" + strings.Repeat("a", 3000), "events": []string{"asset.uploaded"}}, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := json.Marshal(tc.body)
			require.NoError(t, err)
			resp, b := a.do("POST", "/api/v1/webhooks", strings.NewReader(string(in)), map[string]string{"Content-Type": "application/json"})
			e := a.wantError(resp, b, 400, "invalid")
			assert.Contains(t, e.Error.Message, tc.want)
		})
	}
}

func TestWebhookSenderGuards(t *testing.T) {
	var hits atomic.Int32
	released := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat("x", 1<<20)))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-released:
			}
		case "/redirect":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}
	}))
	defer srv.Close()
	defer close(released)
	ctx := context.Background()

	_, _, err := damhttp.NewWebhookSender(nil).SendWebhook(ctx, srv.URL+"/big", nil, []byte("{}"))
	require.Error(t, err, "loopback refused at dial time")
	assert.Contains(t, err.Error(), "private or loopback")
	assert.Zero(t, hits.Load(), "no connection was made")

	s := damhttp.NewWebhookSender(&damhttp.WebhookSenderOptions{AllowPrivate: true, MaxResponse: 1000, Timeout: 200 * time.Millisecond})
	status, body, err := s.SendWebhook(ctx, srv.URL+"/big", nil, []byte("{}"))
	require.NoError(t, err)
	assert.Equal(t, 200, status)
	assert.Len(t, body, 1000, "response read up to the limit")

	status, _, err = s.SendWebhook(ctx, srv.URL+"/redirect", nil, []byte("{}"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusFound, status, "redirects are not followed")

	_, _, err = s.SendWebhook(ctx, srv.URL+"/slow", nil, []byte("{}"))
	assert.Error(t, err, "timed out")
}
