package damhttp_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

const formType = "application/x-www-form-urlencoded"

// newPortalPages is a server with a portal "kit" of one asset in mode, and
// a visitor client without a key.
func newPortalPages(t *testing.T, mode dam.PortalMode, title, description, assetName string) (owner, visitor *api, box *mailbox) {
	t.Helper()
	box = &mailbox{}
	owner = newAPI(t, &dam.Options{Links: damhttp.Links("https://dam.example.com/"), Notifiers: []dam.Notifier{box}})
	a := owner.upload(url.QueryEscape(assetName), "", []byte("the logo of the company"))
	owner.json("POST", "/api/v1/portals", dam.NewPortal{Slug: "kit", Title: title, Description: description,
		AssetIDs: []string{a.ID}, Mode: mode}, 201, nil)
	return owner, &api{t: t, url: owner.url}, box
}

// browsePortal fetches a path as a browser navigating to it.
func browsePortal(v *api, method, path string, form url.Values) (*http.Response, string) {
	hdr := map[string]string{"Accept": browserAccept}
	var body *strings.Reader
	if form != nil {
		hdr["Content-Type"] = formType
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	resp, b := v.do(method, path, body, hdr)
	return resp, string(b)
}

func TestPortalPageNegotiation(t *testing.T) {
	tests := []struct {
		mode              dam.PortalMode
		want, notWant     []string
		formCSP, download bool
	}{
		{dam.PortalOpen, []string{"Download logo.txt"}, []string{"<form"}, false, true},
		{dam.PortalRequest, []string{`<form class="request" method="post" action="/p/kit/requests"`, "will review your request"}, []string{"Download logo.txt"}, true, false},
		{dam.PortalAutoApprove, []string{`action="/p/kit/requests"`, "email you a link"}, []string{"Download logo.txt"}, true, false},
		{dam.PortalDisabled, []string{"Downloads are turned off"}, []string{"<form", "Download logo.txt"}, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			_, v, _ := newPortalPages(t, tt.mode, "Press kit", "Logos and photos", "logo.txt")
			resp, body := browsePortal(v, "GET", "/p/kit", nil)
			require.Equal(t, 200, resp.StatusCode, body)
			assertStrictPage(t, resp, body)
			assert.Contains(t, resp.Header.Get("Vary"), "Accept")
			assert.Contains(t, body, "<title>Press kit</title>")
			assert.Contains(t, body, "Logos and photos")
			assert.Contains(t, body, "logo.txt")
			assert.Contains(t, body, "23 bytes")
			for _, w := range tt.want {
				assert.Contains(t, body, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, body, w)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "form-action 'self'", "the form may post back")
			if tt.download {
				assert.Regexp(t, `href="/p/kit/assets/[^"]+"`, body)
			}

			var page struct{ Title, Mode string }
			v.json("GET", "/p/kit", nil, 200, &page)
			assert.Equal(t, "Press kit", page.Title, "API clients keep the JSON")
			assert.Equal(t, string(tt.mode), page.Mode)
		})
	}
}

func TestPortalPageForUnknownAndDisabledPortals(t *testing.T) {
	owner, v, _ := newPortalPages(t, dam.PortalOpen, "Press kit", "", "logo.txt")
	_, unknown := browsePortal(v, "GET", "/p/nothing-here", nil)
	var ps struct {
		Items []dam.Portal `json:"items"`
	}
	owner.json("GET", "/api/v1/portals", nil, 200, &ps)
	require.Len(t, ps.Items, 1)
	off := false
	owner.json("PUT", "/api/v1/portals/"+ps.Items[0].ID, dam.NewPortal{Slug: "kit", Title: "Press kit", Enabled: &off,
		AssetIDs: ps.Items[0].AssetIDs, Mode: dam.PortalOpen}, 200, nil)

	for _, path := range []string{"/p/nothing-here", "/p/kit", "/p/kit/access/abc.def"} {
		resp, body := browsePortal(v, "GET", path, nil)
		assert.Equal(t, 404, resp.StatusCode, path)
		assertStrictPage(t, resp, body)
		assert.Contains(t, body, "This link is no longer valid", path)
		assert.NotContains(t, body, "Press kit", path)
		assert.Equal(t, unknown, body, "%s: every dead portal is the same page", path)
	}
	resp, body := browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {"vi@example.org"}})
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, unknown, body)
}

