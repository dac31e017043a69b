package damweb

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserCustomRendition opens "Another size or format" on an asset
// page in Chromium: every control is labelled and the form fits at 375 px.
func TestBrowserCustomRendition(t *testing.T) {
	s := newSite(t, nil)
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	st.CustomRenditions.Enabled = true
	_, err = s.lib.UpdateSettings(s.owner, st)
	require.NoError(t, err)
	p := s.page(t)
	p.open("/signin?next=/assets/" + s.photo.ID)
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["editor"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS(".custom-rendition summary")))
	p.run(chromedp.Click(chromedp.CSS(".custom-rendition summary")), chromedp.WaitVisible(chromedp.CSS("#cr-w")))
	p.run(chromedp.ScrollIntoView(chromedp.CSS(".custom-rendition")))
	p.check("asset-custom-rendition")
	assert.Equal(t, "Download this rendition", p.text(".custom-rendition button"))
}
