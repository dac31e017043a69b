package damweb

import (
	"net/http"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).accountRoutes) }

func (h *Handler) accountRoutes() []route {
	return []route{
		{"GET", "/account", true, h.accountPage},
		{"POST", "/account/sessions/revoke", true, h.revokeSessions},
		{"POST", "/account/notifications", true, h.setNotifications},
		{"POST", "/account/keys", true, h.createKey},
		{"POST", "/account/keys/{id}/revoke", true, h.revokeKey},
	}
}

// sessionRow is one of the user's sessions as the account page lists it.
type sessionRow struct {
	dam.Session
	Device  string // "Firefox on Linux"
	Current bool   // the session of this very request
}

// preferenceRow is one notification preference with the words for it.
type preferenceRow struct {
	dam.NotificationPreference
	Label string
}

// accountData is the account page's.
type accountData struct {
	Me          dam.Actor
	External    bool // the host signs people in: no sessions of ours
	Sessions    []sessionRow
	Others      int // sessions besides this one
	Preferences []preferenceRow
	NoEmail     bool // the library sends no email (yet)
	Keys        []dam.APIKey
	LiveKeys    int
	NewKey      string // a key just made, shown this once
	NewKeyName  string
}

// preferenceLabels say each kind of notification as the checkbox does.
var preferenceLabels = map[dam.PreferenceKind]string{
	dam.PrefRequestReceived: "Someone asks to download a protected asset (owners decide)",
	dam.PrefRequestDecided:  "My download request is approved or denied",
	dam.PrefShareInvitation: "I am invited to a share",
	dam.PrefShareExpiring:   "A share I made is about to expire, or has",
	dam.PrefArchiveReady:    "A download I asked for, or one sent to me, is ready (or failed)",
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAccount(w, r, http.StatusOK, "", "")
}

// renderAccount renders the account page; newKey, when set, is a key just
// created, shown once (never put in a cookie or a URL).
func (h *Handler) renderAccount(w http.ResponseWriter, r *http.Request, status int, newKey, newKeyName string) error {
	ctx := r.Context()
	me := actorOf(ctx)
	d := accountData{Me: me, External: h.opts.Authenticate != nil, NoEmail: len(h.lib.Options().Notifiers) == 0,
		NewKey: newKey, NewKeyName: newKeyName}
	if !d.External {
		_, current, err := h.session(r)
		if err != nil {
			return err
		}
		ss, err := h.lib.Sessions(ctx)
		if err != nil {
			return err
		}
		for _, s := range ss {
			row := sessionRow{Session: s, Device: deviceOf(s.UserAgent), Current: s.ID == current.ID}
			if !row.Current {
				d.Others++
			}
			d.Sessions = append(d.Sessions, row)
		}
		// This session first, then the others newest first.
		slices.SortStableFunc(d.Sessions, func(a, b sessionRow) int {
			switch {
			case a.Current == b.Current:
				return 0
			case a.Current:
				return -1
			}
			return 1
		})
	}
	prefs, err := h.lib.NotificationPreferences(ctx)
	if err != nil {
		return err
	}
	for _, p := range prefs {
		label := preferenceLabels[p.Kind]
		if label == "" {
			label = strings.ReplaceAll(string(p.Kind), "_", " ")
		}
		d.Preferences = append(d.Preferences, preferenceRow{NotificationPreference: p, Label: label})
	}
	if d.Keys, err = h.lib.APIKeys(ctx, me.UserID); err != nil {
		return err
	}
	for _, k := range d.Keys {
		if k.RevokedAt == nil {
			d.LiveKeys++
		}
	}
	return h.render(w, r, status, "account", "My account", "account", d)
}

// revokeSessions ends one session ("id"), or every other one ("others").
// Ending the session in use signs this browser out.
func (h *Handler) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if h.opts.Authenticate != nil {
		return dam.E("damweb.revokeSessions", dam.FailedPrecondition, "your organisation signs you in: sign out there")
	}
	_, current, err := h.session(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if r.PostForm.Get("others") != "" {
		n, err := h.lib.RevokeOtherSessions(ctx, current.ID)
		if err != nil {
			return err
		}
		return redirect(w, r, "/account#sessions-h", "Signed out everywhere else ("+plural(n, "session", "sessions")+" ended).")
	}
	id := r.PostForm.Get("id")
	if id == "" {
		return dam.E("damweb.revokeSessions", dam.Invalid, "choose the session to end")
	}
	n, err := h.lib.RevokeSessions(ctx, []string{id})
	if err != nil {
		return err
	}
	if id == current.ID {
		h.clearSession(w, r)
		return redirect(w, r, "/signin", "You are signed out: you ended the session you were using.")
	}
	msg := "That session has ended; the browser that used it must sign in again."
	if n == 0 {
		msg = "That session had ended already."
	}
	return redirect(w, r, "/account#sessions-h", msg)
}

// setNotifications saves the email choices. The form carries, per kind,
// whether it was on when shown ("was") and whether it is on now
// ("email"); only the kinds the person changed become choices of their
// own, the rest keep following the library's default. "reset" clears
// every choice.
func (h *Handler) setNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	choices := map[dam.PreferenceKind]*bool{}
	shown := r.PostForm["shown"]
	if len(shown) > len(dam.PreferenceKinds()) {
		return dam.E("damweb.setNotifications", dam.Invalid, "at most %d kinds of notification", len(dam.PreferenceKinds()))
	}
	for _, k := range shown {
		kind := dam.PreferenceKind(k)
		if r.PostForm.Get("reset") != "" {
			choices[kind] = nil
			continue
		}
		on, was := slices.Contains(r.PostForm["email"], k), slices.Contains(r.PostForm["was"], k)
		if on != was {
			choices[kind] = &on
		}
	}
	if _, err := h.lib.SetNotificationPreferences(r.Context(), choices); err != nil {
		return err
	}
	msg := "Saved."
	switch {
	case r.PostForm.Get("reset") != "":
		msg = "Back to the library's defaults."
	case len(choices) == 0:
		msg = "Nothing changed."
	}
	return redirect(w, r, "/account#notify-h", msg)
}

// createKey makes an API key and shows it on the page, once.
func (h *Handler) createKey(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	me := actorOf(r.Context())
	k, secret, err := h.lib.CreateAPIKey(r.Context(), me.UserID, r.PostForm.Get("name"))
	if err != nil {
		return err
	}
	return h.renderAccount(w, r, http.StatusOK, secret, k.Name)
}

func (h *Handler) revokeKey(w http.ResponseWriter, r *http.Request) error {
	k, err := h.lib.RevokeAPIKey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/account#keys-h", "Key “"+k.Name+"” revoked: it no longer works.")
}

// deviceOf names a browser from its User-Agent, as people say it:
// "Firefox on Linux". Unknown ones are "Unknown browser".
func deviceOf(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
		{"HeadlessChrome/", "Headless Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
		{"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, s := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	return "Unknown browser"
}
