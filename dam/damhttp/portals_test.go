package damhttp_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// mailbox keeps the messages the library sends.
type mailbox struct {
	mu sync.Mutex
	ms []dam.Message
}

func (m *mailbox) Notify(_ context.Context, msg dam.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ms = append(m.ms, msg)
	return nil
}

// linkFor returns the path of the last link sent to email.
func (m *mailbox) linkFor(t *testing.T, email string) string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.ms) - 1; i >= 0; i-- {
		if m.ms[i].To.Email == email {
			link, ok := strings.CutPrefix(m.ms[i].Link, "https://dam.example.com")
			require.True(t, ok, m.ms[i].Link)
			return link
		}
	}
	t.Fatalf("no message to %s", email)
	return ""
}

// newPortalAPI is a server with an auto-approve portal of one asset.
func newPortalAPI(t *testing.T) (*api, *mailbox, dam.Asset) {
	t.Helper()
	box := &mailbox{}
	c := newAPI(t, &dam.Options{Links: damhttp.Links("https://dam.example.com/"), Notifiers: []dam.Notifier{box}})
	a := c.upload("logo.txt", "", []byte("the logo of the company"))
	var p dam.Portal
	c.json("POST", "/api/v1/portals", dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{a.ID},
		Mode: dam.PortalAutoApprove}, 201, &p)
	assert.Equal(t, "press-kit", p.Slug)
	assert.True(t, p.Enabled)
	return c, box, a
}

func TestPortalVisitorFlow(t *testing.T) {
	c, box, a := newPortalAPI(t)
	visitor := &api{t: t, url: c.url}

	var page struct {
		Title, Mode string
		Assets      []struct {
			ID, Name, Kind string
			Size           int64
			Downloadable   bool
			DownloadURL    string `json:"download_url"`
		}
		RequestURL string `json:"request_url"`
	}
	visitor.json("GET", "/p/press-kit", nil, 200, &page)
	assert.Equal(t, "Press kit", page.Title)
	assert.Equal(t, "auto_approve", page.Mode)
	require.Len(t, page.Assets, 1)
	assert.Equal(t, "logo.txt", page.Assets[0].Name)
	assert.EqualValues(t, 23, page.Assets[0].Size)
	assert.False(t, page.Assets[0].Downloadable)
	assert.Equal(t, "/p/press-kit/requests", page.RequestURL)

	resp, b := visitor.do("GET", "/p/press-kit/assets/"+a.ID, nil, nil)
	e := visitor.wantError(resp, b, 403, "needs_request")
	assert.Contains(t, e.Error.Message, "/p/press-kit/requests", "visitors ask through the portal")

	var res dam.RequestResult
	visitor.json("POST", "/p/press-kit/requests", map[string]any{"email": "vi@example.org", "message": "article"}, 201, &res)
	require.Len(t, res.Requests, 1)
	assert.Equal(t, dam.RequestApproved, res.Requests[0].Status)

	link := box.linkFor(t, "vi@example.org")
	require.True(t, strings.HasPrefix(link, "/p/press-kit/access/"), link)
	visitor.json("GET", link, nil, 200, &page)
	require.Len(t, page.Assets, 1)
	require.True(t, page.Assets[0].Downloadable)
	resp, b = visitor.do("GET", page.Assets[0].DownloadURL, nil, map[string]string{"Range": "bytes=4-7"})
	require.Equal(t, 206, resp.StatusCode, string(b))
	assert.Equal(t, "logo", string(b))

	for _, bad := range []string{link + "x", strings.Replace(link, "press-kit", "other-kit", 1), "/p/press-kit/access/abc.def"} {
		resp, b = visitor.do("GET", bad, nil, nil)
		visitor.wantError(resp, b, 404, "not_found")
		resp, b = visitor.do("GET", bad+"/assets/"+a.ID, nil, nil)
		visitor.wantError(resp, b, 404, "not_found")
	}

	var grants []dam.Grant
	c.json("GET", "/api/v1/grants?email=vi@example.org", nil, 200, &struct {
		Items *[]dam.Grant `json:"items"`
	}{&grants})
	require.Len(t, grants, 1)
	assert.Equal(t, "vi@example.org", grants[0].Email)
	c.json("DELETE", "/api/v1/grants/"+grants[0].ID, nil, 200, nil)
	resp, b = visitor.do("GET", page.Assets[0].DownloadURL, nil, nil)
	visitor.wantError(resp, b, 403, "needs_request")
}

func TestPortalRequestLimits(t *testing.T) {
	c, _, _ := newPortalAPI(t)
	visitor := &api{t: t, url: c.url}
	post := func(email string) (int, errBody) {
		body, err := json.Marshal(map[string]string{"email": email})
		require.NoError(t, err)
		resp, b := visitor.do("POST", "/p/press-kit/requests", strings.NewReader(string(body)), map[string]string{"Content-Type": "application/json"})
		var e errBody
		if resp.StatusCode >= 400 {
			e = visitor.wantError(resp, b, resp.StatusCode, codeOf(b))
		}
		return resp.StatusCode, e
	}
	status, e := post("not an address")
	assert.Equal(t, 400, status)
	assert.Equal(t, "invalid", e.Error.Code)
	status, _ = post("vi@example.org")
	assert.Equal(t, 201, status)
	status, _ = post("vi@example.org")
	assert.Equal(t, 412, status, "already granted: nothing to request")
	status, _ = post("vi@example.org")
	assert.Equal(t, 412, status)
	status, e = post("vi@example.org")
	assert.Equal(t, 429, status, "per email address")
	assert.Contains(t, e.Error.Message, "email address")
	n := 0
	for ; n < 20; n++ {
		if status, e = post("x" + string(rune('a'+n)) + "@example.org"); status == 429 {
			break
		}
		assert.Equal(t, 201, status)
	}
	assert.Equal(t, 5, n, "10 requests per client address at once")
	assert.Contains(t, e.Error.Message, "your address")
}

func codeOf(b []byte) string {
	var e errBody
	_ = json.Unmarshal(b, &e)
	return e.Error.Code
}

func TestPortalOwnerAPI(t *testing.T) {
	c, _, a := newPortalAPI(t)
	var list struct{ Items []dam.Portal }
	c.json("GET", "/api/v1/portals", nil, 200, &list)
	require.Len(t, list.Items, 1)
	id := list.Items[0].ID
	var p dam.Portal
	c.json("PUT", "/api/v1/portals/"+id, dam.NewPortal{Slug: "kit-2026", Title: "Kit", AssetIDs: []string{a.ID}, Mode: dam.PortalOpen}, 200, &p)
	assert.Equal(t, dam.PortalOpen, p.Mode)
	c.json("GET", "/api/v1/portals/"+id, nil, 200, &p)
	assert.Equal(t, "kit-2026", p.Slug)
	visitor := &api{t: t, url: c.url}
	resp, b := visitor.do("GET", "/p/kit-2026/assets/"+a.ID, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "the logo of the company", string(b))
	resp, b = c.do("POST", "/api/v1/portals", strings.NewReader(`{"slug":"Bad Slug","title":"x"}`), map[string]string{"Content-Type": "application/json"})
	c.wantError(resp, b, 400, "invalid")
	resp, b = visitor.do("GET", "/api/v1/portals", nil, nil)
	visitor.wantError(resp, b, 401, "unauthenticated")
	c.json("DELETE", "/api/v1/portals/"+id, nil, 204, nil)
	resp, b = visitor.do("GET", "/p/kit-2026", nil, nil)
	visitor.wantError(resp, b, 404, "not_found")
}
