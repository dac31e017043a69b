package damweb

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Handler).uploadRoutes) }

func (h *Handler) uploadRoutes() []route {
	return []route{
		{"GET", "/upload", true, h.uploadPage},
		{"POST", "/upload", true, h.upload},
	}
}

// Bounds of one upload post. Files stream into the library one after the
// other and only their outcomes are kept, so a post of many files costs
// memory per outcome, not per byte.
const (
	maxUploadFields    = 256      // form values before the files (a multiselect's ticks count one each)
	maxUploadFieldSize = 64 << 10 // bytes per form field
	maxUploadResults   = 1000     // outcomes listed; later files are refused and counted
)

// uploadData is the upload page's: the form, and after a post without
// JavaScript the outcome of each file.
type uploadData struct {
	CanUpload  bool
	Folders    []treeNode
	Folder     *dam.Folder // where the files go unless the form says otherwise
	Categories []treeNode
	From       string // the asset whose metadata is copied
	FromName   string
	MaxSize    int64
	Back       string // the library page of the folder
	Posted     bool
	Error      string
	Results    []uploadResult
	Uploaded   int
	Refused    int
	Unlisted   int // refused files beyond maxUploadResults
	MaxFiles   int
	// SchemaFields are the metadata schema's fields, given once for
	// every file (blank: copied from another asset or read from the file).
	SchemaFields []fieldInput
}

