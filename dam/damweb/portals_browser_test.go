package damweb

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/internal/browsertest"
	"github.com/damkit/damkit/internal/smtptest"
)

// TestBrowserPortalStory walks reference page 001 in Chromium: an owner
// makes a portal of two images and publishes it; a visitor opens it (the
// page served by damhttp beside the web interface, as the reference
// server mounts them), sees the thumbnails and asks with their email
// address; the owner approves on the requests dashboard; the visitor's
// emailed link, delivered through a real SMTP server, opens their page
// and the download works; the portal's chart and tables count the opens
// and the download.
func TestBrowserPortalStory(t *testing.T) {
	sink := smtptest.Start(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	s := newSite(t, &dam.Options{Notifiers: []dam.Notifier{mailer}})
	both := s.withVisitorPages(t)

	// The owner creates the portal and picks its files.
	o := s.page(t)
	o.base = both.URL
	o.open("/signin?next=/portals")
	o.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	o.run(chromedp.WaitVisible(chromedp.CSS("#n-title")))
	o.check("portals-empty")
	o.run(chromedp.SendKeys(chromedp.CSS("#n-title"), "Launch press kit"), chromedp.SendKeys(chromedp.CSS("#n-slug"), "launch"),
		chromedp.SendKeys(chromedp.CSS("#n-desc"), "Photos of the launch, for the press."),
		chromedp.Click(chromedp.CSS(`form[action="/portals"] button[type=submit]`)))
	o.run(chromedp.WaitVisible(chromedp.CSS("#p-find")))
	assert.Contains(t, o.text(".flash"), "not yet published")
	o.run(chromedp.SendKeys(chromedp.CSS("#p-find"), "png\r"))
	o.waitFor(`document.querySelectorAll('.picks input[name=asset]').length === 2`)
	o.run(chromedp.Click(chromedp.CSS(`.picks input[value="`+s.photo.ID+`"]`)), chromedp.Click(chromedp.CSS(`.picks input[value="`+s.secret.ID+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=enabled]`)))
	// The preview follows the title as it is typed.
	_, err = chromedp.Run(o.ctx, chromedp.Evaluate[bool](`(() => { document.getElementById('p-title').value = ''; return true })()`))
	require.NoError(t, err)
	o.run(chromedp.SendKeys(chromedp.CSS("#p-title"), "Launch press kit 2026"))
	o.waitFor(`document.querySelector('[data-preview-of=title]').textContent === 'Launch press kit 2026'`)
	o.run(chromedp.Click(chromedp.CSS(`#portal-form button[type=submit]`)))
	o.waitFor(`document.querySelectorAll('.preview-grid .card-asset').length === 2`)
	assert.Contains(t, o.text("h1"), "published")
	o.waitFor(`[...document.querySelectorAll('.preview-grid img')].every(i => i.complete && i.naturalWidth > 0)`)
	o.check("portal")
	p := s.onlyPortal(t)
	assert.True(t, p.Enabled)
	assert.Equal(t, "Launch press kit 2026", p.Title)

	// A visitor opens the portal: thumbnails, not icons; then asks.
	v := s.page(t)
	v.base = both.URL
	downloads := t.TempDir()
	_, err = chromedp.CallBrowser(v.ctx, cdpbrowser.SetDownloadBehavior,
		cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	v.open("/p/launch")
	v.run(chromedp.WaitVisible(chromedp.CSS("#request-email")))
	v.waitFor(`document.querySelectorAll('.thumb img').length === 2 && [...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)`)
	v.check("portal-visitor")
	v.run(chromedp.SendKeys(chromedp.CSS("#request-email"), "reporter@example.org"),
		chromedp.SendKeys(chromedp.CSS("#request-message"), "For a story on the launch"),
		chromedp.Click(chromedp.CSS(`form.request button[type=submit]`)))
	v.waitFor(`document.querySelector('h1') && document.querySelector('h1').textContent === 'Your request was sent'`)
	assert.Empty(t, v.console.Errors())

	// The owner approves on the dashboard.
	o.open("/requests")
	o.run(chromedp.WaitVisible(chromedp.CSS(`input[name=id]`)))
	assert.Contains(t, o.text("main"), "reporter@example.org")
	_, err = chromedp.Run(o.ctx, chromedp.Evaluate[bool](`(() => { document.querySelectorAll('input[name=id]').forEach(b => { b.checked = true }); return true })()`))
	require.NoError(t, err)
	o.run(chromedp.Click(chromedp.CSS(`button[value=approve]`)))
	o.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Contains(t, o.text(".flash"), "2 requests approved")

	// The emailed link opens the visitor's page; the download works.
	link := mailedPortalLink(t, sink, "reporter@example.org")
	v.open(link[strings.Index(link, "/p/"):])
	v.run(chromedp.WaitVisible(chromedp.CSS(".assets")))
	assert.Contains(t, v.text("main"), "Signed in by the link sent to reporter@example.org")
	v.waitFor(`[...document.querySelectorAll('.thumb img')].every(i => i.complete && i.naturalWidth > 0)`)
	v.check("portal-visitor-access")
	v.run(chromedp.Click(chromedp.CSS(`.asset a[href*="/assets/` + s.photo.ID + `"]`)))
	got := browsertest.WaitForFile(v.ctx, t, downloads, func(n string) bool { return strings.HasSuffix(n, ".png") })
	b, err := os.ReadFile(got)
	require.NoError(t, err)
	assert.Equal(t, s.photo.Current.Size, int64(len(b)), "the original, whole")
	assert.Equal(t, "sunrise.png", filepath.Base(got))
	assert.Empty(t, v.console.Errors())

	// The portal's usage counts the two opens and the download.
	o.open("/portals/" + p.ID)
	o.run(chromedp.WaitVisible(chromedp.CSS(".usage-chart")))
	assert.Equal(t, "2 page opens · 2 requests · 1 download", o.text(".usage-totals"))
	today := s.lib.Now().UTC().Format("2 Jan 2006")
	assert.Equal(t, today+"\t2\t2\t1", o.text(".usage-days tbody tr"))
	assert.Contains(t, o.text(".usage-assets"), "sunrise.png\t1\t1")
	assert.Contains(t, o.text(".usage-visitors"), "reporter@example.org\t2\t1")
	bars, err := chromedp.Run(o.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.usage-chart rect title')].map(t => t.textContent)`))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{today + ": 2 opens", today + ": 2 requests", today + ": 1 download"}, bars)
	label, err := chromedp.Run(o.ctx, chromedp.Evaluate[string](`document.getElementById('chart-desc').textContent`))
	require.NoError(t, err)
	assert.Contains(t, label, "In total: 2 opens, 2 requests, 1 download.")
	o.open("/portals/" + p.ID + "#usage")
	o.run(chromedp.WaitVisible(chromedp.CSS(".usage-chart")))
	o.check("portal-usage")
	o.open("/portals")
	o.run(chromedp.WaitVisible(chromedp.CSS(".portals-list")))
	o.check("portals")
}

// TestBrowserPortalAutoApprove: on an auto-approve portal the visitor is
// let in from the confirmation page, without waiting for the email.
func TestBrowserPortalAutoApprove(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "open-kit", Title: "Open kit", AssetIDs: []string{s.photo.ID},
		Mode: dam.PortalAutoApprove})
	require.NoError(t, err)
	both := s.withVisitorPages(t)
	v := s.page(t)
	v.base = both.URL
	v.open("/p/open-kit")
	v.run(chromedp.SendKeys(chromedp.CSS("#request-email"), "quick@example.org"), chromedp.Click(chromedp.CSS(`form.request button[type=submit]`)))
	v.run(chromedp.WaitVisible(chromedp.CSS(`a.button[href*="/access/"]`)))
	assert.Equal(t, "Your files are ready", v.text("h1"))
	v.check("portal-approved")
	v.run(chromedp.Click(chromedp.CSS(`a.button[href*="/access/"]`)))
	v.run(chromedp.WaitVisible(chromedp.CSS(".assets")))
	assert.Contains(t, v.text("main"), "Signed in by the link sent to quick@example.org")
	assert.Contains(t, v.text(".assets"), "Download")
	assert.Empty(t, v.console.Errors())
}

// withVisitorPages serves the site and damhttp's /p/ pages on one origin,
// as examples/server mounts them.
func (s *site) withVisitorPages(t *testing.T) *httptest.Server {
	api := damhttp.New(s.lib, nil)
	both := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/p/") {
			api.ServeHTTP(w, r)
			return
		}
		s.h.ServeHTTP(w, r)
	}))
	t.Cleanup(both.Close)
	return both
}

// mailedPortalLink waits for the approval sent to addr and returns the
// visitor's signed link in its plain-text part.
func mailedPortalLink(t *testing.T, sink *smtptest.Sink, addr string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range sink.Received() {
			if len(m.To) != 1 || m.To[0] != addr {
				continue
			}
			msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
			require.NoError(t, err)
			_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
			require.NoError(t, err)
			mr := multipart.NewReader(msg.Body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				require.NoError(t, err, "a text/plain part")
				if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
					text, err := io.ReadAll(quotedprintable.NewReader(part))
					require.NoError(t, err)
					if link := regexp.MustCompile(`https?://\S+/p/[a-z0-9-]+/access/[A-Za-z0-9._-]+`).Find(text); link != nil {
						return string(link)
					}
					break
				}
			}
		}
		require.True(t, time.Now().Before(deadline), "no portal link reached %s", addr)
		time.Sleep(20 * time.Millisecond)
	}
}
