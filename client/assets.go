package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

// UploadOptions are an upload's name, folder and metadata (dam's own
// options) and how it is sent.
type UploadOptions struct {
	dam.UploadOptions
	// Size is the body's length when known, sent as Content-Length. Zero
	// measures an *os.File, *bytes.Reader or *strings.Reader; otherwise the
	// body is sent chunked.
	Size int64
	// Progress, when set, is called with the bytes sent so far as the
	// body is read by the connection.
	Progress func(sent int64)
}

// uploadQuery is the query string of a raw-body upload.
func uploadQuery(o dam.UploadOptions, version bool) (url.Values, error) {
	q := url.Values{}
	setNonEmpty(q, "name", o.Name)
	if !version {
		setNonEmpty(q, "folder", o.FolderID)
		setNonEmpty(q, "domain", o.Domain)
		setNonEmpty(q, "copy_metadata_from", o.CopyMetaFrom)
		setNonEmpty(q, "availability", string(o.Availability))
		setNonEmpty(q, "protection", string(o.Protection))
		if o.ExpiresAt != nil {
			q.Set("expires_at", timeParam(*o.ExpiresAt))
		}
	}
	if len(o.Categories) > 0 {
		q.Set("categories", strings.Join(o.Categories, ","))
	}
	if o.Meta != nil {
		b, err := json.Marshal(o.Meta)
		if err != nil {
			return nil, err
		}
		q.Set("metadata", string(b))
	}
	return q, nil
}

// measure returns the length of common readers, or -1.
func measure(r io.Reader) int64 {
	switch v := r.(type) {
	case *bytes.Reader:
		return int64(v.Len())
	case *strings.Reader:
		return int64(v.Len())
	case *bytes.Buffer:
		return int64(v.Len())
	case *os.File:
		st, err := v.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return st.Size() - pos
	}
	return -1
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r    io.Reader
	n    int64
	tell func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.n += int64(n)
		p.tell(p.n)
	}
	return n, err
}

// rawBody prepares an upload's body and its length.
func rawBody(body io.Reader, o UploadOptions) (io.Reader, int64, error) {
	if body == nil {
		return nil, 0, &dam.Error{Op: "client.Upload", Kind: dam.Invalid, Err: errNoBody}
	}
	size := o.Size
	if size <= 0 {
		size = measure(body)
	}
	if o.Progress != nil {
		body = &progressReader{r: body, tell: o.Progress}
	}
	if size == 0 {
		// net/http reads a zero length with a body as "unknown": an empty
		// file is said to be empty.
		body = http.NoBody
	}
	return body, size, nil
}

// Upload sends body as a new asset (POST /api/v1/assets, the raw body
// with the options in the query string) and returns it.
func (c *Client) Upload(ctx context.Context, body io.Reader, o UploadOptions) (dam.Asset, error) {
	q, err := uploadQuery(o.UploadOptions, false)
	if err != nil {
		return dam.Asset{}, dam.E("client.Upload", dam.Invalid, "metadata: %v", err)
	}
	b, size, err := rawBody(body, o)
	if err != nil {
		return dam.Asset{}, err
	}
	var a dam.Asset
	err = c.call(ctx, request{op: "POST /api/v1/assets", query: q, body: b, length: size, ctype: "application/octet-stream"}, &a)
	return a, err
}

// AddVersion sends body as the asset's new current version. Of o, only
// the name, metadata and categories apply.
func (c *Client) AddVersion(ctx context.Context, assetID string, body io.Reader, o UploadOptions) (dam.Asset, error) {
	q, err := uploadQuery(o.UploadOptions, true)
	if err != nil {
		return dam.Asset{}, dam.E("client.AddVersion", dam.Invalid, "metadata: %v", err)
	}
	b, size, err := rawBody(body, o)
	if err != nil {
		return dam.Asset{}, err
	}
	var a dam.Asset
	err = c.call(ctx, request{op: "POST /api/v1/assets/{id}/versions", args: args(assetID), query: q, body: b, length: size,
		ctype: "application/octet-stream"}, &a)
	return a, err
}

