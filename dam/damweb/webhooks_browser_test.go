package damweb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserWebhooks adds a webhook in Chromium by keyboard and mouse,
// sees its secret once, sends a test event and reads the endpoint's answer
// in the delivery log; the pages pass the audit at both widths.
func TestBrowserWebhooks(t *testing.T) {
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer recv.Close()
	s := newSite(t, hookSiteOptions())
	p := s.page(t)
	p.open("/signin?next=/webhooks")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#wh-url")))
	p.check("webhooks")

	p.run(chromedp.SendKeys(chromedp.CSS("#wh-url"), recv.URL+"/hooks/damkit"),
		chromedp.Click(chromedp.CSS(`input[value="asset.uploaded"]`)), chromedp.Click(chromedp.CSS(`input[value="share.downloaded"]`)),
		chromedp.SendKeys(chromedp.CSS("#wh-desc"), "CMS sync"),
		chromedp.Click(chromedp.CSS(`form[action="/webhooks"] button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#secret")))
	assert.Regexp(t, `^whsec_`, p.text("#secret"))
	hs, err := s.lib.Webhooks(s.owner)
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.Equal(t, "CMS sync", hs[0].Description)

	p.open("/webhooks/" + hs[0].ID)
	p.run(chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Contains(t, p.text(".flash"), "Test event queued")
	_, err = s.lib.DeliverWebhooks(t.Context())
	require.NoError(t, err)
	p.open("/webhooks/" + hs[0].ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("table.list")))
	assert.Contains(t, p.text("table.list"), "HTTP 200")
	p.check("webhook")
}
