package damweb

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).shareRoutes) }

// shareRoutes are the sharer's screens (reference page 003): the share
// form, opened from a selection, a collection or an asset; "My shares";
// one share with its guests, assets and usage. Guests open their link on
// /s/{token}, which dam/damhttp serves.
func (h *Handler) shareRoutes() []route {
	return []route{
		{"GET", "/shares", true, h.sharesPage},
		{"GET", "/shares/new", true, h.shareForm},
		{"POST", "/shares", true, h.createShare},
		{"GET", "/shares/{id}", true, h.sharePage},
		{"POST", "/shares/{id}", true, h.editShare},
		{"POST", "/shares/add", true, h.addShareAssets},
		{"POST", "/shares/{id}/assets/remove", true, h.removeShareAssets},
		{"POST", "/shares/{id}/guests", true, h.inviteGuests},
		{"POST", "/shares/{id}/guests/remove", true, h.removeGuest},
		{"POST", "/shares/{id}/send-link", true, h.sendShareLink},
		{"POST", "/shares/{id}/delete", true, h.deleteShare},
		{"GET", "/users", true, h.findUsers},
	}
}

func shareURL(id string) string { return "/shares/" + url.PathEscape(id) }

// Share statuses as "My shares" shows them.
const (
	shareActive   = "active"
	shareExpiring = "expiring soon"
	shareExpired  = "expired"
	shareDisabled = "disabled"
)

// shareStatus says where a share stands at now: disabled first (the
// sharer's choice), then expired, then expiring within soon.
func shareStatus(s dam.Share, now time.Time, soon time.Duration) string {
	switch {
	case !s.Enabled:
		return shareDisabled
	case !now.Before(s.ExpiresAt):
		return shareExpired
	case s.ExpiresAt.Sub(now) <= soon:
		return shareExpiring
	}
	return shareActive
}

// shareRow is a share of "My shares".
type shareRow struct {
	dam.ShareView
	URL, Status string
}

// Class is the status as a CSS class: "status-expiring-soon".
func (r shareRow) Class() string { return statusClass(r.Status) }

func statusClass(status string) string { return "status-" + strings.ReplaceAll(status, " ", "-") }

type sharesData struct {
	Shares []shareRow
}

func (h *Handler) sharesPage(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.lib.Shares(r.Context())
	if err != nil {
		return err
	}
	now, soon := h.lib.Now(), h.lib.Options().ShareExpiryNotice
	d := sharesData{Shares: make([]shareRow, len(vs))}
	for i, v := range vs {
		d.Shares[i] = shareRow{ShareView: v, URL: shareURL(v.ID), Status: shareStatus(v.Share, now, soon)}
	}
	return h.render(w, r, http.StatusOK, "shares", "My shares", "shares", d)
}

// shareFormData is the share form's: what is being shared and the choices.
type shareFormData struct {
	Enabled    bool // the library's settings allow shares
	AssetIDs   []string
	Assets     []dam.Asset
	Missing    int // selected assets the user cannot see (left to dam to list)
	Collection *dam.Collection
	Days       []int
	Profiles   []dam.Profile
	Users      []dam.UserRef
	Existing   []shareRow // active shares the assets can be added to
	Form       url.Values // what was typed, when the form comes back with a problem
}

// maxFormAssets bounds the assets one share form names (dam's own limit
// per share).
const maxFormAssets = 1000

// shareForm is the form a selection, a collection or an asset opens:
// GET /shares/new?asset=ID&asset=ID or ?collection=ID.
func (h *Handler) shareForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !actorOf(ctx).CanEdit() {
		return dam.E("damweb.shareForm", dam.PermissionDenied, "only owners and editors share assets")
	}
	q := r.URL.Query()
	d := shareFormData{AssetIDs: distinct(q["asset"])}
	if len(d.AssetIDs) > maxFormAssets {
		return dam.E("damweb.shareForm", dam.Invalid, "at most %d assets per share", maxFormAssets)
	}
	if id := q.Get("collection"); id != "" {
		c, _, err := h.lib.CollectionPage(ctx, id, "", 1)
		if err != nil {
			return err
		}
		d.Collection = &c
	} else if len(d.AssetIDs) == 0 {
		return dam.E("damweb.shareForm", dam.Invalid, "select the assets to share first: in the library, a collection or an asset page")
	}
	return h.renderShareForm(w, r, http.StatusOK, d)
}

