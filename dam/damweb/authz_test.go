package damweb

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// reachCase says how to test one page route that names an object (in its
// path or in its form): who asks, and an object that actor must not reach
// (another domain's, or another user's own). The answer must be exactly
// the answer for an object that does not exist.
type reachCase struct {
	actor string                                 // a role name of newSite's users
	field string                                 // the form field naming the object; "" when the path does
	form  url.Values                             // other form values the route needs to reach its lookup
	obj   func(s *site, f *reachFixtures) string // the out-of-reach object's ID
}

// reachFixtures are objects of the owner (domains default and b) that the
// editor and the stranger (owner of domain c) must not reach.
type reachFixtures struct {
	collection, job, trashed, key, session, request, grant, notice, share, portal string
	viewer                                                                        string // the viewer's user ID
	profile, licence, category                                                    string // library-wide: only owners manage them
	webhook                                                                       string // the owner's endpoint
}

func newReachFixtures(t *testing.T, s *site) *reachFixtures {
	t.Helper()
	f := &reachFixtures{}
	c, err := s.lib.CreateCollection(s.owner, "Owner's picks", "")
	require.NoError(t, err)
	f.collection = c.ID
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID}})
	require.NoError(t, err)
	f.job = j.ID
	gone, err := s.lib.Upload(s.owner, strings.NewReader("gone"), dam.UploadOptions{Name: "gone.txt", Domain: "b"})
	require.NoError(t, err)
	require.NoError(t, s.lib.Delete(s.owner, gone.ID))
	f.trashed = gone.ID
	me, _ := dam.ActorFrom(s.owner)
	k, _, err := s.lib.CreateAPIKey(s.owner, me.UserID, "laptop")
	require.NoError(t, err)
	f.key = k.ID
	_, sess, err := s.lib.SignInWithKey(t.Context(), s.keys["owner"], "owner's browser")
	require.NoError(t, err)
	f.session = sess.ID
	viewerKey, err := s.lib.Authenticate(t.Context(), s.keys["viewer"])
	require.NoError(t, err)
	viewer := dam.WithActor(t.Context(), viewerKey.Actor())
	f.viewer = viewerKey.ID
	res, err := s.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{s.secret.ID}, Reason: "r"})
	require.NoError(t, err)
	f.request = res.Requests[0].ID
	other, err := s.lib.Upload(s.owner, strings.NewReader("x"), dam.UploadOptions{Name: "x.txt", FolderID: s.private.ID})
	require.NoError(t, err)
	res, err = s.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{other.ID}})
	require.NoError(t, err)
	out, err := s.lib.Decide(s.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
	require.NoError(t, err)
	f.grant = out[0].Grant.ID
	ns, _, err := s.lib.Inbox(s.owner, false, "", 1)
	require.NoError(t, err)
	require.NotEmpty(t, ns)
	f.notice = ns[0].ID
	s.enableShares(t)
	sh, err := s.lib.CreateShare(s.owner, dam.NewShare{Title: "Owner's share", AssetIDs: []string{s.other.ID}, Days: 7})
	require.NoError(t, err)
	f.share = sh.ID
	p, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "owners-portal", Title: "Owner's portal", AssetIDs: []string{s.other.ID}})
	require.NoError(t, err)
	f.portal = p.ID
	prof, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "web", Width: 64})
	require.NoError(t, err)
	f.profile = prof.Name
	// A smart crop, so that "download all smart crops" is refused for reach, not for want of crops.
	_, err = s.lib.CreateProfile(s.owner, dam.Profile{Name: "square", Width: 32, Height: 32, Fit: "smart", SmartCrop: true})
	require.NoError(t, err)
	cat, err := s.lib.CreateCategory(s.owner, "Owner's category", "")
	require.NoError(t, err)
	f.category = cat.ID
	lic, err := s.lib.CreateLicence(s.owner, "Owner's licence", "Editorial use only.")
	require.NoError(t, err)
	f.licence = lic.ID
	wh, err := s.lib.CreateWebhook(s.owner, dam.NewWebhook{URL: "https://hooks.example.com/owner", Events: []dam.WebhookEvent{dam.HookAssetUploaded}})
	require.NoError(t, err)
	f.webhook = wh.ID
	return f
}

