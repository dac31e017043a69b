package client

import (
	"context"
	"strconv"
)

// Background ZIPs of share guests and portal visitors, through their own
// link: no API key is sent or needed.

// jobList is the answer of a guest's or visitor's download inbox.
type jobList struct {
	Items []Job `json:"items"`
}

// GuestCreateDownload queues a background ZIP of everything the guest of
// a share link may download (for a share past the synchronous limits of
// ShareArchive).
func (c *Client) GuestCreateDownload(ctx context.Context, token string) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "POST /s/{token}/downloads", args: args(token)}, &j)
	return j, err
}

// GuestDownloads lists the background ZIPs of a share link, newest first.
func (c *Client) GuestDownloads(ctx context.Context, token string) ([]Job, error) {
	var l jobList
	err := c.call(ctx, request{op: "GET /s/{token}/downloads", args: args(token)}, &l)
	return l.Items, err
}

// GuestDownload returns one background ZIP of a share link.
func (c *Client) GuestDownload(ctx context.Context, token, id string) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "GET /s/{token}/downloads/{job}", args: args(token, id)}, &j)
	return j, err
}

// GuestCancelDownload cancels a background ZIP of a share link and
// deletes its parts.
func (c *Client) GuestCancelDownload(ctx context.Context, token, id string) error {
	return c.call(ctx, request{op: "DELETE /s/{token}/downloads/{job}", args: args(token, id)}, nil)
}

// GuestJobPart is part n (from 1) of a background ZIP of a share link.
func (c *Client) GuestJobPart(token, job string, n int) Resource {
	return Resource{op: "GET /s/{token}/downloads/{job}/parts/{n}", args: args(token, job, strconv.Itoa(n))}
}

// VisitorCreateDownload queues a background ZIP of everything a portal
// visitor's signed link may download.
func (c *Client) VisitorCreateDownload(ctx context.Context, slug, token string) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "POST /p/{slug}/access/{token}/downloads", args: args(slug, token)}, &j)
	return j, err
}

// VisitorDownloads lists the background ZIPs of a visitor's link.
func (c *Client) VisitorDownloads(ctx context.Context, slug, token string) ([]Job, error) {
	var l jobList
	err := c.call(ctx, request{op: "GET /p/{slug}/access/{token}/downloads", args: args(slug, token)}, &l)
	return l.Items, err
}

// VisitorDownload returns one background ZIP of a visitor's link.
func (c *Client) VisitorDownload(ctx context.Context, slug, token, id string) (Job, error) {
	var j Job
	err := c.call(ctx, request{op: "GET /p/{slug}/access/{token}/downloads/{job}", args: args(slug, token, id)}, &j)
	return j, err
}

// VisitorCancelDownload cancels a background ZIP of a visitor's link and
// deletes its parts.
func (c *Client) VisitorCancelDownload(ctx context.Context, slug, token, id string) error {
	return c.call(ctx, request{op: "DELETE /p/{slug}/access/{token}/downloads/{job}", args: args(slug, token, id)}, nil)
}

// VisitorJobPart is part n (from 1) of a background ZIP of a visitor's link.
func (c *Client) VisitorJobPart(slug, token, job string, n int) Resource {
	return Resource{op: "GET /p/{slug}/access/{token}/downloads/{job}/parts/{n}", args: args(slug, token, job, strconv.Itoa(n))}
}