// renderShareForm fills in the choices of the share form and renders it.
func (h *Handler) renderShareForm(w http.ResponseWriter, r *http.Request, status int, d shareFormData) error {
	ctx := r.Context()
	st, err := h.lib.Settings(ctx)
	if err != nil {
		return err
	}
	d.Enabled = st.SharesEnabled
	if len(d.AssetIDs) > 0 {
		byID, err := h.assetsByID(r, slices.Clone(d.AssetIDs))
		if err != nil {
			return err
		}
		for _, id := range d.AssetIDs {
			if a, ok := byID[id]; ok {
				d.Assets = append(d.Assets, a)
			} else {
				d.Missing++
			}
		}
	}
	d.Days, _, _ = h.shareDays(h.lib.Now())
	if d.Profiles, err = h.lib.Profiles(ctx); err != nil {
		return err
	}
	if d.Users, err = h.lib.FindUsers(ctx, "", 20); err != nil {
		return err
	}
	if d.Collection == nil && len(d.AssetIDs) > 0 {
		vs, err := h.lib.Shares(ctx)
		if err != nil {
			return err
		}
		now := h.lib.Now()
		for _, v := range vs {
			if v.Active {
				d.Existing = append(d.Existing, shareRow{ShareView: v, URL: shareURL(v.ID), Status: shareStatus(v.Share, now, 0)})
			}
		}
	}
	if d.Form == nil {
		d.Form = url.Values{"days": {"7"}}
	}
	return h.render(w, r, status, "share-new", "Share", "shares", d)
}

// shareDays returns the allowed durations in whole days, and the first
// and last end dates a sharer may pick from now.
func (h *Handler) shareDays(now time.Time) (days []int, minDate, maxDate string) {
	longest := time.Duration(0)
	for _, ds := range h.lib.Options().ShareDurations {
		if ds > 0 && ds%(24*time.Hour) == 0 {
			days = append(days, int(ds/(24*time.Hour)))
		}
		longest = max(longest, ds)
	}
	now = now.UTC()
	// A date ends at its last minute, UTC: the last date whose end is
	// within the longest duration is the day before now+longest.
	return days, now.Format("2006-01-02"), now.Add(longest - 24*time.Hour).Format("2006-01-02")
}

// userEntries resolves the internal guests typed in the form, names or
// email addresses separated by commas, to user IDs: an entry is the user
// whose address it is, else the one user whose name or address contains
// it. Anything else is a clear 400 naming the entry.
func (h *Handler) userEntries(r *http.Request, field string) ([]string, error) {
	entries := splitList(field)
	if len(entries) > 50 {
		return nil, dam.E("damweb.share", dam.Invalid, "name at most 50 people of the library at once")
	}
	var ids []string
	for _, e := range entries {
		us, err := h.lib.FindUsers(r.Context(), e, 20)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(us, func(u dam.UserRef) bool { return strings.EqualFold(u.Email, e) })
		switch {
		case i >= 0:
		case len(us) == 1:
			i = 0
		case len(us) == 0:
			return nil, dam.E("damweb.share", dam.Invalid, "nobody in the library matches %.100q: check the spelling, or add the address under external guests", e)
		default:
			return nil, dam.E("damweb.share", dam.Invalid, "%.100q matches %d people: type more of the name, or the email address", e, len(us))
		}
		ids = append(ids, us[i].ID)
	}
	return ids, nil
}

// shareResult is the page a new share answers with: its link when it has
// no guests, the guests' links, and the assets left out with why.
type shareResult struct {
	View    dam.ShareView
	URL     string
	Skipped []skippedRow
}