// uploadResult is what became of one file: an asset, or a refusal in
// plain words.
type uploadResult struct {
	Name    string `json:"name"`
	ID      string `json:"id,omitempty"`
	URL     string `json:"url,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// uploadAnswer is the JSON answer of a post made by upload.js.
type uploadAnswer struct {
	Files    []uploadResult `json:"files"`
	Uploaded int            `json:"uploaded"`
	Refused  int            `json:"refused"`
}

// uploadPage shows the upload form for ?folder= (and ?from=, an asset to
// copy metadata from).
func (h *Handler) uploadPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := h.uploadForm(r, q.Get("folder"), assetRef(q.Get("from")), nil)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "upload", "Upload", "upload", d)
}

// uploadForm fills the form's choices; checked marks chosen categories.
func (h *Handler) uploadForm(r *http.Request, folderID, from string, checked []string) (*uploadData, error) {
	ctx := r.Context()
	d := &uploadData{CanUpload: actorOf(ctx).CanEdit(), MaxSize: h.lib.Options().MaxUploadSize, Back: "/",
		MaxFiles: maxUploadResults}
	folders, err := h.lib.Folders(ctx)
	if err != nil {
		return nil, err
	}
	if folderID != "" {
		f, err := h.lib.Folder(ctx, folderID)
		if err != nil {
			return nil, err
		}
		d.Folder = &f
		d.Back = "/?folder=" + url.QueryEscape(f.ID)
	}
	d.Folders = folderTree(folders, folderID, nil)
	cats, err := h.lib.Categories(ctx)
	if err != nil {
		return nil, err
	}
	d.Categories = categoryTree(cats, "", func(string) string { return "" })
	for i, c := range d.Categories {
		for _, id := range checked {
			d.Categories[i].Current = d.Categories[i].Current || c.ID == id
		}
	}
	schema, err := h.lib.MetadataSchema(ctx)
	if err != nil {
		return nil, err
	}
	d.SchemaFields = fieldInputs(schema, nil, "uf-", false)
	if from != "" {
		// An asset that is gone or out of reach is not named; the post
		// says why when it refuses the files.
		d.From = from
		if a, err := h.lib.Asset(ctx, from); err == nil {
			d.FromName = a.Name
		}
	}
	return d, nil
}

// assetRef reads an asset ID from what a person pastes: the ID, or the
// address of its page (/assets/ID, with or without the site).
func assetRef(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "/assets/"); i >= 0 {
		s = s[i+len("/assets/"):]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
	}
	return s
}

// upload takes a multipart post of one or many files and streams each,
// part by part, into the library: nothing is buffered beyond a part's
// headers, and a file the library refuses (too large, empty, no right to
// upload there) does not stop the others. The form fields come first
// (browsers send them in form order): folder, category (many), copy_from.
// The answer lists each file, as a page or, for upload.js, as JSON.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return dam.E("damweb.upload", dam.Invalid, "send the files as multipart/form-data")
	}
	vals := url.Values{}
	var opts *dam.UploadOptions
	var ans uploadAnswer
	unlisted := 0
	made := map[string]string{} // subfolder path -> folder ID
	sidecars := heldSidecars{m: map[string][]heldSidecar{}}
	cut := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The post broke off (the connection dropped, or the body is
			// not multipart): what arrived whole is kept.
			cut = true
			break
		}
		if p.FileName() == "" {
			if p.FormName() != "file" && opts == nil {
				if err := readField(p, vals); err != nil {
					return err
				}
			}
			p.Close() // an empty file input, or a field after the files
			continue
		}
		if p.FormName() != "file" {
			p.Close()
			continue
		}
		if opts == nil {
			opts = &dam.UploadOptions{FolderID: vals.Get("folder"), CopyMetaFrom: assetRef(vals.Get("copy_from"))}
			if cats := vals["category"]; len(cats) > 0 {
				opts.Categories = cats
			}
			if fields := schemaFieldsFromForm(vals); fields != nil {
				opts.Meta = &dam.Metadata{Fields: fields}
			}
		}
		if len(ans.Files) >= maxUploadResults {
			p.Close()
			unlisted++
			continue
		}
		dirs, name := filePath(p)
		res := uploadResult{Name: name}
		if len(dirs) > 0 {
			res.Name = strings.Join(dirs, "/") + "/" + name
		}
		o := *opts
		o.Name = name
		key := strings.Join(dirs, "/") + "/" + dam.SidecarStem(name)
		var body io.Reader = p
		if dam.IsSidecar(name) && sidecars.held < maxHeldSidecars {
			// Held until its partner comes in this upload (or the end).
			b, ok := holdSidecar(p)
			if ok {
				p.Close()
				sidecars.held++
				sidecars.m[key] = append(sidecars.m[key], heldSidecar{res: res, o: o, dirs: dirs, data: b})
				continue
			}
			body = io.MultiReader(bytes.NewReader(b), p) // what was read, then the rest
		}
		if held := sidecars.m[key]; len(held) > 0 && !dam.IsSidecar(name) {
			o.Sidecar = held[0].data
			res.Name += " (with " + held[0].o.Name + ")"
			sidecars.m[key] = held[1:]
		}
		a, err := h.uploadFile(r, body, o, dirs, made)
		p.Close()
		if err != nil {
			if dam.KindOf(err) == dam.Canceled {
				return err // the browser went away: nobody reads an answer
			}
			res.Code, res.Message = h.refusal(r, err)
			ans.Refused++
		} else {
			res.ID, res.URL = a.ID, "/assets/"+url.PathEscape(a.ID)
			ans.Uploaded++
		}
		ans.Files = append(ans.Files, res)
	}
	// Sidecars whose partner did not come in this upload: applied to a
	// partner already in the folder, or uploaded as files.
	for _, key := range slices.Sorted(maps.Keys(sidecars.m)) {
		for _, sc := range sidecars.m[key] {
			a, err := h.uploadFile(r, bytes.NewReader(sc.data), sc.o, sc.dirs, made)
			res := sc.res
			if err != nil {
				res.Code, res.Message = h.refusal(r, err)
				ans.Refused++
			} else {
				res.ID, res.URL = a.ID, "/assets/"+url.PathEscape(a.ID)
				if a.Name != sc.o.Name {
					res.Name += " (applied to " + a.Name + ")"
				}
				ans.Uploaded++
			}
			ans.Files = append(ans.Files, res)
		}
	}
	ans.Refused += unlisted
	if cut && len(ans.Files) == 0 {
		return dam.E("damweb.upload", dam.Invalid, "the upload could not be read")
	}
	if cut {
		ans.Files = append(ans.Files, uploadResult{Code: dam.Invalid.String(),
			Message: "the upload was cut off; files after this point did not arrive"})
		ans.Refused++
	}
	if len(ans.Files) == 0 {
		return dam.E("damweb.upload", dam.Invalid, "choose at least one file to upload")
	}
	if wantsJSON(r) {
		if ans.Files == nil {
			ans.Files = []uploadResult{}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		return json.NewEncoder(w).Encode(ans)
	}
	d, err := h.uploadForm(r, vals.Get("folder"), assetRef(vals.Get("copy_from")), vals["category"])
	if err != nil {
		return err
	}
	d.Posted, d.Results, d.Uploaded, d.Refused, d.Unlisted = true, ans.Files, ans.Uploaded, ans.Refused, unlisted
	title := "Upload finished"
	if ans.Refused > 0 {
		title = "Upload finished with problems"
	}
	return h.render(w, r, http.StatusOK, "upload", title, "upload", d)
}

// uploadFile puts one file into the library: into the subfolders dirs of
// o.FolderID when it came from a chosen or dropped folder (made once per
// post; made remembers them).
func (h *Handler) uploadFile(r *http.Request, p io.Reader, o dam.UploadOptions, dirs []string, made map[string]string) (dam.Asset, error) {
	if len(dirs) > 0 {
		key := strings.Join(dirs, "/")
		id, ok := made[key]
		if !ok {
			f, err := h.lib.MakeFolders(r.Context(), o.FolderID, dirs)
			if err != nil {
				return dam.Asset{}, err
			}
			id = f.ID
			made[key] = id
		}
		o.FolderID = id
	}
	return h.lib.Upload(r.Context(), p, o)
}

// filePath splits the name a browser gave a file part into the folders
// it came from and its own name: a folder chosen with webkitdirectory (or
// dropped, by upload.js) sends "Shoot/Day 1/a.jpg". Empty and "."
// segments are dropped; anything else (a ".." included) is left for the
// library to judge as a folder name.
func filePath(p *multipart.Part) (dirs []string, name string) {
	name = p.FileName() // the base name, as net/http cleans it
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err != nil {
		return nil, name
	}
	segs := strings.FieldsFunc(params["filename"], func(r rune) bool { return r == '/' || r == '\\' })
	if len(segs) < 2 {
		return nil, name
	}
	for _, s := range segs[:len(segs)-1] {
		if s != "." {
			dirs = append(dirs, s)
		}
	}
	return dirs, name
}

// readField adds one small form field of a multipart post to vals.
func readField(p *multipart.Part, vals url.Values) error {
	n := 0
	for _, vs := range vals {
		n += len(vs)
	}
	if n >= maxUploadFields {
		return dam.E("damweb.upload", dam.Invalid, "the form has more than %d fields", maxUploadFields)
	}
	b, err := io.ReadAll(io.LimitReader(p, maxUploadFieldSize+1))
	if err != nil {
		return dam.E("damweb.upload", dam.Invalid, "the upload could not be read")
	}
	if len(b) > maxUploadFieldSize {
		return dam.E("damweb.upload", dam.Invalid, "the form field %q is longer than %d bytes", p.FormName(), maxUploadFieldSize)
	}
	vals.Add(p.FormName(), string(b))
	return nil
}

// refusal is the code and plain-words message of an error shown inside a
// page (a refused file, a bulk action): internal errors are logged with
// their detail and shown as a generic message.
func (h *Handler) refusal(r *http.Request, err error) (code, message string) {
	kind := dam.KindOf(err)
	if httpdam.StatusOf(kind) >= 500 {
		h.log.ErrorContext(r.Context(), "page action failed", "method", r.Method, "path", r.URL.Path, "err", err)
		return kind.String(), "something went wrong on our side; please try again in a moment"
	}
	return kind.String(), dam.ErrorMessage(err)
}

// maxHeldSidecars bounds the XMP sidecars one upload holds in memory
// waiting for their partner (each at most dam.MaxSidecarBytes); later
// ones go in as they come.
const maxHeldSidecars = 32

// heldSidecar is an XMP sidecar that came before its partner.
type heldSidecar struct {
	res  uploadResult
	o    dam.UploadOptions
	dirs []string
	data []byte
}

type heldSidecars struct {
	m    map[string][]heldSidecar // by folder path and stem
	held int
}

// holdSidecar reads a part named like a sidecar: true with its bytes when
// it is one (small enough, and XMP); false with the bytes it read
// otherwise, which the part's upload must send first.
func holdSidecar(p io.Reader) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(p, dam.MaxSidecarBytes+1))
	if err != nil || len(b) > dam.MaxSidecarBytes {
		return b, false
	}
	if _, err := dam.ParseSidecar(b); err != nil {
		return b, false
	}
	return b, true
}
