package damweb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestBrowserRefine: the library's filter sidebar in a browser: facets
// with counts beside the results on a wide screen and folded above them at
// 375 px; a facet narrows the view, the ranges form filters by keyboard
// alone (dates, sizes, and the drop-downs of the access and availability
// filters), and each filter clears.
func TestBrowserRefine(t *testing.T) {
	s := newSite(t, nil)
	var dunes dam.Asset
	for _, up := range []struct{ name, creator string }{
		{"harbour.txt", "Jane Doe"}, {"boats.txt", "Jane Doe"}, {"dunes.txt", "Ann Lee"},
	} {
		a, err := s.lib.Upload(s.owner, strings.NewReader(up.name+" by the sea"), dam.UploadOptions{Name: up.name,
			Meta: &dam.Metadata{Title: "sea " + up.name, Fields: map[string]string{dam.FacetCreatorField: up.creator}}})
		require.NoError(t, err)
		dunes = a
	}
	unavailable := dam.Unavailable
	_, err := s.lib.EditAsset(s.owner, dunes.ID, dam.AssetPatch{Availability: &unavailable})
	require.NoError(t, err)
	p := s.page(t)
	p.run(chromedp.EmulateViewport(1280, 900))
	p.open("/")
	p.run(chromedp.WaitVisible(chromedp.CSS("#key")))
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	assert.Contains(t, p.text("#fh-creator + ul"), "Jane Doe 2")

	// The sidebar is open on a wide screen, beside the results (to their left).
	geometry := `(() => { const r = document.querySelector('.refine').getBoundingClientRect(),
		c = document.querySelector('.content').getBoundingClientRect();
		return [document.querySelector('details.refine-box').open, r.right <= c.left, r.bottom <= c.top + 1]; })()`
	got, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]bool](geometry))
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true, false}, got, "open, beside, not above")
	p.check("library-refine")

	// A facet narrows the view.
	p.run(chromedp.Click(chromedp.CSS(`#fh-creator + ul a`)))
	p.waitFor(`document.querySelector('h1').textContent === 'By Jane Doe'`)
	assert.Equal(t, "boats.txt harbour.txt", gridNames(p))
	assert.Contains(t, p.text(".active-filters"), "Creator: Jane Doe")

	// The size range by keyboard: type, Enter submits the form.
	p.run(chromedp.Focus(chromedp.CSS("#r-max")), chromedp.SendKeys(chromedp.CSS("#r-max"), "0.0001\r"))
	p.waitFor(`location.search.includes('max_mb=0.0001')`)
	assert.Equal(t, "boats.txt harbour.txt", gridNames(p))
	assert.Contains(t, p.text(".active-filters"), "Size: until 0.0001 MB")
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Contains(t, loc, "creator=Jane+Doe", "the ranges form keeps the facet")

	// Searching keeps the filters.
	p.run(chromedp.SendKeys(chromedp.CSS("#f-q"), "harb\r"))
	p.waitFor(`document.querySelector('h1').textContent === 'Search: harb'`)
	assert.Equal(t, "harbour.txt", gridNames(p))

	// Clear all keeps the query.
	p.run(chromedp.Click(chromedp.CSS(`.active-filters li:last-child a`)))
	p.waitFor(`!document.querySelector('.active-filters')`)
	assert.Equal(t, "harbour.txt", gridNames(p))

	// The access filters by keyboard: "Protection" set to "Protected" with
	// the arrow keys, the form sent from its button with Enter.
	p.open("/")
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.run(chromedp.Focus(chromedp.CSS("#r-pr")), chromedp.KeyEvent(kb.ArrowDown))
	p.run(chromedp.Focus(chromedp.CSS(".ranges button[type=submit]")), chromedp.KeyEvent(kb.Enter))
	p.waitFor(`location.search.includes('protected=yes')`)
	assert.Equal(t, "launch.png", gridNames(p))
	assert.Contains(t, p.text(".active-filters"), "Protected")
	// then availability, with the protection back to any: combined in one send
	p.run(chromedp.Focus(chromedp.CSS("#r-pr")), chromedp.KeyEvent(kb.ArrowUp))
	p.run(chromedp.Focus(chromedp.CSS("#r-av")), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
	p.run(chromedp.Focus(chromedp.CSS(".ranges button[type=submit]")), chromedp.KeyEvent(kb.Enter))
	p.waitFor(`location.search.includes('availability=unavailable')`)
	assert.Equal(t, "dunes.txt", gridNames(p))
	chips := p.text(".active-filters")
	assert.Contains(t, chips, "Unavailable or expired")
	assert.NotContains(t, chips, "Protected")
	// A download filter with it: the page says its counts leave it out.
	p.open("/?availability=unavailable&downloadable=yes")
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	assert.Equal(t, "dunes.txt", gridNames(p))
	assert.Contains(t, p.text(".refine"), "Counts leave out the “Access for me” filters")
	// Removing a chip clears that filter only.
	p.run(chromedp.Click(chromedp.CSS(`.active-filters li:first-child a`)))
	p.waitFor(`!location.search.includes('downloadable')`)
	chips = p.text(".active-filters")
	assert.Contains(t, chips, "Unavailable or expired")
	assert.NotContains(t, chips, "Downloadable")

	// At 375 px, the access and availability controls in the opened
	// sidebar fit the width, and a bad value names the problem.
	p.run(chromedp.EmulateViewport(375, 900))
	p.open("/?protected=no&availability=available")
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	p.run(chromedp.Click(chromedp.CSS(".refine-box summary")))
	p.waitFor(`document.querySelector('details.refine-box').open`)
	p.run(chromedp.ScrollIntoView(chromedp.CSS("#r-pr")))
	fits, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`['#r-dl','#r-pr','#r-li','#r-av','#r-ef','#r-by','#r-col'].every(
		s => { const r = document.querySelector(s).getBoundingClientRect(); return r.left >= 0 && r.right <= 375 && r.width > 100; })`))
	require.NoError(t, err)
	assert.True(t, fits, "the controls fit 375 px")
	if png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot()); assert.NoError(t, err) {
		writeShot(t, "refine-access-375.png", png)
	}
	p.check("library-refine-access")

	// At 375 px the sidebar is folded above the results; it opens.
	p.run(chromedp.EmulateViewport(375, 900))
	p.open("/?kind=document")
	p.run(chromedp.WaitVisible(chromedp.CSS("#selection")))
	got, err = chromedp.Run(p.ctx, chromedp.Evaluate[[]bool](geometry))
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false, true}, got, "folded, not beside, above")
	assert.Contains(t, p.text(".refine-box summary"), "1 on")
	p.check("library-refine-folded")
	p.run(chromedp.EmulateViewport(375, 900))
	p.run(chromedp.Click(chromedp.CSS(".refine-box summary")))
	p.waitFor(`document.querySelector('details.refine-box').open`)
	p.check("library-refine-open")

	// A bad value shows the page with the problem named (the browser
	// logs the 400, which is the only console error).
	p.open("/?min_width=wide")
	p.run(chromedp.WaitVisible(chromedp.CSS("#filter-problem")))
	assert.Contains(t, p.text("#filter-problem"), "the smallest width must be a whole number of pixels")
	p.audit("")
	errs := p.console.Errors()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "status of 400")
}

// gridNames are the names of the grid's assets, separated by spaces.
func gridNames(p *page) string {
	p.t.Helper()
	names, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.grid .name')).map(e => e.textContent.trim())`))
	require.NoError(p.t, err)
	return strings.Join(names, " ")
}

// writeShot keeps a screenshot for whoever runs the test to look at:
// in $DAMKIT_SHOTS when set, else nowhere.
func writeShot(t *testing.T, name string, png []byte) {
	if dir := os.Getenv("DAMKIT_SHOTS"); dir != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
	}
}
