package damhttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/netguard"
)

func init() { routeSets = append(routeSets, (*Server).webhookRoutes) }

// webhookRoutes manage webhook endpoints (owners).
func (s *Server) webhookRoutes() []route {
	return []route{
		{"POST", "/api/v1/webhooks", true, s.createWebhook},
		{"GET", "/api/v1/webhooks", true, s.listWebhooks},
		{"GET", "/api/v1/webhooks/{id}", true, s.getWebhook},
		{"PATCH", "/api/v1/webhooks/{id}", true, s.editWebhook},
		{"DELETE", "/api/v1/webhooks/{id}", true, s.deleteWebhook},
		{"GET", "/api/v1/webhooks/{id}/deliveries", true, s.listDeliveries},
		{"POST", "/api/v1/webhooks/{id}/test", true, s.testWebhook},
	}
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var b dam.NewWebhook
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	h, err := s.lib.CreateWebhook(r.Context(), b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	hs, err := s.lib.Webhooks(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(hs, ""))
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	h, err := s.lib.Webhook(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) editWebhook(w http.ResponseWriter, r *http.Request) error {
	var b dam.WebhookPatch
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	h, err := s.lib.UpdateWebhook(r.Context(), r.PathValue("id"), b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteWebhook(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ds, next, err := s.lib.WebhookDeliveries(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(ds, next))
	return nil
}

func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request) error {
	d, err := s.lib.TestWebhook(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, d)
	return nil
}

// WebhookSenderOptions tunes NewWebhookSender; zero values are sane.
type WebhookSenderOptions struct {
	// AllowPrivate lets deliveries reach private, loopback and link-local
	// addresses (an endpoint on the same host or network). Off, such a
	// connection is refused after name resolution, at dial time.
	AllowPrivate bool
	Timeout      time.Duration // per delivery, connect to last byte; default 10 s
	// MaxResponse is how much of a response body is read (and kept in
	// the delivery log, up to 1 KiB); the rest is dropped unread. Default 64 KiB.
	MaxResponse int64
}

// webhookSender sends deliveries over HTTP.
type webhookSender struct {
	client *http.Client
	max    int64
}

// NewWebhookSender returns the dam.WebhookSender of the reference server:
// a plain HTTP client that follows no redirect (a 3xx is a failed
// attempt), uses no proxy, refuses private addresses unless allowed, and
// bounds time and response size.
func NewWebhookSender(o *WebhookSenderOptions) dam.WebhookSender {
	var opts WebhookSenderOptions
	if o != nil {
		opts = *o
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxResponse <= 0 {
		opts.MaxResponse = 64 << 10
	}
	d := &net.Dialer{Timeout: opts.Timeout}
	if !opts.AllowPrivate {
		d.Control = netguard.Control
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSHandshakeTimeout:    opts.Timeout,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &webhookSender{max: opts.MaxResponse, client: &http.Client{
		Transport:     tr,
		Timeout:       opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// SendWebhook implements dam.WebhookSender.
func (s *webhookSender) SendWebhook(ctx context.Context, url string, header map[string]string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, netguard.ErrPrivate) {
			return 0, nil, fmt.Errorf("refused: the endpoint resolves to a private or loopback address (%w)", netguard.ErrPrivate)
		}
		return 0, nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, s.max))
	if err != nil {
		return resp.StatusCode, got, fmt.Errorf("reading the response: %w", err)
	}
	return resp.StatusCode, got, nil
}
