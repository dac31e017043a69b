package damweb

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// enableShares turns shares on in the site's settings.
func (s *site) enableShares(t testing.TB) {
	t.Helper()
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	st.SharesEnabled = true
	_, err = s.lib.UpdateSettings(s.owner, st)
	require.NoError(t, err)
}

// addPat adds Pat Doe, a viewer of the default domain known by name.
func (s *site) addPat(t testing.TB) {
	t.Helper()
	_, _, err := s.lib.CreateUser(s.owner, dam.NewUser{Email: "pat@example.com", Name: "Pat Doe", Role: dam.RoleViewer,
		Domains: []string{dam.DefaultDomain}})
	require.NoError(t, err)
}

// onlyShare returns the one share the user of key made.
func (s *site) onlyShare(t testing.TB, role string) dam.ShareView {
	t.Helper()
	vs, err := s.lib.Shares(s.as(t, role))
	require.NoError(t, err)
	require.Len(t, vs, 1)
	v, err := s.lib.Share(s.as(t, role), vs[0].ID)
	require.NoError(t, err)
	return v
}

func TestShareFromSelection(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	b := s.signIn(t, "editor")
	_, body := b.get("/")
	assert.Contains(t, body, `value="share"`, "the selection offers Share")
	assert.Contains(t, body, `href="/shares"`, "the menu has Shares")

	resp, _ := b.post("/selection", url.Values{"action": {"share"}, "id": {s.photo.ID, s.secret.ID}, "back": {"/"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	form := resp.Header.Get("Location")
	assert.Equal(t, "/shares/new?"+url.Values{"asset": {s.photo.ID, s.secret.ID}}.Encode(), form)

	resp, body = b.get(form + "&asset=" + s.other.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "1 selected asset is not visible to you")
	assert.NotContains(t, body, "plan-b.txt")
	for _, want := range []string{"sunrise.png", "launch.png", `name="title"`, `<option value="1">1 day</option>`,
		`<option value="7" selected>7 days</option>`, `<option value="28">28 days</option>`, `<option value="viewer@example.com">`, `name="guests"`} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, `value="4"`, "only the allowed durations")

	// A problem with what was typed comes back on the form, filled in.
	bad := url.Values{"asset": {s.photo.ID, s.secret.ID}, "title": {"  "}, "days": {"7"}, "guests": {"ext@example.org"}}
	resp, body = b.post("/shares", bad)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "a share needs a title")
	assert.Contains(t, body, "ext@example.org", "what was typed stays")
	for _, c := range []struct {
		name, field, value, want string
	}{
		{"unknown person", "users", "nobody-here", "nobody in the library matches"},
		{"ambiguous person", "users", "example.com", "matches 2 people"},
		{"bad address", "guests", "not-an-address", "guests:"},
		{"duration not offered", "days", "4", "4 days"},
		{"duration not a number", "days", "a week", "choose how long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := url.Values{"asset": {s.photo.ID}, "title": {"Campaign"}, "days": {"7"}}
			f.Set(c.field, c.value)
			resp, body := b.post("/shares", f)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, body, c.want)
		})
	}
	vs, err := s.lib.Shares(s.owner)
	require.NoError(t, err)
	assert.Empty(t, vs, "nothing was created by the refused forms")

	ok := url.Values{"asset": {s.photo.ID, s.secret.ID, s.other.ID}, "title": {"Campaign"}, "description": {"For the agency"}, "days": {"7"},
		"users": {"viewer"}, "guests": {"ext@example.org, other@example.net"}, "comment": {"Enjoy"}}
	resp, body = b.post("/shares", ok)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	v := s.onlyShare(t, "editor")
	assert.Equal(t, "Campaign", v.Title)
	assert.Empty(t, v.PublicLink, "given to guests: no public link")
	emails := []string{}
	for _, g := range v.ActiveGuests {
		emails = append(emails, g.Email)
	}
	assert.ElementsMatch(t, []string{"viewer@example.com", "ext@example.org", "other@example.net"}, emails)
	assert.Contains(t, body, "Invitations sent")
	assert.Contains(t, body, s.srv.URL+"/s/", "the guests' links, shown once")
	assert.Contains(t, body, `href="/shares/`+v.ID+`"`)
	assert.ElementsMatch(t, []string{s.photo.ID, s.secret.ID}, v.AssetIDs)
	assert.Contains(t, body, "Left out (1)", "the asset out of the editor's reach is listed with why")
	assert.Contains(t, body, "asset "+s.other.ID+" not found")
}