// reachCases covers every page route that names an object; a new route
// with a path parameter or an ID field must be added here (the test says
// so), so none escapes the reach rule.
var reachCases = map[string]reachCase{
	"/assets/{id}":                  {actor: "editor", obj: func(s *site, _ *reachFixtures) string { return s.other.ID }},
	"POST /assets/{id}/crops":       {actor: "editor", obj: func(s *site, _ *reachFixtures) string { return s.other.ID }},
	"/collections/{id}":             {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.collection }},
	"/downloads/{id}":               {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.job }},
	"/trash/{id}":                   {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.trashed }},
	"/folders/{id}":                 {actor: "stranger", form: url.Values{"protection": {"unprotected"}}, obj: func(s *site, _ *reachFixtures) string { return s.private.ID }},
	"/people/{id}":                  {actor: "stranger", form: url.Values{"disabled": {"1"}, "role": {"viewer"}}, obj: func(_ *site, f *reachFixtures) string { return f.viewer }},
	"POST /people/{id}/keys/revoke": {actor: "stranger", field: "key", obj: func(_ *site, f *reachFixtures) string { return f.key }},
	"/account/keys/{id}":            {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.key }},
	"/shares/{id}":                  {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.share }},
	"/portals/{id}":                 {actor: "stranger", form: url.Values{"slug": {"strangers"}, "mode": {"open"}}, obj: func(_ *site, f *reachFixtures) string { return f.portal }},
	"POST /account/sessions/revoke": {actor: "editor", field: "id", obj: func(_ *site, f *reachFixtures) string { return f.session }},
	"/requests/{id}":                {actor: "stranger", obj: func(_ *site, f *reachFixtures) string { return f.request }},
	"POST /requests/decide":         {actor: "stranger", field: "id", form: url.Values{"decision": {"approve"}}, obj: func(_ *site, f *reachFixtures) string { return f.request }},
	"POST /grants/revoke":           {actor: "stranger", field: "id", obj: func(_ *site, f *reachFixtures) string { return f.grant }},
	"POST /notifications/read":      {actor: "editor", field: "id", obj: func(_ *site, f *reachFixtures) string { return f.notice }},
	"POST /selection":               {actor: "editor", field: "id", form: url.Values{"action": {"delete"}}, obj: func(s *site, _ *reachFixtures) string { return s.other.ID }},
	"POST /shares/add":              {actor: "editor", field: "share", obj: func(_ *site, f *reachFixtures) string { return f.share }},
	// Export profiles, licences and categories belong to the whole
	// library: what no non-owner reaches is the page that manages them.
	"/profiles/{id}":   {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.profile }},
	"/categories/{id}": {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.category }},
	"/licences/{id}":   {actor: "editor", obj: func(_ *site, f *reachFixtures) string { return f.licence }},
	// A webhook is its creator's: an owner of another domain reaches none.
	"/webhooks/{id}": {actor: "stranger", form: url.Values{"url": {"https://hooks.example.com/x"}, "event": {"asset.uploaded"}},
		obj: func(_ *site, f *reachFixtures) string { return f.webhook }},
}

// formIDRoute matches the routes whose form (not path) names objects.
var formIDRoute = regexp.MustCompile(`^POST /(account/sessions/revoke|requests/decide|grants/revoke|notifications/read|selection|shares/add)$`)

// TestPagesOutOfReachLookAbsent walks the routing table: every route that
// names an object answers for an object out of the actor's reach exactly
// as for one that does not exist (status and page, the ID aside), and
// never with success.
func TestPagesOutOfReachLookAbsent(t *testing.T) {
	s := newSite(t, nil)
	f := newReachFixtures(t, s)
	browsers := map[string]*browser{}
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	tested := 0
	for _, rt := range s.h.table() {
		key := rt.method + " " + rt.pattern
		if !rt.auth || (!strings.Contains(rt.pattern, "/{id}") && !formIDRoute.MatchString(key)) {
			continue
		}
		c, ok := reachCases[key]
		if !ok {
			for prefix, pc := range reachCases {
				if strings.HasPrefix(prefix, "/") && strings.HasPrefix(rt.pattern, prefix) {
					c, ok = pc, true
				}
			}
		}
		if !assert.True(t, ok, "%s names an object but has no case in reachCases (authz_test.go): add one", key) {
			continue
		}
		b := browsers[c.actor]
		if b == nil {
			b = s.signIn(t, c.actor)
			browsers[c.actor] = b
		}
		t.Run(key, func(t *testing.T) {
			ask := func(id string) (*http.Response, string) {
				// A flash left by the previous answer would differ between the two.
				u, _ := url.Parse(s.srv.URL)
				b.c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: "", Path: "/", MaxAge: -1}})
				form := url.Values{"title": {"x"}, "name": {"x"}}
				for k, v := range c.form {
					form[k] = v
				}
				path := strings.NewReplacer("{n}", "1").Replace(rt.pattern)
				if c.field != "" {
					form.Set(c.field, id)
				} else {
					path = strings.Replace(path, "{id}", id, 1)
				}
				if rt.method == http.MethodGet {
					return b.get(path)
				}
				return b.post(path, form)
			}
			id := c.obj(s, f)
			r1, b1 := ask(id)
			r2, b2 := ask(absent)
			assert.False(t, r1.StatusCode < 300, "an out-of-reach object gets no success (%d)", r1.StatusCode)
			assert.Equal(t, r2.StatusCode, r1.StatusCode)
			assert.Equal(t, r2.Header.Get("Location"), r1.Header.Get("Location"))
			assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, id, "ID"))
			tested++
		})
	}
	assert.Greater(t, tested, 20)
	// Nothing changed for the owner.
	a, err := s.lib.Asset(s.owner, s.other.ID)
	require.NoError(t, err)
	assert.Empty(t, a.Meta.Title)
	_, err = s.lib.Collection(s.owner, f.collection)
	require.NoError(t, err)
	p, err := s.lib.Portal(s.owner, f.portal)
	require.NoError(t, err)
	assert.Equal(t, "owners-portal", p.Slug)
	gs, err := s.lib.Grants(s.owner, dam.GrantQuery{Live: true})
	require.NoError(t, err)
	assert.Len(t, gs, 1)
}
