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
	Formats      []formatChoice // of custom renditions
}

// formatChoice is a format custom renditions may be allowed.
type formatChoice struct {
	Name, Label string
	On          bool
}

// customFormats are the formats the settings page offers, in its order.
var customFormats = []formatChoice{{Name: "jpeg", Label: "JPEG"}, {Name: "png", Label: "PNG"}, {Name: "webp", Label: "WebP"},
	{Name: "tiff", Label: "TIFF"}, {Name: "gif", Label: "GIF"}}

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
	for _, c := range customFormats {
		c.On = hasString(st.CustomRenditions.Formats, c.Name)
		d.Formats = append(d.Formats, c)
	}
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
	if on("custom_form") {
		st.CustomRenditions.Enabled = on("custom")
		px, err := strconv.ParseInt(strings.TrimSpace(f.Get("custom_max_pixels")), 10, 64)
		if err != nil || px < 1 {
			return dam.E("damweb.settings", dam.Invalid, "the largest rendition must be a whole number of pixels")
		}
		st.CustomRenditions.MaxPixels = px
		if len(f["custom_format"]) > len(customFormats) {
			return dam.E("damweb.settings", dam.Invalid, "at most %d formats", len(customFormats))
		}
		if len(f["custom_format"]) == 0 && st.CustomRenditions.Enabled {
			return dam.E("damweb.settings", dam.Invalid, "tick at least one format renditions on request may have")
		}
		st.CustomRenditions.Formats = st.CustomRenditions.Formats[:0:0]
		for _, v := range f["custom_format"] {
			st.CustomRenditions.Formats = appendString(st.CustomRenditions.Formats, v)
		}
	}
	if _, err := h.lib.UpdateSettings(ctx, st); err != nil {
		return err
	}
	return redirect(w, r, "/settings", "Settings saved.")
}

// hasString reports whether a slice of a string type holds v (the
// rendition formats, whose package pages do not import).
func hasString[S ~[]E, E ~string](s S, v string) bool { return slices.Contains(s, E(v)) }

// appendString appends v to a slice of a string type.
func appendString[S ~[]E, E ~string](s S, v string) S { return append(s, E(v)) }
