package damweb

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/smtptest"
)

// shownKey returns the API key a page shows once.
func shownKey(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`id="newkey" class="key" readonly value="(dk_[A-Za-z0-9_-]+)"`).FindStringSubmatch(body)
	require.NotNil(t, m, "the page shows the new key")
	return m[1]
}

func TestPeoplePage(t *testing.T) {
	s := newSite(t, nil)
	o := s.signIn(t, "owner")
	resp, body := o.get("/people")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{`href="/people" aria-current="page"`, "owner@example.com", "editor@example.com", "viewer@example.com",
		"stranger@example.com", "administrator", "Add a person", "Create with an API key", `id="p-admin"`} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "Invite by email", "this library sends no email")

	// Create a person with a key, shown once; the key signs them in.
	resp, body = o.post("/people", url.Values{"email": {"nina@example.com"}, "name": {"Nina"}, "role": {"viewer"}, "domains": {"default"}, "how": {"key"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "nina@example.com was added")
	key := shownKey(t, body)
	nina := s.browser(t)
	resp, _ = nina.post("/signin/key", url.Values{"key": {key}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ninaID := s.userID(t, "nina@example.com")
	page := "/people/" + ninaID

	// Change role and domains.
	resp, _ = o.post(page, url.Values{"name": {"Nina N."}, "role": {"editor"}, "domains": {"default, b"}, "admin_shown": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = o.get(page)
	assert.Contains(t, body, "Saved.")
	assert.Contains(t, body, "<h1>Nina N.")
	u, err := s.lib.User(s.owner, ninaID)
	require.NoError(t, err)
	assert.Equal(t, dam.RoleEditor, u.Role)
	assert.Equal(t, []string{"default", "b"}, u.Domains)
	resp, body = o.post(page, url.Values{"role": {"boss"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "role must be owner, editor or viewer")

	// Disable: their session stops at once; enable again.
	resp, _ = o.post(page+"/status", url.Values{"disabled": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = nina.get("/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "a disabled person is signed out")
	_, body = o.get(page)
	assert.Contains(t, body, "is disabled: their keys and sessions no longer work")
	assert.Contains(t, body, `<span class="tag bad">disabled</span>`)
	resp, _ = o.post(page+"/status", url.Values{"disabled": {"0"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = nina.post("/signin/key", url.Values{"key": {key}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "enabled again")
	resp, _ = o.post(page+"/status", url.Values{"disabled": {"maybe"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	// Keys: make one (shown once), revoke the first.
	resp, body = o.post(page+"/keys", url.Values{"name": {"build server"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "New key “build server”")
	shownKey(t, body)
	keys, err := s.lib.APIKeys(s.owner, ninaID)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	first := keys[0]
	if first.Name != "first key" {
		first = keys[1]
	}
	resp, _ = o.post(page+"/keys/revoke", url.Values{"key": {first.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, page+"#keys-h", resp.Header.Get("Location"))
	_, body = o.get(page)
	assert.Contains(t, body, "Key “first key” revoked")
	resp, _ = s.browser(t).post("/signin/key", url.Values{"key": {key}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a revoked key no longer signs in")

	// The last administrator cannot be deleted: dam's message is shown.
	resp, body = o.post("/people/"+s.userID(t, "owner@example.com")+"/delete", nil)
	assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	assert.Contains(t, body, "the library would be left without an enabled administrator")

	resp, _ = o.post(page+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/people", resp.Header.Get("Location"))
	_, body = o.get("/people")
	assert.Contains(t, body, "nina@example.com was deleted")
	assert.NotContains(t, body, `href="/people/`+ninaID+`"`)

	resp, body = o.post("/people", url.Values{"email": {"x@example.com"}, "role": {"viewer"}, "domains": {"default"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "choose to invite by email or to create with an API key")
	resp, body = o.post("/people", url.Values{"email": {"editor@example.com"}, "role": {"viewer"}, "domains": {"default"}, "how": {"key"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, "already exists")
}

func TestPeopleForOthers(t *testing.T) {
	s := newSite(t, nil)
	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		_, home := b.get("/")
		assert.NotContains(t, home, `href="/people"`, role)
		_, absent := b.get("/no-such-page")
		for _, path := range []string{"/people", "/people/" + s.userID(t, "viewer@example.com")} {
			resp, body := b.get(path)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, role+" "+path)
			assert.Equal(t, absent, body, role+" "+path)
		}
		resp, body := b.post("/people", url.Values{"email": {"x@example.com"}, "role": {"viewer"}, "how": {"key"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, role)
		assert.Contains(t, body, "only owners create users", role)
		resp, _ = b.post("/people/"+s.userID(t, "editor@example.com")+"/status", url.Values{"disabled": {"1"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, role)
	}
	// An owner who is not an administrator sees and manages the people of
	// its domains only, and gives only its own domains.
	st := s.signIn(t, "stranger")
	_, body := st.get("/people")
	assert.Contains(t, body, "stranger@example.com")
	assert.NotContains(t, body, "viewer@example.com")
	assert.NotContains(t, body, `id="p-admin"`, "only administrators make administrators")
	resp, body := st.post("/people", url.Values{"email": {"x@example.com"}, "role": {"viewer"}, "domains": {"default"}, "how": {"key"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "you are not an owner of domain")
	// An owner who is not an administrator reads an administrator's page
	// without its forms, with dam's reason, and dam refuses the change.
	_, key, err := s.lib.CreateUser(s.owner, dam.NewUser{Email: "deputy@example.com", Role: dam.RoleOwner, Domains: []string{dam.DefaultDomain, "b"}})
	require.NoError(t, err)
	s.keys["deputy"] = key
	dep := s.signIn(t, "deputy")
	admin := "/people/" + s.userID(t, "owner@example.com")
	resp, body = dep.get(admin)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "You may not change this person: only administrators change an administrator.")
	assert.NotContains(t, body, `action="`+admin+`/status"`)
	resp, body = dep.post(admin+"/status", url.Values{"disabled": {"1"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "only administrators change an administrator")
	_, body = dep.get("/people/" + s.userID(t, "viewer@example.com"))
	assert.Contains(t, body, `/status"`, "the deputy manages the viewer")

	us, err := s.lib.Users(s.owner)
	require.NoError(t, err)
	assert.Len(t, us, 5, "nobody else was created, nobody disabled")
	for _, u := range us {
		assert.Nil(t, u.DisabledAt, u.Email)
	}
}

func TestPeopleInviteByEmail(t *testing.T) {
	sink := smtptest.Start(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	s := newSite(t, &dam.Options{Notifiers: []dam.Notifier{mailer}})
	o := s.signIn(t, "owner")
	_, body := o.get("/people")
	assert.Contains(t, body, "Invite by email")
	resp, _ := o.post("/people", url.Values{"email": {"nina@example.com"}, "role": {"editor"}, "domains": {"default"}, "how": {"invite"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	id := s.userID(t, "nina@example.com")
	assert.Equal(t, "/people/"+id, resp.Header.Get("Location"))
	_, body = o.get(resp.Header.Get("Location"))
	assert.Contains(t, body, "nina@example.com was added and has a sign-in link in their mailbox.")
	assert.Contains(t, body, "No API keys: they sign in by an emailed link.")
	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, []string{"nina@example.com"}, got[0].To)
	assert.Contains(t, string(got[0].Data), "Subject: Your sign-in link")

	// Send the link again from the person's page.
	resp, _ = o.post("/people/"+id+"/link", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Len(t, sink.Received(), 2)
}
