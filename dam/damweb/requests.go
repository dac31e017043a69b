package damweb

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).requestRoutes) }

// requestRoutes are the download-request screens: the owners' dashboard
// (notification emails about new requests land here), a request's history,
// decisions, and the live permissions with their revocation. Other users
// see their own requests and permissions on the same pages.
func (h *Handler) requestRoutes() []route {
	return []route{
		{"GET", "/requests", true, h.requestsPage},
		{"GET", "/requests/{id}", true, h.requestPage},
		{"POST", "/requests/decide", true, h.decideRequests},
		{"POST", "/grants/revoke", true, h.revokeGrants},
	}
}

// validityChoices are the durations an owner picks from when approving.
var validityChoices = []int{1, 2, 3, 5, 7, 14, 28, 90, 365}

// requestSorts are the dashboard's orders with their names, as offered in
// the sort menu.
var requestSorts = []choice{
	{"-created", "Newest first"}, {"created", "Oldest first"},
	{"requester", "Requester, A to Z"}, {"-requester", "Requester, Z to A"},
	{"asset", "Asset, A to Z"}, {"-asset", "Asset, Z to A"},
}

// choice is an option of a drop-down list.
type choice struct{ Value, Label string }

// requestRow is one request of the dashboard.
type requestRow struct {
	dam.RequestView
	Requester    string
	RequesterURL string // the dashboard filtered on this person
	PortalURL    string // the dashboard filtered on the portal it came through
	AssetURL     string // the dashboard filtered on the asset
	ValidityDays string // "7 days", "until revoked"
	Preview      string
}

// grantRow is one live permission.
type grantRow struct {
	dam.Grant
	AssetName string
	Holder    string
}

// sortHeader is a column heading that sorts the dashboard by its field.
type sortHeader struct {
	Label string
	URL   string // the dashboard sorted by this column, the other way if it is already
	Sort  string // "ascending", "descending" or "" (aria-sort)
}

type requestsData struct {
	IsOwner    bool
	Status     string
	Statuses   []string
	Asset      string // an asset ID
	AssetName  string
	Requester  string // a user ID (links of old) or part of an email
	Folder     string
	Folders    []treeNode
	Portal     string
	Portals    []choice
	From, To   string
	Sort       string
	Sorts      []choice
	Headers    map[string]sortHeader // "date", "requester", "asset"
	Filtered   bool                  // a filter other than the status is on
	Here       string                // this page of the dashboard, without its cursor
	Rows       []requestRow
	Grants     []grantRow
	Next       string
	First      string // the first page, when this is a later one
	Validities []int
	ReasonDeny bool
}

// dashboardURL is the dashboard with the query v, its parameters in a
// stable order and empty ones left out.
func dashboardURL(v url.Values) string {
	out := url.Values{}
	for k, vs := range v {
		if len(vs) > 0 && (vs[0] != "" || k == "status") {
			out.Set(k, vs[0])
		}
	}
	if len(out) == 0 {
		return "/requests"
	}
	return "/requests?" + out.Encode()
}

