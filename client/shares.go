package client

import (
	"context"
	"net/url"

	"github.com/damkit/damkit/dam"
)

// CreateShare makes a time-limited share of assets (or a collection) for
// guests, and returns it with the guests' links.
func (c *Client) CreateShare(ctx context.Context, ns dam.NewShare) (dam.ShareView, error) {
	body := map[string]any{"title": ns.Title, "description": ns.Description, "asset_ids": ns.AssetIDs,
		"collection_id": ns.CollectionID, "profile": ns.Profile, "guests": ns.Guests, "user_ids": ns.UserIDs,
		"comment": ns.Comment, "view_only": ns.ViewOnly, "download_limit": ns.DownloadLimit}
	if ns.Password != "" {
		body["password"] = ns.Password
	}
	if ns.Days != 0 {
		body["validity_days"] = ns.Days
	}
	var v dam.ShareView
	err := c.call(ctx, request{op: "POST /api/v1/shares", json: body}, &v)
	return v, err
}

// Shares lists the caller's shares.
func (c *Client) Shares(ctx context.Context) ([]dam.ShareView, error) {
	return items[dam.ShareView](ctx, c, request{op: "GET /api/v1/shares"})
}

// Share returns one share.
func (c *Client) Share(ctx context.Context, id string) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "GET /api/v1/shares/{id}", args: args(id)}, &v)
	return v, err
}

// EditShare changes a share's title, description, profile or expiry.
func (c *Client) EditShare(ctx context.Context, id string, p dam.SharePatch) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "PATCH /api/v1/shares/{id}", args: args(id), json: p}, &v)
	return v, err
}

// DeleteShare ends a share; its links stop working.
func (c *Client) DeleteShare(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/shares/{id}", args: args(id)}, nil)
}

// AddShareAssets adds assets to a share.
func (c *Client) AddShareAssets(ctx context.Context, id string, assetIDs []string) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "POST /api/v1/shares/{id}/assets", args: args(id), json: map[string]any{"asset_ids": assetIDs}}, &v)
	return v, err
}

// RemoveShareAssets takes assets out of a share.
func (c *Client) RemoveShareAssets(ctx context.Context, id string, assetIDs []string) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "DELETE /api/v1/shares/{id}/assets", args: args(id), query: url.Values{"asset": assetIDs}}, &v)
	return v, err
}

// InviteGuests invites more guests to a share.
func (c *Client) InviteGuests(ctx context.Context, id string, in dam.Invitees) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "POST /api/v1/shares/{id}/guests", args: args(id), json: in}, &v)
	return v, err
}

// RemoveGuest withdraws one guest's link.
func (c *Client) RemoveGuest(ctx context.Context, id, guestID string) (dam.ShareView, error) {
	var v dam.ShareView
	err := c.call(ctx, request{op: "DELETE /api/v1/shares/{id}/guests/{guest}", args: args(id, guestID)}, &v)
	return v, err
}

// ShareUsage counts a share's visits and downloads.
func (c *Client) ShareUsage(ctx context.Context, id string) (dam.Usage, error) {
	var u dam.Usage
	err := c.call(ctx, request{op: "GET /api/v1/shares/{id}/usage", args: args(id)}, &u)
	return u, err
}

// GuestAsset is a shared file with where to download it.
type GuestAsset struct {
	dam.SharedAsset
	DownloadURL string `json:"download_url"`
}

// GuestShare is a share as its guest sees it.
type GuestShare struct {
	dam.GuestView
	Assets         []GuestAsset `json:"assets"`
	DownloadAllURL string       `json:"download_all_url"`
	// DownloadsURL is the guest's download inbox (GuestCreateDownload
	// posts there for a background ZIP).
	DownloadsURL string `json:"downloads_url"`
}

// GuestShare opens a share link as its guest (no API key needed); the
// files are ShareFile resources.
func (c *Client) GuestShare(ctx context.Context, token string) (GuestShare, error) {
	var g GuestShare
	err := c.call(ctx, request{op: "GET /s/{token}", args: args(token)}, &g)
	return g, err
}

