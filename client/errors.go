package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
)

// APIError is a refusal as the server sent it. It sits inside the
// *dam.Error every method returns, so dam.KindOf reads its kind and
// errors.As finds it for the detail.
type APIError struct {
	Op         string        // the operation, "GET /api/v1/assets/{id}"
	Status     int           // the HTTP status
	Code       string        // the error code, a dam.Kind's name
	Message    string        // the server's message, for people
	Reason     string        // the policy's reason code of a refusal, if any
	RetryAfter time.Duration // when a 429 or 503 says to come back
	// Request says how to ask for a protected asset (needs_request).
	Request *RequestHint
}

// RequestHint is how the server says to ask for what was refused.
type RequestHint struct {
	Method string         `json:"method"`
	Path   string         `json:"path"`
	Body   map[string]any `json:"body"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// kindByCode is the Kind whose name is code; unknown codes are Internal.
func kindByCode(code string) dam.Kind {
	for k := dam.Kind(1); k < 64; k++ {
		if k.String() == code {
			return k
		}
	}
	return dam.Internal
}

// kindByStatus is the Kind of an answer without a JSON error body.
func kindByStatus(status int) dam.Kind {
	switch status {
	case http.StatusBadRequest:
		return dam.Invalid
	case http.StatusUnauthorized:
		return dam.Unauthenticated
	case http.StatusForbidden:
		return dam.PermissionDenied
	case http.StatusNotFound:
		return dam.NotFound
	case http.StatusConflict:
		return dam.AlreadyExists
	case http.StatusGone:
		return dam.Gone
	case http.StatusPreconditionFailed, http.StatusRequestedRangeNotSatisfiable:
		return dam.FailedPrecondition
	case http.StatusRequestEntityTooLarge:
		return dam.TooLarge
	case http.StatusTooManyRequests:
		return dam.ResourceExhausted
	}
	return dam.Internal
}

// decodeError reads a refusal: {"error": {"code", "message", ...}}, or,
// from something that is not the API (a proxy), the status alone.
func decodeError(op string, resp *http.Response) error {
	e := &APIError{Op: op, Status: resp.StatusCode}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			e.RetryAfter = time.Duration(n) * time.Second
		}
	}
	var body struct {
		Error struct {
			Code    string       `json:"code"`
			Message string       `json:"message"`
			Reason  string       `json:"reason"`
			Request *RequestHint `json:"request"`
		} `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	kind := kindByStatus(resp.StatusCode)
	if json.Unmarshal(b, &body) == nil && body.Error.Code != "" {
		e.Code, e.Message, e.Reason, e.Request = body.Error.Code, body.Error.Message, body.Error.Reason, body.Error.Request
		kind = kindByCode(e.Code)
	} else {
		e.Code = kind.String()
		e.Message = http.StatusText(resp.StatusCode)
	}
	if e.RetryAfter > 0 && kind == dam.ResourceExhausted {
		return &dam.Error{Op: "client " + op, Kind: kind, Err: &retryable{APIError: e}}
	}
	return &dam.Error{Op: "client " + op, Kind: kind, Err: e}
}

// retryable is an APIError that dam.RetryAfter reads too.
type retryable struct{ *APIError }

func (r *retryable) Unwrap() []error {
	return []error{r.APIError, &dam.RetryError{After: r.RetryAfter, Msg: r.Message}}
}
