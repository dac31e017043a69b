package damweb

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).libraryRoutes) }

func (h *Handler) libraryRoutes() []route {
	return []route{
		{"GET", "/{$}", true, h.library},
	}
}

// libraryPageSize is the grid's page: enough to fill a large screen, few
// enough that the page stays small and fast.
const libraryPageSize = 60

// treeNode is a folder or category in the side tree, with its depth.
type treeNode struct {
	ID, Name string
	Depth    int
	Current  bool
	Count    int // categories: assets directly in it
	URL      string
}

// Prefix indents a node in a drop-down list, where CSS cannot.
func (n treeNode) Prefix() string { return strings.Repeat("· ", n.Depth) }

// card is one asset in the grid or list.
type card struct {
	dam.Asset
	Preview   string // "" when the kind has no preview: an icon shows instead
	Locked    bool   // protected for this user: downloading needs a request
	Folder    string // folder name (list view)
	KindLabel string
}

// libraryData is the library page's.
type libraryData struct {
	Folders     []treeNode
	Categories  []treeNode
	Folder      *dam.Folder
	FolderPath  []dam.Folder // from the top down to Folder
	Category    *dam.Category
	Cards       []card
	Kinds       []string
	Kind        string
	List        bool // list view instead of the grid
	Filtered    bool // a query, kind or category narrows the view
	Next, First string
	Here        string // this view's URL, to come back to after an action
	Upload      string // the upload page for this folder
	CanEdit     bool
	Collections []dam.Collection
	Profiles    []dam.Profile
	HasCrops    bool // some profiles are smart crops: the download may take them
	AllFolders  []treeNode
	Sort        string       // the listing's sort (dam.AssetSorts), "" for the default
	Sorts       []sortChoice // the sort drop-down's choices
	// The list view's sortable column headers.
	SortName, SortSize, SortAdded sortLink
	All                           string  // "All assets": no folder or filter, the same view and sort
	Crumbs                        []crumb // FolderPath with links that keep the view and sort
	Refine                        refineData
	// Problem is what is wrong with the view's filters (a malformed date,
	// a size out of range): the page shows it instead of results.
	Problem string
	// PolicyNote says why the page may hold fewer assets than a full one
	// (the access filters read at most dam.MaxPolicyScan assets per page).
	PolicyNote string
}

// sortChoice is one option of the sort drop-down.
type sortChoice struct{ Value, Label string }

// sortChoices are the sorts offered, in the order of dam.AssetSorts. The
// default ("" ) is creation order, oldest first, as "created" is.
var sortChoices = []sortChoice{
	{"", "Oldest first"}, {"-created", "Newest first"}, {"name", "Name A–Z"}, {"-name", "Name Z–A"},
	{"size", "Smallest first"}, {"-size", "Largest first"}, {"-updated", "Recently changed"},
	{"-captured", "Recently taken"}, {"captured", "Earliest taken"},
}

// searchSorts are the sorts offered with search text: best match first
// (the default then), and the others.
var searchSorts = append([]sortChoice{{dam.SortRelevance, "Best match"}}, sortChoices...)

// sortLink is a column header that sorts: its link, and its aria-sort
// ("ascending" or "descending" on the sorted column, "" elsewhere).
type sortLink struct{ Label, URL, Aria string }

// crumb is one folder of the breadcrumb.
type crumb struct{ Name, URL string }

// columnSort is the header of the column that sorts by field: a link that
// sorts ascending, or, on the column already sorted, that reverses it.
func columnSort(qs url.Values, sort, field, label string) sortLink {
	cur, desc := strings.CutPrefix(sort, "-")
	if cur == "" {
		cur = "created" // the default order is creation order
	}
	switch {
	case cur != field:
		return sortLink{Label: label, URL: viewURL(qs, "sort", field)}
	case desc:
		return sortLink{Label: label, URL: viewURL(qs, "sort", field), Aria: "descending"}
	}
	return sortLink{Label: label, URL: viewURL(qs, "sort", "-"+field), Aria: "ascending"}
}

