package damweb

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/storage"
)

// site is a library on SQLite and a file bucket behind the web interface,
// with an owner, an editor and a viewer of the default domain, a user of
// another domain, and a few assets.
type site struct {
	lib     *dam.Library
	h       *Handler
	srv     *httptest.Server
	owner   context.Context
	keys    map[string]string // role name -> API key
	photo   dam.Asset         // an image in the default domain
	other   dam.Asset         // an asset of domain "b"
	private dam.Folder        // a protected folder
	secret  dam.Asset         // an image in the protected folder
}

func newSite(t testing.TB, opts *dam.Options) *site {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	// The server's address is known before the library, so that emailed
	// links point at it.
	srv := httptest.NewUnstartedServer(nil)
	var o dam.Options
	if opts != nil {
		o = *opts
	}
	if o.Links == nil {
		o.Links = Links("http://" + srv.Listener.Addr().String())
	}
	lib := dam.New(st, b, nil, nil, &o)
	s := &site{lib: lib, keys: map[string]string{}}
	ou, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Name: "Olive Owner", Role: dam.RoleOwner,
		Domains: []string{dam.DefaultDomain, "b"}})
	require.NoError(t, err)
	s.keys["owner"] = key
	s.owner = dam.WithActor(ctx, ou.Actor())
	for _, u := range []struct {
		name   string
		role   dam.Role
		domain string
	}{{"editor", dam.RoleEditor, dam.DefaultDomain}, {"viewer", dam.RoleViewer, dam.DefaultDomain}, {"stranger", dam.RoleOwner, "c"}} {
		_, key, err := lib.CreateUser(s.owner, dam.NewUser{Email: u.name + "@example.com", Role: u.role, Domains: []string{u.domain}})
		require.NoError(t, err)
		s.keys[u.name] = key
	}
	s.photo, err = lib.Upload(s.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(960, 640, 0))), dam.UploadOptions{Name: "sunrise.png"})
	require.NoError(t, err)
	s.other, err = lib.Upload(s.owner, strings.NewReader("plan b"), dam.UploadOptions{Name: "plan-b.txt", Domain: "b"})
	require.NoError(t, err)
	s.private, err = lib.CreateFolder(s.owner, "Embargo", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = lib.SetFolderProtection(s.owner, s.private.ID, dam.Protected)
	require.NoError(t, err)
	s.secret, err = lib.Upload(s.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(480, 640, 1))), dam.UploadOptions{Name: "launch.png", FolderID: s.private.ID})
	require.NoError(t, err)
	s.h = New(lib, nil)
	srv.Config.Handler = s.h
	srv.Start()
	s.srv = srv
	t.Cleanup(s.srv.Close)
	return s
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func (s *site) browser(t testing.TB) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: s.srv.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(out)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil) }
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	return b.do("POST", path, form)
}

// signIn signs the browser in with the key of role.
func (s *site) signIn(t testing.TB, role string) *browser {
	b := s.browser(t)
	resp, _ := b.post("/signin/key", url.Values{"key": {s.keys[role]}, "next": {"/"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/", resp.Header.Get("Location"))
	return b
}

func TestSignInWithKeyAndOut(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	resp, _ := b.get("/?folder=x")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/signin?next=%2F%3Ffolder%3Dx", resp.Header.Get("Location"), "a page asks to sign in first, then returns")

	resp, body := b.post("/signin/key", url.Values{"key": {"dk_wrong-key-0000000000000"}})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "That API key is not valid")

	resp, _ = b.post("/signin/key", url.Values{"key": {s.keys["viewer"]}, "next": {"//evil.example/"}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"), "next never leaves the site")
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	assert.True(t, strings.HasPrefix(cookie.Value, "ds_"))

	resp, body = b.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "sunrise.png")
	assert.NotContains(t, body, "plan-b.txt", "the viewer sees only its domain")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.NotContains(t, resp.Header.Get("Content-Security-Policy"), "unsafe-inline")

	resp, _ = b.post("/signout", nil)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	// The old cookie no longer works, even replayed by hand.
	stale := s.browser(t)
	u, _ := url.Parse(s.srv.URL)
	stale.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: cookie.Value}})
	resp, _ = stale.get("/")
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/signin"))
}

