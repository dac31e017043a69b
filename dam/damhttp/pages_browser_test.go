package damhttp_test

import (
	"archive/zip"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/browsertest"
	"github.com/damkit/damkit/internal/testimage"
)

func TestSharePageInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	c := newShareAPI(t)
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(640, 480, 0.7), "Canon", "EOS", 1)
	require.NoError(t, err)
	photo := c.uploadBytes("harbour.jpg", jpg)
	v, ana, _ := c.create(map[string]any{"title": "Spring campaign", "asset_ids": []string{photo.ID, c.a.ID}})
	downloads := t.TempDir()
	page := c.url + "/s/" + ana.Token

	_, err = chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(page)))
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.asset .name')].map(e => e.textContent)`))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('.thumb img').complete`))
	require.NoError(t, err)
	imgWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector('.thumb img').naturalWidth`))
	require.NoError(t, err)
	assert.Equal(t, "Spring campaign \u2013 shared files", title)
	assert.ElementsMatch(t, []string{"harbour.jpg", "brief.txt"}, names)
	assert.Equal(t, 256, imgWidth, "the thumbnail loaded under the page's CSP")

	// One asset, then everything as a ZIP.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[aria-label="Download harbour.jpg"]`))))
	got, err := os.ReadFile(browsertest.WaitForFile(ctx, t, downloads, func(n string) bool { return n == "harbour.jpg" }))
	require.NoError(t, err)
	assert.Equal(t, jpg, got)

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href$="/download"]`))))
	zr, err := zip.OpenReader(browsertest.WaitForFile(ctx, t, downloads, func(n string) bool { return strings.HasSuffix(n, ".zip") }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = zr.Close() })
	var entries []string
	for _, f := range zr.File {
		entries = append(entries, f.Name)
	}
	assert.Subset(t, entries, []string{"harbour.jpg", "brief.txt"})

	// Turned off: the same page now says the link is dead.
	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload()))
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	require.NoError(t, err)
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	assert.Equal(t, "This link is no longer valid", heading)
	assert.Contains(t, text, "Ask the person who sent it to you for a new one")
	assert.NotContains(t, text, "Spring campaign")
}

func TestShareLicenceInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	c := newShareAPI(t)
	var lic struct{ ID string }
	c.json("POST", "/api/v1/licences", map[string]any{"title": "Campaign licence", "text": "Only for the spring campaign."}, 201, &lic)
	c.json("PUT", "/api/v1/assets/"+c.a.ID+"/licence", map[string]any{"licence": lic.ID}, 200, nil)
	_, ana, _ := c.create(nil)
	downloads := t.TempDir()
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(c.url+"/s/"+ana.Token)))
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	assert.Contains(t, text, "Only for the spring campaign.")
	assert.Contains(t, text, "Accept \u201cCampaign licence\u201d above to download")
	assert.NotContains(t, text, "Download all")

	// Accepting posts the form and comes back to the page, now with the button.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`))))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`a[aria-label="Download brief.txt"]`))))
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	assert.Contains(t, text, "You have accepted this licence.")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[aria-label="Download brief.txt"]`))))
	got, err := os.ReadFile(browsertest.WaitForFile(ctx, t, downloads, func(n string) bool { return n == "brief.txt" }))
	require.NoError(t, err)
	assert.Equal(t, "the brief", string(got))
}
