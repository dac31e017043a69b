package damweb

import (
	"net/http"
	"time"

	"github.com/damkit/damkit/dam"
)

// stepRow is one line of a request's history as the page says it.
type stepRow struct {
	What     string // the dam.Step* constant, for the style
	Label    string // "Asked", "Approved", ...
	At       time.Time
	By       string
	Portal   string // asked through this portal
	Message  string
	Validity string // "7 days", "until revoked"; "" when it does not apply
}

type requestData struct {
	dam.RequestDetail
	IsOwner    bool
	Preview    string
	Validity   string // requested, in days
	Steps      []stepRow
	Live       []dam.Grant // permissions that still run, to revoke
	Back       string      // the dashboard
	Validities []int
	ReasonDeny bool
}

// stepLabels name the steps of a request's history.
var stepLabels = map[string]string{
	dam.StepAsked: "Asked", dam.StepApproved: "Approved", dam.StepDenied: "Denied",
	dam.StepRevoked: "Permission revoked", dam.StepEnded: "Permission ended",
}

// requestPage is one request and its history (asked, decided, revoked),
// for the owners of its domain and for the person who asked; owners decide
// a pending request and revoke a live permission from here.
func (h *Handler) requestPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rd, err := h.lib.RequestHistory(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	me := actorOf(ctx)
	d := requestData{RequestDetail: rd, IsOwner: me.IsOwner(), Validity: days(rd.Validity), Back: "/requests",
		Validities: validityChoices}
	for _, s := range rd.Steps {
		row := stepRow{What: s.What, Label: stepLabels[s.What], At: s.At, By: s.By, Message: s.Message}
		switch s.What {
		case dam.StepAsked:
			row.Portal, row.Validity = rd.PortalTitle, days(s.Validity)
		case dam.StepApproved:
			row.Validity = days(s.Validity)
		}
		d.Steps = append(d.Steps, row)
	}
	now := h.lib.Now()
	for _, g := range rd.Grants {
		if g.RevokedAt == nil && (g.Until == nil || now.Before(*g.Until)) {
			d.Live = append(d.Live, g)
		}
	}
	assets, err := h.assetsByID(r, []string{rd.AssetID})
	if err != nil {
		return err
	}
	if a, ok := assets[rd.AssetID]; ok && h.lib.Previewable(a.Current.MediaType) {
		d.Preview = previewURL(a, "", false)
	}
	if d.IsOwner && rd.Status == dam.RequestPending {
		st, err := h.lib.Settings(ctx)
		if err != nil {
			return err
		}
		d.ReasonDeny = st.ReasonRequiredToDeny
	}
	name := rd.AssetName
	if name == "" {
		name = "an asset no longer in the library"
	}
	return h.render(w, r, http.StatusOK, "request", "Request for "+name, "requests", d)
}
