package damweb

import (
	"net/http"
	"net/url"
	"testing"

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
	resp, _ = v.get("/assets/" + s.secret.ID + "/download")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "revoked: the download stops working")
}
