package damweb

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// sessionCookie holds the session's secret; dam keeps only its hash.
const sessionCookie = "damkit_session"

func init() { routeSets = append(routeSets, (*Handler).signInRoutes) }

func (h *Handler) signInRoutes() []route {
	return []route{
		{"GET", "/signin", false, h.signInPage},
		{"POST", "/signin/key", false, h.signInKey},
		{"POST", "/signin/email", false, h.signInEmail},
		{"GET", "/signin/link", false, h.signInLinkPage},
		{"POST", "/signin/link", false, h.signInLink},
		{"POST", "/signout", false, h.signOut},
	}
}

// session returns the actor and session of the request's cookie.
func (h *Handler) session(r *http.Request) (dam.Actor, dam.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return dam.Actor{}, dam.Session{}, dam.E("damweb", dam.Unauthenticated, "please sign in")
	}
	return h.lib.SessionActor(r.Context(), c.Value)
}

// setSession gives the browser its session cookie, valid as long as the
// session may live (dam ends it earlier when idle).
func (h *Handler) setSession(w http.ResponseWriter, r *http.Request, secret string, s dam.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: s.ExpiresAt,
		HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// signInData is the sign-in page's.
type signInData struct {
	Next     string
	Email    string
	Error    string
	Sent     bool // a link went out (or would have, for an unknown address)
	Link     string
	NoEmail  bool // the library sends no email: only the key form works
	External bool // the host signs people in; this page only explains
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) error {
	d := signInData{Next: localPath(r.URL.Query().Get("next"), "/"), External: h.opts.Authenticate != nil,
		NoEmail: len(h.lib.Options().Notifiers) == 0}
	if h.opts.Authenticate == nil {
		if _, _, err := h.session(r); err == nil {
			http.Redirect(w, r, d.Next, http.StatusSeeOther)
			return nil
		}
	}
	return h.render(w, r, http.StatusOK, "signin", "Sign in", "", d)
}

// clientKey is the address sign-in attempts are counted against.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Sign-in attempts per client address: a burst of signInBurst, then one
// every signInEvery.
const (
	signInBurst = 10
	signInEvery = 5 * time.Second
)

// limited refuses a client that tried too often; the page says when to
// try again.
func (h *Handler) limited(w http.ResponseWriter, r *http.Request) error {
	if !h.signIn.Allow(clientKey(r), h.lib.Now()) {
		w.Header().Set("Retry-After", strconv.Itoa(int(signInEvery/time.Second)))
		return dam.E("damweb.signIn", dam.ResourceExhausted,
			"too many sign-in attempts from your address: wait a few seconds and try again")
	}
	return nil
}

func (h *Handler) signInKey(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return dam.E("damweb.signIn", dam.Invalid, "the form could not be read")
	}
	next := localPath(r.PostForm.Get("next"), "/")
	if err := h.limited(w, r); err != nil {
		return err
	}
	secret, s, err := h.lib.SignInWithKey(r.Context(), r.PostForm.Get("key"), r.UserAgent())
	if dam.KindOf(err) == dam.Unauthenticated {
		return h.render(w, r, http.StatusUnauthorized, "signin", "Sign in", "",
			signInData{Next: next, Error: "That API key is not valid. Check that you pasted all of it.",
				NoEmail: len(h.lib.Options().Notifiers) == 0})
	}
	if err != nil {
		return err
	}
	h.setSession(w, r, secret, s)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) signInEmail(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return dam.E("damweb.signIn", dam.Invalid, "the form could not be read")
	}
	d := signInData{Next: localPath(r.PostForm.Get("next"), "/"), Email: strings.TrimSpace(r.PostForm.Get("email"))}
	if err := h.limited(w, r); err != nil {
		return err
	}
	err := h.lib.SendSignInLink(r.Context(), d.Email)
	switch dam.KindOf(err) {
	case dam.Other:
		d.Sent = true
		return h.render(w, r, http.StatusOK, "signin", "Check your email", "", d)
	case dam.Invalid:
		d.Error = "Enter your email address, like name@example.com."
		return h.render(w, r, http.StatusBadRequest, "signin", "Sign in", "", d)
	case dam.FailedPrecondition:
		d.NoEmail, d.Error = true, "This library sends no email. Sign in with your API key instead."
		return h.render(w, r, http.StatusPreconditionFailed, "signin", "Sign in", "", d)
	}
	return err
}

// signInLinkPage shows a button rather than signing in on GET: mail
// scanners open links, and a one-time link must not be spent by them.
func (h *Handler) signInLinkPage(w http.ResponseWriter, r *http.Request) error {
	d := signInData{Link: r.URL.Query().Get("token"), Next: localPath(r.URL.Query().Get("next"), "/")}
	return h.render(w, r, http.StatusOK, "signin-link", "Sign in", "", d)
}

func (h *Handler) signInLink(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return dam.E("damweb.signIn", dam.Invalid, "the form could not be read")
	}
	if err := h.limited(w, r); err != nil {
		return err
	}
	secret, s, err := h.lib.SignInWithLink(r.Context(), r.PostForm.Get("token"), r.UserAgent())
	if dam.KindOf(err) == dam.Unauthenticated {
		return h.render(w, r, http.StatusUnauthorized, "signin", "Sign in", "",
			signInData{Next: "/", Error: "This sign-in link has been used or has expired. Ask for a new one below.",
				NoEmail: len(h.lib.Options().Notifiers) == 0})
	}
	if err != nil {
		return err
	}
	h.setSession(w, r, secret, s)
	http.Redirect(w, r, localPath(r.PostForm.Get("next"), "/"), http.StatusSeeOther)
	return nil
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.lib.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	h.clearSession(w, r)
	return redirect(w, r, "/signin", "You are signed out.")
}

// Links returns the dam.Links of the web interface at base (e.g.
// https://dam.example.com): notifications point at pages, never at the
// JSON API. Share and portal links land on the guest pages of dam/damhttp.
func Links(base string) dam.Links { return links(strings.TrimSuffix(base, "/")) }

type links string

func (b links) AssetDownload(id string) string { return string(b) + "/assets/" + url.PathEscape(id) }
func (b links) RequestsDashboard() string      { return string(b) + "/requests" }
func (b links) Inbox() string                  { return string(b) + "/notifications" }
func (b links) DownloadJob(id string) string {
	return string(b) + "/downloads#job-" + url.PathEscape(id)
}
func (b links) SignIn(secret string) string {
	return string(b) + "/signin/link?token=" + url.QueryEscape(secret)
}
func (b links) ShareLink(token string) string { return string(b) + "/s/" + url.PathEscape(token) }
func (b links) PortalAccess(slug, token string) string {
	return string(b) + "/p/" + url.PathEscape(slug) + "/access/" + url.PathEscape(token)
}
func (b links) Webhook(id string) string { return string(b) + "/webhooks/" + url.PathEscape(id) }

// GuestDownloads and VisitorDownloads are the download inboxes of guests'
// and visitors' background ZIPs, pages of dam/damhttp.
func (b links) GuestDownloads(token string) string { return b.ShareLink(token) + "/downloads" }
func (b links) VisitorDownloads(slug, token string) string {
	return b.PortalAccess(slug, token) + "/downloads"
}