// skippedRow is an asset left out of a share, with dam's reason.
type skippedRow struct {
	dam.Skipped
	Name string
}

// createShare makes the share the form describes in one call to dam, and
// shows the result on the page it answers with (the links of guests are
// shown only once, so this is not a redirect).
func (h *Handler) createShare(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	ns := dam.NewShare{Title: f.Get("title"), Description: f.Get("description"), AssetIDs: distinct(f["asset"]),
		CollectionID: f.Get("collection"), Profile: f.Get("profile"), Guests: f.Get("guests"), Comment: f.Get("comment"),
		ViewOnly: f.Get("view_only") == "true", Password: f.Get("password")}
	if len(ns.AssetIDs) > maxFormAssets {
		return dam.E("damweb.createShare", dam.Invalid, "at most %d assets per share", maxFormAssets)
	}
	days, err := strconv.Atoi(f.Get("days"))
	if err != nil {
		return dam.E("damweb.createShare", dam.Invalid, "choose how long the share lasts")
	}
	ns.Days = days
	if ns.DownloadLimit, err = formLimit("damweb.createShare", f.Get("download_limit")); err != nil {
		return err
	}
	if ns.AssetDownloadLimit, err = formLimit("damweb.createShare", f.Get("asset_download_limit")); err != nil {
		return err
	}
	if ns.UserIDs, err = h.userEntries(r, f.Get("users")); err == nil {
		var v dam.ShareView
		if v, err = h.lib.CreateShare(r.Context(), ns); err == nil {
			return h.renderShareResult(w, r, v)
		}
	}
	if dam.KindOf(err) != dam.Invalid {
		return err
	}
	// A problem with what was typed: the form again, filled in, with why.
	d := shareFormData{AssetIDs: ns.AssetIDs, Form: f}
	if ns.CollectionID != "" {
		c, _, cerr := h.lib.CollectionPage(r.Context(), ns.CollectionID, "", 1)
		if cerr != nil {
			return cerr
		}
		d.Collection = &c
	}
	return h.renderShareFormProblem(w, r, d, err)
}

// renderShareFormProblem renders the share form again with the problem
// on top, answering 400.
func (h *Handler) renderShareFormProblem(w http.ResponseWriter, r *http.Request, d shareFormData, problem error) error {
	d.Form.Set("problem", dam.ErrorMessage(problem))
	return h.renderShareForm(w, r, http.StatusBadRequest, d)
}

func (h *Handler) renderShareResult(w http.ResponseWriter, r *http.Request, v dam.ShareView) error {
	res := shareResult{View: v, URL: shareURL(v.ID)}
	if len(v.Skipped) > 0 {
		ids := make([]string, len(v.Skipped))
		for i, s := range v.Skipped {
			ids[i] = s.AssetID
		}
		byID, err := h.assetsByID(r, ids)
		if err != nil {
			return err
		}
		for _, s := range v.Skipped {
			res.Skipped = append(res.Skipped, skippedRow{Skipped: s, Name: byID[s.AssetID].Name})
		}
	}
	return h.render(w, r, http.StatusCreated, "share-created", "Share created", "shares", res)
}

// guestRow is a guest of the share page.
type guestRow struct {
	dam.Guest
	Who  string // name and address, or "Anyone with the link"
	Gone string // why the link no longer works ("" while it does)
	Own  string // the guest's own end, as the until field wants it ("" for the share's)
}

// shareData is the share page's.
type shareData struct {
	View     dam.ShareView
	URL      string
	Status   string
	Guests   []guestRow
	Assets   []card
	Missing  int // assets of the share the sharer can no longer see
	Usage    dam.Usage
	People   []personRow
	ByAsset  []assetUsageRow
	Users    []dam.UserRef
	Profile  string
	Expired  bool
	HasGuest bool // named guests (not only the public link)
	// Days are the allowed durations; MinDate and MaxDate bound the end
	// dates a sharer may pick (tomorrow to the longest duration's end).
	Days             []int
	MinDate, MaxDate string
}

