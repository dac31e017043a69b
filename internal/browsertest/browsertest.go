// Package browsertest drives Debian's chromium (through chromedp) for the
// page tests of dam/damhttp and dam/damweb: a headless browser kept off
// the network, a watch on the console (errors, uncaught exceptions and
// Content-Security-Policy violations), and an audit of a page as users
// meet it: unlabelled controls, text contrast below 4.5:1, and content
// wider than the window.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// New starts a headless chromium that stays off the network (these tests
// run on machines without internet) with a fresh profile, or skips the
// test naming the missing package.
func New(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skip("chromium not installed (" + ChromiumPath + "); .ci/run installs the Debian package chromium")
	}
	// A guard against a hung browser, not a timing assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(bctx), "starting chromium")
	return bctx
}

// WaitForFile waits until a finished download whose name matches ok lands
// in dir, and returns its path. Chromium may reserve the final name with an
// empty file while the bytes still go to a ".crdownload" beside it (a test
// once read such a file as "not a valid zip file"), so a download counts as
// finished only when no ".crdownload" is left, the file is not empty and
// its size held between two looks.
func WaitForFile(ctx context.Context, t *testing.T, dir string, ok func(name string) bool) string {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	seen := map[string]int64{} // size at the previous look
	for {
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		partial := false
		for _, e := range entries {
			partial = partial || strings.HasSuffix(e.Name(), ".crdownload")
		}
		for _, e := range entries {
			if partial || !ok(e.Name()) {
				continue
			}
			info, err := e.Info()
			if err != nil || info.Size() == 0 {
				continue
			}
			if prev, found := seen[e.Name()]; found && prev == info.Size() {
				return filepath.Join(dir, e.Name())
			}
			seen[e.Name()] = info.Size()
		}
		select {
		case <-ctx.Done():
			require.FailNow(t, "no download arrived", "in %s: %v", dir, entries)
		case <-tick.C:
		}
	}
}

// Console collects the errors a page reports: console.error calls,
// uncaught exceptions, and browser log errors (CSP violations among them).
type Console struct {
	mu   sync.Mutex
	errs []string
}

// Watch starts collecting ctx's console errors until the context ends.
func Watch(ctx context.Context) *Console {
	c := &Console{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() ||
				strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy") {
				c.mu.Lock()
				c.errs = append(c.errs, m.String()+" ("+m.URL+")")
				c.mu.Unlock()
			}
		}
	}()
	return c
}

// Errors returns what was collected so far.
func (c *Console) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// Findings is what Audit found wrong with a page.
type Findings struct {
	Unlabelled  []string `json:"unlabelled"`  // controls without an accessible name
	LowContrast []string `json:"lowContrast"` // text below 4.5:1 against its background
	Overflow    int      `json:"overflow"`    // pixels of content wider than the window
}

// auditScript walks the DOM the way the audit needs: every visible form
// control and button needs a name (a label, aria-label, aria-labelledby,
// a title, or a button's own text); every visible text node's colour is
// compared with the first opaque background behind it (WCAG relative
// luminance).
const auditScript = `(() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && (r.width > 0 || r.height > 0) && !el.closest('.visually-hidden'); };
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).some((id) => (document.getElementById(id)?.textContent || '').trim())) return true;
    if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
    if ((el.getAttribute('title') || '').trim()) return true;
    if (el.tagName === 'BUTTON' || el.tagName === 'SUMMARY') return el.textContent.trim() !== '';
    if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return (el.value || '').trim() !== '';
    return false;
  };
  const unlabelled = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button, summary')) {
    if (!named(el)) unlabelled.push(el.outerHTML.slice(0, 120));
  }
  const rgb = (s) => { const m = s.match(/[\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] >= 0.99) return c; } return [255, 255, 255]; };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || !n.textContent.trim() || !visible(el)) continue;
    seen.add(el);
    const fg = rgb(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) low.push(el.tagName.toLowerCase() + ' "' + n.textContent.trim().slice(0, 40) + '" ' + ratio.toFixed(2));
  }
  return {unlabelled, lowContrast: low, overflow: Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)};
})()`

// Audit checks the page loaded in ctx.
func Audit(ctx context.Context) (Findings, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[Findings](auditScript))
}
