package damhttp_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/browsertest"
)

var guestShots = flag.Bool("screenshots", false, "write docs/screenshots of the guest download inbox")

// TestGuestDownloadsInBrowser: the share page's button queues the ZIP and
// lands on the inbox; its script (allowed by hash, no CSP violation) moves
// the job to ready without a manual reload, and the part links appear;
// the page is labelled, legible and fits 375 px.
func TestGuestDownloadsInBrowser(t *testing.T) {
	ctx := browsertest.New(t)
	console := browsertest.Watch(ctx)
	c := newGuestJobAPI(t, dam.Options{})
	_, ana, _ := c.create(nil)
	page := c.url + "/s/" + ana.Token

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(page)))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action$="/downloads"] button`))))
	require.NoError(t, pollAcross(ctx, `location.pathname.endsWith('/downloads') && !!document.querySelector('#jobs[data-active]')`))
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".job .status")))
	require.NoError(t, err)
	assert.Contains(t, status, "Waiting to be prepared")

	_, err = c.lib.ProcessJobs(t.Context()) // the worker builds it while the page watches
	require.NoError(t, err)
	require.NoError(t, pollAcross(ctx, `document.querySelectorAll('.parts a[href*="/parts/"]').length === 2`),
		"the script noticed the job was done and reloaded the page with its parts")
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.parts a')].map(a => a.textContent)`))
	require.NoError(t, err)
	assert.Equal(t, []string{"Download Part 1 of 2", "Download Part 2 of 2"}, links)

	for _, width := range []int64{375, 1280} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)))
		f, err := browsertest.Audit(ctx)
		require.NoError(t, err)
		assert.Empty(t, f.Unlabelled, "width %d", width)
		assert.Empty(t, f.LowContrast, "width %d", width)
		assert.Zero(t, f.Overflow, "width %d", width)
		if *guestShots {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			name := map[int64]string{375: "guest-downloads-375.png", 1280: "guest-downloads.png"}[width]
			require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name), png, 0o644))
		}
	}
	var errs []string
	for _, e := range console.Errors() {
		if !strings.Contains(e, "/favicon.ico") { // guest pages have no icon: the browser's own request
			errs = append(errs, e)
		}
	}
	assert.Empty(t, errs, "no console errors, no CSP violation")
}

// pollAcross polls expr until true, starting again when the page
// navigates under it (a form's answer, the inbox script's reload).
func pollAcross(ctx context.Context, expr string) error {
	var err error
	for range 100 {
		if _, err = chromedp.Run(ctx, chromedp.Poll[bool](expr)); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
