package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Resource is something to download: an asset's bytes, a part of a
// download job, a shared file. The Client's methods AssetFile, JobPart,
// ShareFile, ... name one; Open, Copy and FetchFile fetch it.
type Resource struct {
	op    string
	args  []string
	query url.Values
}

func (r Resource) String() string { return r.op + " " + strings.Join(r.args, " ") }

// profileQuery is ?profile=name, or nothing for "".
func profileQuery(profile string) url.Values {
	if profile == "" {
		return nil
	}
	return url.Values{"profile": {profile}}
}

// AssetFile is an asset's bytes: the original (profile "" or "original")
// or rendered in an export profile.
func (c *Client) AssetFile(id, profile string) Resource {
	return Resource{op: "GET /api/v1/assets/{id}/download", args: args(id), query: profileQuery(profile)}
}

// AssetPreview is an asset's preview image in a profile ("" the default).
func (c *Client) AssetPreview(id, profile string) Resource {
	return Resource{op: "GET /api/v1/assets/{id}/preview", args: args(id), query: profileQuery(profile)}
}

// AssetRendition is an asset's bytes as a custom rendition: r's size,
// fit, format, quality, dpi and colour space, within the bounds the
// library's settings set (custom_renditions; a 400 names the bound).
func (c *Client) AssetRendition(id string, r dam.CustomRendition) Resource {
	return Resource{op: "GET /api/v1/assets/{id}/download", args: args(id), query: renditionQuery(r)}
}

// AssetPreviewRendition is an asset's preview as a custom rendition
// (watermarked where the library shows watermarks and the caller could
// not download the asset).
func (c *Client) AssetPreviewRendition(id string, r dam.CustomRendition) Resource {
	return Resource{op: "GET /api/v1/assets/{id}/preview", args: args(id), query: renditionQuery(r)}
}

// ShareRendition is a file of a share as a custom rendition, where the
// share fixes no export profile.
func (c *Client) ShareRendition(token, assetID string, r dam.CustomRendition) Resource {
	return Resource{op: "GET /s/{token}/assets/{id}", args: args(token, assetID), query: renditionQuery(r)}
}

// renditionQuery is r as the query parameters w, h, fit, format,
// quality, dpi and colorspace; zero fields are left out, and a request
// with none at all asks for format=src, the source's size and format.
func renditionQuery(r dam.CustomRendition) url.Values {
	q := url.Values{}
	for k, v := range map[string]int{"w": r.Width, "h": r.Height, "quality": r.Quality, "dpi": r.DPI} {
		if v != 0 {
			q.Set(k, strconv.Itoa(v))
		}
	}
	for k, v := range map[string]string{"fit": string(r.Fit), "format": string(r.Format), "colorspace": r.ColorSpace} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		q.Set("format", "src")
	}
	return q
}

// JobPart is part n (from 1) of a download job's archive.
func (c *Client) JobPart(job string, n int) Resource {
	return Resource{op: "GET /api/v1/downloads/{job}/parts/{n}", args: args(job, strconv.Itoa(n))}
}

// ShareFile is a file of a share, as its guests download it.
func (c *Client) ShareFile(token, assetID, profile string) Resource {
	return Resource{op: "GET /s/{token}/assets/{id}", args: args(token, assetID), query: profileQuery(profile)}
}

// SharePreview is the preview of a shared file.
func (c *Client) SharePreview(token, assetID string) Resource {
	return Resource{op: "GET /s/{token}/assets/{id}/preview", args: args(token, assetID)}
}

// ShareArchive is the ZIP of every file of a share.
func (c *Client) ShareArchive(token string) Resource {
	return Resource{op: "GET /s/{token}/download", args: args(token)}
}

// PortalFile is a file of a public portal.
func (c *Client) PortalFile(slug, assetID string) Resource {
	return Resource{op: "GET /p/{slug}/assets/{id}", args: args(slug, assetID)}
}

// PortalPreview is the preview of a portal's file.
func (c *Client) PortalPreview(slug, assetID string) Resource {
	return Resource{op: "GET /p/{slug}/assets/{id}/preview", args: args(slug, assetID)}
}

// PortalAccessFile is a file of a portal through a visitor's signed link.
func (c *Client) PortalAccessFile(slug, token, assetID string) Resource {
	return Resource{op: "GET /p/{slug}/access/{token}/assets/{id}", args: args(slug, token, assetID)}
}

// PortalAccessPreview is the preview of a portal's file through a
// visitor's signed link.
func (c *Client) PortalAccessPreview(slug, token, assetID string) Resource {
	return Resource{op: "GET /p/{slug}/access/{token}/assets/{id}/preview", args: args(slug, token, assetID)}
}

// Body is an open download.
type Body struct {
	io.ReadCloser
	Offset      int64  // where the body starts in the resource
	Size        int64  // the resource's whole size; -1 when unknown
	ETag        string // the resource's strong validator, if any
	ContentType string
	Filename    string // from Content-Disposition, if any
}

// Open starts a download at offset (a Range request when above zero).
// With etag, the range is asked only if the resource is still that one
// (If-Range); otherwise the server sends it whole and Body.Offset is 0.
func (c *Client) Open(ctx context.Context, r Resource, offset int64, etag string) (*Body, error) {
	h := http.Header{"Accept": {"*/*"}}
	if offset > 0 {
		h.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
		if etag != "" {
			h.Set("If-Range", etag)
		}
	}
	resp, err := c.send(ctx, request{op: r.op, args: r.args, query: r.query, header: h})
	if err != nil {
		return nil, err
	}
	b := &Body{ReadCloser: resp.Body, Size: -1, ETag: resp.Header.Get("ETag"), ContentType: resp.Header.Get("Content-Type")}
	if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		b.Filename = p["filename"]
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, size, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok {
			resp.Body.Close()
			return nil, dam.E("client "+r.op, dam.Internal, "bad Content-Range %q", resp.Header.Get("Content-Range"))
		}
		b.Offset, b.Size = start, size
	case http.StatusOK:
		b.Size = resp.ContentLength
	default:
		resp.Body.Close()
		return nil, dam.E("client "+r.op, dam.Internal, "unexpected status %s", resp.Status)
	}
	return b, nil
}

