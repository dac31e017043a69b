package damhttp

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// page is the shape of every paged listing.
type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func newPage[T any](items []T, next string) page[T] {
	if items == nil {
		items = []T{}
	}
	return page[T]{Items: items, NextCursor: next}
}

// upload takes the file either as the raw request body (name and options
// in the query string) or as multipart/form-data whose text fields come
// before the "file" part. Either way the bytes stream straight to storage.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	r.Body = s.uploadBody(w, r)
	body, opts, err := s.uploadSource(r, uploadFields)
	if err != nil {
		return err
	}
	a, err := s.lib.Upload(r.Context(), body, opts)
	if err != nil {
		return err
	}
	if dam.IsSidecar(opts.Name) && a.Name != opts.Name {
		// An XMP sidecar applied to its partner: no new asset.
		writeJSON(w, http.StatusOK, a)
		return nil
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// uploadBody bounds the body a little above the library's limit (so the
// library reports TooLarge itself) and extends the read deadline as bytes
// arrive, so a slow but live client is not cut off while a stalled one is.
func (s *Server) uploadBody(w http.ResponseWriter, r *http.Request) io.ReadCloser {
	limit := s.lib.Options().MaxUploadSize + 1<<20
	return httpdam.DeadlineReader(w, http.MaxBytesReader(w, r.Body, limit), s.opts.ReadTimeout)
}

// Fields of an upload, from the query string or from the text parts of a
// multipart body; a version takes fewer.
var (
	uploadFields  = []string{"name", "folder", "domain", "copy_metadata_from", "availability", "protection", "expires_at", "categories", "metadata", "title", "description", "keywords"}
	versionFields = []string{"name", "categories", "metadata", "title", "description", "keywords"}
)

// uploadSource finds the bytes and the options of an upload: the raw body
// with its options in the query string, or the one "file" part of a
// multipart body whose text fields come first. A multipart body with a
// field the route does not take, a field given twice, a field after the
// file or a second file is refused.
func (s *Server) uploadSource(r *http.Request, allowed []string) (io.Reader, dam.UploadOptions, error) {
	const op = "damhttp.upload"
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		o, err := uploadOptions(func(k string) string { return r.URL.Query().Get(k) })
		return r.Body, o, err
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, `multipart upload has no "file" part`)
		}
		if err != nil {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, "bad multipart body: %v", err)
		}
		name := p.FormName()
		if name == "file" {
			o, err := uploadOptions(func(k string) string {
				if v, ok := fields[k]; ok {
					return v
				}
				return r.URL.Query().Get(k)
			})
			if err != nil {
				return nil, dam.UploadOptions{}, err
			}
			if o.Name == "" {
				o.Name = p.FileName()
			}
			return &lastPart{Part: p, mr: mr}, o, nil
		}
		if !slices.Contains(allowed, name) {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, "unknown form field %.40q: this upload takes file and %s",
				name, strings.Join(allowed, ", "))
		}
		if _, dup := fields[name]; dup {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, "form field %q is given twice", name)
		}
		if len(fields) >= 32 {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, "too many form fields")
		}
		v, err := io.ReadAll(io.LimitReader(p, 64<<10+1))
		if err != nil {
			return nil, dam.UploadOptions{}, dam.E(op, dam.Invalid, "bad multipart body: %v", err)
		}
		if len(v) > 64<<10 {
			return nil, dam.UploadOptions{}, dam.E(op, dam.TooLarge, "form field %q is over 64 KiB", name)
		}
		fields[name] = string(v)
	}
}

// lastPart is the file part of a multipart upload, which must end the
// body: when it is read to its end, anything but the closing boundary
// after it (another file, a late field) fails the read, so the upload is
// refused rather than part of it silently dropped.
type lastPart struct {
	*multipart.Part
	mr *multipart.Reader
}

func (p *lastPart) Read(b []byte) (int, error) {
	n, err := p.Part.Read(b)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return n, dam.E("damhttp.upload", dam.Invalid, "the multipart body ends inside the file, before its closing boundary")
	}
	if err != io.EOF {
		return n, err
	}
	next, nerr := p.mr.NextPart()
	switch {
	case nerr == io.EOF:
		return n, io.EOF
	case nerr != nil:
		return n, dam.E("damhttp.upload", dam.Invalid, "bad multipart body after the file: %v", nerr)
	case next.FormName() == "file":
		return n, dam.E("damhttp.upload", dam.Invalid, "one file per upload: a second \"file\" part follows the first")
	}
	return n, dam.E("damhttp.upload", dam.Invalid, "form field %.40q comes after the file: send the fields first", next.FormName())
}

