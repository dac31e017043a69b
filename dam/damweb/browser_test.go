package damweb

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
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
	"github.com/damkit/damkit/internal/browsertest"
	"github.com/damkit/damkit/internal/smtptest"
)

// go test ./dam/damweb -run Browser -screenshots writes the pictures of
// the README's "Web interface" section to docs/screenshots.
var screenshots = flag.Bool("screenshots", false, "write docs/screenshots/*.png from the browser tests")

// page is a browser tab on the site with its console watched.
type page struct {
	t       *testing.T
	ctx     context.Context
	base    string
	console *browsertest.Console
}

func (s *site) page(t *testing.T) *page {
	ctx := browsertest.New(t)
	return &page{t: t, ctx: ctx, base: s.srv.URL, console: browsertest.Watch(ctx)}
}

func (p *page) run(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	require.NoError(p.t, chromedp.Do(p.ctx, actions...))
}

func (p *page) open(path string) { p.t.Helper(); p.run(chromedp.Navigate(p.base + path)) }

// waitFor waits until the expression is true on the page (after a
// navigation, the old page must not answer for the new one).
func (p *page) waitFor(expr string) {
	p.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		require.True(p.t, time.Now().Before(deadline), "waiting for %s: %v", expr, err)
	}
}

func (p *page) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(p.t, err)
	return s
}

// check audits the page as users meet it, at desktop width and at 375 px,
// and fails on console errors or CSP violations so far. name, with
// -screenshots, also saves the picture for the docs.
func (p *page) check(name string) {
	p.t.Helper()
	p.audit(name)
	assert.Empty(p.t, p.console.Errors(), "console errors or CSP violations")
}

// audit is check without the console: for a page whose answer the
// browser logs by design (a refused form's 400).
func (p *page) audit(name string) {
	p.t.Helper()
	for _, width := range []int64{1280, 375} {
		p.run(chromedp.EmulateViewport(width, 900))
		f, err := browsertest.Audit(p.ctx)
		require.NoError(p.t, err)
		loc, _ := chromedp.Run(p.ctx, chromedp.Location())
		assert.Empty(p.t, f.Unlabelled, "%s at %d px: controls without a label", loc, width)
		assert.Empty(p.t, f.LowContrast, "%s at %d px: text below 4.5:1", loc, width)
		assert.Zero(p.t, f.Overflow, "%s at %d px: content wider than the window", loc, width)
		if *screenshots && name != "" {
			png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
			require.NoError(p.t, err)
			suffix := ""
			if width == 375 {
				suffix = "-375"
			}
			dir := filepath.Join("..", "..", "docs", "screenshots")
			require.NoError(p.t, os.MkdirAll(dir, 0o755))
			require.NoError(p.t, os.WriteFile(filepath.Join(dir, name+suffix+".png"), png, 0o644))
		}
	}
	p.run(chromedp.EmulateViewport(1280, 900))
}