// GuestAcceptLicence accepts a licence as a share's guest.
func (c *Client) GuestAcceptLicence(ctx context.Context, token, licenceID string, version int) (dam.LicenceAcceptance, error) {
	var a dam.LicenceAcceptance
	err := c.call(ctx, request{op: "POST /s/{token}/licences/{id}/accept", args: args(token, licenceID), json: map[string]int{"version": version}}, &a)
	return a, err
}

// CreatePortal makes a public portal.
func (c *Client) CreatePortal(ctx context.Context, np dam.NewPortal) (dam.Portal, error) {
	var p dam.Portal
	err := c.call(ctx, request{op: "POST /api/v1/portals", json: np}, &p)
	return p, err
}

// Portals lists the portals.
func (c *Client) Portals(ctx context.Context) ([]dam.Portal, error) {
	return items[dam.Portal](ctx, c, request{op: "GET /api/v1/portals"})
}

// Portal returns one portal.
func (c *Client) Portal(ctx context.Context, id string) (dam.Portal, error) {
	var p dam.Portal
	err := c.call(ctx, request{op: "GET /api/v1/portals/{id}", args: args(id)}, &p)
	return p, err
}

// UpdatePortal replaces a portal's settings.
func (c *Client) UpdatePortal(ctx context.Context, id string, np dam.NewPortal) (dam.Portal, error) {
	var p dam.Portal
	err := c.call(ctx, request{op: "PUT /api/v1/portals/{id}", args: args(id), json: np}, &p)
	return p, err
}

// DeletePortal removes a portal.
func (c *Client) DeletePortal(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/portals/{id}", args: args(id)}, nil)
}

// PortalUsage counts a portal's visits, requests and downloads.
func (c *Client) PortalUsage(ctx context.Context, id string) (dam.Usage, error) {
	var u dam.Usage
	err := c.call(ctx, request{op: "GET /api/v1/portals/{id}/usage", args: args(id)}, &u)
	return u, err
}

// PortalAsset is a portal's file with where to download it, if the
// visitor may.
type PortalAsset struct {
	dam.PortalAsset
	DownloadURL string `json:"download_url,omitempty"`
}

// PortalPage is a portal as a visitor sees it.
type PortalPage struct {
	dam.PortalView
	Assets     []PortalAsset `json:"assets"`
	RequestURL string        `json:"request_url,omitempty"`
}

// VisitPortal opens a public portal as an anonymous visitor.
func (c *Client) VisitPortal(ctx context.Context, slug string) (PortalPage, error) {
	var p PortalPage
	err := c.call(ctx, request{op: "GET /p/{slug}", args: args(slug)}, &p)
	return p, err
}

// PortalAccess opens a portal through a visitor's signed link.
func (c *Client) PortalAccess(ctx context.Context, slug, token string) (PortalPage, error) {
	var p PortalPage
	err := c.call(ctx, request{op: "GET /p/{slug}/access/{token}", args: args(slug, token)}, &p)
	return p, err
}

// RequestFromPortal asks, as an email-only visitor, for a portal's files.
func (c *Client) RequestFromPortal(ctx context.Context, slug string, vr dam.VisitorRequest) (RequestResult, error) {
	var out RequestResult
	err := c.call(ctx, request{op: "POST /p/{slug}/requests", args: args(slug), json: vr}, &out)
	return out, err
}

// PortalAcceptLicence accepts a licence as a portal visitor with a signed link.
func (c *Client) PortalAcceptLicence(ctx context.Context, slug, token, licenceID string, version int) (dam.LicenceAcceptance, error) {
	var a dam.LicenceAcceptance
	err := c.call(ctx, request{op: "POST /p/{slug}/access/{token}/licences/{id}/accept", args: args(slug, token, licenceID),
		json: map[string]int{"version": version}}, &a)
	return a, err
}
