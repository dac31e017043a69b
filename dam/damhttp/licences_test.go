package damhttp_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// licenceError is the body of a licence_required refusal.
type licenceError struct {
	Error struct {
		Code     string `json:"code"`
		Licences []struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
			Accept  struct {
				Method string         `json:"method"`
				Path   string         `json:"path"`
				Body   map[string]int `json:"body"`
			} `json:"accept"`
		} `json:"licences"`
	} `json:"error"`
}

func readLicenceError(t *testing.T, resp *http.Response, b []byte) licenceError {
	t.Helper()
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(b))
	var e licenceError
	require.NoError(t, json.Unmarshal(b, &e), string(b))
	require.Equal(t, "licence_required", e.Error.Code)
	require.Len(t, e.Error.Licences, 1)
	return e
}

func TestLicencesOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	viewer := c.viewer()

	var lic dam.Licence
	c.json("POST", "/api/v1/licences", map[string]any{"title": "Campaign licence", "text": "Use for the campaign only."}, 201, &lic)
	c.json("POST", "/api/v1/licences", map[string]any{"title": "", "text": "x"}, 400, nil)
	var f dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Campaign"}, 201, &f)
	c.json("PUT", "/api/v1/folders/"+f.ID+"/licence", map[string]any{"licence": lic.ID}, 200, &f)
	assert.Equal(t, lic.ID, f.Licence)
	c.json("PATCH", "/api/v1/assets/"+c.a.ID, map[string]any{"folder_id": f.ID}, 200, nil)
	c.json("PUT", "/api/v1/assets/"+c.b.ID+"/licence", map[string]any{"licence": "no such"}, 400, nil)

	// A user: refused with what to accept, accepts, downloads.
	owner := c.key
	c.key = viewer.key
	resp, b := c.do("GET", "/api/v1/assets/"+c.a.ID+"/download", nil, nil)
	e := readLicenceError(t, resp, b)
	hint := e.Error.Licences[0]
	assert.Equal(t, lic.ID, hint.ID)
	assert.Equal(t, "/api/v1/licences/"+lic.ID+"/accept", hint.Accept.Path)
	c.json("POST", hint.Accept.Path, map[string]any{"version": 2}, 409, nil)
	c.json(hint.Accept.Method, hint.Accept.Path, hint.Accept.Body, 200, nil)
	resp, b = c.do("GET", "/api/v1/assets/"+c.a.ID+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "the brief", string(b))
	c.json("PATCH", "/api/v1/licences/"+lic.ID, map[string]any{"text": "new"}, 403, nil)
	c.key = owner

	// A new text asks again.
	c.json("PATCH", "/api/v1/licences/"+lic.ID, map[string]any{"text": "Use for the campaign and the report."}, 200, &lic)
	assert.Equal(t, 2, lic.Version)
	c.key = viewer.key
	resp, b = c.do("GET", "/api/v1/assets/"+c.a.ID+"/download", nil, nil)
	assert.Equal(t, 2, readLicenceError(t, resp, b).Error.Licences[0].Version)
	c.key = owner

	// A guest: the page shows the licence and its form; accepting from the
	// form comes back to the page, whose download then works.
	_, ana, _ := c.create(nil)
	base := "/s/" + ana.Token
	resp, b = c.guest(base + "/assets/" + c.a.ID)
	e = readLicenceError(t, resp, b)
	assert.Equal(t, base+"/licences/"+lic.ID+"/accept", e.Error.Licences[0].Accept.Path)
	resp, b = c.guest(base + "/download")
	readLicenceError(t, resp, b)

	key := c.key
	c.key = ""
	resp, b = c.do("GET", base, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	page := string(b)
	assert.Contains(t, page, "Use for the campaign and the report.")
	assert.Contains(t, page, `action="`+base+"/licences/"+lic.ID+`/accept"`)
	assert.Contains(t, page, "Accept \u201cCampaign licence\u201d above to download")
	assert.NotContains(t, page, "Download all", "no ZIP while a licence waits")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "form-action 'self'")

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(t.Context(), "POST", c.url+base+"/licences/"+lic.ID+"/accept",
		strings.NewReader(url.Values{"version": {"2"}}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	res, err := noRedirect.Do(req)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	assert.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, base, res.Header.Get("Location"))
	c.key = key

	resp, b = c.guest(base + "/assets/" + c.a.ID)
	require.Equal(t, 200, resp.StatusCode, string(b))
	resp, _ = c.guest(base + "/download")
	assert.Equal(t, 200, resp.StatusCode)

	var evs struct{ Items []dam.Event }
	c.json("GET", "/api/v1/events?action=licence_accept", nil, 200, &evs)
	require.Len(t, evs.Items, 2)
	c.json("DELETE", "/api/v1/licences/"+lic.ID, nil, 412, nil)
}

func TestDownloadsOffOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	viewer := c.viewer()
	_, ana, _ := c.create(nil)
	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true, "downloads_off": true}, 200, nil)

	owner := c.key
	c.key = viewer.key
	resp, b := c.do("GET", "/api/v1/assets/"+c.a.ID+"/download", nil, nil)
	e := c.wantError(resp, b, 403, "permission_denied")
	assert.Contains(t, e.Error.Message, "downloads are turned off for this library")
	assert.Contains(t, string(b), `"reason":"library_downloads_off"`)
	c.key = owner
	resp, _ = c.guest("/s/" + ana.Token + "/assets/" + c.a.ID)
	assert.Equal(t, 403, resp.StatusCode)
	resp, b = c.do("GET", "/api/v1/assets/"+c.a.ID+"/download", nil, nil)
	assert.Equal(t, 200, resp.StatusCode, "owners still download: %s", b)
}

// TestPortalVisitorAcceptsLicence: a visitor with a signed link accepts a
// licence with a JSON body, then downloads.
func TestPortalVisitorAcceptsLicence(t *testing.T) {
	c, box, a := newPortalAPI(t)
	var lic dam.Licence
	c.json("POST", "/api/v1/licences", map[string]any{"title": "Press", "text": "Credit us."}, 201, &lic)
	c.json("PUT", "/api/v1/assets/"+a.ID+"/licence", map[string]any{"licence": lic.ID}, 200, nil)
	visitor := &api{t: t, url: c.url}
	visitor.json("POST", "/p/press-kit/requests", map[string]any{"email": "vi@example.org"}, 201, nil)
	link := box.linkFor(t, "vi@example.org")

	resp, b := visitor.do("GET", link+"/assets/"+a.ID, nil, nil)
	hint := readLicenceError(t, resp, b).Error.Licences[0]
	assert.Equal(t, link+"/licences/"+lic.ID+"/accept", hint.Accept.Path)
	visitor.json("POST", hint.Accept.Path, map[string]any{"version": 7}, 409, nil)
	visitor.json("POST", hint.Accept.Path, map[string]any{"version": "one"}, 400, nil)
	visitor.json(hint.Accept.Method, hint.Accept.Path, hint.Accept.Body, 200, nil)
	resp, b = visitor.do("GET", link+"/assets/"+a.ID, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "the logo of the company", string(b))
}

// TestServedDocument: the document and the health check are answers too.
func TestServedDocument(t *testing.T) {
	c := newAPI(t, nil)
	c.key = ""
	resp, b := c.do("GET", "/api/v1/openapi.json", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.True(t, json.Valid(b))
	var health struct {
		Status  string
		Engines []struct {
			Name    string
			Renders []string
			Outputs []string
		}
	}
	c.json("GET", "/healthz", nil, 200, &health)
	assert.Equal(t, "ok", health.Status)
	require.NotEmpty(t, health.Engines)
	last := health.Engines[len(health.Engines)-1]
	assert.Equal(t, "builtin", last.Name, "the pure-Go engine is always there, tried last")
	assert.Contains(t, last.Renders, "image/jpeg")
	assert.Contains(t, last.Outputs, "webp")
}