// uploadOptions reads the upload's options from query or form fields.
func uploadOptions(get func(string) string) (dam.UploadOptions, error) {
	o := dam.UploadOptions{
		Name: get("name"), FolderID: get("folder"), Domain: get("domain"),
		CopyMetaFrom: get("copy_metadata_from"), Availability: dam.Availability(get("availability")),
		Protection: dam.Protection(get("protection")),
	}
	m, err := metadataFrom(get)
	if err != nil {
		return o, err
	}
	o.Meta = m
	if v := get("expires_at"); v != "" {
		t, err := parseTime("expires_at", v)
		if err != nil {
			return o, err
		}
		o.ExpiresAt = &t
	}
	o.Categories = categoryList(get("categories"))
	return o, nil
}

// categoryList reads comma-separated category IDs; none given is nil.
func categoryList(v string) []string {
	var ids []string
	for id := range strings.SplitSeq(v, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// metadataFrom reads the metadata of an upload: a "metadata" JSON object,
// or the title, description and keywords fields (not both); nil when none
// is given.
func metadataFrom(get func(string) string) (*dam.Metadata, error) {
	title, desc, kw := get("title"), get("description"), get("keywords")
	if raw := get("metadata"); raw != "" {
		if title != "" || desc != "" || kw != "" {
			return nil, dam.E("damhttp.upload", dam.Invalid, "give metadata or title, description and keywords, not both")
		}
		var m dam.Metadata
		if err := strictObject([]byte(raw), &m); err != nil {
			return nil, dam.E("damhttp.upload", dam.Invalid, "metadata must be a JSON object of title, description, keywords and fields: %s", err)
		}
		return &m, nil
	}
	if title == "" && desc == "" && kw == "" {
		return nil, nil
	}
	m := &dam.Metadata{Title: title, Description: desc}
	for _, k := range strings.Split(kw, ",") {
		if k = strings.TrimSpace(k); k != "" {
			m.Keywords = append(m.Keywords, k)
		}
	}
	return m, nil
}

func (s *Server) listAssets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	kind, err := queryKind(q.Get("kind"))
	if err != nil {
		return err
	}
	aq := dam.AssetQuery{Text: q.Get("q"), Kind: kind, Cursor: q.Get("cursor"), Limit: limit, Sort: q.Get("sort"),
		MediaType: q.Get("media_type")}
	if err := categoryFilter(r, &aq); err != nil {
		return err
	}
	if err := rangeFilters(q, &aq); err != nil {
		return err
	}
	if err := accessFilters(q, &aq); err != nil {
		return err
	}
	if q.Has("folder") {
		f := q.Get("folder")
		aq.FolderID = &f
	}
	if q.Has("subfolders") {
		if aq.Subfolders, err = queryBool(q, "subfolders"); err != nil {
			return err
		}
	}
	if v := q.Get("sha256"); v != "" {
		if len(v) > dam.MaxHashQuery*65 {
			return dam.E("damhttp", dam.Invalid, "sha256 lists at most %d digests", dam.MaxHashQuery)
		}
		aq.SHA256 = strings.Split(v, ",")
	}
	withFacets, err := queryBool(q, "facets")
	if err != nil {
		return err
	}
	if !withFacets {
		body, err := s.lib.EncodedAssetPage(r.Context(), aq, assetPages)
		if err != nil {
			return err
		}
		writeJSONBytes(w, http.StatusOK, body)
		return nil
	}
	as, next, facets, err := s.lib.AssetsWithFacets(r.Context(), aq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		page[dam.Asset]
		Facets dam.Facets `json:"facets"`
	}{newPage(as, next), facets})
	return nil
}

