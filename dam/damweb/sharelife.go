package damweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).shareLifeRoutes) }

// shareLifeRoutes are the share page's forms for a share's life: its end
// (extend, shorten, restore), its access (view-only, password, download
// limit) and one guest's own end and limit.
func (h *Handler) shareLifeRoutes() []route {
	return []route{
		{"POST", "/shares/{id}/expiry", true, h.extendShare},
		{"POST", "/shares/{id}/access", true, h.shareAccess},
		{"POST", "/shares/{id}/guests/access", true, h.guestAccess},
	}
}

// endOf reads a form's new end: "days" (one of the allowed durations) or
// "until", a date (the end of that day, UTC) when days is "date" or absent.
func endOf(op string, f map[string][]string, prefix string) (dam.ShareEnd, error) {
	get := func(k string) string {
		if v := f[prefix+k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	days, until := get("days"), get("until")
	if days != "" && days != "date" {
		n, err := strconv.Atoi(days)
		if err != nil {
			return dam.ShareEnd{}, dam.E(op, dam.Invalid, "choose how many days the link works")
		}
		return dam.ShareEnd{Days: n}, nil
	}
	if until == "" {
		return dam.ShareEnd{}, dam.E(op, dam.Invalid, "choose a number of days or an end date")
	}
	d, err := time.Parse("2006-01-02", until)
	if err != nil {
		return dam.ShareEnd{}, dam.E(op, dam.Invalid, "the end date must look like 2026-12-31")
	}
	end := d.Add(24*time.Hour - time.Minute) // the day's last minute, UTC
	return dam.ShareEnd{Until: &end}, nil
}

// formLimit reads a download limit field: empty is 0, no limit.
func formLimit(op, s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, dam.E(op, dam.Invalid, "the download limit is a whole number (empty for none)")
	}
	return n, nil
}

func (h *Handler) extendShare(w http.ResponseWriter, r *http.Request) error {
	const op = "damweb.extendShare"
	if err := parseForm(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	before, err := h.lib.Share(r.Context(), id)
	if err != nil {
		return err
	}
	e, err := endOf(op, r.PostForm, "")
	if err != nil {
		return err
	}
	v, err := h.lib.ExtendShare(r.Context(), id, e)
	if err != nil {
		return err
	}
	msg := "The share now ends " + v.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 MST") + "."
	if !before.Active && v.Active {
		msg = "Share restored: its links work again until " + v.ExpiresAt.UTC().Format("2 January 2006, 15:04 MST") + "."
	}
	return redirect(w, r, shareURL(v.ID), msg+" Its guests were told.")
}

// shareAccess sets the view-only flag, the password (a new one, or
// removed) and the download limit.
func (h *Handler) shareAccess(w http.ResponseWriter, r *http.Request) error {
	const op = "damweb.shareAccess"
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	p := dam.SharePatch{ViewOnly: ptr(f.Get("view_only") == "true")}
	switch {
	case f.Get("remove_password") == "true":
		p.Password = ptr("")
	case f.Get("password") != "":
		p.Password = ptr(f.Get("password"))
	}
	limit, err := formLimit(op, f.Get("download_limit"))
	if err != nil {
		return err
	}
	p.DownloadLimit = &limit
	perAsset, err := formLimit(op, f.Get("asset_download_limit"))
	if err != nil {
		return err
	}
	p.AssetDownloadLimit = &perAsset
	v, err := h.lib.EditShare(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return redirect(w, r, shareURL(v.ID), "Access saved.")
}

// guestAccess gives one guest an end of their own ("until" a date, or
// "share" for the share's own end) and a download limit of their own.
func (h *Handler) guestAccess(w http.ResponseWriter, r *http.Request) error {
	const op = "damweb.guestAccess"
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	var a dam.GuestAccess
	if until := strings.TrimSpace(f.Get("until")); until == "" {
		a.ExpiresAt = &dam.ShareEnd{}
	} else {
		e, err := endOf(op, f, "")
		if err != nil {
			return err
		}
		a.ExpiresAt = &e
	}
	limit, err := formLimit(op, f.Get("download_limit"))
	if err != nil {
		return err
	}
	a.DownloadLimit = &limit
	v, err := h.lib.SetGuestAccess(r.Context(), r.PathValue("id"), f.Get("guest"), a)
	if err != nil {
		return err
	}
	return redirect(w, r, shareURL(v.ID), "The guest’s access was saved; they were told.")
}