// assetQuery is the query string of a listing; Domains, IDs, Deleted,
// DeletedBy and Cursor of q are the server's to decide and are not sent.
func assetQuery(q dam.AssetQuery) url.Values {
	v := url.Values{}
	if q.FolderID != nil {
		v.Set("folder", *q.FolderID)
	}
	setNonEmpty(v, "q", q.Text)
	setNonEmpty(v, "kind", string(q.Kind))
	setNonEmpty(v, "media_type", q.MediaType)
	setNonEmpty(v, "created_from", timeParam(q.CreatedFrom))
	setNonEmpty(v, "created_to", timeParam(q.CreatedTo))
	if q.MinSize > 0 {
		v.Set("min_size", strconv.FormatInt(q.MinSize, 10))
	}
	if q.MaxSize > 0 {
		v.Set("max_size", strconv.FormatInt(q.MaxSize, 10))
	}
	setNonEmpty(v, "category", q.CategoryID)
	if q.CategoryOnly {
		v.Set("subcategories", "false")
	}
	setNonEmpty(v, "sort", q.Sort)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if len(q.SHA256) > 0 {
		v.Set("sha256", strings.Join(q.SHA256, ","))
	}
	setNonEmpty(v, "updated_from", timeParam(q.UpdatedFrom))
	setNonEmpty(v, "updated_to", timeParam(q.UpdatedTo))
	setNonEmpty(v, "captured_from", timeParam(q.CapturedFrom))
	setNonEmpty(v, "captured_to", timeParam(q.CapturedTo))
	if q.MinWidth > 0 {
		v.Set("min_width", strconv.Itoa(q.MinWidth))
	}
	if q.MinHeight > 0 {
		v.Set("min_height", strconv.Itoa(q.MinHeight))
	}
	setNonEmpty(v, "orientation", q.Orientation)
	setNonEmpty(v, "created_by", q.CreatedBy)
	setNonEmpty(v, "collection", q.CollectionID)
	setNonEmpty(v, "availability", string(q.Availability))
	setNonEmpty(v, "expires_from", timeParam(q.ExpiresFrom))
	setNonEmpty(v, "expires_to", timeParam(q.ExpiresTo))
	for name, b := range map[string]*bool{"downloadable": q.Downloadable, "protected": q.Protected, "has_licence": q.HasLicence} {
		if b != nil {
			v.Set(name, strconv.FormatBool(*b))
		}
	}
	return v
}

// Assets lists and searches the assets q selects, every page, following
// the server's cursors. Of q, the server fills Domains itself.
func (c *Client) Assets(ctx context.Context, q dam.AssetQuery) iter.Seq2[dam.Asset, error] {
	return listAll[dam.Asset](ctx, c, "GET /api/v1/assets", nil, assetQuery(q))
}

// AssetFacets counts the assets q selects by kind, media type, category,
// year and creator.
func (c *Client) AssetFacets(ctx context.Context, q dam.AssetQuery) (dam.Facets, error) {
	v := assetQuery(q)
	v.Set("facets", "true")
	v.Set("limit", "1")
	var out struct {
		Facets dam.Facets `json:"facets"`
	}
	err := c.call(ctx, request{op: "GET /api/v1/assets", query: v}, &out)
	return out.Facets, err
}

// AssetsBySHA256 returns the live assets whose current version has one of
// these digests (lowercase hex), in folderID when it is not nil ("" is
// the root). Any number of digests is asked in batches of dam.MaxHashQuery.
func (c *Client) AssetsBySHA256(ctx context.Context, folderID *string, digests []string) ([]dam.Asset, error) {
	var out []dam.Asset
	for len(digests) > 0 {
		n := min(len(digests), dam.MaxHashQuery)
		as, err := Collect(c.Assets(ctx, dam.AssetQuery{FolderID: folderID, SHA256: digests[:n], Limit: 1000}))
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
		digests = digests[n:]
	}
	return out, nil
}

// Asset returns one asset.
func (c *Client) Asset(ctx context.Context, id string) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "GET /api/v1/assets/{id}", args: args(id)}, &a)
	return a, err
}