// Class is the status as a CSS class.
func (d shareData) Class() string { return statusClass(d.Status) }

type personRow struct {
	dam.PersonUsage
	Who string
}

type assetUsageRow struct {
	dam.AssetUsage
	Name string
}

func (h *Handler) sharePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := h.lib.Share(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	now := h.lib.Now()
	d := shareData{View: v, URL: shareURL(v.ID), Status: shareStatus(v.Share, now, h.lib.Options().ShareExpiryNotice),
		Expired: !now.Before(v.ExpiresAt), Profile: v.Profile}
	if d.Profile == "" {
		d.Profile = "originals"
	}
	// The people the sharer may invite: suggested in the invite form, and
	// the names of the guests among them (others show their address).
	if d.Users, err = h.lib.FindUsers(ctx, "", 20); err != nil && dam.KindOf(err) != dam.PermissionDenied {
		return err
	}
	names := map[string]string{}
	for _, u := range d.Users {
		names[u.ID] = u.Name
	}
	who := func(g dam.Guest) string {
		switch {
		case g.Public():
			return "Anyone with the link"
		case names[g.UserID] != "":
			return names[g.UserID] + " (" + g.Email + ")"
		}
		return g.Email
	}
	d.Days, d.MinDate, d.MaxDate = h.shareDays(now)
	for _, g := range v.ActiveGuests {
		row := guestRow{Guest: g, Who: who(g)}
		if g.ExpiresAt != nil {
			row.Own = g.ExpiresAt.UTC().Format("2006-01-02")
		}
		d.Guests = append(d.Guests, row)
		d.HasGuest = d.HasGuest || !g.Public()
	}
	for _, g := range v.ExpiredGuests {
		gone := "expired"
		switch {
		case g.RemovedAt != nil:
			gone = "removed " + g.RemovedAt.UTC().Format("2 Jan 2006")
		case !v.Enabled:
			gone = "share disabled"
		}
		d.Guests = append(d.Guests, guestRow{Guest: g, Who: who(g), Gone: gone})
		d.HasGuest = d.HasGuest || !g.Public()
	}
	byID, err := h.assetsByID(r, slices.Clone(v.AssetIDs))
	if err != nil {
		return err
	}
	for _, id := range v.AssetIDs {
		a, ok := byID[id]
		if !ok {
			d.Missing++
			continue
		}
		c := card{Asset: a, KindLabel: kindLabel(a)}
		if h.lib.Previewable(a.Current.MediaType) {
			c.Preview = previewURL(a, "", false)
		}
		d.Assets = append(d.Assets, c)
	}
	if d.Usage, err = h.lib.ShareUsage(ctx, v.ID); err != nil {
		return err
	}
	for _, p := range d.Usage.People {
		row := personRow{PersonUsage: p, Who: p.Actor}
		if p.Actor == "" {
			row.Who = "Anyone with the link"
		}
		d.People = append(d.People, row)
	}
	for _, a := range d.Usage.Assets {
		name := byID[a.AssetID].Name
		if name == "" {
			name = "an asset no longer visible to you"
		}
		d.ByAsset = append(d.ByAsset, assetUsageRow{AssetUsage: a, Name: name})
	}
	return h.render(w, r, http.StatusOK, "share", v.Title, "shares", d)
}

