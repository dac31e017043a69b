package damweb

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).portalRoutes) }

// portalRoutes are the owners' portal screens (reference page 001): the
// list with a form for a new portal; one portal's settings, the preview
// of its visitor page and its usage. Visitors open /p/{slug}, which
// dam/damhttp serves.
func (h *Handler) portalRoutes() []route {
	return []route{
		{"GET", "/portals", true, h.portalsPage},
		{"POST", "/portals", true, h.createPortal},
		{"GET", "/portals/{id}", true, h.portalPage},
		{"POST", "/portals/{id}", true, h.editPortal},
		{"POST", "/portals/{id}/delete", true, h.deletePortal},
	}
}

func portalURL(id string) string { return "/portals/" + url.PathEscape(id) }

// visitorURL is where visitors open a portal (served by dam/damhttp
// beside these pages).
func visitorURL(slug string) string { return "/p/" + url.PathEscape(slug) }

// portalMode is a download mode as the form offers it.
type portalMode struct {
	Value dam.PortalMode
	Label string
	Help  string
}

var portalModes = []portalMode{
	{dam.PortalRequest, "On request", "Visitors give their email address and ask; an owner approves or denies on the requests page."},
	{dam.PortalAutoApprove, "Approved at once", "Visitors give their email address and download at once; the approval is recorded and the link emailed."},
	{dam.PortalOpen, "Open", "Anyone with the address downloads, no request needed."},
	{dam.PortalDisabled, "View only", "Visitors see the files but cannot download or request them."},
}

// modeLabel is a mode's short name.
func modeLabel(m dam.PortalMode) string {
	for _, pm := range portalModes {
		if pm.Value == m {
			return pm.Label
		}
	}
	return string(m)
}

// portalRow is a portal of the list.
type portalRow struct {
	dam.Portal
	URL, Public, ModeLabel string
}

type portalsData struct {
	Portals []portalRow
	Modes   []portalMode
	Form    url.Values // what was typed, when the form comes back with a problem
	Problem string
}

func (h *Handler) portalsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPortals(w, r, http.StatusOK, url.Values{"mode": {string(dam.PortalRequest)}}, "")
}

func (h *Handler) renderPortals(w http.ResponseWriter, r *http.Request, status int, form url.Values, problem string) error {
	ps, err := h.lib.Portals(r.Context())
	if err != nil {
		return err
	}
	d := portalsData{Modes: portalModes, Form: form, Problem: problem}
	for _, p := range ps {
		d.Portals = append(d.Portals, portalRow{Portal: p, URL: portalURL(p.ID), Public: visitorURL(p.Slug), ModeLabel: modeLabel(p.Mode)})
	}
	return h.render(w, r, status, "portals", "Portals", "portals", d)
}

// formProblem reports whether err is one the form shows beside what was
// typed (a bad value, a slug taken) rather than on the error page.
func formProblem(err error) (int, bool) {
	switch dam.KindOf(err) {
	case dam.Invalid:
		return http.StatusBadRequest, true
	case dam.AlreadyExists:
		return http.StatusConflict, true
	}
	return 0, false
}