func TestSharePageManage(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	b := s.signIn(t, "editor")
	resp, body := b.post("/shares", url.Values{"asset": {s.photo.ID}, "title": {"Campaign"}, "days": {"1"},
		"users": {"viewer@example.com"}, "guests": {"ext@example.org"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	v := s.onlyShare(t, "editor")
	page := "/shares/" + v.ID

	// A guest opens the share and downloads: the usage shows it.
	token := regexp.MustCompile(`/s/([A-Za-z0-9_-]{43})`).FindAllStringSubmatch(body, -1)
	require.Len(t, token, 2)
	guest, _, err := s.lib.GuestActor(t.Context(), token[0][1])
	require.NoError(t, err)
	_, err = s.lib.GuestShare(guest)
	require.NoError(t, err)
	d, err := s.lib.GuestOpen(guest, s.photo.ID, "")
	require.NoError(t, err)
	require.NoError(t, d.Close())

	resp, body = b.get(page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"Campaign", "expiring soon", "viewer@example.com", "ext@example.org", "sunrise.png",
		"1 open · 1 download", "Per guest", "Per asset", "Disable the share"} {
		assert.Contains(t, body, want)
	}
	assert.Regexp(t, `@example\.(org|com)</td><td>1</td><td>1</td>`, body, "the guest's open and download")
	_, body = b.get("/shares")
	assert.Contains(t, body, `href="/shares/`+v.ID+`"`)
	assert.Contains(t, body, "expiring soon", "a one-day share is about to expire")

	// Remove a guest: listed last, greyed, with why.
	ext := v.ActiveGuests[0]
	if ext.Email != "ext@example.org" {
		ext = v.ActiveGuests[1]
	}
	resp, _ = b.post(page+"/guests/remove", url.Values{"guest": {ext.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get(page)
	assert.Contains(t, body, "Guest removed")
	assert.Regexp(t, `(?s)viewer@example\.com.*<li class="guest gone">\s*<span class="who-line">ext@example\.org</span> <span class="small">\(removed`, body)

	// Invite again, by name and address.
	s.addPat(t)
	resp, body = b.post(page+"/guests", url.Values{"users": {"pat doe"}, "guests": {"new@example.org"}, "comment": {"also you"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	_, body = b.get(page)
	assert.Contains(t, body, "2 guests invited")
	assert.Contains(t, body, "Pat Doe (pat@example.com)")
	resp, _ = b.post(page+"/guests", url.Values{"users": {"owner"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an owner of more domains is nobody the editor can invite by name")

	// Disable, then enable.
	resp, _ = b.post(page, url.Values{"enabled": {"false"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get(page)
	assert.Contains(t, body, "Share disabled")
	assert.Contains(t, body, `<span class="tag status-disabled">disabled</span>`)
	assert.Contains(t, body, "Enable the share")
	assert.Contains(t, body, "(share disabled)", "every guest's link stopped")
	_, _, err = s.lib.GuestActor(t.Context(), token[0][1])
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	resp, _ = b.post(page, url.Values{"enabled": {"maybe"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, _ = b.post(page, url.Values{"enabled": {"true"}, "title": {"Campaign 2"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get(page)
	assert.Contains(t, body, "<h1>Campaign 2 ")

	// Add assets from a selection to the existing share; remove them.
	_, body = b.get("/shares/new?asset=" + s.secret.ID)
	assert.Contains(t, body, "Or add to an existing share")
	resp, _ = b.post("/shares/add", url.Values{"share": {v.ID}, "asset": {s.secret.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, page, resp.Header.Get("Location"))
	resp, _ = b.post(page+"/assets/remove", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.post(page+"/assets/remove", url.Values{"asset": {s.photo.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	after, err := s.lib.Share(s.owner, v.ID)
	require.NoError(t, err)
	assert.NotContains(t, after.AssetIDs, s.photo.ID)

	// Delete.
	resp, _ = b.post(page+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/shares", resp.Header.Get("Location"))
	resp, _ = b.get(page)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestShareWithoutGuestsGivesALink(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	b := s.signIn(t, "editor")
	c, err := s.lib.CreateCollection(s.as(t, "editor"), "Press kit", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(s.as(t, "editor"), c.ID, []dam.CollectionItem{{AssetID: s.photo.ID}})
	require.NoError(t, err)
	_, body := b.get("/collections/" + c.ID)
	assert.Contains(t, body, `href="/shares/new?collection=`+c.ID+`"`)
	_, body = b.get("/assets/" + s.photo.ID)
	assert.Contains(t, body, `href="/shares/new?asset=`+s.photo.ID+`"`)

	resp, body := b.get("/shares/new?collection=" + c.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Press kit")
	resp, body = b.post("/shares", url.Values{"collection": {c.ID}, "title": {"Kit"}, "days": {"14"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	v := s.onlyShare(t, "editor")
	require.NotEmpty(t, v.PublicLink)
	assert.True(t, strings.HasPrefix(v.PublicLink, s.srv.URL+"/s/"))
	assert.Contains(t, body, `value="`+v.PublicLink+`"`, "one link to copy")
	assert.Contains(t, body, "Send me the link")
	_, body = b.get("/shares/" + v.ID)
	assert.Contains(t, body, `value="`+v.PublicLink+`"`, "and again on the share's page")
	assert.Contains(t, body, "Anyone with the link")

	// Anyone opens it: the guest page (damhttp's) lists the collection's asset.
	req := httptest.NewRequest("GET", strings.TrimPrefix(v.PublicLink, s.srv.URL), nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	damhttp.New(s.lib, nil).ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "sunrise.png")
	_, body = b.get("/shares/" + v.ID)
	assert.Regexp(t, `<td>Anyone with the link</td><td>1</td><td>0</td>`, body, "its opens are counted under the link")

	resp, _ = b.post("/shares/"+v.ID+"/send-link", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get("/shares/" + v.ID)
	assert.Contains(t, body, "The link is on its way to editor@example.com")
	inbox, _, err := s.lib.Inbox(s.as(t, "editor"), false, "", 10)
	require.NoError(t, err)
	require.NotEmpty(t, inbox)
	assert.Equal(t, dam.NotifyShareLink, inbox[0].Kind)
	assert.Equal(t, v.PublicLink, inbox[0].Link)
}

func TestSharesNeedEditorsAndTheSetting(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	_, body := b.get("/shares/new?asset=" + s.photo.ID)
	assert.Contains(t, body, "Shares are not enabled in this library")
	resp, body := b.post("/shares", url.Values{"asset": {s.photo.ID}, "title": {"x"}, "days": {"7"}})
	assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	assert.Contains(t, body, "shares are not enabled")

	s.enableShares(t)
	v := s.signIn(t, "viewer")
	resp, _ = v.get("/shares/new?asset=" + s.photo.ID)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = v.post("/shares", url.Values{"asset": {s.photo.ID}, "title": {"x"}, "days": {"7"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	_, body = v.get("/")
	assert.NotContains(t, body, `href="/shares"`, "viewers have no Shares menu")
	resp, _ = b.get("/shares/new")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "nothing selected")
}

func TestFindUsersForTheGuestField(t *testing.T) {
	s := newSite(t, nil)
	s.addPat(t)
	b := s.signIn(t, "editor")
	req, err := http.NewRequest("GET", s.srv.URL+"/users?q=DOE", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var us []dam.UserRef
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&us))
	require.Len(t, us, 1)
	assert.Equal(t, dam.UserRef{ID: us[0].ID, Name: "Pat Doe", Email: "pat@example.com"}, us[0])

	_, body := b.get("/users?q=stranger")
	assert.Equal(t, "[]", body, "people of other domains are nobody to the editor")
	resp, _ = s.signIn(t, "viewer").get("/users?q=o")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// TestOtherSharesLookAbsent: another user's share, and an owner's of
// another domain, answer every share route exactly as a share that does
// not exist, and change nothing.
func TestOtherSharesLookAbsent(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	ed := s.signIn(t, "editor")
	resp, _ := ed.post("/shares", url.Values{"asset": {s.photo.ID}, "title": {"Mine"}, "days": {"7"}, "guests": {"ext@example.org"}})
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	v := s.onlyShare(t, "editor")
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	for _, who := range []string{"viewer", "stranger"} {
		b := s.signIn(t, who)
		for _, rt := range s.h.table() {
			if !strings.Contains(rt.pattern, "/shares/{id}") && rt.pattern != "/shares/add" {
				continue
			}
			t.Run(who+" "+rt.method+" "+rt.pattern, func(t *testing.T) {
				path := func(id string) string { return strings.ReplaceAll(rt.pattern, "{id}", id) }
				form := func(id string) url.Values {
					return url.Values{"share": {id}, "asset": {s.photo.ID}, "guest": {v.ActiveGuests[0].ID}, "title": {"taken"},
						"enabled": {"false"}, "guests": {"me@example.org"}}
				}
				r1, b1 := b.do(rt.method, path(v.ID), form(v.ID))
				r2, b2 := b.do(rt.method, path(absent), form(absent))
				assert.GreaterOrEqual(t, r1.StatusCode, 400, "nothing out of reach answers 2xx or 3xx")
				assert.Equal(t, r2.StatusCode, r1.StatusCode)
				assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, v.ID, "ID"))
			})
		}
	}
	after, err := s.lib.Share(s.owner, v.ID)
	require.NoError(t, err)
	assert.Equal(t, "Mine", after.Title)
	assert.True(t, after.Enabled)
	assert.Len(t, after.ActiveGuests, 1)
}
