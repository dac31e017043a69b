package client

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/damkit/damkit/dam"
)

// Request is a download request as the API shows it: how long the
// permission would last in whole days.
type Request struct {
	dam.Request
	Validity     json.RawMessage `json:"validity,omitempty"` // hides the embedded nanoseconds
	ValidityDays int64           `json:"validity_days"`
}

// RequestView is a row of the requests dashboard.
type RequestView struct {
	dam.RequestView
	Validity     json.RawMessage `json:"validity,omitempty"` // hides the embedded nanoseconds
	ValidityDays int64           `json:"validity_days"`
}

// RequestResult says what became of a request for several assets.
type RequestResult struct {
	Requests []Request     `json:"requests"`
	Skipped  []dam.Skipped `json:"skipped"`
}

// RequestDownload asks for permission to download protected assets.
func (c *Client) RequestDownload(ctx context.Context, nr dam.NewRequest) (RequestResult, error) {
	var out RequestResult
	err := c.call(ctx, request{op: "POST /api/v1/requests", json: nr}, &out)
	return out, err
}

// dayParam is a date as the requests dashboard takes it.
func dayParam(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Requests lists the requests dashboard, every page. Of q, Before is the
// day after the last day listed (the API's "to" is inclusive).
func (c *Client) Requests(ctx context.Context, q dam.RequestQuery) iter.Seq2[RequestView, error] {
	v := url.Values{}
	setNonEmpty(v, "status", string(q.Status))
	setNonEmpty(v, "requester", q.RequesterID)
	setNonEmpty(v, "requester_email", q.RequesterEmail)
	setNonEmpty(v, "asset", q.AssetID)
	setNonEmpty(v, "folder", q.FolderID)
	setNonEmpty(v, "portal", q.PortalID)
	setNonEmpty(v, "from", dayParam(q.From))
	if !q.Before.IsZero() {
		v.Set("to", dayParam(q.Before.AddDate(0, 0, -1)))
	}
	setNonEmpty(v, "sort", q.Sort)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return listAll[RequestView](ctx, c, "GET /api/v1/requests", nil, v)
}

// CancelRequest withdraws the caller's pending request.
func (c *Client) CancelRequest(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/requests/{id}", args: args(id)}, nil)
}

// Decide approves or denies requests. When every decision fails the
// error is the first one's; otherwise each result says what became of it.
func (c *Client) Decide(ctx context.Context, ds []dam.Decision) ([]dam.DecisionResult, error) {
	return items[dam.DecisionResult](ctx, c, request{op: "POST /api/v1/requests/decisions", json: map[string]any{"decisions": ds}})
}

// Grants lists download permissions: of q, UserID, Email, one AssetIDs
// entry and Live are sent.
func (c *Client) Grants(ctx context.Context, q dam.GrantQuery) ([]dam.Grant, error) {
	v := url.Values{}
	setNonEmpty(v, "user", q.UserID)
	setNonEmpty(v, "email", q.Email)
	if len(q.AssetIDs) > 0 {
		v.Set("asset", q.AssetIDs[0])
	}
	if q.Live {
		v.Set("live", "true")
	}
	return items[dam.Grant](ctx, c, request{op: "GET /api/v1/grants", query: v})
}

// RevokeGrant withdraws a download permission.
func (c *Client) RevokeGrant(ctx context.Context, id string) (dam.Grant, error) {
	var g dam.Grant
	err := c.call(ctx, request{op: "DELETE /api/v1/grants/{id}", args: args(id)}, &g)
	return g, err
}
