package damweb

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// TestBrowserShareLifecycle: the sharer shortens a share to an end date,
// makes it view-only with a password and a download limit, gives a guest
// an earlier end; the guest meets the password page, types the password
// once, and sees the share view-only. Then the sharer extends the share.
func TestBrowserShareLifecycle(t *testing.T) {
	s := newSite(t, nil)
	s.enableShares(t)
	api := damhttp.New(s.lib, nil)
	both := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/s/") {
			api.ServeHTTP(w, r)
			return
		}
		s.h.ServeHTTP(w, r)
	}))
	t.Cleanup(both.Close)
	v, err := s.lib.CreateShare(s.as(t, "editor"), dam.NewShare{Title: "Launch visuals", Days: 14,
		AssetIDs: []string{s.photo.ID}, Guests: "agency@example.org"})
	require.NoError(t, err)
	guestPath := "/s/" + v.Links[0].Token

	p := s.page(t)
	p.base = both.URL
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["editor"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.open("/shares/" + v.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#x-h")))

	// Shorten to an end date.
	end := s.lib.Now().UTC().AddDate(0, 0, 3).Format("2006-01-02")
	p.run(chromedp.SetValue(chromedp.CSS("#x-days"), "date"), chromedp.SetValue(chromedp.CSS("#x-until"), end),
		chromedp.Submit(chromedp.CSS(`form[action$="/expiry"] button[type=submit]`)))
	p.waitFor(`!!document.querySelector(".flash")`)
	assert.Contains(t, p.text(".flash"), "now ends")

	// View-only, a password, a limit.
	p.open("/shares/" + v.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#ac-h")))
	p.run(chromedp.Click(chromedp.CSS(`input[name=view_only]`)), chromedp.SendKeys(chromedp.CSS("#ac-pw"), "open sesame"),
		chromedp.SendKeys(chromedp.CSS("#ac-limit"), "5\r"))
	p.waitFor(`!!document.querySelector(".flash")`)
	assert.Contains(t, p.text(".meta"), "view only")
	assert.Contains(t, p.text(".meta"), "password")
	assert.Contains(t, p.text(".meta"), "0 of 5 downloads used")

	// The guest's own earlier end.
	p.open("/shares/" + v.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS(".guest-access summary")), chromedp.Click(chromedp.CSS(".guest-access summary")))
	ownEnd := s.lib.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	p.run(chromedp.SetValue(chromedp.CSS(`.guest-access input[name=until]`), ownEnd),
		chromedp.Submit(chromedp.CSS(`.guest-access button[type=submit]`)))
	p.waitFor(`!!document.querySelector(".flash")`)
	assert.Contains(t, p.text(".flash"), "access was saved")
	assert.Contains(t, p.text(".guests-list"), "until")
	p.check("share-lifecycle")

	// The guest: the password page, then the share, view-only.
	g := s.page(t)
	g.base = both.URL
	g.open(guestPath)
	g.run(chromedp.WaitVisible(chromedp.CSS("#share-password")))
	g.audit("share-password")
	g.run(chromedp.SendKeys(chromedp.CSS("#share-password"), "wrong password\r"))
	g.run(chromedp.WaitVisible(chromedp.CSS("#password-error")))
	g.run(chromedp.SendKeys(chromedp.CSS("#share-password"), "open sesame\r"))
	g.run(chromedp.WaitVisible(chromedp.CSS(".assets")))
	assert.Contains(t, g.text("body"), "View only")
	n, err := chromedp.Run(g.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.assets a.button').length`))
	require.NoError(t, err)
	assert.Zero(t, n, "no download buttons on a view-only share")
	g.audit("share-view-only")
	g.open(guestPath)
	g.run(chromedp.WaitVisible(chromedp.CSS(".assets")))
	assert.Equal(t, "Launch visuals", g.text("h1"), "asked once per browser session")

	// Extend it again from the page: a number of days.
	p.open("/shares/" + v.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#x-h")))
	p.run(chromedp.SetValue(chromedp.CSS("#x-days"), "7"), chromedp.Submit(chromedp.CSS(`form[action$="/expiry"] button[type=submit]`)))
	p.waitFor(`!!document.querySelector(".flash")`)
	assert.Contains(t, p.text(".flash"), "Its guests were told")
	p.check("")
}
