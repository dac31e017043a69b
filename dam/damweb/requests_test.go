package damweb

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestRequestsDashboard: a viewer asks, the owner sees the badge and the
// dashboard, approves with a message and a validity, a second decision of
// the same request reports the conflict, and revoking ends the download.
func TestRequestsDashboard(t *testing.T) {
	s := newSite(t, nil)
	v := s.signIn(t, "viewer")
	resp, _ := v.post("/assets/"+s.secret.ID+"/request", url.Values{"reason": {"launch deck"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	o := s.signIn(t, "owner")
	resp, body := o.get("/requests")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `aria-label="1 waiting"`, "the menu counts pending requests for owners")
	assert.Contains(t, body, "launch.png")
	assert.Contains(t, body, "viewer@example.com")
	assert.Contains(t, body, "launch deck")
	assert.Contains(t, body, "7 days", "validity in days, never nanoseconds")
	// An owner who does not receive requests (settings) sees no count.
	u2, key2, err := s.lib.CreateUser(s.owner, dam.NewUser{Email: "owner2@example.com", Role: dam.RoleOwner, Domains: []string{dam.DefaultDomain}})
	require.NoError(t, err)
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	st.Deselected = []string{u2.ID}
	_, err = s.lib.UpdateSettings(s.owner, st)
	require.NoError(t, err)
	s.keys["owner2"] = key2
	_, other := s.signIn(t, "owner2").get("/requests")
	assert.Contains(t, other, "launch deck", "the owner still sees the dashboard")
	assert.NotContains(t, other, "waiting\"", "but no count in the menu: requests are not sent to them")
	reqs, _, err := s.lib.Requests(s.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, reqs, 1)

	_, body = v.get("/requests")
	assert.Contains(t, body, "My requests")
	assert.NotContains(t, body, `name="decision"`, "only owners decide")
	resp, _ = v.post("/requests/decide", url.Values{"id": {reqs[0].ID}, "decision": {"approve"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	resp, _ = o.post("/requests/decide", url.Values{"id": {reqs[0].ID}, "decision": {"approve"},
		"message": {"Enjoy"}, "validity_days": {"2"}, "back": {"/requests"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = o.get("/requests")
	assert.Contains(t, body, "1 request approved.")
	assert.Contains(t, body, "No request waits for a decision.")
	assert.Contains(t, body, "launch.png", "the live permission is listed")

	resp, _ = o.post("/requests/decide", url.Values{"id": {reqs[0].ID}, "decision": {"deny"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = o.get("/requests")
	assert.Contains(t, body, "0 requests denied. 1 had already been decided by someone else.")

	resp, _ = v.get("/assets/" + s.secret.ID + "/download")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	gs, err := s.lib.Grants(s.owner, dam.GrantQuery{Live: true})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	require.NotNil(t, gs[0].Until)
	assert.Equal(t, 48.0, gs[0].Until.Sub(gs[0].From).Hours())

	resp, _ = o.post("/grants/revoke", url.Values{"id": {gs[0].ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, body = v.get("/assets/" + s.secret.ID + "/download")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "revoked: the download stops working")
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html", "a page, not JSON")
	assert.Contains(t, body, `<a class="button" href="/assets/`+s.secret.ID+`">Request a download on its page</a>`)
}

// TestRequestsDashboardFilters: folder (with the folders below), portal,
// requester and day filters and the sort live in the URL; the next page
// keeps them; bad or out-of-reach filters answer as the rest of the site.
func TestRequestsDashboardFilters(t *testing.T) {
	s := newSite(t, nil)
	sub, err := s.lib.CreateFolder(s.owner, "Spring 2026", s.private.ID, "")
	require.NoError(t, err)
	var inSub []string
	for i := range 51 {
		a, err := s.lib.Upload(s.owner, strings.NewReader(fmt.Sprintf("deep %d", i)),
			dam.UploadOptions{Name: fmt.Sprintf("deep-%02d.txt", i), FolderID: sub.ID})
		require.NoError(t, err)
		inSub = append(inSub, a.ID)
	}
	_, err = s.lib.RequestDownload(s.as(t, "viewer"), dam.NewRequest{AssetIDs: inSub, Reason: "the whole spring set"})
	require.NoError(t, err)
	_, err = s.lib.RequestDownload(s.as(t, "viewer"), dam.NewRequest{AssetIDs: []string{s.secret.ID}, Reason: "launch deck"})
	require.NoError(t, err)
	p, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "press", Title: "Press kit", AssetIDs: []string{s.secret.ID}, Mode: dam.PortalRequest})
	require.NoError(t, err)
	_, err = s.lib.RequestPortalDownload(t.Context(), "press", dam.VisitorRequest{Email: "visitor@agency.org", Message: "for print"})
	require.NoError(t, err)

	o := s.signIn(t, "owner")
	today := s.lib.Now().UTC().Format(time.DateOnly)
	yesterday := s.lib.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	for _, tc := range []struct {
		name, query string
		has, hasNot []string
	}{
		{"a folder takes the folders below it", "folder=" + s.private.ID + "&sort=-asset",
			[]string{"launch.png", "deep-50.txt", `aria-sort="descending"`}, []string{"deep-01.txt"}},
		{"a subfolder", "folder=" + sub.ID + "&sort=-asset", []string{"deep-50.txt"}, []string{"launch.png", "deep-00.txt"}},
		{"the portal a visitor asked through", "portal=" + p.ID,
			[]string{"visitor@agency.org", "Press kit", "for print", "visitor</span>"}, []string{"launch deck"}},
		{"part of an email", "requester=AGENCY", []string{"for print"}, []string{"launch deck"}},
		{"days, both ends included", "from=" + today + "&to=" + today, []string{"for print", "launch deck"}, nil},
		{"days before any request", "to=" + yesterday, []string{"No requests match these filters."}, []string{"launch deck"}},
		{"validity in days", "requester=viewer", []string{"7 days"}, []string{"604800"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := o.get("/requests?" + tc.query)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			for _, s := range tc.has {
				assert.True(t, strings.Contains(body, s), "has %q", s)
			}
			for _, s := range tc.hasNot {
				assert.False(t, strings.Contains(body, s), "has not %q", s)
			}
		})
	}

	// 53 requests under Embargo sorted by asset: deep-00 to deep-49, then
	// the next page with the same filters and sort: deep-50 and the two
	// for launch.png, then nothing more.
	_, body := o.get("/requests?folder=" + s.private.ID + "&sort=asset")
	next := regexp.MustCompile(`href="(/requests\?[^"]*cursor=[^"]*)">Next page`).FindStringSubmatch(body)
	require.NotNil(t, next, "a next page")
	link := html.UnescapeString(next[1])
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, s.private.ID, u.Query().Get("folder"))
	assert.Equal(t, "asset", u.Query().Get("sort"))
	assert.Equal(t, "pending", u.Query().Get("status"))
	assert.True(t, strings.Contains(body, ">deep-49.txt<") && !strings.Contains(body, ">deep-50.txt<"), "deep-00 to 49 first")
	resp, body := o.get(link)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{">deep-50.txt<", "launch deck", "for print", "First page"} {
		assert.True(t, strings.Contains(body, want), "the second page has %q", want)
	}
	for _, not := range []string{">deep-49.txt<", "Next page"} {
		assert.False(t, strings.Contains(body, not), "the second page has not %q", not)
	}

	// Bad input names the problem; filters out of reach look absent.
	resp, body = o.get("/requests?from=yesterday")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "from must be a date")
	resp, _ = o.get("/requests?sort=reason")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	st := s.signIn(t, "stranger")
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	for _, param := range []string{"folder", "portal"} {
		id := s.private.ID
		if param == "portal" {
			id = p.ID
		}
		r1, b1 := st.get("/requests?" + param + "=" + id)
		r2, b2 := st.get("/requests?" + param + "=" + absent)
		assert.Equal(t, http.StatusNotFound, r1.StatusCode, param)
		assert.Equal(t, r2.StatusCode, r1.StatusCode, param)
		assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, id, "ID"), param)
	}
}

// TestRequestHistoryPage: the history of a request (asked, decided by whom
// with which message and validity, revoked by whom) for the owner, who
// decides and revokes from it, and for the requester; nobody else.
func TestRequestHistoryPage(t *testing.T) {
	s := newSite(t, nil)
	res, err := s.lib.RequestDownload(s.as(t, "viewer"), dam.NewRequest{AssetIDs: []string{s.secret.ID}, Reason: "launch deck"})
	require.NoError(t, err)
	id := res.Requests[0].ID
	o := s.signIn(t, "owner")
	_, body := o.get("/requests")
	assert.Contains(t, body, `href="/requests/`+id+`"`, "the dashboard links to the history")
	resp, body := o.get("/requests/" + id)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Request for launch.png")
	assert.Contains(t, body, "by viewer@example.com")
	assert.Contains(t, body, "Validity asked: 7 days")
	assert.Contains(t, body, "/Embargo")
	assert.Contains(t, body, `name="decision"`)

	resp, _ = o.post("/requests/decide", url.Values{"id": {id}, "decision": {"approve"}, "message": {"Enjoy"},
		"validity_days": {"2"}, "back": {"/requests/" + id}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/requests/"+id, resp.Header.Get("Location"))
	_, body = o.get("/requests/" + id)
	assert.Contains(t, body, "1 request approved.")
	assert.Contains(t, body, "<strong>Approved</strong>")
	assert.Contains(t, body, "by Olive Owner (owner@example.com)")
	assert.Contains(t, body, "Valid for: 2 days")
	assert.Contains(t, body, "“Enjoy”")
	assert.NotContains(t, body, `name="decision"`, "decided: nothing left to decide")
	gs, err := s.lib.Grants(s.owner, dam.GrantQuery{RequestID: id})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	resp, _ = o.post("/grants/revoke", url.Values{"id": {gs[0].ID}, "back": {"/requests/" + id}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/requests/"+id, resp.Header.Get("Location"))
	_, body = o.get("/requests/" + id)
	assert.Contains(t, body, "<strong>Permission revoked</strong>")
	assert.NotContains(t, body, "Revoke the permission")

	v := s.signIn(t, "viewer")
	_, body = v.get("/requests")
	assert.Contains(t, body, `href="/requests/`+id+`"`, "the requester reaches their own request's history")
	resp, body = v.get("/requests/" + id)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<strong>Permission revoked</strong>")
	assert.NotContains(t, body, `action="/grants/revoke"`)
	resp, _ = s.signIn(t, "editor").get("/requests/" + id)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not the editor's request, and editors do not decide")
}