// contentRange reads "bytes start-end/size" (size may be *: -1).
func contentRange(v string) (start, size int64, ok bool) {
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, total, found := strings.Cut(rest, "/")
	s, _, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(s, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	size = -1
	if total != "*" {
		if size, err = strconv.ParseInt(total, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return start, size, true
}

// FetchOptions tune Copy and FetchFile.
type FetchOptions struct {
	// Retries is how many times a broken transfer is resumed with a Range
	// request from where it stopped; 0 means 5, negative none.
	Retries int
	// Progress, when set, is called with the bytes held so far and the
	// whole size (-1 when unknown).
	Progress func(done, size int64)
	// Filename, when set, is called with the file name the server gives
	// (Content-Disposition) each time the resource is opened: a rendition's
	// name carries its format's extension, not the original's.
	Filename func(name string)
}

func (o *FetchOptions) retries() int {
	if o == nil || o.Retries == 0 {
		return 5
	}
	return max(o.Retries, 0)
}

func (o *FetchOptions) filename(name string) {
	if o != nil && o.Filename != nil && name != "" {
		o.Filename(name)
	}
}

func (o *FetchOptions) progress(done, size int64) {
	if o != nil && o.Progress != nil {
		o.Progress(done, size)
	}
}

// errChanged is the cause when a resumed resource is no longer the same.
var errChanged = errors.New("the resource changed while it was downloaded (its ETag differs)")

// Copy writes the resource to w, resuming after a broken connection with
// a Range request for the rest (If-Range: the same ETag). It returns the
// bytes written.
func (c *Client) Copy(ctx context.Context, r Resource, w io.Writer, o *FetchOptions) (int64, error) {
	var done int64
	etag := ""
	for attempt := 0; ; attempt++ {
		b, err := c.Open(ctx, r, done, etag)
		if err != nil {
			return done, err
		}
		if b.Offset != done {
			b.Close()
			return done, &dam.Error{Op: "client.Copy " + r.op, Kind: dam.FailedPrecondition, Err: errChanged}
		}
		etag = b.ETag
		o.filename(b.Filename)
		n, err := io.Copy(w, &progressReader{r: b, n: done, tell: func(n int64) { o.progress(n, b.Size) }})
		b.Close()
		done += n
		if err == nil && (b.Size < 0 || done == b.Size) {
			return done, nil
		}
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		if ctx.Err() != nil || attempt >= o.retries() || etag == "" {
			return done, &dam.Error{Op: "client.Copy " + r.op, Kind: dam.KindOf(err), Err: fmt.Errorf("after %d bytes: %w", done, err)}
		}
	}
}

// FetchFile downloads the resource into path, through path+".part" so a
// run that stops (a crash, Ctrl-C, a dropped connection) is resumed by the
// next from where it stopped, if the resource is still the same (its ETag
// is kept in path+".part.etag"). It returns the file's size.
func (c *Client) FetchFile(ctx context.Context, r Resource, path string, o *FetchOptions) (int64, error) {
	part, tagFile := path+".part", path+".part.etag"
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return 0, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
	}
	defer f.Close()
	done, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
	}
	etag := ""
	if b, err := os.ReadFile(tagFile); err == nil {
		etag = string(b)
	}
	if etag == "" && done > 0 {
		done = 0 // bytes of an unknown version: start again
	}
	for attempt := 0; ; attempt++ {
		b, err := c.Open(ctx, r, done, etag)
		var ae *APIError
		if done > 0 && errors.As(err, &ae) && ae.Status == http.StatusRequestedRangeNotSatisfiable {
			// The .part holds every byte (a run stopped before renaming
			// it) or more than the resource has now: fetch it whole.
			done, etag = 0, ""
			b, err = c.Open(ctx, r, 0, "")
		}
		if err != nil {
			return done, err
		}
		if b.Offset != done { // changed, or no ranges: from the start
			done = b.Offset
		}
		o.filename(b.Filename)
		if err := f.Truncate(done); err != nil {
			b.Close()
			return done, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
		}
		if _, err := f.Seek(done, io.SeekStart); err != nil {
			b.Close()
			return done, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
		}
		if b.ETag != etag {
			etag = b.ETag
			if err := os.WriteFile(tagFile, []byte(etag), 0o644); err != nil {
				b.Close()
				return done, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
			}
		}
		size := b.Size
		n, err := io.Copy(f, &progressReader{r: b, n: done, tell: func(n int64) { o.progress(n, size) }})
		b.Close()
		done += n
		if err == nil && (size < 0 || done == size) {
			if err := f.Close(); err != nil {
				return done, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
			}
			if err := os.Rename(part, path); err != nil {
				return done, &dam.Error{Op: "client.FetchFile", Kind: dam.Internal, Err: err}
			}
			_ = os.Remove(tagFile)
			return done, nil
		}
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		if ctx.Err() != nil || attempt >= o.retries() {
			return done, &dam.Error{Op: "client.FetchFile " + r.op, Kind: dam.KindOf(err), Err: fmt.Errorf("after %d bytes: %w", done, err)}
		}
	}
}