// library is the home page: the folder and category trees beside a grid of
// the assets in view. Everything the view depends on is in the URL
// (folder, category, q, kind, view, cursor), so a view can be bookmarked.
func (h *Handler) library(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qs := r.URL.Query()
	d := libraryData{Kinds: []string{"image", "video", "audio", "document", "other"}, Kind: qs.Get("kind"),
		List: qs.Get("view") == "list", CanEdit: actorOf(ctx).CanEdit()}
	q := dam.AssetQuery{Text: strings.TrimSpace(qs.Get("q")), Cursor: qs.Get("cursor"), Limit: libraryPageSize, Sort: qs.Get("sort")}
	if d.Kind != "" {
		if !slices.Contains(d.Kinds, d.Kind) {
			return dam.E("damweb.library", dam.Invalid, "kind must be one of %s", strings.Join(d.Kinds, ", "))
		}
		q.Kind = dam.MediaKind(d.Kind)
	}
	folders, err := h.lib.Folders(ctx)
	if err != nil {
		return err
	}
	folderID := qs.Get("folder")
	if folderID != "" {
		f, err := h.lib.Folder(ctx, folderID)
		if err != nil {
			return err
		}
		d.Folder = &f
		q.FolderID = &f.ID
		d.FolderPath = folderPath(folders, f.ID)
	}
	if id := qs.Get("category"); id != "" {
		c, err := h.lib.Category(ctx, id)
		if err != nil {
			return err
		}
		d.Category, q.CategoryID = &c, c.ID
	}
	text := q.Text
	lists := refineLists{Folder: d.Folder, Me: actorOf(ctx).UserID}
	if lists.Categories, err = h.lib.Categories(ctx); err != nil {
		return err
	}
	if d.Collections, err = h.lib.CollectionChoices(ctx); err != nil {
		return err
	}
	lists.Collections = d.Collections
	if actorOf(ctx).IsOwner() {
		if lists.People, err = h.lib.Users(ctx); err != nil {
			return err
		}
	}
	// A filter the view cannot take (a malformed date, a size out of
	// range, ranges the wrong way round) shows the page with the problem
	// named and the sidebar's form as given, to correct it.
	status := http.StatusOK
	invalid := func(err error) bool {
		switch dam.KindOf(err) {
		case dam.Invalid:
			status = http.StatusBadRequest
		case dam.NotFound: // a collection that is not the caller's
			status = http.StatusNotFound
		default:
			return false
		}
		d.Problem = dam.ErrorMessage(err)
		return true
	}
	var assets []dam.Asset
	var next string
	var facets dam.Facets
	if err := refineQuery(qs, &q); err != nil {
		if !invalid(err) {
			return err
		}
	} else {
		d.Filtered = q.Text != "" || q.Kind != "" || q.CategoryID != "" || q.MediaType != "" || q.Orientation != "" ||
			!q.CreatedFrom.IsZero() || !q.CreatedTo.IsZero() || !q.CapturedFrom.IsZero() || !q.CapturedTo.IsZero() ||
			!q.UpdatedFrom.IsZero() || !q.UpdatedTo.IsZero() || !q.ExpiresFrom.IsZero() || !q.ExpiresTo.IsZero() ||
			q.MinSize > 0 || q.MaxSize > 0 || q.MinWidth > 0 || q.MinHeight > 0 || q.Availability != "" ||
			q.Downloadable != nil || q.Protected != nil || q.HasLicence != nil || q.CreatedBy != "" || q.CollectionID != "" || q.Subfolders
		if assets, next, facets, err = h.lib.AssetsWithFacets(ctx, q); err != nil && !invalid(err) {
			return err
		}
		if err == nil {
			policy := q.Downloadable != nil || q.Protected != nil || q.HasLicence != nil
			if policy && next != "" && len(assets) < q.Limit {
				d.PolicyNote = fmt.Sprintf("This page may hold fewer than %d assets, even none: the download filters "+
					"check at most %d assets per page. The next page goes on where this one stopped.",
					q.Limit, dam.MaxPolicyScan)
			}
		}
	}
	d.Refine = refineFor(qs, facets, lists)
	access, err := h.lib.AccessAll(ctx, assets)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, f := range folders {
		names[f.ID] = f.Name
	}
	for _, a := range assets {
		c := card{Asset: a, Folder: names[a.FolderID], KindLabel: kindLabel(a)}
		acc := access[a.ID]
		c.Locked = !acc.CanDownload
		if h.lib.Previewable(a.Current.MediaType) {
			c.Preview = previewURL(a, "", acc.Watermark)
		}
		d.Cards = append(d.Cards, c)
	}
	d.Folders = folderTree(folders, folderID, func(id string) string { return viewURL(qs, "folder", id) })
	d.AllFolders = folderTree(folders, "", nil)
	d.Categories = categoryTree(lists.Categories, qs.Get("category"), func(id string) string { return viewURL(qs, "category", id) })
	d.Sort, d.Sorts = q.Sort, sortChoices
	if q.Text != "" {
		d.Sort, d.Sorts = dam.EffectiveSort(q), searchSorts
	}
	d.SortName, d.SortSize, d.SortAdded = columnSort(qs, q.Sort, "name", "Name"),
		columnSort(qs, q.Sort, "size", "Size"), columnSort(qs, q.Sort, "created", "Added")
	keep := url.Values{}
	for _, k := range []string{"view", "sort"} {
		if v := qs.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.All = viewURL(keep, "", "")
	for _, f := range d.FolderPath {
		d.Crumbs = append(d.Crumbs, crumb{Name: f.Name, URL: viewURL(keep, "folder", f.ID)})
	}
	d.Here = r.URL.RequestURI()
	if next != "" {
		d.Next = viewURL(qs, "cursor", next)
	}
	if q.Cursor != "" {
		d.First = viewURL(qs, "cursor", "")
	}
	d.Upload = "/upload"
	if d.Folder != nil {
		d.Upload += "?folder=" + url.QueryEscape(d.Folder.ID)
	}
	if d.Profiles, err = h.lib.Profiles(ctx); err != nil {
		return err
	}
	d.HasCrops = slices.ContainsFunc(d.Profiles, func(p dam.Profile) bool { return p.SmartCrop })
	title := "Library"
	switch {
	case text != "":
		title = "Search: " + text
	case qs.Get(paramCreator) != "":
		title = "By " + strings.TrimSpace(qs.Get(paramCreator))
	case d.Folder != nil:
		title = d.Folder.Name
	case d.Category != nil:
		title = d.Category.Name
	}
	return h.render(w, r, status, "library", title, "library", d)
}

// viewURL is the library URL of the current view with one parameter
// changed (a value of "" removes it; a key of "" changes none); any change
// but of the cursor starts at the first page.
func viewURL(qs url.Values, key, value string) string {
	v := url.Values{}
	for k, vs := range qs {
		v[k] = slices.Clone(vs)
	}
	if key != "cursor" {
		v.Del("cursor")
	}
	if value == "" {
		v.Del(key)
	} else if key != "" {
		v.Set(key, value)
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// previewURL is an asset's preview address. It names the content hash and
// whether the watermark applies, so the browser may cache it for good:
// a new version or a grant changes the URL.
func previewURL(a dam.Asset, profile string, watermark bool) string {
	v := a.Current.SHA256
	if len(v) > 16 {
		v = v[:16]
	}
	if watermark {
		v += "w"
	}
	u := "/assets/" + url.PathEscape(a.ID) + "/preview?v=" + v
	if profile != "" {
		u += "&profile=" + url.QueryEscape(profile)
	}
	return u
}

// kindLabel is the short label of an asset's type: JPEG, PDF, MP4.
func kindLabel(a dam.Asset) string {
	mt, _, _ := strings.Cut(a.Current.MediaType, ";")
	_, sub, ok := strings.Cut(mt, "/")
	if !ok || sub == "" || len(sub) > 12 || strings.ContainsAny(sub, ".+-") {
		return strings.ToUpper(string(a.Kind))
	}
	return strings.ToUpper(strings.TrimPrefix(sub, "x-"))
}

// walkTree visits items as a tree: parents before children, siblings by
// name, with their depth (bounded, so a corrupt parent chain cannot loop).
func walkTree[T any](items []T, ids func(T) (id, parent, name string), visit func(T, int)) {
	children := map[string][]T{}
	for _, it := range items {
		_, parent, _ := ids(it)
		children[parent] = append(children[parent], it)
	}
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b T) int {
			_, _, na := ids(a)
			_, _, nb := ids(b)
			return strings.Compare(strings.ToLower(na), strings.ToLower(nb))
		})
		for _, it := range kids {
			visit(it, depth)
			if id, _, _ := ids(it); depth < 32 {
				walk(id, depth+1)
			}
		}
	}
	walk("", 0)
}

