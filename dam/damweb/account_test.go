package damweb

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// sessionsOf lists the sessions of role's user.
func (s *site) sessionsOf(t *testing.T, role string) []dam.Session {
	t.Helper()
	ss, err := s.lib.Sessions(s.as(t, role))
	require.NoError(t, err)
	return ss
}

// signedIn reports whether the browser's session still opens a page.
func (b *browser) signedIn() bool {
	b.t.Helper()
	resp, _ := b.get("/account")
	return resp.StatusCode == http.StatusOK
}

func TestAccountSessions(t *testing.T) {
	s := newSite(t, nil)
	a := s.signIn(t, "editor")
	b := s.signIn(t, "editor")
	resp, body := a.get("/account")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<dt>Role</dt><dd>editor</dd>")
	assert.Equal(t, 1, strings.Count(body, `<span class="tag">this browser</span>`), "the session in use is marked")
	assert.Contains(t, body, "Sign out everywhere else (1)")
	assert.Contains(t, body, "with an API key")
	ss := s.sessionsOf(t, "editor")
	require.Len(t, ss, 2)
	current := regexp.MustCompile(`name="id" value="([0-9a-z]+)">\n<button type="submit" class="danger" aria-label="Sign out of this browser"`).FindStringSubmatch(body)
	require.Len(t, current, 2, "this browser's own row signs out")
	other := ss[0].ID
	if other == current[1] {
		other = ss[1].ID
	}

	// Ending another user's session answers as an ID that does not exist,
	// and ends nothing.
	s.signIn(t, "viewer")
	viewers := s.sessionsOf(t, "viewer")
	require.Len(t, viewers, 1)
	r1, b1 := a.follow(a.post("/account/sessions/revoke", url.Values{"id": {viewers[0].ID}}))
	r2, b2 := a.follow(a.post("/account/sessions/revoke", url.Values{"id": {"01zzzzzzzzzzzzzzzzzzzzzzzz"}}))
	assert.Equal(t, r2.StatusCode, r1.StatusCode)
	assert.Equal(t, b2, b1)
	assert.Contains(t, b1, "That session had ended already.")
	assert.Len(t, s.sessionsOf(t, "viewer"), 1)

	_, body = a.follow(a.post("/account/sessions/revoke", url.Values{"id": {other}}))
	assert.Contains(t, body, "That session has ended")
	assert.False(t, b.signedIn(), "the other browser must sign in again")
	assert.True(t, a.signedIn())

	c := s.signIn(t, "editor")
	d := s.signIn(t, "editor")
	_, body = a.follow(a.post("/account/sessions/revoke", url.Values{"others": {"1"}}))
	assert.Contains(t, body, "Signed out everywhere else (2 sessions ended).")
	assert.Contains(t, body, "You are signed in here only.")
	assert.False(t, c.signedIn())
	assert.False(t, d.signedIn())
	assert.True(t, a.signedIn())

	resp, _ = a.post("/account/sessions/revoke", url.Values{"id": {current[1]}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/signin", resp.Header.Get("Location"), "ending the session in use signs out")
	assert.False(t, a.signedIn())
	assert.Empty(t, s.sessionsOf(t, "editor"))

	resp, body = s.signIn(t, "editor").post("/account/sessions/revoke", url.Values{})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "choose the session to end")
}

func TestAccountNotificationPreferences(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "viewer")
	_, body := b.get("/account")
	for _, k := range dam.PreferenceKinds() {
		assert.Contains(t, body, `<input type="checkbox" id="pref-`+string(k)+`" name="email" value="`+string(k)+`" checked>`)
		assert.Contains(t, body, `<label class="check" for="pref-`+string(k)+`">`)
	}
	assert.Contains(t, body, "This library sends no email at the moment")

	// Everything was on (the library's default); the viewer unticks one.
	form := url.Values{}
	for _, k := range dam.PreferenceKinds() {
		form.Add("shown", string(k))
		form.Add("was", string(k))
		if k != dam.PrefShareInvitation {
			form.Add("email", string(k))
		}
	}
	_, body = b.follow(b.post("/account/notifications", form))
	assert.Contains(t, body, "Saved.")
	assert.Contains(t, body, `value="share_invitation"> I am invited to a share <span class="muted small">(your choice; the library's default is on)</span>`)
	prefs, err := s.lib.NotificationPreferences(s.as(t, "viewer"))
	require.NoError(t, err)
	for _, p := range prefs {
		if p.Kind == dam.PrefShareInvitation {
			require.NotNil(t, p.Choice)
			assert.False(t, *p.Choice)
		} else {
			assert.Nil(t, p.Choice, "%s: what was not changed keeps following the default", p.Kind)
		}
	}

	_, body = b.follow(b.post("/account/notifications", url.Values{"shown": {"share_invitation"}, "email": {"share_invitation"}}))
	assert.Contains(t, body, "Saved.", "ticked again")
	_, body = b.follow(b.post("/account/notifications", url.Values{"shown": {"archive_ready"}, "was": {"archive_ready"}, "email": {"archive_ready"}}))
	assert.Contains(t, body, "Nothing changed.")

	_, body = b.follow(b.post("/account/notifications", url.Values{"shown": {"share_invitation", "archive_ready"}, "reset": {"1"}}))
	assert.Contains(t, body, "Back to the library&#39;s defaults.")
	prefs, err = s.lib.NotificationPreferences(s.as(t, "viewer"))
	require.NoError(t, err)
	for _, p := range prefs {
		assert.Nil(t, p.Choice, p.Kind)
	}

	resp, body := b.post("/account/notifications", url.Values{"shown": {"gossip"}, "email": {"gossip"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "unknown notification kind")
}

func TestAccountKeys(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	_, body := b.get("/account")
	assert.Contains(t, body, "Create key")

	resp, body := b.post("/account/keys", url.Values{"name": {"build server"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Cache-Control"), "no-store")
	key := regexp.MustCompile(`id="newkey" class="key" readonly value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, key, 2, "the new key is on the page")
	assert.Contains(t, body, "it is shown only this once")
	u, err := s.lib.Authenticate(t.Context(), key[1])
	require.NoError(t, err, "the key works")
	assert.Equal(t, "editor@example.com", u.Email)

	_, body = b.get("/account")
	assert.NotContains(t, body, key[1], "shown once only")
	assert.Contains(t, body, "<td>build server</td>")

	keys, err := s.lib.APIKeys(s.as(t, "editor"), u.ID)
	require.NoError(t, err)
	var id string
	for _, k := range keys {
		if k.Name == "build server" {
			id = k.ID
		}
	}
	require.NotEmpty(t, id)

	// Another user's key answers as a key that does not exist.
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	for _, role := range []string{"viewer", "stranger"} {
		o := s.signIn(t, role)
		r1, b1 := o.post("/account/keys/"+id+"/revoke", nil)
		r2, b2 := o.post("/account/keys/"+absent+"/revoke", nil)
		assert.Equal(t, http.StatusNotFound, r1.StatusCode)
		assert.Equal(t, r2.StatusCode, r1.StatusCode)
		assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, id, "ID"))
	}
	_, err = s.lib.Authenticate(t.Context(), key[1])
	require.NoError(t, err, "still works")

	_, body = b.follow(b.post("/account/keys/"+id+"/revoke", nil))
	assert.Contains(t, body, "Key “build server” revoked: it no longer works.")
	assert.Contains(t, body, "(revoked ")
	_, err = s.lib.Authenticate(t.Context(), key[1])
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err))

	resp, body = b.post("/account/keys", url.Values{"name": {"  "}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "give the key a name")
}

// TestAccountWithHostSignIn: when the host signs people in, the account
// page has no sessions of ours to list or end.
func TestAccountWithHostSignIn(t *testing.T) {
	s := newSite(t, nil)
	u, err := s.lib.Authenticate(t.Context(), s.keys["viewer"])
	require.NoError(t, err)
	h := New(s.lib, &Options{Authenticate: func(*http.Request) (dam.Actor, error) { return u.Actor(), nil }})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := s.browser(t)
	b.base = srv.URL
	resp, body := b.get("/account")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Your organisation signs you in")
	assert.NotContains(t, body, "/account/sessions/revoke")
	resp, _ = b.post("/account/sessions/revoke", url.Values{"others": {"1"}})
	assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
}

func TestDeviceOf(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"},
		{"curl/8.5.0", "curl"},
		{"Go-http-client/1.1", "Unknown browser"},
		{"", "Unknown browser"},
	} {
		assert.Equal(t, tc.want, deviceOf(tc.ua), tc.ua)
	}
}
