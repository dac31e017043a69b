package damweb

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// userID returns the ID of the user with this email.
func (s *site) userID(t *testing.T, email string) string {
	t.Helper()
	us, err := s.lib.Users(s.owner)
	require.NoError(t, err)
	for _, u := range us {
		if u.Email == email {
			return u.ID
		}
	}
	require.Failf(t, "no such user", "%s", email)
	return ""
}

// settingsForm is the form as the page sends it with every box ticked
// and every owner receiving requests.
func (s *site) settingsForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	_, body := b.get("/settings")
	f := url.Values{"protect_by_default": {"1"}, "show_watermarks": {"1"}, "auto_approve": {"1"}, "validity_days": {"3"},
		"reason_request": {"1"}, "reason_deny": {"1"}, "shares": {"1"}, "downloads": {"1"}}
	for _, email := range []string{"owner@example.com", "stranger@example.com", "second@example.com"} {
		if strings.Contains(body, ">"+email+" ") || strings.Contains(body, "> "+email+" ") {
			id := s.userID(t, email)
			f.Add("shown", id)
			f.Add("recipient", id)
		}
	}
	return f
}

func TestSettingsPage(t *testing.T) {
	s := newSite(t, nil)
	_, _, err := s.lib.CreateUser(s.owner, dam.NewUser{Email: "second@example.com", Role: dam.RoleOwner, Domains: []string{dam.DefaultDomain, "b"}})
	require.NoError(t, err)
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	st.NotDownloadable = []dam.MediaKind{dam.MediaAudio}
	_, err = s.lib.UpdateSettings(s.owner, st)
	require.NoError(t, err)

	o := s.signIn(t, "owner")
	resp, body := o.get("/settings")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{`href="/settings" aria-current="page"`, "Protect all assets by default", "an asset’s own setting is never overruled",
		"Show watermarks", "Approve all download requests automatically", `name="validity_days"`, `value="7"`,
		"A reason is required to request", "A reason is required to deny", "Editors never receive them",
		"owner@example.com", "second@example.com", "stranger@example.com", "Shares are on", "Downloads are on", "Save settings"} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "editor@example.com", "editors never receive requests: not offered")
	assert.NotContains(t, body, " disabled>", "an administrator changes the settings")

	t.Run("save", func(t *testing.T) {
		f := s.settingsForm(t, o)
		f.Del("show_watermarks")
		f.Del("downloads")
		f["recipient"] = []string{s.userID(t, "second@example.com"), s.userID(t, "stranger@example.com")}
		resp, _ := o.post("/settings", f)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/settings", resp.Header.Get("Location"))
		_, body := o.get("/settings")
		assert.Contains(t, body, "Settings saved.")
		got, err := s.lib.Settings(s.owner)
		require.NoError(t, err)
		assert.True(t, got.ProtectByDefault)
		assert.False(t, got.ShowWatermarks)
		assert.True(t, got.AutoApprove)
		assert.Equal(t, 3*24*time.Hour, got.GrantValidity)
		assert.True(t, got.ReasonRequiredToRequest)
		assert.True(t, got.ReasonRequiredToDeny)
		assert.True(t, got.SharesEnabled)
		assert.True(t, got.DownloadsOff)
		assert.Equal(t, []string{s.userID(t, "owner@example.com")}, got.Deselected)
		assert.Equal(t, []dam.MediaKind{dam.MediaAudio}, got.NotDownloadable, "what the form does not show stays")
		assert.Contains(t, body, `value="3"`)
	})

	t.Run("the last recipient of a domain stays", func(t *testing.T) {
		f := s.settingsForm(t, o)
		f["recipient"] = []string{s.userID(t, "owner@example.com"), s.userID(t, "second@example.com")} // c's only owner unticked
		resp, body := o.post("/settings", f)
		assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
		assert.Contains(t, body, "keep at least one owner of domain c as a recipient")
		got, err := s.lib.Settings(s.owner)
		require.NoError(t, err)
		assert.Equal(t, []string{s.userID(t, "owner@example.com")}, got.Deselected, "nothing changed")
	})

	t.Run("bad validity", func(t *testing.T) {
		for _, v := range []string{"", "three", "-1", "3651", "1.5", "99999999999999999999"} {
			f := s.settingsForm(t, o)
			f.Set("validity_days", v)
			resp, body := o.post("/settings", f)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, v)
			assert.Contains(t, body, "whole number of days from 0 (until revoked) to 3650", v)
		}
	})

	t.Run("others", func(t *testing.T) {
		_, home := o.get("/")
		for _, role := range []string{"editor", "viewer"} {
			b := s.signIn(t, role)
			resp, body := b.get("/settings")
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, role)
			_, absent := b.get("/no-such-page")
			assert.Equal(t, absent, body, "%s: the page reads as one that does not exist", role)
			assert.NotContains(t, body, `href="/settings"`, "no menu entry")
			resp, _ = b.post("/settings", s.settingsForm(t, o))
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, role)
		}
		assert.Contains(t, home, `href="/settings"`, "owners have the menu entry")
		// An owner who is no administrator reads the settings, and dam
		// refuses their change.
		st := s.signIn(t, "stranger")
		resp, body := st.get("/settings")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, "Only administrators change these settings")
		assert.Contains(t, body, "<fieldset class=\"card\" disabled>")
		assert.NotContains(t, body, "Save settings")
		resp, body = st.post("/settings", s.settingsForm(t, o))
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, body, "only administrators change the usage settings")
	})
}
