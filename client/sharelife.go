package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/damkit/damkit/dam"
)

// ExtendShare gives a share a new end, later or earlier; an expired share
// given one answers its guests again.
func (c *Client) ExtendShare(ctx context.Context, id string, e dam.ShareEnd) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "POST /api/v1/shares/{id}/expiry", args: args(id), json: e}, &v)
	return v, err
}

// SetGuestAccess gives one guest of a share an end or a download limit of
// their own.
func (c *Client) SetGuestAccess(ctx context.Context, id, guestID string, a dam.GuestAccess) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "PATCH /api/v1/shares/{id}/guests/{guest}", args: args(id, guestID), json: a}, &v)
	return v, err
}

// UnlockShare gives the password of a password-protected share and
// returns the share key that GuestShareWithKey sends in its place.
func (c *Client) UnlockShare(ctx context.Context, token, password string) (string, error) {
	form := url.Values{"password": {password}}.Encode()
	var out struct {
		ShareKey string `json:"share_key"`
	}
	err := c.call(ctx, request{op: "POST /s/{token}/unlock", args: args(token), body: strings.NewReader(form),
		ctype: "application/x-www-form-urlencoded", length: int64(len(form))}, &out)
	return out.ShareKey, err
}

// GuestShareWithKey opens a password-protected share link with the key
// UnlockShare returned.
func (c *Client) GuestShareWithKey(ctx context.Context, token, key string) (GuestShare, error) {
	var g GuestShare
	err := c.call(ctx, request{op: "GET /s/{token}", args: args(token), header: http.Header{"X-Share-Key": {key}}}, &g)
	return g, err
}

// PortalArchive is everything a portal visitor's signed link may download,
// as one ZIP.
func (c *Client) PortalArchive(slug, token string) Resource {
	return Resource{op: "GET /p/{slug}/access/{token}/download", args: args(slug, token)}
}
