package damhttp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"image"
	_ "image/jpeg"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/share"
)

// browserAccept is what a browser sends when it navigates to a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// browse fetches a guest URL as a browser navigating to it.
func (s *shareAPI) browse(path string) (*http.Response, string) {
	s.t.Helper()
	key := s.key
	s.key = ""
	defer func() { s.key = key }()
	resp, b := s.do("GET", path, nil, map[string]string{"Accept": browserAccept})
	return resp, string(b)
}

var styleRE = regexp.MustCompile(`(?s)<style>(.*?)</style>`)

// assertStrictPage checks a page's security headers and that its one
// inline style sheet is the one its CSP allows.
func assertStrictPage(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "img-src 'self'")
	assert.Contains(t, csp, "frame-ancestors 'none'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, csp, "script-src")
	m := styleRE.FindStringSubmatch(body)
	require.Len(t, m, 2, "the page has an inline style sheet")
	sum := sha256.Sum256([]byte(m[1]))
	assert.Contains(t, csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	assert.NotContains(t, body, "<script")
	assert.NotContains(t, body, "http://", "the page loads nothing from elsewhere")
	assert.NotContains(t, body, "https://")
}

func TestSharePageNegotiation(t *testing.T) {
	c := newShareAPI(t)
	v, ana, _ := c.create(map[string]any{"description": "For the spring launch"})
	path := "/s/" + ana.Token

	resp, body := c.browse(path)
	require.Equal(t, 200, resp.StatusCode, body)
	assertStrictPage(t, resp, body)
	assert.Contains(t, resp.Header.Values("Vary"), "Accept")
	assert.Contains(t, body, "<h1>Campaign</h1>")
	assert.Contains(t, body, "For the spring launch")
	assert.Contains(t, body, "Shared by owner@example.com")
	assert.Contains(t, body, v.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"))
	for _, a := range []string{c.a.ID, c.b.ID} {
		assert.Contains(t, body, `href="`+path+`/assets/`+a+`"`)
	}
	assert.Contains(t, body, "brief.txt")
	assert.Contains(t, body, "9 bytes")
	assert.Contains(t, body, `href="`+path+`/download"`)
	assert.Contains(t, body, "Download all (2 files, ZIP)")
	assert.NotContains(t, body, "/preview", "text files get an icon, not a thumbnail")

	for _, accept := range []string{"", "application/json", "*/*"} {
		t.Run("accept "+accept, func(t *testing.T) {
			resp, b := c.do("GET", path, nil, map[string]string{"Accept": accept, "Authorization": ""})
			require.Equal(t, 200, resp.StatusCode, string(b))
			assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
			var gv struct{ Title string }
			require.NoError(t, json.Unmarshal(b, &gv))
			assert.Equal(t, "Campaign", gv.Title)
		})
	}

	// A download from the page still gets the file, not a page.
	resp, body = c.browse(path + "/assets/" + c.a.ID)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "the brief", body)
}

func TestSharePageEscapesHostileText(t *testing.T) {
	c := newShareAPI(t)
	_, ana, _ := c.create(map[string]any{"title": `<script>alert("t")</script>`,
		"description": `"><img src=x onerror=alert(1)>`})
	resp, body := c.browse("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode, body)
	assertStrictPage(t, resp, body)
	assert.NotContains(t, body, `<script>alert`)
	assert.NotContains(t, body, `<img src=x`)
	assert.Contains(t, body, "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;")
	assert.Contains(t, body, "&lt;img src=x onerror=alert(1)&gt;")
}

func TestSharePageForDeadLinks(t *testing.T) {
	c := newShareAPI(t)
	v, ana, bo := c.create(nil)
	unknown, _ := share.NewToken()

	resp, want := c.browse("/s/" + unknown)
	require.Equal(t, 404, resp.StatusCode)
	assertStrictPage(t, resp, want)
	assert.Contains(t, want, "This link is no longer valid")
	assert.Contains(t, want, "Ask the person who sent it to you for a new one")

	same := func(t *testing.T, token string) {
		t.Helper()
		for _, p := range append(c.guestRoutes(token), "/s/"+token+"/assets/"+c.a.ID+"/preview") {
			resp, body := c.browse(p)
			assert.Equal(t, 404, resp.StatusCode, p)
			assert.Equal(t, want, body, "%s tells nothing apart", p)
			// API clients keep the JSON error.
			resp, b := c.guest(p)
			c.wantError(resp, b, 404, "not_found")
		}
	}
	t.Run("malformed", func(t *testing.T) { same(t, "not-a-token") })
	t.Run("unknown", func(t *testing.T) { same(t, unknown) })
	t.Run("removed guest", func(t *testing.T) {
		c.json("DELETE", "/api/v1/shares/"+v.ID+"/guests/"+bo.GuestID, nil, 200, nil)
		same(t, bo.Token)
	})
	t.Run("disabled", func(t *testing.T) {
		c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
		same(t, ana.Token)
	})
}

func TestGuestPreview(t *testing.T) {
	c := newShareAPI(t)
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(640, 480, 0.2), "Canon", "EOS", 1)
	require.NoError(t, err)
	photo := c.uploadBytes("photo.jpg", jpg)
	v, ana, _ := c.create(map[string]any{"asset_ids": []string{photo.ID, c.a.ID}})
	base := "/s/" + ana.Token + "/assets/"

	resp, body := c.browse("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, body, `<img src="`+base+photo.ID+`/preview" alt="Preview of photo.jpg"`)

	resp, b := c.guest(base + photo.ID + "/preview")
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline;"))
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 256, max(cfg.Width, cfg.Height))

	resp, b = c.guest(base + c.a.ID + "/preview")
	c.wantError(resp, b, 412, "failed_precondition")
	resp, b = c.guest(base + c.b.ID + "/preview")
	c.wantError(resp, b, 404, "not_found")

	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
	resp, b = c.guest(base + photo.ID + "/preview")
	c.wantError(resp, b, 404, "not_found")
}

// A shared collection's page says, file by file, the export profile each
// comes in (the collection's), and the JSON view names it too.
func TestSharePageOfCollectionNamesEachProfile(t *testing.T) {
	c := newShareAPI(t)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 64, "height": 64, "format": "png"}, 201, nil)
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(640, 480, 0.2), "Canon", "EOS", 1)
	require.NoError(t, err)
	photo := c.uploadBytes("photo.jpg", jpg)
	var col dam.Collection
	c.json("POST", "/api/v1/collections", map[string]any{"name": "Picks", "default_profile": "web"}, 201, &col)
	c.json("POST", "/api/v1/collections/"+col.ID+"/items", map[string]any{"items": []map[string]string{
		{"asset_id": photo.ID}, {"asset_id": c.a.ID, "profile": "original"}}}, 200, nil)
	_, ana, _ := c.create(map[string]any{"asset_ids": []string{}, "collection_id": col.ID})

	resp, body := c.browse("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Equal(t, 1, strings.Count(body, "Delivered in the “web” format"), "the photo only; the text file comes as it is")
	assert.NotContains(t, body, "Files are delivered in", "the share fixes no one profile")

	resp, b := c.guest("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode, string(b))
	var gv dam.GuestView
	require.NoError(t, json.Unmarshal(b, &gv))
	got := map[string]string{}
	for _, a := range gv.Assets {
		got[a.Name] = a.Profile
	}
	assert.Equal(t, map[string]string{"photo.jpg": "web", "brief.txt": ""}, got)

	resp, b = c.guest("/s/" + ana.Token + "/assets/" + photo.ID)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"), "the guest gets the collection's profile, not the original")
}
