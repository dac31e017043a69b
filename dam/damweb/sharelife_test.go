package damweb

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestShareLifecycleForms(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	ed := s.as(t, "editor")
	v, err := s.lib.CreateShare(ed, dam.NewShare{Title: "Launch", Days: 14, AssetIDs: []string{s.photo.ID}, Guests: "agency@example.org"})
	require.NoError(t, err)
	b := s.signIn(t, "editor")
	_, page := b.get("/shares/" + v.ID)
	for _, want := range []string{`action="/shares/` + v.ID + `/expiry"`, `action="/shares/` + v.ID + `/access"`, `name="view_only"`,
		`action="/shares/` + v.ID + `/guests/access"`, "Extend or shorten"} {
		assert.Contains(t, page, want)
	}

	end := s.lib.Now().UTC().AddDate(0, 0, 3).Format("2006-01-02")
	resp, body := b.post("/shares/"+v.ID+"/expiry", url.Values{"days": {"date"}, "until": {end}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	assert.Contains(t, b.followFlash(resp), "now ends")
	got, err := s.lib.Share(ed, v.ID)
	require.NoError(t, err)
	assert.Equal(t, end, got.ExpiresAt.Format("2006-01-02"))

	for name, form := range map[string]url.Values{
		"not a duration": {"days": {"4"}},
		"bad date":       {"days": {"date"}, "until": {"31/12/2026"}},
		"no date":        {"days": {"date"}},
		"too far":        {"days": {"date"}, "until": {s.lib.Now().AddDate(0, 2, 0).Format("2006-01-02")}},
	} {
		resp, body := b.post("/shares/"+v.ID+"/expiry", form)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", name, body)
	}

	resp, body = b.post("/shares/"+v.ID+"/access", url.Values{"view_only": {"true"}, "password": {"open sesame"}, "download_limit": {"5"},
		"asset_download_limit": {"2"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	page = b.followFlash(resp)
	assert.Contains(t, page, "view only")
	assert.Contains(t, page, "0 of 5 downloads used")
	assert.Contains(t, page, "each file 2× per guest")
	assert.Contains(t, page, `name="asset_download_limit" type="number" min="0" max="1000000" value="2"`)
	assert.Contains(t, page, "Remove the password")
	_, list := b.get("/shares")
	assert.Contains(t, list, "view only")
	assert.Contains(t, list, "0 of 5 downloads")
	resp, body = b.post("/shares/"+v.ID+"/access", url.Values{"download_limit": {"many"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	resp, body = b.post("/shares/"+v.ID+"/access", url.Values{"password": {"short"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)

	own := s.lib.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	resp, body = b.post("/shares/"+v.ID+"/guests/access", url.Values{"guest": {v.Links[0].GuestID}, "until": {own}, "download_limit": {"2"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	assert.Contains(t, b.followFlash(resp), "0 of 2 downloads")
	resp, body = b.post("/shares/"+v.ID+"/guests/access", url.Values{"guest": {"nobody"}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)

	resp, body = b.post("/shares/"+v.ID+"/guests", url.Values{"guests": {"late@example.org"}, "until": {own}, "download_limit": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	got, err = s.lib.Share(ed, v.ID)
	require.NoError(t, err)
	require.Len(t, got.ActiveGuests, 2)
	for _, g := range got.ActiveGuests {
		require.NotNil(t, g.ExpiresAt, g.Email)
		assert.Equal(t, own, g.ExpiresAt.Format("2006-01-02"))
	}
}
