package damweb

import (
	"errors"
	"fmt"
	"io"
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

func init() { routeSets = append(routeSets, (*Handler).assetRoutes) }

func (h *Handler) assetRoutes() []route {
	return []route{
		{"GET", "/assets/{id}", true, h.assetPage},
		{"POST", "/assets/{id}", true, h.editAsset},
		{"POST", "/assets/{id}/versions", true, h.addVersion},
		{"POST", "/assets/{id}/versions/{n}/delete", true, h.deleteVersion},
		{"POST", "/assets/{id}/notes", true, h.addNote},
		{"POST", "/assets/{id}/request", true, h.requestAsset},
		{"POST", "/assets/{id}/clone", true, h.cloneAsset},
		{"POST", "/assets/{id}/delete", true, h.deleteAsset},
		{"GET", "/assets/{id}/preview", true, h.preview},
		{"GET", "/assets/{id}/download", true, h.download},
		{"POST", "/assets/{id}/crops", true, h.downloadCrops},
	}
}

// assetData is the asset page's.
type assetData struct {
	Asset        dam.Asset
	URL          string
	Preview      string
	Video        string // the MP4 preview a <video> plays, when there is one
	MediaLine    string // "1:02 · H264, AAC" or "12 pages"
	Large        string
	KindLabel    string
	Access       dam.AccessInfo
	FolderPath   []dam.Folder
	Versions     []dam.Version
	Notes        []dam.Note
	Profiles     []dam.Profile
	Crops        []dam.Profile    // the smart crops, when the asset renders
	Custom       []formatChoice   // the formats of a rendition on request, when they are on and the asset renders
	Categories   []treeNode       // all, with Current marking the asset's
	InCats       []treeNode       // the asset's own
	Collections  []dam.Collection // the user's that hold the asset
	Choices      []dam.Collection // all the user's, to add it to one
	Requests     []dam.RequestView
	Grants       []dam.Grant
	Keywords     string
	CanEdit      bool
	IsOwner      bool
	ReasonReq    bool // the settings require a reason to ask
	Pending      bool // this user already waits for an answer
	Folders      []treeNode
	Protection   *protectionView   // owners: the asset's protection form
	SchemaFields []fieldInput      // the schema's fields, in order, for the edit form
	OtherFields  map[string]string // the custom fields outside the schema
	Facts        []fieldFact       // every custom field, for reading
	Problems     int               // schema fields whose value does not fit
}

func (h *Handler) assetPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	a, err := h.lib.Asset(ctx, id)
	if err != nil {
		return err
	}
	me := actorOf(ctx)
	d := assetData{Asset: a, URL: "/assets/" + url.PathEscape(a.ID), KindLabel: kindLabel(a), CanEdit: me.CanEdit(),
		IsOwner: me.IsOwner(), Keywords: strings.Join(a.Meta.Keywords, ", ")}
	if d.Access, err = h.lib.Access(ctx, id); err != nil {
		return err
	}
	if h.lib.Previewable(a.Current.MediaType) {
		d.Preview = previewURL(a, "large", d.Access.Watermark)
	}
	if h.lib.PlaysVideo(a.Current.MediaType) && !d.Access.Watermark {
		d.Video = previewURL(a, "video", false)
	}
	d.MediaLine = mediaLine(a.Current.Media)
	folders, err := h.lib.Folders(ctx)
	if err != nil {
		return err
	}
	d.FolderPath = folderPath(folders, a.FolderID)
	if d.IsOwner {
		setBy := ""
		for _, f := range d.FolderPath {
			if f.ID == d.Access.FolderID {
				setBy = f.Name
			}
		}
		pv := newProtectionView(d.URL+"/protection", "asset", a.Protection, d.Access.Protected,
			protectionWhy("asset", d.Access.ProtectedBy, d.Access.ProtectedBy == "asset", setBy))
		d.Protection = &pv
	}
	d.Folders = folderTree(folders, a.FolderID, nil)
	if d.Versions, err = h.lib.Versions(ctx, id); err != nil {
		return err
	}
	slices.Reverse(d.Versions) // newest first
	if d.Notes, err = h.lib.Notes(ctx, id); err != nil {
		return err
	}
	if d.Profiles, err = h.lib.Profiles(ctx); err != nil {
		return err
	}
	if h.lib.Previewable(a.Current.MediaType) {
		for _, p := range d.Profiles {
			if p.SmartCrop {
				d.Crops = append(d.Crops, p)
			}
		}
		st, err := h.lib.Settings(ctx)
		if err != nil {
			return err
		}
		if st.CustomRenditions.Enabled {
			for _, c := range customFormats {
				if hasString(st.CustomRenditions.Formats, c.Name) {
					d.Custom = append(d.Custom, c)
				}
			}
		}
	}
	cats, err := h.lib.Categories(ctx)
	if err != nil {
		return err
	}
	d.Categories = categoryTree(cats, "", func(id string) string { return "/?category=" + url.QueryEscape(id) })
	for i, c := range d.Categories {
		if slices.Contains(a.Categories, c.ID) {
			d.Categories[i].Current = true
			d.InCats = append(d.InCats, c)
		}
	}
	if d.Collections, err = h.lib.CollectionsWith(ctx, a.ID); err != nil {
		return err
	}
	if d.Choices, err = h.lib.CollectionChoices(ctx); err != nil {
		return err
	}
	if d.Requests, _, err = h.lib.Requests(ctx, dam.RequestQuery{RequesterID: me.UserID, AssetID: a.ID, Limit: 20}); err != nil {
		return err
	}
	for _, rq := range d.Requests {
		d.Pending = d.Pending || rq.Status == dam.RequestPending
	}
	if d.Grants, err = h.lib.Grants(ctx, dam.GrantQuery{UserID: me.UserID, AssetIDs: []string{a.ID}, Live: true}); err != nil {
		return err
	}
	st, err := h.lib.Settings(ctx)
	if err != nil {
		return err
	}
	d.ReasonReq = st.ReasonRequiredToRequest
	schema, err := h.lib.MetadataSchema(ctx)
	if err != nil {
		return err
	}
	d.SchemaFields = fieldInputs(schema, a.Meta.Fields, "ms-", true)
	for i := range d.SchemaFields {
		d.SchemaFields[i].Enforce = true
		if d.SchemaFields[i].Problem != "" {
			d.Problems++
		}
	}
	d.OtherFields, d.Facts = otherFields(schema, a.Meta), fieldFacts(schema, a.Meta)
	title := a.Meta.Title
	if title == "" {
		title = a.Name
	}
	return h.render(w, r, http.StatusOK, "asset", title, "library", d)
}

