package damhttp

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// statusOf maps error kinds to HTTP status codes (internal/httpdam, shared
// with the pages of dam/damweb).
func statusOf(k dam.Kind) int { return httpdam.StatusOf(k) }

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Reason   string        `json:"reason,omitempty"`   // the policy's reason code of a refusal
	Request  *requestHint  `json:"request,omitempty"`  // how to ask, on needs_request
	Licences []licenceHint `json:"licences,omitempty"` // what to accept, on licence_required
}

// requestHint tells a client refused with needs_request how to ask.
type requestHint struct {
	Method string         `json:"method"`
	Path   string         `json:"path"`
	Body   map[string]any `json:"body"`
}

// writeError answers with the JSON error body. Internal errors are logged
// with their detail and answered with a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := dam.KindOf(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		kind = dam.TooLarge
	}
	status := statusOf(kind)
	msg := dam.ErrorMessage(err)
	if kind == dam.TooLarge && mbe != nil {
		msg = "request body too large"
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", logPath(r), "err", err)
		msg = "internal error"
	} else {
		s.log.DebugContext(r.Context(), "request refused", "path", logPath(r), "kind", kind.String(), "err", err)
	}
	if kind == dam.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="damkit"`)
	}
	if kind == dam.ResourceExhausted {
		// Every 429 says when to come back: when the limit refills or a
		// slot is expected to free (dam.RetryAfter), else in a second.
		httpdam.SetRetryAfter(w, err)
	}
	detail := errorDetail{Code: kind.String(), Message: msg}
	var refusal *dam.RefusalError
	if errors.As(err, &refusal) {
		detail.Reason = refusal.Reason
		if kind == dam.NeedsRequest {
			detail.Request = &requestHint{Method: "POST", Path: "/api/v1/requests",
				Body: map[string]any{"asset_ids": []string{refusal.AssetID}, "reason": "why you need it"}}
		}
	}
	switch {
	case errors.Is(err, dam.ErrPasswordRequired):
		detail.Reason = "password_required"
	case errors.Is(err, dam.ErrDownloadsUsedUp):
		detail.Reason = "downloads_used_up"
	}
	var le *dam.LicenceError
	if errors.As(err, &le) {
		detail.Licences = licenceHints(r, le)
	}
	writeJSON(w, status, errorBody{Error: detail})
}

// writeJSON answers v as JSON, with every empty list [] (emptyLists).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(emptyLists(v)); err != nil {
		slog.Debug("writing JSON response failed", "err", err)
	}
}
