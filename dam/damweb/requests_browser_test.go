package damweb

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/internal/browsertest"
	"github.com/damkit/damkit/internal/testimage"
)

// TestBrowserRequestsStory walks reference page 000 in Chromium: a viewer
// asks for two protected assets; the owner sees the count in the menu,
// filters the dashboard (folder, person, sort: all in the URL), approves
// both in one go with a message; the viewer's notification links to the
// asset, whose download works; the owner revokes one permission from the
// dashboard, and the viewer's download of it now gets the refusal page
// (HTML, not the API's JSON), with the request form back on the asset.
func TestBrowserRequestsStory(t *testing.T) {
	s := newSite(t, nil)
	teaser, err := s.lib.Upload(s.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(320, 200, 2))),
		dam.UploadOptions{Name: "teaser.png", FolderID: s.private.ID})
	require.NoError(t, err)
	// The API beside the pages, as examples/server mounts them.
	api := damhttp.New(s.lib, nil)
	both := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		s.h.ServeHTTP(w, r)
	}))
	t.Cleanup(both.Close)

	// The viewer asks for both, each from its page.
	v := s.page(t)
	v.base = both.URL
	downloads := t.TempDir()
	_, err = chromedp.CallBrowser(v.ctx, cdpbrowser.SetDownloadBehavior,
		cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	v.open("/signin")
	v.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["viewer"]+"\r"))
	v.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	for _, a := range []struct{ id, reason string }{{s.secret.ID, "For the launch deck"}, {teaser.ID, "Teaser for social"}} {
		v.open("/assets/" + a.id)
		v.run(chromedp.WaitVisible(chromedp.CSS("#reason")))
		v.run(chromedp.SendKeys(chromedp.CSS("#reason"), a.reason), chromedp.Click(chromedp.CSS(`form[action$="/request"] button`)))
		v.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
		assert.Contains(t, v.text("main"), "an owner has not decided yet")
	}

	// The owner: the menu counts them; the dashboard filters by folder and
	// person and sorts by asset, through the GET form.
	o := s.page(t)
	o.base = both.URL
	o.open("/signin?next=/requests")
	o.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	o.run(chromedp.WaitVisible(chromedp.CSS(`input[name=id]`)))
	assert.Equal(t, "2", o.text(`a[href="/requests"] .badge`))
	o.run(chromedp.SetValue(chromedp.CSS("#r-folder"), s.private.ID), chromedp.SendKeys(chromedp.CSS("#r-requester"), "viewer"),
		chromedp.SetValue(chromedp.CSS("#r-sort"), "-asset"), chromedp.Click(chromedp.CSS(`.request-filters button[type=submit]`)))
	o.waitFor(`location.search.includes('requester=viewer') && document.readyState === 'complete'`)
	loc, err := chromedp.Run(o.ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Contains(t, loc, "folder="+s.private.ID)
	assert.Contains(t, loc, "sort=-asset")
	rows, err := chromedp.Run(o.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('table.requests tbody tr .asset-cell a:first-child')].map(a => a.textContent)`))
	require.NoError(t, err)
	assert.Equal(t, []string{"teaser.png", "launch.png"}, rows, "sorted by asset, Z to A")
	assert.Equal(t, "descending", attr(t, o, `table.requests th[aria-sort]`, "aria-sort"))
	assert.Contains(t, o.text("table.requests"), "7 days", "the validity asked, in days")
	o.check("requests-filtered")

	// Both at once, with a message, by keyboard: Space ticks a box.
	o.run(chromedp.Focus(chromedp.CSS(`table.requests tbody tr:nth-child(1) input[name=id]`)), chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`table.requests tbody tr:nth-child(2) input[name=id]`)), chromedp.KeyEvent(" "))
	o.waitFor(`document.querySelectorAll('table.requests input[name=id]:checked').length === 2`)
	o.run(chromedp.SendKeys(chromedp.CSS("#d-message"), "Enjoy the launch"), chromedp.Click(chromedp.CSS(`button[value=approve]`)))
	o.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "2 requests approved.", o.text(".flash"))
	loc, err = chromedp.Run(o.ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Contains(t, loc, "requester=viewer", "back on the filtered dashboard")

	// The history of the launch request.
	o.open("/requests?status=approved&sort=asset")
	o.run(chromedp.WaitVisible(chromedp.CSS(`table.requests`)))
	o.run(chromedp.Click(chromedp.CSS(`table.requests tbody tr:nth-child(1) a[href^="/requests/"]`)))
	o.run(chromedp.WaitVisible(chromedp.CSS(".history")))
	assert.Equal(t, "Request for launch.png approved", o.text("h1"))
	history := o.text(".history")
	for _, want := range []string{"Asked", "by viewer@example.com", "For the launch deck", "Approved", "by Olive Owner (owner@example.com)", "Enjoy the launch", "Valid for: 7 days"} {
		assert.Contains(t, history, want)
	}
	o.check("request-history")

	// The viewer's notification links to the asset; its download works.
	v.open("/notifications")
	v.run(chromedp.WaitVisible(chromedp.CSS(".inbox")))
	assert.Contains(t, v.text(".inbox"), "Your download request was approved")
	assert.Contains(t, v.text(".inbox"), "Enjoy the launch")
	v.run(chromedp.Click(chromedp.CSS(`.inbox a[href$="/assets/` + s.secret.ID + `"]`)))
	v.run(chromedp.WaitVisible(chromedp.CSS("#dl-profile")))
	assert.Equal(t, "launch.png", v.text("h1"))
	assert.Contains(t, v.text("main"), "thanks to a permission")
	v.run(chromedp.Click(chromedp.CSS(`form[action$="/download"] button`)))
	got := browsertest.WaitForFile(v.ctx, t, downloads, func(n string) bool { return n == "launch.png" })
	b, err := os.ReadFile(got)
	require.NoError(t, err)
	assert.Equal(t, s.secret.Current.Size, int64(len(b)))
	require.NoError(t, os.Remove(filepath.Join(downloads, "launch.png")))

	// The owner revokes the launch permission on the dashboard.
	o.open("/requests#grants")
	o.run(chromedp.WaitVisible(chromedp.CSS(`form[action="/grants/revoke"]`)))
	o.run(chromedp.Click(chromedp.CSS(`input[aria-label="Select the permission for launch.png of viewer@example.com"]`)),
		chromedp.Click(chromedp.CSS(`form[action="/grants/revoke"] button.danger`)))
	o.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "1 permission revoked.", o.text(".flash"))
	assert.NotContains(t, o.text(`form[action="/grants/revoke"]`), "launch.png")
	assert.Contains(t, o.text(`form[action="/grants/revoke"]`), "teaser.png")

	// The viewer's download stops working: the refusal page, not JSON
	// (in a tab of its own, as the browser logs the 403 in its console).
	v.open("/assets/" + s.secret.ID)
	v.run(chromedp.WaitVisible(chromedp.CSS("#reason")))
	assert.NotContains(t, v.text("main"), "thanks to a permission")
	assert.Contains(t, v.text("main"), "protected")
	v.check("")
	r := s.page(t)
	r.base = both.URL
	_, err = chromedp.CallBrowser(r.ctx, cdpbrowser.SetDownloadBehavior,
		cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	r.open("/signin?next=/assets/" + s.secret.ID + "/download")
	r.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["viewer"]+"\r"))
	r.run(chromedp.WaitVisible(chromedp.CSS(".problem h1")))
	body := r.text("body")
	assert.False(t, strings.HasPrefix(strings.TrimSpace(body), "{"), "a page, not the API's JSON: %s", body)
	assert.Contains(t, r.text(".problem"), "protected")
	t.Logf("the refusal page: %q", r.text(".problem"))
	r.run(chromedp.Click(chromedp.CSS(`.problem a.button`)))
	r.run(chromedp.WaitVisible(chromedp.CSS("#reason")))
	assert.Equal(t, "launch.png", r.text("h1"), "the refusal leads to the asset, to ask again")
	entries, err := os.ReadDir(downloads)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing downloaded")
	assert.Empty(t, o.console.Errors())
}

// attr reads an attribute of the first element sel matches.
func attr(t *testing.T, p *page, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).getAttribute(`+jsString(name)+`) || ''`))
	require.NoError(t, err)
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
