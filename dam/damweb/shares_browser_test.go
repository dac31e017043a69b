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
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/internal/smtptest"
)

// TestBrowserShareStory walks reference page 003 in Chromium: an editor
// selects two assets in the library, shares them with a person of the
// library and an external guest; the guest's emailed link opens the guest
// page (served by damhttp, mounted beside the web interface as the
// reference server does); the editor disables the share, the guest's link
// now shows the dead-link page, and the share's guests are listed greyed.
func TestBrowserShareStory(t *testing.T) {
	sink := smtptest.Start(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	s := newSite(t, &dam.Options{Notifiers: []dam.Notifier{mailer}})
	s.enableShares(t)
	// One origin for the pages and the guests' /s/ links, as
	// examples/server mounts them.
	api := damhttp.New(s.lib, nil)
	both := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/s/") {
			api.ServeHTTP(w, r)
			return
		}
		s.h.ServeHTTP(w, r)
	}))
	t.Cleanup(both.Close)

	p := s.page(t)
	p.base = both.URL
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["editor"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.run(chromedp.Click(chromedp.CSS("#sel-"+s.photo.ID)), chromedp.Click(chromedp.CSS("#sel-"+s.secret.ID)),
		chromedp.Click(chromedp.CSS(`button[value=share]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#s-title")))
	assert.Contains(t, p.text(".share-assets"), "sunrise.png")
	assert.Contains(t, p.text(".share-assets"), "launch.png")

	// People of the library are suggested as you type, after a comma too.
	p.run(chromedp.SendKeys(chromedp.CSS("#s-users"), "vie"))
	p.waitFor(`!!document.querySelector('#s-user-list option[value="viewer@example.com"]')`)
	p.run(chromedp.SetValue(chromedp.CSS("#s-users"), "viewer@example.com"),
		chromedp.SendKeys(chromedp.CSS("#s-title"), "Launch visuals"),
		chromedp.SendKeys(chromedp.CSS("#s-guests"), "agency@example.org"),
		chromedp.SendKeys(chromedp.CSS("#s-comment"), "For the launch"))
	p.check("share-new")
	p.run(chromedp.Click(chromedp.CSS(`form[action="/shares"] button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#inv-h")))
	assert.Equal(t, "Share “Launch visuals” created", p.text("h1"))
	assert.Contains(t, p.text(".guest-links"), "agency@example.org")
	p.check("share-created")

	// The external guest's emailed link opens the guest page.
	link := mailedShareLink(t, sink, "agency@example.org")
	guestPath := link[strings.Index(link, "/s/"):]
	g := s.page(t)
	g.base = both.URL
	g.open(guestPath)
	g.run(chromedp.WaitVisible(chromedp.CSS(".assets")))
	assert.Equal(t, "Launch visuals", g.text("h1"))
	assert.Contains(t, g.text(".assets"), "sunrise.png")
	assert.Empty(t, g.console.Errors())

	// The sharer's share page, then disabling it.
	p.run(chromedp.Click(chromedp.CSS(`a.button[href^="/shares/"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#g-h")))
	assert.Contains(t, p.text(".guests-list"), "agency@example.org")
	assert.Contains(t, p.text(".guests-list"), "viewer@example.com")
	p.check("share")
	p.run(chromedp.Click(chromedp.CSS(`input[name=enabled][value=false] + button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Contains(t, p.text(".flash"), "Share disabled")
	gone, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('.guests-list .guest.gone').length`))
	require.NoError(t, err)
	assert.Equal(t, 2, gone, "both guests are listed greyed")
	grey, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](
		`getComputedStyle(document.querySelector('.guest.gone .who-line')).color !== getComputedStyle(document.querySelector('h1')).color`))
	require.NoError(t, err)
	assert.True(t, grey, "greyed, not in the text colour")
	p.check("share-disabled")

	// The guest's link is dead now: the same page as any wrong link.
	g.open(guestPath)
	g.run(chromedp.WaitVisible(chromedp.CSS("h1")))
	assert.NotContains(t, g.text("body"), "sunrise.png")
	assert.Contains(t, g.text("h1"), "This link is no longer valid")

	p.open("/shares")
	p.run(chromedp.WaitVisible(chromedp.CSS(".list")))
	assert.Contains(t, p.text(".list"), "disabled")
	p.check("shares")

	// A share without guests: one link to copy, on its page.
	open, err := s.lib.CreateShare(s.as(t, "editor"), dam.NewShare{Title: "Press kit", Days: 14, AssetIDs: []string{s.photo.ID}})
	require.NoError(t, err)
	p.open("/shares/" + open.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS(`button[data-copy]`)))
	value, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.getElementById('public-link').value`))
	require.NoError(t, err)
	assert.Equal(t, open.PublicLink, value)
	p.run(chromedp.Click(chromedp.CSS(`button[data-copy]`)))
	p.waitFor(`document.querySelector('output[data-copied]').textContent !== ''`)
	p.check("share-link")
}

// mailedShareLink waits for the invitation sent to addr and returns the
// share link in its plain-text part.
func mailedShareLink(t *testing.T, sink *smtptest.Sink, addr string) string {
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
					link := regexp.MustCompile(`https?://\S+/s/[A-Za-z0-9_-]{43}`).Find(text)
					require.NotNil(t, link, "the invitation carries the link:\n%s", text)
					return string(link)
				}
			}
		}
		require.True(t, time.Now().Before(deadline), "no invitation reached %s", addr)
		time.Sleep(20 * time.Millisecond)
	}
}