// createPortal makes a portal from the list's form: it starts
// unpublished, so the owner adds files and checks the preview first.
func (h *Handler) createPortal(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	off := false
	p, err := h.lib.CreatePortal(r.Context(), dam.NewPortal{Slug: strings.TrimSpace(f.Get("slug")), Title: f.Get("title"),
		Description: f.Get("description"), Mode: dam.PortalMode(f.Get("mode")), Enabled: &off})
	if status, ok := formProblem(err); ok {
		return h.renderPortals(w, r, status, f, dam.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return redirect(w, r, portalURL(p.ID), "Portal “"+p.Title+"” created, not yet published. Add files, check the preview, then publish it.")
}

// portalForm is the settings form's values: the portal's, or what was
// typed when they come back with a problem.
type portalForm struct {
	Slug, Title, Description, Licence string
	Mode                              dam.PortalMode
	Enabled                           bool
	AssetIDs, CollectionIDs           []string
}

// portalPick is an asset or collection the form offers, ticked when the
// portal shows it.
type portalPick struct {
	ID, Name, Detail, Preview string
	Checked                   bool
}

// previewAsset is an asset of the preview of the visitor page.
type previewAsset struct {
	dam.PortalAsset
	Preview, KindLabel, Action string
}

// usageRow is a line of a usage table.
type usageRow struct {
	Name                       string
	Opens, Requests, Downloads int
	Last                       string
}

type portalData struct {
	Portal      dam.Portal
	URL, Public string
	Form        portalForm
	Problem     string
	Modes       []portalMode
	Licences    []dam.Licence
	Assets      []portalPick // the portal's assets, then what the search found
	Collections []portalPick
	ModeLabel   string
	Shown       string // "3 files shown"
	Totals      string // "4 page opens · 1 request · 2 downloads"
	Query       string // the asset search
	Found       int    // assets the search found that the portal lacks
	FoundText   string
	Missing     int // assets of the portal the owner can no longer see
	View        dam.PortalView
	Previews    []previewAsset
	Usage       dam.Usage
	Chart       usageChart
	Days        []usageRow // days with activity, newest first
	ByAsset     []usageRow
	ByVisitor   []usageRow
}

// maxFoundAssets bounds the search results the settings form offers.
const maxFoundAssets = 48

func (h *Handler) portalPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.lib.Portal(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f := portalForm{Slug: p.Slug, Title: p.Title, Description: p.Description, Licence: p.Licence, Mode: p.Mode, Enabled: p.Enabled,
		AssetIDs: p.AssetIDs, CollectionIDs: p.CollectionIDs}
	return h.renderPortal(w, r, http.StatusOK, p, f, "")
}

// renderPortal renders a portal's page: the settings form with f, the
// preview of the visitor page as saved, and the usage.
func (h *Handler) renderPortal(w http.ResponseWriter, r *http.Request, status int, p dam.Portal, f portalForm, problem string) error {
	ctx := r.Context()
	d := portalData{Portal: p, URL: portalURL(p.ID), Public: visitorURL(p.Slug), Form: f, Problem: problem, Modes: portalModes,
		ModeLabel: modeLabel(p.Mode), Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	if d.Licences, err = h.lib.Licences(ctx); err != nil {
		return err
	}
	cols, err := h.lib.Collections(ctx)
	if err != nil {
		return err
	}
	for _, c := range cols {
		d.Collections = append(d.Collections, portalPick{ID: c.ID, Name: c.Name, Detail: count(c.ItemCount, "asset"),
			Checked: slices.Contains(f.CollectionIDs, c.ID)})
	}
	if err := h.portalPicks(r, &d); err != nil {
		return err
	}
	if err := h.portalPreview(r, &d); err != nil {
		return err
	}
	if err := h.portalUsage(r, &d); err != nil {
		return err
	}
	return h.render(w, r, status, "portal", p.Title, "portals", d)
}

// portalPicks lists the form's assets: the portal's own, ticked, then the
// search's finds it lacks.
func (h *Handler) portalPicks(r *http.Request, d *portalData) error {
	byID, err := h.assetsByID(r, slices.Clone(d.Form.AssetIDs))
	if err != nil {
		return err
	}
	pick := func(a dam.Asset, checked bool) portalPick {
		pp := portalPick{ID: a.ID, Name: a.Name, Detail: kindLabel(a) + " · " + humanBytes(a.Current.Size), Checked: checked}
		if h.lib.Previewable(a.Current.MediaType) {
			pp.Preview = previewURL(a, "", false)
		}
		return pp
	}
	for _, id := range d.Form.AssetIDs {
		if a, ok := byID[id]; ok {
			d.Assets = append(d.Assets, pick(a, true))
		} else {
			d.Missing++
		}
	}
	if d.Query == "" {
		return nil
	}
	found, _, err := h.lib.Assets(r.Context(), dam.AssetQuery{Text: d.Query, Limit: maxFoundAssets})
	if err != nil {
		return err
	}
	for _, a := range found {
		if _, in := byID[a.ID]; !in {
			d.Assets = append(d.Assets, pick(a, false))
			d.Found++
		}
	}
	d.FoundText = count(d.Found, "asset")
	return nil
}

// portalPreview fills in the visitor page as it is saved.
func (h *Handler) portalPreview(r *http.Request, d *portalData) error {
	v, err := h.lib.PortalPreview(r.Context(), d.Portal.ID)
	if err != nil {
		return err
	}
	d.View = v
	d.Shown = count(len(v.Assets), "file") + " shown"
	ids := make([]string, len(v.Assets))
	for i, a := range v.Assets {
		ids[i] = a.ID
	}
	byID, err := h.assetsByID(r, ids)
	if err != nil {
		return err
	}
	for _, a := range v.Assets {
		pa := previewAsset{PortalAsset: a, KindLabel: strings.ToUpper(string(a.Kind))}
		if full, ok := byID[a.ID]; ok {
			pa.KindLabel = kindLabel(full)
			if h.lib.Previewable(a.MediaType) {
				pa.Preview = previewURL(full, "", false)
			}
		}
		switch {
		case a.Downloadable:
			pa.Action = "Download"
		case a.LicencePending:
			pa.Action = "Accept the licence, then download"
		case v.Mode == dam.PortalDisabled:
			pa.Action = "View only"
		default:
			pa.Action = "Request access"
		}
		d.Previews = append(d.Previews, pa)
	}
	return nil
}

// portalUsage fills in the numbers and the chart.
func (h *Handler) portalUsage(r *http.Request, d *portalData) error {
	u, err := h.lib.PortalUsage(r.Context(), d.Portal.ID)
	if err != nil {
		return err
	}
	d.Usage = u
	d.Totals = count(u.Opens, "page open") + " · " + count(u.Requests, "request") + " · " + count(u.Downloads, "download")
	d.Chart = newUsageChart(u.Days)
	for i := len(u.Days) - 1; i >= 0; i-- {
		day := u.Days[i]
		if day.Opens+day.Requests+day.Downloads > 0 {
			d.Days = append(d.Days, usageRow{Name: dayLabel(day.Day, true), Opens: day.Opens, Requests: day.Requests, Downloads: day.Downloads})
		}
	}
	ids := make([]string, len(u.Assets))
	for i, a := range u.Assets {
		ids[i] = a.AssetID
	}
	byID, err := h.assetsByID(r, ids)
	if err != nil {
		return err
	}
	for _, a := range u.Assets {
		name := byID[a.AssetID].Name
		if name == "" {
			name = "an asset no longer visible to you"
		}
		d.ByAsset = append(d.ByAsset, usageRow{Name: name, Requests: a.Requests, Downloads: a.Downloads})
	}
	for _, p := range u.People {
		who := p.Actor
		if who == "visitor" || who == "" {
			who = "Anonymous visitors (open portal)"
		}
		d.ByVisitor = append(d.ByVisitor, usageRow{Name: who, Requests: p.Requests, Downloads: p.Downloads, Last: p.Last.UTC().Format("2 Jan 2006, 15:04 UTC")})
	}
	return nil
}

// editPortal saves the settings form; a bad value or a slug taken shows
// the form again with what was typed.
func (h *Handler) editPortal(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	pf := portalForm{Slug: strings.TrimSpace(f.Get("slug")), Title: f.Get("title"), Description: f.Get("description"),
		Licence: f.Get("licence"), Mode: dam.PortalMode(f.Get("mode")), Enabled: f.Get("enabled") == "1",
		AssetIDs: distinct(f["asset"]), CollectionIDs: distinct(f["collection"])}
	if len(pf.AssetIDs)+len(pf.CollectionIDs) > maxFormAssets {
		return dam.E("damweb.editPortal", dam.Invalid, "at most %d assets and collections per portal", maxFormAssets)
	}
	np := dam.NewPortal{Slug: pf.Slug, Title: pf.Title, Description: pf.Description, Licence: pf.Licence, Mode: pf.Mode,
		Enabled: &pf.Enabled, AssetIDs: pf.AssetIDs, CollectionIDs: pf.CollectionIDs}
	p, err := h.lib.UpdatePortal(r.Context(), r.PathValue("id"), np)
	if status, ok := formProblem(err); ok {
		saved, gerr := h.lib.Portal(r.Context(), r.PathValue("id"))
		if gerr != nil {
			return gerr
		}
		return h.renderPortal(w, r, status, saved, pf, dam.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	msg := "Saved. The preview shows the visitor page as it is now."
	if !p.Enabled {
		msg = "Saved. The portal is not published: visitors cannot open it yet."
	}
	return redirect(w, r, portalURL(p.ID), msg)
}

func (h *Handler) deletePortal(w http.ResponseWriter, r *http.Request) error {
	p, err := h.lib.Portal(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.lib.DeletePortal(r.Context(), p.ID); err != nil {
		return err
	}
	return redirect(w, r, "/portals", "Portal “"+p.Title+"” deleted. Access already granted through it stays until revoked.")
}