// editShare turns a share on or off, or changes its title and
// description; a field the form does not carry stays as it is.
func (h *Handler) editShare(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	var p dam.SharePatch
	if _, ok := f["title"]; ok {
		p.Title = ptr(f.Get("title"))
	}
	if _, ok := f["description"]; ok {
		p.Description = ptr(f.Get("description"))
	}
	msg := "Saved."
	switch f.Get("enabled") {
	case "true":
		p.Enabled, msg = ptr(true), "Share enabled: its links work again until it expires."
	case "false":
		p.Enabled, msg = ptr(false), "Share disabled: its links stop working at once."
	case "":
	default:
		return dam.E("damweb.editShare", dam.Invalid, "enabled must be true or false")
	}
	v, err := h.lib.EditShare(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return redirect(w, r, shareURL(v.ID), msg)
}

// addShareAssets adds the assets of a selection to an existing share, the
// one the "share" field names (the share form's "add to an existing
// share").
func (h *Handler) addShareAssets(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ids := distinct(r.PostForm["asset"])
	if len(ids) > maxFormAssets {
		return dam.E("damweb.addShareAssets", dam.Invalid, "at most %d assets per share", maxFormAssets)
	}
	v, err := h.lib.AddShareAssets(r.Context(), r.PostForm.Get("share"), ids)
	if err != nil {
		return err
	}
	msg := count(len(ids)-len(v.Skipped), "asset") + " added to “" + v.Title + "”."
	if len(v.Skipped) > 0 {
		var why []string
		for _, s := range v.Skipped {
			why = append(why, s.Message)
		}
		slices.Sort(why)
		msg += " Left out: " + strings.Join(slices.Compact(why), "; ")
	}
	return redirect(w, r, shareURL(v.ID), msg)
}

func (h *Handler) removeShareAssets(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	ids := distinct(r.PostForm["asset"])
	if len(ids) == 0 {
		if _, err := h.lib.Share(r.Context(), id); err != nil {
			return err
		}
		return redirect(w, r, shareURL(id), "Select the assets to remove first.")
	}
	v, err := h.lib.RemoveShareAssets(r.Context(), id, ids)
	if err != nil {
		return err
	}
	return redirect(w, r, shareURL(v.ID), count(len(ids), "asset")+" removed from the share; they stay in the library.")
}

func (h *Handler) inviteGuests(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	userIDs, err := h.userEntries(r, f.Get("users"))
	if err != nil {
		return err
	}
	in := dam.Invitees{Guests: f.Get("guests"), UserIDs: userIDs, Comment: f.Get("comment")}
	if strings.TrimSpace(f.Get("until")) != "" {
		e, err := endOf("damweb.inviteGuests", f, "")
		if err != nil {
			return err
		}
		in.ExpiresAt = &e
	}
	if in.DownloadLimit, err = formLimit("damweb.inviteGuests", f.Get("download_limit")); err != nil {
		return err
	}
	v, err := h.lib.InviteGuests(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	msg := "Everyone named was already invited."
	if n := len(v.Links); n > 0 {
		msg = plural(n, "guest", "guests") + " invited; each receives a link of their own."
	}
	return redirect(w, r, shareURL(v.ID), msg)
}

func (h *Handler) removeGuest(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	v, err := h.lib.RemoveGuest(r.Context(), r.PathValue("id"), r.PostForm.Get("guest"))
	if err != nil {
		return err
	}
	return redirect(w, r, shareURL(v.ID), "Guest removed: their link stops working at once.")
}

func (h *Handler) sendShareLink(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.lib.SendShareLink(r.Context(), id); err != nil {
		return err
	}
	return redirect(w, r, shareURL(id), "The link is on its way to "+actorOf(r.Context()).Email+".")
}

func (h *Handler) deleteShare(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	v, err := h.lib.Share(ctx, id) // its title, for the message
	if err != nil {
		return err
	}
	if err := h.lib.DeleteShare(ctx, id); err != nil {
		return err
	}
	return redirect(w, r, "/shares", "Share “"+v.Title+"” deleted: its links no longer work. The assets stay in the library.")
}

// findUsers answers the share form's guest field as the sharer types:
// GET /users?q=part of a name or address, a JSON list of at most 20
// people of the library (dam.FindUsers decides who may look, and whom).
func (h *Handler) findUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := h.lib.FindUsers(r.Context(), r.URL.Query().Get("q"), 20)
	if err != nil {
		return err
	}
	b, err := json.Marshal(us)
	if err != nil {
		return dam.E("damweb.findUsers", dam.Internal, "%v", err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	_, err = w.Write(b)
	return err
}