// parseForm reads a small form post, refusing one that cannot be read.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return dam.E("damweb", dam.TooLarge, "the form is larger than %d bytes", mbe.Limit)
		}
		return dam.E("damweb", dam.Invalid, "the form could not be read")
	}
	return nil
}

// splitList splits "a, b,c" into its trimmed, non-empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// editAsset saves the metadata form: only the fields the form carries
// change (a form without a field leaves it as it is).
func (h *Handler) editAsset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var p dam.AssetPatch
	f := r.PostForm
	if _, ok := f["name"]; ok {
		p.Name = ptr(strings.TrimSpace(f.Get("name")))
	}
	if _, ok := f["title"]; ok {
		p.Title = ptr(f.Get("title"))
	}
	if _, ok := f["description"]; ok {
		p.Description = ptr(f.Get("description"))
	}
	if _, ok := f["keywords"]; ok {
		p.Keywords = ptr(splitList(f.Get("keywords")))
	}
	if _, ok := f["folder"]; ok {
		p.FolderID = ptr(f.Get("folder"))
	}
	// Custom fields: each shown field comes back as field.<name> (cleared:
	// removed; a multiselect's ticked options are several values), and
	// new_field_name/new_field_value add one.
	for k, vs := range f {
		if name, ok := strings.CutPrefix(k, "field."); ok && len(vs) > 0 {
			if p.Fields == nil {
				p.Fields = map[string]*string{}
			}
			if v := formFieldValue(vs); v != "" {
				p.Fields[name] = &v
			} else {
				p.Fields[name] = nil
			}
		}
	}
	if name := strings.TrimSpace(f.Get("new_field_name")); name != "" {
		if p.Fields == nil {
			p.Fields = map[string]*string{}
		}
		v := strings.TrimSpace(f.Get("new_field_value"))
		p.Fields[name] = &v
	}
	if f.Get("categories_shown") != "" {
		cats := f["category"]
		if cats == nil {
			cats = []string{}
		}
		p.Categories = &cats
	}
	id := r.PathValue("id")
	if _, err := h.lib.EditAsset(r.Context(), id, p); err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(id), "Saved.")
}

func ptr[T any](v T) *T { return &v }

// fileFromForm returns the first file part named "file" of a multipart
// post, streaming (nothing is buffered beyond the part headers), and the
// form values that came before it.
func fileFromForm(r *http.Request) (*multipart.Part, url.Values, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, dam.E("damweb", dam.Invalid, "send the file as multipart/form-data")
	}
	vals := url.Values{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, nil, dam.E("damweb", dam.Invalid, "choose a file to upload")
		}
		if err != nil {
			return nil, nil, dam.E("damweb", dam.Invalid, "the upload could not be read: %v", err)
		}
		if p.FormName() == "file" && p.FileName() != "" {
			return p, vals, nil
		}
		if p.FileName() == "" && len(vals) < 64 {
			b, err := io.ReadAll(io.LimitReader(p, 64<<10))
			if err != nil {
				return nil, nil, dam.E("damweb", dam.Invalid, "the upload could not be read: %v", err)
			}
			vals.Add(p.FormName(), string(b))
		}
	}
}

