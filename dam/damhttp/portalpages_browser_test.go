package damhttp_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/browsertest"
)

func TestPortalRequestFormInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	owner, _, _ := newPortalPages(t, dam.PortalRequest, "Press kit", "Logos for the press", "logo.txt")

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(owner.url+"/p/kit")))
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "Press kit", title)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#request-email`), "vi@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#request-message`), "For an article"),
	))
	// The form posts under the page's CSP and the answer is a page.
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.request button[type="submit"]`)))
	require.NoError(t, err)
	assert.EqualValues(t, 201, resp.Status)
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	require.NoError(t, err)
	assert.Equal(t, "Your request was sent", heading)
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	assert.Contains(t, text, "We will email vi@example.org when it has been reviewed")

	rs, _, err := owner.lib.Requests(owner.owner(), dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, rs, 1, "the request is on the owner's dashboard")
	assert.Equal(t, "vi@example.org", rs[0].RequesterEmail)
	assert.Equal(t, "For an article", rs[0].Reason)
	assert.Equal(t, "logo.txt", rs[0].AssetName)
}
