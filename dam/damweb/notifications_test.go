package damweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// protectedAssets uploads n more files into the site's protected folder.
func (s *site) protectedAssets(t *testing.T, n int) []dam.Asset {
	t.Helper()
	var out []dam.Asset
	for i := range n {
		a, err := s.lib.Upload(s.owner, strings.NewReader("secret "+strconv.Itoa(i)),
			dam.UploadOptions{Name: "secret-" + strconv.Itoa(i) + ".txt", FolderID: s.private.ID})
		require.NoError(t, err)
		out = append(out, a)
	}
	return out
}

// inboxIDs returns the IDs of the notifications of ctx's user, newest first.
func inboxIDs(t *testing.T, s *site, role string, unreadOnly bool) []string {
	t.Helper()
	ns, _, err := s.lib.Inbox(s.as(t, role), unreadOnly, "", 100)
	require.NoError(t, err)
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
}

func TestNotificationsInboxAndMarkRead(t *testing.T) {
	s := newSite(t, &dam.Options{Links: Links("https://dam.example/")})
	owner := s.signIn(t, "owner")
	_, body := owner.get("/notifications")
	assert.Contains(t, body, "No notifications yet.", "the empty state says what comes here")

	viewer := s.as(t, "viewer")
	for _, a := range append([]dam.Asset{s.secret}, s.protectedAssets(t, 2)...) {
		_, err := s.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "deck"})
		require.NoError(t, err)
	}
	ids := inboxIDs(t, s, "owner", false)
	require.Len(t, ids, 3)

	resp, body := owner.get("/notifications")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, strings.Count(body, `<a href="/requests">Download request from viewer@example.com (1 asset)</a>`),
		"each item links to its page on this site")
	assert.Equal(t, 3, strings.Count(body, "Unread: "))
	assert.Contains(t, body, `<span class="badge" aria-label="3 unread">3</span>`)
	assert.Less(t, strings.Index(body, `value="`+ids[0]+`"`), strings.Index(body, `value="`+ids[2]+`"`), "newest first")

	resp, body = owner.follow(owner.post("/notifications/read", url.Values{}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Select the notifications to mark read first.")
	assert.Len(t, inboxIDs(t, s, "owner", true), 3, "an empty form marks nothing")

	_, body = owner.follow(owner.post("/notifications/read", url.Values{"id": {ids[1]}, "back": {"/notifications?unread=1"}}))
	assert.Contains(t, body, "Marked 1 notification read.")
	assert.Equal(t, 2, strings.Count(body, "Unread: "), "back on the unread view")
	assert.NotContains(t, body, `value="`+ids[1]+`"`)
	assert.Equal(t, []string{ids[0], ids[2]}, inboxIDs(t, s, "owner", true))

	_, body = owner.follow(owner.post("/notifications/read", url.Values{"all": {"1"}}))
	assert.Contains(t, body, "Marked 2 notifications read.")
	assert.NotContains(t, body, "Unread: ")
	assert.NotContains(t, body, ` unread">`, "no unread badge")
	_, body = owner.get("/notifications?unread=1")
	assert.Contains(t, body, "Nothing unread.")

	// The requester's answer links to the asset's page.
	reqs, _, err := s.lib.Requests(s.owner, dam.RequestQuery{Status: dam.RequestPending, Limit: 1})
	require.NoError(t, err)
	_, err = s.lib.Decide(s.owner, []dam.Decision{{RequestID: reqs[0].ID, Approve: true}})
	require.NoError(t, err)
	_, body = s.signIn(t, "viewer").get("/notifications")
	assert.Contains(t, body, `<a href="/assets/`+reqs[0].AssetID+`">Your download request was approved</a>`)
}

// TestNotificationOfAnotherLooksAbsent: marking another user's
// notification read answers as an ID that does not exist, and changes
// nothing.
func TestNotificationOfAnotherLooksAbsent(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.RequestDownload(s.as(t, "viewer"), dam.NewRequest{AssetIDs: []string{s.secret.ID}})
	require.NoError(t, err)
	theirs := inboxIDs(t, s, "owner", true)
	require.Len(t, theirs, 1)
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	for _, role := range []string{"editor", "stranger"} {
		b := s.signIn(t, role)
		r1, b1 := b.follow(b.post("/notifications/read", url.Values{"id": {theirs[0]}}))
		r2, b2 := b.follow(b.post("/notifications/read", url.Values{"id": {absent}}))
		assert.Equal(t, r2.StatusCode, r1.StatusCode)
		assert.Equal(t, b2, b1)
		assert.Contains(t, b1, "Nothing to mark")
	}
	assert.Equal(t, theirs, inboxIDs(t, s, "owner", true), "still unread")
}

func TestNotificationPages(t *testing.T) {
	s := newSite(t, nil)
	viewer := s.as(t, "viewer")
	for _, a := range s.protectedAssets(t, notificationPageSize+1) {
		_, err := s.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
		require.NoError(t, err)
	}
	b := s.signIn(t, "owner")
	_, body := b.get("/notifications?unread=1")
	assert.Equal(t, notificationPageSize, strings.Count(body, `name="id"`))
	i := strings.Index(body, `href="/notifications?cursor=`)
	require.Positive(t, i, "a link to older ones")
	next := body[i+len(`href="`):]
	next = strings.ReplaceAll(next[:strings.IndexByte(next, '"')], "&amp;", "&")
	assert.Contains(t, next, "unread=1", "the view stays unread-only")
	resp, body := b.get(next)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, strings.Count(body, `name="id"`))
	assert.Contains(t, body, `<a href="/notifications?unread=1">First page</a>`)
}

func TestPageOf(t *testing.T) {
	for _, tc := range []struct{ link, want string }{
		{"https://dam.example/assets/01abc", "/assets/01abc"},
		{"http://127.0.0.1:8080/downloads#job-01x", "/downloads#job-01x"},
		{"https://dam.example/requests?status=pending", "/requests?status=pending"},
		{"", ""},
		{"javascript:alert(1)", ""},
		{"https://dam.example//evil.example/x", ""},
		{"/notifications", "/notifications"},
	} {
		assert.Equal(t, tc.want, pageOf(tc.link), tc.link)
	}
}
