package damweb

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).settingsRoutes) }

// settingsRoutes are the owners' usage settings of the library.
func (h *Handler) settingsRoutes() []route {
	return []route{
		{"GET", "/settings", true, h.settingsPage},
		{"POST", "/settings", true, h.saveSettings},
	}
}

// noPage answers as an address with no page does (the catch-all route,
// which knows nobody): what a page reserved to owners answers others, so
// that it reads exactly as one that does not exist.
func (h *Handler) noPage(w http.ResponseWriter, r *http.Request) error {
	anonymous := r.WithContext(dam.WithActor(r.Context(), dam.Actor{}))
	h.renderError(w, anonymous, dam.E("damweb", dam.NotFound, "there is no page at this address"))
	return nil
}

// recipientRow is an owner who may receive download requests.
type recipientRow struct {
	dam.User
	Receives bool
}

// settingsData is the settings page's.
type settingsData struct {
	Settings     dam.Settings
	CanChange    bool // administrators change the settings; other owners read them
	ValidityDays int
	Recipients   []recipientRow
	UpdatedBy    string
}

func (h *Handler) settingsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	st, err := h.lib.Settings(ctx)
	if err != nil {
		return err
	}
	d := settingsData{Settings: st, CanChange: me.IsAdmin(), ValidityDays: int((st.GrantValidity + 12*time.Hour) / (24 * time.Hour))}
	users, err := h.lib.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID == st.UpdatedBy {
			d.UpdatedBy = u.Email
		}
		if u.Role == dam.RoleOwner {
			d.Recipients = append(d.Recipients, recipientRow{User: u, Receives: !slices.Contains(st.Deselected, u.ID)})
		}
	}
	slices.SortFunc(d.Recipients, func(a, b recipientRow) int { return strings.Compare(a.Email, b.Email) })
	return h.render(w, r, http.StatusOK, "settings", "Usage settings", "settings", d)
}

// maxValidityDays is the longest permission the form offers (ten years,
// dam's bound).
const maxValidityDays = 3650

// saveSettings changes what the form shows and keeps the rest (the
// licence, the kinds not downloadable, the email defaults). The form lists
// the owners it showed ("shown") and those ticked ("recipient"): an owner
// shown and not ticked is deselected; one the form did not show keeps its
// choice.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	if !actorOf(ctx).IsOwner() {
		return h.noPage(w, r)
	}
	st, err := h.lib.Settings(ctx)
	if err != nil {
		return err
	}
	f := r.PostForm
	on := func(name string) bool { return f.Get(name) != "" }
	st.ProtectByDefault = on("protect_by_default")
	st.ShowWatermarks = on("show_watermarks")
	st.AutoApprove = on("auto_approve")
	st.ReasonRequiredToRequest = on("reason_request")
	st.ReasonRequiredToDeny = on("reason_deny")
	st.SharesEnabled = on("shares")
	st.DownloadsOff = !on("downloads")
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("validity_days")))
	if err != nil || n < 0 || n > maxValidityDays {
		return dam.E("damweb.settings", dam.Invalid, "the permission validity must be a whole number of days from 0 (until revoked) to %d", maxValidityDays)
	}
	st.GrantValidity = time.Duration(n) * 24 * time.Hour
	shown := f["shown"]
	if len(shown) > 1000 {
		return dam.E("damweb.settings", dam.Invalid, "at most 1000 owners at once")
	}
	deselected := slices.DeleteFunc(slices.Clone(st.Deselected), func(id string) bool { return slices.Contains(shown, id) })
	for _, id := range shown {
		if !slices.Contains(f["recipient"], id) {
			deselected = append(deselected, id)
		}
	}
	st.Deselected = deselected
	if _, err := h.lib.UpdateSettings(ctx, st); err != nil {
		return err
	}
	return redirect(w, r, "/settings", "Settings saved.")
}
