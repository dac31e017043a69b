package damweb

import (
	"archive/zip"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/browsertest"
	"github.com/damkit/damkit/rendition"
)

// The asset page's "Download all smart crops" gives a ZIP of the crops;
// the page and the library's download form read at 1280 and 375 px.
func TestBrowserDownloadAllSmartCrops(t *testing.T) {
	s := newSite(t, nil)
	for _, p := range []dam.Profile{
		{Name: "square", Width: 64, Height: 64, Fit: rendition.FitSmart, Format: rendition.FormatJPEG, SmartCrop: true},
		{Name: "16x9", Width: 96, Height: 54, Fit: rendition.FitSmart, Format: rendition.FormatJPEG, SmartCrop: true},
	} {
		_, err := s.lib.CreateProfile(s.owner, p)
		require.NoError(t, err)
	}
	p := s.page(t)
	downloads := t.TempDir()
	_, err := chromedp.CallBrowser(p.ctx, cdpbrowser.SetDownloadBehavior,
		cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.run(chromedp.WaitVisible(chromedp.CSS("#b-crops")))
	p.check("")
	p.open("/assets/" + s.photo.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS(".crops-form")))
	p.check("asset-crops")
	p.run(chromedp.Click(chromedp.CSS(".crops-form button")))
	zipPath := browsertest.WaitForFile(p.ctx, t, downloads, func(n string) bool { return strings.HasSuffix(n, ".zip") })
	zr, err := zip.OpenReader(zipPath)
	require.NoError(t, err)
	t.Cleanup(func() { _ = zr.Close() })
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	assert.ElementsMatch(t, []string{"sunrise_square.jpg", "sunrise_16x9.jpg"}, names)
}