func TestCrossSiteWritesRefused(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	req, err := http.NewRequest("POST", s.srv.URL+"/assets/"+s.photo.ID, strings.NewReader("title=pwned"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := b.c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Empty(t, a.Meta.Title, "nothing changed")
}

// TestEveryRouteNeedsSignIn walks the routing table: a route that needs a
// user redirects a browser without a session to the sign-in page (GET) or
// answers 401 (other methods), and never runs its handler.
func TestEveryRouteNeedsSignIn(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	open := map[string]bool{}
	for _, rt := range s.h.table() {
		path := strings.NewReplacer("{id}", s.photo.ID, "{n}", "1", "{name}", "app.css", "{$}", "").Replace(rt.pattern)
		if !rt.auth {
			open[rt.method+" "+rt.pattern] = true
			continue
		}
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			resp, _ := b.do(rt.method, path, url.Values{})
			if rt.method == http.MethodGet {
				assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
				assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/signin?next="))
			} else {
				assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			}
		})
	}
	// The routes open to everyone are exactly the sign-in pages and static files.
	for r := range open {
		assert.True(t, strings.HasPrefix(r, "GET /static/") || r == "GET /favicon.ico" || strings.Contains(r, " /signin") || r == "POST /signout", r)
	}
}

func TestAssetPageEditAndRequest(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	resp, body := ed.get("/assets/" + s.photo.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `name="title"`, "editors edit in place")
	resp, _ = ed.post("/assets/"+s.photo.ID, url.Values{"title": {"Sunrise over the bay"}, "keywords": {"sea, morning ,, sun"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, body = ed.get(resp.Header.Get("Location"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Saved.")
	assert.Contains(t, body, "<h1>Sunrise over the bay</h1>")
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"sea", "morning", "sun"}, a.Meta.Keywords)
	assert.Equal(t, "sunrise.png", a.Name, "fields the form did not send stay")

	v := s.signIn(t, "viewer")
	_, body = v.get("/assets/" + s.photo.ID)
	assert.NotContains(t, body, `name="title"`, "viewers read")
	resp, _ = v.post("/assets/"+s.photo.ID, url.Values{"title": {"mine"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	_, body = v.get("/assets/" + s.secret.ID)
	assert.Contains(t, body, "Request download")
	assert.Contains(t, body, "protected")
	resp, _ = v.get("/assets/" + s.secret.ID + "/download")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	resp, _ = v.post("/assets/"+s.secret.ID+"/request", url.Values{"reason": {"for the launch deck"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = v.get("/assets/" + s.secret.ID)
	assert.Contains(t, body, "an owner has not decided yet")
	reqs, _, err := s.lib.Requests(s.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	assert.Equal(t, "for the launch deck", reqs[0].Reason)

	resp, body = ed.get("/assets/" + s.photo.ID + "/download")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	assert.Equal(t, int(s.photo.Current.Size), len(body))
}

func TestLibraryViews(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	resp, body := b.get("/")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"sunrise.png", "plan-b.txt", "launch.png", "Embargo", `/preview?v=`} {
		assert.Contains(t, body, want)
	}
	_, body = b.get("/?folder=" + s.private.ID)
	assert.Contains(t, body, "launch.png")
	assert.NotContains(t, body, "sunrise.png")
	_, body = b.get("/?q=plan")
	assert.Contains(t, body, "plan-b.txt")
	assert.NotContains(t, body, "sunrise.png")
	_, body = b.get("/?kind=document&view=list")
	assert.Contains(t, body, "<table")
	assert.Contains(t, body, "plan-b.txt")
	resp, body = b.get("/?kind=banana")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "kind must be one of")
	resp, _ = b.get("/?folder=01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	v := s.signIn(t, "viewer")
	_, body = v.get("/")
	assert.Contains(t, body, "🔒", "protected assets carry a lock for those who must ask")
}

func TestStaticFilesCacheForGood(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	resp, body := b.get(s.h.pages.funcs()["static"].(func(string) string)("app.css"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Cache-Control"), "immutable")
	assert.Contains(t, body, "--accent")
	resp, _ = b.get("/static/app.css?v=old")
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	resp, _ = b.get("/static/nothing.js")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, body = b.get("/favicon.ico")
	require.Equal(t, http.StatusOK, resp.StatusCode, "pages that name no icon (the guest pages beside these) get the library's")
	assert.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))
	assert.Contains(t, body, "<svg")
}