func TestPortalRequestForm(t *testing.T) {
	t.Run("browser, request mode", func(t *testing.T) {
		owner, v, _ := newPortalPages(t, dam.PortalRequest, "Press kit", "", "logo.txt")
		resp, body := browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {"vi@example.org"}, "message": {"for an article"}})
		require.Equal(t, 201, resp.StatusCode, body)
		assertStrictPage(t, resp, body)
		assert.Contains(t, body, "Your request was sent")
		assert.Contains(t, body, "vi@example.org")

		var list struct {
			Items []dam.RequestView `json:"items"`
		}
		owner.json("GET", "/api/v1/requests?status=pending", nil, 200, &list)
		require.Len(t, list.Items, 1)
		assert.Equal(t, "vi@example.org", list.Items[0].RequesterEmail)
		assert.Equal(t, "for an article", list.Items[0].Reason)
	})
	t.Run("browser, auto-approve mode", func(t *testing.T) {
		_, v, box := newPortalPages(t, dam.PortalAutoApprove, "Press kit", "", "logo.txt")
		resp, body := browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {"vi@example.org"}})
		require.Equal(t, 201, resp.StatusCode, body)
		assertStrictPage(t, resp, body)
		assert.Contains(t, body, "Your files are ready")
		assert.Contains(t, body, "we also emailed the link to vi@example.org")
		in := regexp.MustCompile(`<a class="button" href="(/p/kit/access/[^"]+)">Open your files</a>`).FindStringSubmatch(body)
		require.NotNil(t, in, "the confirmation lets the visitor in at once:\n%s", body)

		// In at once, and by the emailed link later: both work.
		for _, link := range []string{html.UnescapeString(in[1]), box.linkFor(t, "vi@example.org")} {
			resp, body = browsePortal(v, "GET", link, nil)
			require.Equal(t, 200, resp.StatusCode, body)
			assertStrictPage(t, resp, body)
			assert.Contains(t, body, "Signed in by the link sent to vi@example.org")
			assert.Contains(t, body, "Download logo.txt")
			assert.NotContains(t, body, "<form", "nothing is left to request")
		}

		// Asking again lets them in again.
		resp, body = browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {"vi@example.org"}})
		require.Equal(t, 200, resp.StatusCode, body)
		assertStrictPage(t, resp, body)
		assert.Contains(t, body, "You already have access")
		again := regexp.MustCompile(`<a class="button" href="(/p/kit/access/[^"]+)">Open your files</a>`).FindStringSubmatch(body)
		require.NotNil(t, again, body)
		resp, body = browsePortal(v, "GET", html.UnescapeString(again[1]), nil)
		require.Equal(t, 200, resp.StatusCode, body)
		assert.Contains(t, body, "Download logo.txt")
	})
	t.Run("API client posting a form gets JSON", func(t *testing.T) {
		_, v, _ := newPortalPages(t, dam.PortalRequest, "Press kit", "", "logo.txt")
		resp, b := v.do("POST", "/p/kit/requests", strings.NewReader("email=vi%40example.org"), map[string]string{"Content-Type": formType})
		require.Equal(t, 201, resp.StatusCode, string(b))
		var res dam.RequestResult
		require.NoError(t, json.Unmarshal(b, &res))
		require.Len(t, res.Requests, 1)
		assert.Equal(t, dam.RequestPending, res.Requests[0].Status)
	})
	t.Run("bad email shows the form again", func(t *testing.T) {
		_, v, _ := newPortalPages(t, dam.PortalRequest, "Press kit", "", "logo.txt")
		resp, body := browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {`"><script>alert(1)</script>`}, "message": {"</textarea><b>hi</b>"}})
		assert.Equal(t, 400, resp.StatusCode)
		assertStrictPage(t, resp, body)
		assert.Contains(t, body, `role="alert"`)
		assert.Contains(t, body, `aria-invalid="true"`)
		assert.Contains(t, body, "&lt;/textarea&gt;&lt;b&gt;hi&lt;/b&gt;")
		assert.NotContains(t, body, "<b>hi")
	})
	t.Run("oversized form", func(t *testing.T) {
		_, v, _ := newPortalPages(t, dam.PortalRequest, "Press kit", "", "logo.txt")
		resp, b := v.do("POST", "/p/kit/requests", strings.NewReader("email=vi%40example.org&message="+strings.Repeat("a", 70<<10)),
			map[string]string{"Content-Type": formType})
		v.wantError(resp, b, 413, "too_large")
	})
}

func TestPortalPageEscapesHostileText(t *testing.T) {
	_, v, _ := newPortalPages(t, dam.PortalRequest, `Kit <script>alert(1)</script>`, `<img src=x onerror=alert(2)>`, `"><i>x<b>.txt`)
	resp, body := browsePortal(v, "GET", "/p/kit", nil)
	require.Equal(t, 200, resp.StatusCode, body)
	assertStrictPage(t, resp, body)
	assert.Contains(t, body, "Kit &lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, body, "&lt;img src=x onerror=alert(2)&gt;")
	assert.Contains(t, body, "&#34;&gt;&lt;i&gt;x&lt;b&gt;.txt")
	assert.NotContains(t, body, "<i>x")
	assert.NotContains(t, body, "<img")
}
