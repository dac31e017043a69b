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
// (notification emails about new requests land here), decisions, and the
// live permissions with their revocation. Other users see their own
// requests and permissions on the same page.
func (h *Handler) requestRoutes() []route {
	return []route{
		{"GET", "/requests", true, h.requestsPage},
		{"POST", "/requests/decide", true, h.decideRequests},
		{"POST", "/grants/revoke", true, h.revokeGrants},
	}
}

// validityChoices are the durations an owner picks from when approving.
var validityChoices = []int{1, 2, 3, 5, 7, 14, 28, 90, 365}

// requestRow is one request of the dashboard.
type requestRow struct {
	dam.RequestView
	Requester    string
	ValidityDays string // "7 days", "until revoked"
	Preview      string
}

// grantRow is one live permission.
type grantRow struct {
	dam.Grant
	AssetName string
	Holder    string
}

type requestsData struct {
	IsOwner    bool
	Status     string
	Statuses   []string
	Asset      string
	Requester  string
	Rows       []requestRow
	Grants     []grantRow
	Next       string
	Validities []int
	ReasonDeny bool
}

func (h *Handler) requestsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qs := r.URL.Query()
	me := actorOf(ctx)
	d := requestsData{IsOwner: me.IsOwner(), Status: qs.Get("status"), Statuses: []string{"pending", "approved", "denied"},
		Asset: qs.Get("asset"), Requester: qs.Get("requester"), Validities: validityChoices}
	if _, ok := qs["status"]; !ok && d.IsOwner {
		d.Status = "pending" // the dashboard opens on what waits for a decision
	}
	rs, next, err := h.lib.Requests(ctx, dam.RequestQuery{Status: dam.RequestStatus(d.Status), AssetID: d.Asset,
		RequesterID: d.Requester, Cursor: qs.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	if next != "" {
		v := url.Values{}
		for k, vs := range qs {
			v[k] = vs
		}
		v.Set("cursor", next)
		d.Next = "/requests?" + v.Encode()
	}
	names := map[string]string{}
	if d.IsOwner {
		users, err := h.lib.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			names[u.ID] = u.Email
		}
	}
	var assetIDs []string
	for _, rq := range rs {
		row := requestRow{RequestView: rq, Requester: rq.RequesterEmail, ValidityDays: days(rq.Validity)}
		if n := names[rq.RequesterID]; n != "" {
			row.Requester = n
		}
		d.Rows = append(d.Rows, row)
		assetIDs = append(assetIDs, rq.AssetID)
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
	return redirect(w, r, "/requests#grants", plural(n, "permission", "permissions")+" revoked.")
}