func TestBrowserSignInBrowseEdit(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)

	p.open("/")
	p.run(chromedp.WaitVisible(chromedp.CSS("#key")))
	p.check("signin")
	// The keyboard alone: the first Tab reaches the skip link, then the form.
	p.run(chromedp.KeyEvent("\t"))
	focused, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
	require.NoError(t, err)
	assert.Equal(t, "Skip to content", focused)
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["editor"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	assert.Contains(t, p.text(".grid"), "sunrise.png")
	p.check("library")

	// Browse a folder from the tree.
	p.run(chromedp.Click(chromedp.CSS(`nav[aria-label=Folders] a[href*="folder="]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".crumbs")))
	assert.Equal(t, "Embargo", p.text("h1"))
	assert.Contains(t, p.text(".grid"), "launch.png")
	assert.NotContains(t, p.text(".grid"), "sunrise.png")

	// Search from the header.
	p.run(chromedp.SendKeys(chromedp.CSS("#search-q"), "sunrise\r"))
	p.waitFor(`document.querySelector('h1').textContent === 'Search: sunrise'`)
	assert.Contains(t, p.text(".grid"), "sunrise.png")

	// Open the asset: its preview loads under the CSP; edit its title.
	p.run(chromedp.Click(chromedp.CSS(".grid .thumb")))
	p.run(chromedp.WaitVisible(chromedp.CSS("#m-title")))
	_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelector('.preview img').complete && document.querySelector('.preview img').naturalWidth > 0`))
	require.NoError(t, err)
	p.check("asset")
	p.run(chromedp.SetValue(chromedp.CSS("#m-title"), "Sunrise over the bay"), chromedp.Click(chromedp.CSS(`section[aria-labelledby=md-h] button.button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Sunrise over the bay", p.text("h1"))
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, "Sunrise over the bay", a.Meta.Title)

	// Sign out: the cookie the browser had no longer works.
	cookie, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.cookie.includes("damkit_session")`))
	require.NoError(t, err)
	assert.False(t, cookie, "the session cookie is HttpOnly: scripts cannot read it")
	p.run(chromedp.Click(chromedp.CSS(".usermenu summary")), chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#key")))
	p.open("/assets/" + s.photo.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#key")))
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Contains(t, loc, "/signin?next=")
	assert.Empty(t, p.console.Errors())
}

func TestBrowserRequestProtected(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["viewer"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.open("/assets/" + s.secret.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#reason")))
	assert.Contains(t, p.text(".notice"), "protected")
	p.check("asset-protected")
	p.run(chromedp.SendKeys(chromedp.CSS("#reason"), "For the launch deck"),
		chromedp.Click(chromedp.CSS(`form[action$="/request"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Contains(t, p.text("main"), "an owner has not decided yet")
	reqs, _, err := s.lib.Requests(s.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, reqs, 1)
	assert.Equal(t, "For the launch deck", reqs[0].Reason)
	assert.Empty(t, p.console.Errors())

	// The owner decides on the dashboard, in another browser.
	o := s.page(t)
	o.open("/signin?next=/requests")
	o.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	o.run(chromedp.WaitVisible(chromedp.CSS(`input[name=id]`)))
	assert.Equal(t, "1", o.text(`a[href="/requests"] .badge`))
	o.check("requests")
	o.run(chromedp.Click(chromedp.CSS(`input[name=id]`)), chromedp.SendKeys(chromedp.CSS("#d-message"), "Enjoy the launch"),
		chromedp.Click(chromedp.CSS(`button[value=approve]`)))
	o.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "1 request approved.", o.text(".flash"))
	p.open("/assets/" + s.secret.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#dl-profile")))
	assert.Contains(t, p.text("main"), "thanks to a permission")
	assert.Empty(t, o.console.Errors())
}

func TestBrowserSignInByEmail(t *testing.T) {
	sink := smtptest.Start(t, nil) // a real SMTP conversation
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	s := newSite(t, &dam.Options{Notifiers: []dam.Notifier{mailer}})
	p := s.page(t)
	p.open("/assets/" + s.photo.ID)
	p.run(chromedp.SendKeys(chromedp.CSS("#email"), "viewer@example.com\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
	assert.Contains(t, p.text("main"), "a sign-in link is on its way")

	link := readLink(t, sink)
	assert.True(t, strings.HasPrefix(link, s.srv.URL+"/signin/link?token=dl_"), link)
	p.run(chromedp.Navigate(link))
	p.run(chromedp.WaitVisible(chromedp.CSS(`form[action="/signin/link"] button`)))
	p.run(chromedp.Click(chromedp.CSS(`form[action="/signin/link"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	who, err := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.CSS(".who")))
	require.NoError(t, err)
	assert.Equal(t, "viewer@example.com", who)
	assert.Empty(t, p.console.Errors())

	// The link worked once (the answer is 401, which the console notes).
	p.run(chromedp.Navigate(link))
	p.run(chromedp.Click(chromedp.CSS(`form[action="/signin/link"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".error")))
	assert.Contains(t, p.text(".error"), "has been used or has expired")
}

// readLink waits for the one message the SMTP server received and
// returns the sign-in link in its plain-text part.
func readLink(t *testing.T, sink *smtptest.Sink) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(sink.Received()) == 0 {
		require.True(t, time.Now().Before(deadline), "no message arrived")
		time.Sleep(20 * time.Millisecond)
	}
	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, []string{"viewer@example.com"}, got[0].To)
	m, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	require.NoError(t, err)
	assert.Equal(t, "Your sign-in link", m.Header.Get("Subject"))
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		require.NoError(t, err, "a text/plain part")
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			text, err := io.ReadAll(quotedprintable.NewReader(p))
			require.NoError(t, err)
			link := regexp.MustCompile(`https?://\S+/signin/link\?token=dl_[A-Za-z0-9_-]+`).Find(text)
			require.NotNil(t, link, "the message carries the link:\n%s", text)
			return string(link)
		}
	}
}

// TestBrowserSelectTwoDownloadZIP: shift-click selects a range, "Download
// ZIP" hands over one archive that a ZIP reader opens with both files.
func TestBrowserSelectTwoDownloadZIP(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	downloads := t.TempDir()
	_, err := chromedp.CallBrowser(p.ctx, cdpbrowser.SetDownloadBehavior,
		cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	require.NoError(t, err)
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.open("/?folder=&kind=image")
	p.run(chromedp.WaitVisible(chromedp.CSS(".grid")))
	boxes, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.grid input[name=id]')].map(b => b.value)`))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(boxes), 2)
	// Click the first, shift-click the second: both selected, the count says so.
	p.run(chromedp.Click(chromedp.CSS(`input[value="` + boxes[0] + `"]`)))
	_, err = chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const b = document.querySelector('input[value="`+boxes[1]+`"]');
		b.dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true})); return true })()`))
	require.NoError(t, err)
	p.waitFor(`document.querySelectorAll('.grid input[name=id]:checked').length === 2`)
	assert.Equal(t, "(2 selected)", p.text("#sel-count"))
	p.run(chromedp.Click(chromedp.CSS(`button[name=action][value=download]`)))
	zipPath := browsertest.WaitForFile(p.ctx, t, downloads, func(n string) bool { return strings.HasSuffix(n, ".zip") })
	zr, err := zip.OpenReader(zipPath)
	require.NoError(t, err)
	t.Cleanup(func() { _ = zr.Close() })
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, rc) // checks the CRC
		require.NoError(t, err, f.Name)
		rc.Close()
	}
	assert.Len(t, names, 2)
	assert.Empty(t, p.console.Errors())
}