// with returns a copy of v with k set to value and no cursor.
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k != "cursor" && len(vs) > 0 {
			out.Set(k, vs[0])
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// requestsPage is the dashboard: the filters and the sort live in the URL
// (a GET form), the store filters, sorts and pages.
func (h *Handler) requestsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qs := r.URL.Query()
	me := actorOf(ctx)
	d := requestsData{IsOwner: me.IsOwner(), Status: qs.Get("status"), Statuses: []string{"pending", "approved", "denied"},
		Asset: qs.Get("asset"), Requester: strings.TrimSpace(qs.Get("requester")), Folder: qs.Get("folder"),
		Portal: qs.Get("portal"), From: qs.Get("from"), To: qs.Get("to"), Sort: qs.Get("sort"), Sorts: requestSorts,
		Validities: validityChoices}
	if _, ok := qs["status"]; !ok && d.IsOwner {
		d.Status = "pending" // the dashboard opens on what waits for a decision
	}
	state := url.Values{"status": {d.Status}, "asset": {d.Asset}, "requester": {d.Requester}, "folder": {d.Folder},
		"portal": {d.Portal}, "from": {d.From}, "to": {d.To}, "sort": {d.Sort}}
	d.Here = dashboardURL(state)
	d.Filtered = d.Asset != "" || d.Requester != "" || d.Folder != "" || d.Portal != "" || d.From != "" || d.To != ""
	from, before, err := dam.RequestDays(d.From, d.To)
	if err != nil {
		return err
	}
	q := dam.RequestQuery{Status: dam.RequestStatus(d.Status), AssetID: d.Asset, FolderID: d.Folder, PortalID: d.Portal,
		From: from, Before: before, Sort: d.Sort, Cursor: qs.Get("cursor"), Limit: 50}
	if d.Requester != "" {
		if looksLikeID(d.Requester) {
			q.RequesterID = d.Requester
		} else {
			q.RequesterEmail = d.Requester
		}
	}
	rs, next, err := h.lib.Requests(ctx, q)
	if err != nil {
		return err
	}
	if next != "" {
		d.Next = dashboardURL(with(state, "cursor", next))
	}
	if q.Cursor != "" {
		d.First = d.Here
	}
	d.Headers = map[string]sortHeader{}
	for _, c := range []struct{ key, label, field string }{{"date", "Asked", "created"}, {"requester", "Requested by", "requester"}, {"asset", "Asset", "asset"}} {
		field, desc := dam.RequestSortField(d.Sort)
		hd := sortHeader{Label: c.label}
		next := c.field // a new column sorts A to Z, or newest first for dates
		if c.field == "created" {
			next = "-created"
		}
		if field == c.field {
			hd.Sort, next = "ascending", "-"+c.field
			if desc {
				hd.Sort, next = "descending", c.field
			}
		}
		if next == "-created" {
			next = "" // the default order
		}
		hd.URL = dashboardURL(with(state, "sort", next))
		d.Headers[c.key] = hd
	}
	folders, err := h.lib.Folders(ctx)
	if err != nil {
		return err
	}
	d.Folders = folderTree(folders, d.Folder, nil)
	names := map[string]string{}
	if d.IsOwner {
		users, err := h.lib.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			names[u.ID] = u.Email
		}
		ps, err := h.lib.Portals(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			d.Portals = append(d.Portals, choice{p.ID, p.Title})
		}
	}
	var assetIDs []string
	for _, rq := range rs {
		row := requestRow{RequestView: rq, Requester: rq.RequesterEmail, ValidityDays: days(rq.Validity)}
		if n := names[rq.RequesterID]; n != "" {
			row.Requester = n
		}
		row.RequesterURL = dashboardURL(with(state, "requester", row.Requester))
		row.AssetURL = dashboardURL(with(state, "asset", rq.AssetID))
		if rq.PortalID != "" {
			row.PortalURL = dashboardURL(with(state, "portal", rq.PortalID))
		}
		d.Rows = append(d.Rows, row)
		assetIDs = append(assetIDs, rq.AssetID)
	}
	if d.Asset != "" {
		assetIDs = append(assetIDs, d.Asset)
	}
	gs, err := h.lib.Grants(ctx, dam.GrantQuery{Live: true})
	if err != nil {
		return err
	}
	now := h.lib.Now()
	for _, g := range gs {
		if g.Until != nil && !now.Before(*g.Until) {
			continue // ended: not live any more
		}
		holder := g.Email
		if n := names[g.UserID]; n != "" {
			holder = n
		} else if g.UserID == me.UserID {
			holder = me.Email
		}
		d.Grants = append(d.Grants, grantRow{Grant: g, Holder: holder})
		assetIDs = append(assetIDs, g.AssetID)
	}
	assets, err := h.assetsByID(r, assetIDs)
	if err != nil {
		return err
	}
	d.AssetName = assets[d.Asset].Name
	for i, row := range d.Rows {
		if a, ok := assets[row.AssetID]; ok && h.lib.Previewable(a.Current.MediaType) {
			d.Rows[i].Preview = previewURL(a, "", false)
		}
	}
	for i, g := range d.Grants {
		d.Grants[i].AssetName = assets[g.AssetID].Name
	}
	if d.IsOwner {
		st, err := h.lib.Settings(ctx)
		if err != nil {
			return err
		}
		d.ReasonDeny = st.ReasonRequiredToDeny
	}
	title := "My requests"
	if d.IsOwner {
		title = "Download requests"
	}
	return h.render(w, r, http.StatusOK, "requests", title, "requests", d)
}

