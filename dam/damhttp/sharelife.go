package damhttp

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).shareLifeRoutes) }

// Headers a guest's API client sends to open a password-protected share:
// the password itself, or the share key a first call returned in
// shareKeyHeader (so the password travels once).
const (
	sharePasswordHeader = "X-Share-Password"
	shareKeyHeader      = "X-Share-Key"
	shareKeyCookie      = "damkit_share_key"
	maxPasswordForm     = 4 << 10
)

// shareLifeRoutes move a share's end, set a guest's own end and limit,
// and unlock a password-protected share from its page.
func (s *Server) shareLifeRoutes() []route {
	g := &guestRoutes{s: s}
	return []route{
		{"POST", "/api/v1/shares/{id}/expiry", true, s.extendShare},
		{"PATCH", "/api/v1/shares/{id}/guests/{guest}", true, s.setGuestAccess},
		{"POST", "/s/{token}/unlock", false, s.forPeople(g.unlock)},
	}
}

func (s *Server) extendShare(w http.ResponseWriter, r *http.Request) error {
	var e dam.ShareEnd
	if err := s.readJSON(r, w, &e); err != nil {
		return err
	}
	v, err := s.lib.ExtendShare(r.Context(), r.PathValue("id"), e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) setGuestAccess(w http.ResponseWriter, r *http.Request) error {
	var a dam.GuestAccess
	if err := s.readJSON(r, w, &a); err != nil {
		return err
	}
	v, err := s.lib.SetGuestAccess(r.Context(), r.PathValue("id"), r.PathValue("guest"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// guestKey unlocks a password-protected share for one request: the
// password header (checked, its key sent back in shareKeyHeader), else
// the key header, else the page's session cookie.
func (g *guestRoutes) guestKey(w http.ResponseWriter, r *http.Request) (*http.Request, error) {
	token := r.PathValue("token")
	key := r.Header.Get(shareKeyHeader)
	if pw := r.Header.Get(sharePasswordHeader); pw != "" {
		k, err := g.s.lib.UnlockShare(r.Context(), token, pw)
		if err != nil {
			return r, err
		}
		key = k
		w.Header().Set(shareKeyHeader, k)
	}
	if key == "" {
		if c, err := r.Cookie(shareKeyCookie); err == nil {
			key = c.Value
		}
	}
	if key == "" {
		return r, nil
	}
	return r.WithContext(dam.WithShareKey(r.Context(), key)), nil
}

type passwordPage struct {
	pageBase
	Action, Error string
}

// askPassword answers a browser whose share asks for a password with the
// form that unlocks it (401).
func (g *guestRoutes) askPassword(w http.ResponseWriter, r *http.Request, msg string) {
	p := passwordPage{pageBase: pageBase{PageTitle: "Password required", CSS: template.CSS(pageCSS)},
		Action: "/s/" + url.PathEscape(r.PathValue("token")) + "/unlock", Error: msg}
	g.s.writePage(formPolicy{w}, http.StatusUnauthorized, "share-password", p)
}

// unlock checks the password the page's form posts and keeps the share key
// in a cookie for the browser session, limited to this link's pages; an
// API client gets the key in JSON instead.
func (g *guestRoutes) unlock(w http.ResponseWriter, r *http.Request) error {
	const op = "damhttp.unlock"
	addr, now := clientAddress(r), g.s.lib.Now()
	if wait := g.s.guessLimit.Wait(addr, now); wait > 0 {
		return tooManyAttempts(op, wait)
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	r.Body = http.MaxBytesReader(w, r.Body, maxPasswordForm)
	if err := r.ParseForm(); err != nil {
		return dam.E(op, dam.Invalid, "send the password as a form field")
	}
	token := r.PathValue("token")
	key, err := g.s.lib.UnlockShare(r.Context(), token, r.PostForm.Get("password"))
	if dam.KindOf(err) == dam.NotFound {
		g.s.guessLimit.Take(addr, now)
	}
	if err != nil {
		if dam.KindOf(err) == dam.Unauthenticated && acceptsHTML(r) {
			g.askPassword(w, r, "That password is not right. Try again.")
			return nil
		}
		return err
	}
	if !acceptsHTML(r) {
		// An API client keeps the key and sends it in X-Share-Key.
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, map[string]string{"share_key": key})
		return nil
	}
	base := "/s/" + url.PathEscape(token)
	http.SetCookie(w, &http.Cookie{Name: shareKeyCookie, Value: key, Path: base, HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, base, http.StatusSeeOther)
	return nil
}

// passwordRequired reports whether err is a share's request for its password.
func passwordRequired(err error) bool { return errors.Is(err, dam.ErrPasswordRequired) }