func (h *Handler) addVersion(w http.ResponseWriter, r *http.Request) error {
	part, _, err := fileFromForm(r)
	if err != nil {
		return err
	}
	defer part.Close()
	id := r.PathValue("id")
	a, err := h.lib.AddVersion(r.Context(), id, part, dam.NewVersionOptions{Name: part.FileName()})
	if err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(id), "Version "+strconv.Itoa(a.Current.Number)+" uploaded.")
}

func (h *Handler) deleteVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return dam.E("damweb", dam.NotFound, "no such version")
	}
	id := r.PathValue("id")
	if err := h.lib.DeleteVersion(r.Context(), id, n); err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(id), "Version "+strconv.Itoa(n)+" deleted.")
}

func (h *Handler) addNote(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := h.lib.AddNote(r.Context(), id, r.PostForm.Get("text")); err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(id)+"#notes", "Note added.")
}

func (h *Handler) requestAsset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	res, err := h.lib.RequestDownload(r.Context(), dam.NewRequest{AssetIDs: []string{id}, Reason: r.PostForm.Get("reason")})
	if err != nil {
		return err
	}
	msg := "Your request is sent. You will be told when an owner decides."
	switch {
	case len(res.Requests) > 0 && res.Requests[0].Status == dam.RequestApproved:
		msg = "Approved at once: you may download it now."
	case len(res.Requests) == 0 && len(res.Skipped) > 0:
		msg = "Nothing to ask: " + res.Skipped[0].Reason
	}
	return redirect(w, r, "/assets/"+url.PathEscape(id), msg)
}

func (h *Handler) cloneAsset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, err := h.lib.Clone(r.Context(), r.PathValue("id"), strings.TrimSpace(r.PostForm.Get("name")))
	if err != nil {
		return err
	}
	return redirect(w, r, "/assets/"+url.PathEscape(c.ID), "This is the copy, with the metadata of the original.")
}

func (h *Handler) deleteAsset(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	a, err := h.lib.Asset(r.Context(), id)
	if err != nil {
		return err
	}
	if err := h.lib.Delete(r.Context(), id); err != nil {
		return err
	}
	back := "/"
	if a.FolderID != "" {
		back = "/?folder=" + url.QueryEscape(a.FolderID)
	}
	return redirect(w, r, back, "“"+a.Name+"” is in the trash; you can restore it from there.")
}

// preview serves a preview image inline. Its URL names the version and
// the watermark (previewURL), so it is cached for good.
func (h *Handler) preview(w http.ResponseWriter, r *http.Request) error {
	profile, err := httpdam.Profile(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := h.lib.OpenPreview(r.Context(), r.PathValue("id"), profile)
	if err != nil {
		return err
	}
	defer d.Close()
	if r.URL.Query().Get("v") != "" {
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	}
	httpdam.ServeDownload(w, r, d, true, h.opts.WriteTimeout)
	return nil
}

// downloadCrops answers "Download all smart crops": a ZIP of the asset in
// each smart crop (startDownload).
func (h *Handler) downloadCrops(w http.ResponseWriter, r *http.Request) error {
	return h.startDownload(w, r, dam.DownloadRequest{AssetIDs: []string{r.PathValue("id")}, CropsOnly: true})
}

// download serves an original (or one version of it), an export
// profile's rendition or a custom rendition (httpdam.Profile) as an
// attachment.
func (h *Handler) download(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	id := r.PathValue("id")
	profile, err := httpdam.Profile(q)
	if err != nil {
		return err
	}
	n, err := httpdam.Version(q, profile)
	if err != nil {
		return err
	}
	var d *dam.Download
	if profile == "" || profile == dam.ProfileOriginal {
		d, err = h.lib.Open(r.Context(), id, n)
	} else {
		d, err = h.lib.OpenRendition(r.Context(), id, profile)
	}
	if err != nil {
		return err
	}
	defer d.Close()
	if d.SignedURL != "" {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, d.SignedURL, http.StatusFound)
		return nil
	}
	httpdam.ServeDownload(w, r, d, false, h.opts.WriteTimeout)
	return nil
}

// mediaLine sums up what the engines read from a video or a document.
func mediaLine(m *dam.Media) string {
	if m == nil {
		return ""
	}
	var parts []string
	if d := m.Duration().Round(time.Second); d > 0 {
		h, mnt, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
		if h > 0 {
			parts = append(parts, fmt.Sprintf("%d:%02d:%02d", h, mnt, sec))
		} else {
			parts = append(parts, fmt.Sprintf("%d:%02d", mnt, sec))
		}
	}
	var codecs []string
	for _, c := range []string{m.Codec, m.AudioCodec} {
		if c != "" {
			codecs = append(codecs, strings.ToUpper(c))
		}
	}
	if len(codecs) > 0 {
		parts = append(parts, strings.Join(codecs, ", "))
	}
	switch {
	case m.Pages == 1:
		parts = append(parts, "1 page")
	case m.Pages > 1:
		parts = append(parts, fmt.Sprintf("%d pages", m.Pages))
	}
	return strings.Join(parts, " · ")
}