// looksLikeID tells a user ID (26 characters, as links of old carry)
// from part of an email address.
func looksLikeID(s string) bool {
	return len(s) == 26 && !strings.ContainsAny(s, "@. ")
}

// assetsByID loads the named assets the actor can see, in one call.
func (h *Handler) assetsByID(r *http.Request, ids []string) (map[string]dam.Asset, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := map[string]dam.Asset{}
	for start := 0; start < len(ids); start += 1000 {
		part := ids[start:min(start+1000, len(ids))]
		as, _, err := h.lib.Assets(r.Context(), dam.AssetQuery{IDs: part, Limit: len(part)})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out[a.ID] = a
		}
	}
	return out, nil
}

// days says a validity in days, never in nanoseconds.
func days(d time.Duration) string {
	if d <= 0 {
		return "until revoked"
	}
	n := int((d + 12*time.Hour) / (24 * time.Hour))
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// decideRequests approves or denies the selected requests in one call to
// dam, with one message and, on approval, an optional new validity. The
// flash says what was decided and what someone else had decided first.
func (h *Handler) decideRequests(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	ids := f["id"]
	if len(ids) == 0 {
		return dam.E("damweb.decide", dam.Invalid, "select at least one request")
	}
	approve := f.Get("decision") == "approve"
	if !approve && f.Get("decision") != "deny" {
		return dam.E("damweb.decide", dam.Invalid, "choose approve or deny")
	}
	var validity *int
	if v := f.Get("validity_days"); v != "" && approve {
		n, err := strconv.Atoi(v)
		if err != nil {
			return dam.E("damweb.decide", dam.Invalid, "validity must be a whole number of days")
		}
		validity = &n
	}
	ds := make([]dam.Decision, len(ids))
	for i, id := range ids {
		ds[i] = dam.Decision{RequestID: id, Approve: approve, Message: f.Get("message"), ValidityDays: validity}
	}
	res, err := h.lib.Decide(r.Context(), ds)
	if err != nil {
		return err
	}
	done, conflicts := 0, 0
	var problems []string
	for _, x := range res {
		switch {
		case x.Error == nil:
			done++
		case x.Error.Code == dam.Conflict.String():
			conflicts++
		default:
			problems = append(problems, x.Error.Message)
		}
	}
	verb := "approved"
	if !approve {
		verb = "denied"
	}
	msg := fmt.Sprintf("%s %s.", plural(done, "request", "requests"), verb)
	if conflicts > 0 {
		msg += fmt.Sprintf(" %d had already been decided by someone else.", conflicts)
	}
	if len(problems) > 0 {
		msg += " Not decided: " + strings.Join(slices.Compact(problems), "; ") + "."
	}
	return redirect(w, r, localPath(f.Get("back"), "/requests"), msg)
}

// revokeGrants ends the selected permissions at once.
func (h *Handler) revokeGrants(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ids := r.PostForm["id"]
	if len(ids) == 0 {
		return dam.E("damweb.revoke", dam.Invalid, "select at least one permission")
	}
	for _, id := range ids {
		if _, err := h.lib.RevokeGrant(r.Context(), id); err != nil {
			return err
		}
	}
	n := len(ids)
	return redirect(w, r, localPath(r.PostForm.Get("back"), "/requests#grants"), plural(n, "permission", "permissions")+" revoked.")
}