func (s *Server) getAsset(w http.ResponseWriter, r *http.Request) error {
	a, err := s.lib.Asset(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) editAsset(w http.ResponseWriter, r *http.Request) error {
	var p dam.AssetPatch
	if err := s.readJSON(r, w, &p); err != nil {
		return err
	}
	a, err := s.lib.EditAsset(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

type bulkEdit struct {
	IDs   []string       `json:"ids"`
	Patch dam.AssetPatch `json:"patch"`
}

func (s *Server) bulkEdit(w http.ResponseWriter, r *http.Request) error {
	var b bulkEdit
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	as, err := s.lib.EditAssets(r.Context(), b.IDs, b.Patch)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(as, ""))
	return nil
}

func (s *Server) deleteAsset(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.Delete(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) addVersion(w http.ResponseWriter, r *http.Request) error {
	r.Body = s.uploadBody(w, r)
	body, o, err := s.uploadSource(r, versionFields)
	if err != nil {
		return err
	}
	a, err := s.lib.AddVersion(r.Context(), r.PathValue("id"), body, dam.NewVersionOptions{Name: o.Name, Meta: o.Meta, Categories: o.Categories})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.lib.Versions(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(vs, ""))
	return nil
}

func (s *Server) deleteVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return dam.E("damhttp", dam.NotFound, "version %.20q not found", r.PathValue("n"))
	}
	if err := s.lib.DeleteVersion(r.Context(), r.PathValue("id"), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type cloneBody struct {
	Name       string   `json:"name"`
	Categories []string `json:"categories"` // absent: the original's
}

func (s *Server) clone(w http.ResponseWriter, r *http.Request) error {
	var b cloneBody
	if r.ContentLength != 0 {
		if err := s.readJSON(r, w, &b); err != nil && !errors.Is(err, errEmptyBody) {
			return err
		}
	}
	a, err := s.lib.CloneWith(r.Context(), r.PathValue("id"), dam.CloneOptions{Name: b.Name, Categories: b.Categories})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

type noteBody struct {
	Text string `json:"text"`
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) error {
	var b noteBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	n, err := s.lib.AddNote(r.Context(), r.PathValue("id"), b.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

func (s *Server) listNotes(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.lib.Notes(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(ns, ""))
	return nil
}

// trashItem is a trashed asset with the time it will be purged.
type trashItem struct {
	dam.Asset
	PurgeAt time.Time `json:"purge_at"`
}

func (s *Server) listTrash(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	as, next, err := s.lib.Trash(r.Context(), r.URL.Query().Get("cursor"), limit)
	if err != nil {
		return err
	}
	items := make([]trashItem, len(as))
	for i, a := range as {
		items[i] = trashItem{Asset: a, PurgeAt: s.lib.PurgeAt(a)}
	}
	writeJSON(w, http.StatusOK, newPage(items, next))
	return nil
}

func (s *Server) restore(w http.ResponseWriter, r *http.Request) error {
	a, err := s.lib.Restore(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// rangeFilters reads the creation, change and capture ranges
// (created_from, created_to, updated_from, updated_to, captured_from,
// captured_to: RFC 3339 times), the size range
// (min_size, max_size: bytes), the pixel size (min_width, min_height), the
// orientation, the uploader (created_by) and the collection of a listing.
func rangeFilters(q url.Values, aq *dam.AssetQuery) error {
	aq.Orientation, aq.CreatedBy, aq.CollectionID = q.Get("orientation"), q.Get("created_by"), q.Get("collection")
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"created_from", &aq.CreatedFrom}, {"created_to", &aq.CreatedTo},
		{"updated_from", &aq.UpdatedFrom}, {"updated_to", &aq.UpdatedTo},
		{"captured_from", &aq.CapturedFrom}, {"captured_to", &aq.CapturedTo}} {
		if v := q.Get(t.name); v != "" {
			at, err := parseTime(t.name, v)
			if err != nil {
				return err
			}
			*t.dst = at
		}
	}
	for _, n := range []struct {
		name string
		dst  *int64
	}{{"min_size", &aq.MinSize}, {"max_size", &aq.MaxSize}} {
		if v := q.Get(n.name); v != "" {
			size, err := strconv.ParseInt(v, 10, 64)
			if err != nil || size < 0 {
				return dam.E("damhttp", dam.Invalid, "%s must be a number of bytes, not %.30q", n.name, v)
			}
			*n.dst = size
		}
	}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"min_width", &aq.MinWidth}, {"min_height", &aq.MinHeight}} {
		if v := q.Get(n.name); v != "" {
			px, err := strconv.Atoi(v)
			if err != nil || px < 0 || px > 1<<30 {
				return dam.E("damhttp", dam.Invalid, "%s must be a number of pixels, not %.30q", n.name, v)
			}
			*n.dst = px
		}
	}
	return nil
}