// folderTree lists folders as a tree; link, when set, gives each its URL.
func folderTree(fs []dam.Folder, current string, link func(id string) string) []treeNode {
	var out []treeNode
	walkTree(fs, func(f dam.Folder) (string, string, string) { return f.ID, f.ParentID, f.Name }, func(f dam.Folder, depth int) {
		n := treeNode{ID: f.ID, Name: f.Name, Depth: depth, Current: f.ID == current}
		if link != nil {
			n.URL = link(f.ID)
		}
		out = append(out, n)
	})
	return out
}

// categoryTree lists categories as a tree with their asset counts.
func categoryTree(cs []dam.Category, current string, link func(id string) string) []treeNode {
	var out []treeNode
	walkTree(cs, func(c dam.Category) (string, string, string) { return c.ID, c.ParentID, c.Name }, func(c dam.Category, depth int) {
		out = append(out, treeNode{ID: c.ID, Name: c.Name, Depth: depth, Current: c.ID == current, Count: c.AssetCount, URL: link(c.ID)})
	})
	return out
}

// folderPath returns the folders from the top down to id.
func folderPath(fs []dam.Folder, id string) []dam.Folder {
	byID := map[string]dam.Folder{}
	for _, f := range fs {
		byID[f.ID] = f
	}
	var path []dam.Folder
	for f, ok := byID[id]; ok && len(path) < 64; f, ok = byID[f.ParentID] {
		path = append([]dam.Folder{f}, path...)
	}
	return path
}