// EditAsset applies a patch to one asset.
func (c *Client) EditAsset(ctx context.Context, id string, p dam.AssetPatch) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "PATCH /api/v1/assets/{id}", args: args(id), json: p}, &a)
	return a, err
}

// EditAssets applies one patch to many assets: all change or none.
func (c *Client) EditAssets(ctx context.Context, ids []string, p dam.AssetPatch) ([]dam.Asset, error) {
	return items[dam.Asset](ctx, c, request{op: "PATCH /api/v1/assets", json: map[string]any{"ids": ids, "patch": p}})
}

// DeleteAsset moves an asset to the trash.
func (c *Client) DeleteAsset(ctx context.Context, id string) error {
	return c.call(ctx, request{op: "DELETE /api/v1/assets/{id}", args: args(id)}, nil)
}

// DeleteAssets moves many assets to the trash: all or none.
func (c *Client) DeleteAssets(ctx context.Context, ids []string) error {
	return c.call(ctx, request{op: "POST /api/v1/assets/delete", json: map[string]any{"ids": ids}}, nil)
}

// Versions lists an asset's versions.
func (c *Client) Versions(ctx context.Context, assetID string) ([]dam.Version, error) {
	return items[dam.Version](ctx, c, request{op: "GET /api/v1/assets/{id}/versions", args: args(assetID)})
}

// DeleteVersion removes version n of an asset (never its last).
func (c *Client) DeleteVersion(ctx context.Context, assetID string, n int) error {
	return c.call(ctx, request{op: "DELETE /api/v1/assets/{id}/versions/{n}", args: args(assetID, strconv.Itoa(n))}, nil)
}

// Clone copies an asset with its metadata; o.Name "" keeps a derived
// name, nil o.Categories the original's.
func (c *Client) Clone(ctx context.Context, id string, o dam.CloneOptions) (dam.Asset, error) {
	body := map[string]any{}
	if o.Name != "" {
		body["name"] = o.Name
	}
	if o.Categories != nil {
		body["categories"] = o.Categories
	}
	var a dam.Asset
	err := c.call(ctx, request{op: "POST /api/v1/assets/{id}/clone", args: args(id), json: body}, &a)
	return a, err
}

// AddNote attaches a note to an asset.
func (c *Client) AddNote(ctx context.Context, assetID, text string) (dam.Note, error) {
	var n dam.Note
	err := c.call(ctx, request{op: "POST /api/v1/assets/{id}/notes", args: args(assetID), json: map[string]string{"text": text}}, &n)
	return n, err
}

// Notes lists an asset's notes.
func (c *Client) Notes(ctx context.Context, assetID string) ([]dam.Note, error) {
	return items[dam.Note](ctx, c, request{op: "GET /api/v1/assets/{id}/notes", args: args(assetID)})
}

// Trash lists the trashed assets the caller may see, every page.
func (c *Client) Trash(ctx context.Context) iter.Seq2[dam.Asset, error] {
	return listAll[dam.Asset](ctx, c, "GET /api/v1/trash", nil, nil)
}

// Restore brings an asset back from the trash.
func (c *Client) Restore(ctx context.Context, id string) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "POST /api/v1/trash/{id}/restore", args: args(id)}, &a)
	return a, err
}

// SetAssetProtection sets an asset's download protection.
func (c *Client) SetAssetProtection(ctx context.Context, id string, p dam.Protection) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "PUT /api/v1/assets/{id}/protection", args: args(id), json: map[string]any{"protection": p}}, &a)
	return a, err
}

// SetAssetLicence sets the licence an asset's downloads need: a licence
// ID, "none", or "" to inherit its folder's.
func (c *Client) SetAssetLicence(ctx context.Context, id, licence string) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "PUT /api/v1/assets/{id}/licence", args: args(id), json: map[string]any{"licence": licence}}, &a)
	return a, err
}

// Access says whether the caller may download an asset, or ask for it.
func (c *Client) Access(ctx context.Context, assetID string) (dam.AccessInfo, error) {
	var a dam.AccessInfo
	err := c.call(ctx, request{op: "GET /api/v1/assets/{id}/access", args: args(assetID)}, &a)
	return a, err
}
