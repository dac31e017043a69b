// Package client is a typed Go client for the HTTP API of a damkit server
// (dam/damhttp, under /api/v1), for programs that talk to a remote library
// rather than embed one.
//
// # Hand-written on a small core, not generated
//
// The client is written by hand on one small core (Client.call: build the
// URL from the route's pattern, send, map the answer) rather than generated
// with oapi-codegen from the OpenAPI document, because:
//
//   - the answers are dam's own types (dam.Asset, dam.Folder, dam.Job, ...)
//     with their JSON tags; a generator would emit a second, parallel set of
//     structs (AssetsGet200JSONResponse and the like) that callers convert
//     by hand, and the document has no operationIds, so the generated
//     method names would be derived from paths;
//   - errors must come back as dam.Kinds (dam.KindOf(err) == dam.NotFound
//     over the wire), listings as iter.Seq2 following next_cursor, uploads
//     from an io.Reader with progress and downloads resumed with Range:
//     none of which a generator writes, so they would wrap the generated
//     code anyway;
//   - each method is three to six lines over the core, so the whole API
//     reads as one file per area, like dam/damhttp itself.
//
// Every operation of the document has a method; a test in this package
// reads the served document and names any operation without one, so an
// operation added to the server and not here fails the build's tests.
//
// Errors: every refusal is a *dam.Error whose Kind is the server's code
// (not_found → dam.NotFound, needs_request → dam.NeedsRequest, ...), with an
// *APIError inside carrying the status, message, reason and Retry-After.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Options tunes a Client; the zero value is sane.
type Options struct {
	// HTTPClient sends the requests; nil uses a client whose transport
	// keeps up to 32 idle connections per host, so parallel uploads and
	// part downloads reuse connections.
	HTTPClient *http.Client
	// UserAgent is sent with every request; "" is "damkit-client".
	UserAgent string
}

// Client talks to one damkit server with one API key. It is safe for
// concurrent use.
type Client struct {
	base   *url.URL
	key    string
	hc     *http.Client
	agent  string
	onCall func(op string) // a test's record of the operations called
}

// New returns a client of the server at baseURL (for example
// "http://127.0.0.1:8080") authenticating with key ("" for the routes
// that need none: share links, portals, the OpenAPI document).
func New(baseURL, key string, opts *Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, dam.E("client.New", dam.Invalid, "bad server URL %q: %v", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, dam.E("client.New", dam.Invalid, "server URL %q must be http:// or https:// with a host", baseURL)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		o.HTTPClient = &http.Client{Transport: t}
	}
	if o.UserAgent == "" {
		o.UserAgent = "damkit-client"
	}
	return &Client{base: u, key: key, hc: o.HTTPClient, agent: o.UserAgent}, nil
}

// BaseURL is the server's address as given to New, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// request is one call: op is the route as the OpenAPI document names it
// ("GET /api/v1/assets/{id}"), args fill its {placeholders} in order.
type request struct {
	op     string
	args   []string
	query  url.Values
	json   any       // a JSON body, or
	body   io.Reader // a raw body with contentType
	ctype  string
	length int64 // of body, when known (else -1)
	header http.Header
}

// url builds the request's URL from its pattern and arguments.
func (c *Client) url(op string, args []string, q url.Values) (string, string, error) {
	method, pattern, ok := strings.Cut(op, " ")
	if !ok {
		return "", "", fmt.Errorf("client: bad operation %q", op)
	}
	var plain, escaped strings.Builder // the path, and as it is sent
	rest := pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			plain.WriteString(rest)
			escaped.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 || len(args) == 0 {
			return "", "", fmt.Errorf("client: %s needs more arguments", op)
		}
		if args[0] == "" {
			return "", "", dam.E("client", dam.Invalid, "%s: %s is empty", op, rest[i:i+j+1])
		}
		plain.WriteString(rest[:i] + args[0])
		escaped.WriteString(rest[:i] + url.PathEscape(args[0]))
		args, rest = args[1:], rest[i+j+1:]
	}
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + plain.String()
	u.RawPath = strings.TrimRight(c.base.EscapedPath(), "/") + escaped.String()
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return method, u.String(), nil
}

// send performs r and returns the response when its status is 2xx or 3xx
// (the caller closes the body); any other answer is decoded as an error.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	method, u, err := c.url(r.op, r.args, r.query)
	if err != nil {
		return nil, err
	}
	if c.onCall != nil {
		c.onCall(r.op)
	}
	body, length := r.body, r.length
	ctype := r.ctype
	if r.json != nil {
		b, err := json.Marshal(r.json)
		if err != nil {
			return nil, dam.E("client "+r.op, dam.Invalid, "encoding the body: %v", err)
		}
		body, length, ctype = bytes.NewReader(b), int64(len(b)), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, dam.E("client "+r.op, dam.Invalid, "%v", err)
	}
	if body != nil && length >= 0 {
		req.ContentLength = length
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	req.Header.Set("User-Agent", c.agent)
	if c.key != "" && strings.HasPrefix(req.URL.Path, c.base.Path+"/api/v1/") {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &dam.Error{Op: "client " + r.op, Kind: dam.Canceled, Err: err}
		}
		return nil, &dam.Error{Op: "client " + r.op, Kind: dam.Internal, Err: err}
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		return nil, decodeError(r.op, resp)
	}
	return resp, nil
}

// call performs r and decodes a JSON answer into out (nil: none expected).
func (c *Client) call(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return &dam.Error{Op: "client " + r.op, Kind: dam.Internal, Err: fmt.Errorf("decoding the answer: %w", err)}
	}
	return nil
}

// Page is one page of a listing: its items and where the next begins.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pages iterates a cursor listing: fetch returns the page after cursor.
// The sequence stops at the first error, which it yields.
func pages[T any](fetch func(cursor string) (Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := ""
		for {
			p, err := fetch(cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			if p.NextCursor == "" || p.NextCursor == cursor {
				return
			}
			cursor = p.NextCursor
		}
	}
}

// listAll is pages over a route whose query carries the cursor.
func listAll[T any](ctx context.Context, c *Client, op string, args []string, q url.Values) iter.Seq2[T, error] {
	return pages(func(cursor string) (Page[T], error) {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		if cursor != "" {
			qq.Set("cursor", cursor)
		}
		var p Page[T]
		err := c.call(ctx, request{op: op, args: args, query: qq}, &p)
		return p, err
	})
}

// items returns the items of a listing that has no cursor.
func items[T any](ctx context.Context, c *Client, r request) ([]T, error) {
	var p Page[T]
	if err := c.call(ctx, r, &p); err != nil {
		return nil, err
	}
	return p.Items, nil
}

// Collect gathers a sequence into a slice, stopping at its first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// args is a shorthand for path arguments.
func args(a ...string) []string { return a }

// setNonEmpty sets q[k] when v is not empty.
func setNonEmpty(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// timeParam formats t for a query (RFC 3339), or "" for the zero time.
func timeParam(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// errNoBody is returned when a raw upload is given no reader.
var errNoBody = errors.New("no body to send")
