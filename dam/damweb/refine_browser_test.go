package damweb

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestBrowserRefine: the library's filter sidebar in a browser: facets
// with counts beside the results on a wide screen and folded above them at
// 375 px; a facet narrows the view, the ranges form filters by keyboard
// alone, and each filter clears.
func TestBrowserRefine(t *testing.T) {
	s := newSite(t, nil)
	for _, up := range []struct{ name, creator string }{
		{"harbour.txt", "Jane Doe"}, {"boats.txt", "Jane Doe"}, {"dunes.txt", "Ann Lee"},
	} {
		_, err := s.lib.Upload(s.owner, strings.NewReader(up.name+" by the sea"), dam.UploadOptions{Name: up.name,
			Meta: &dam.Metadata{Title: "sea " + up.name, Fields: map[string]string{dam.FacetCreatorField: up.creator}}})
		require.NoError(t, err)
	}
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
	assert.Empty(t, p.console.Errors())
}

// gridNames are the names of the grid's assets, separated by spaces.
func gridNames(p *page) string {
	p.t.Helper()
	names, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.grid .name')).map(e => e.textContent.trim())`))
	require.NoError(p.t, err)
	return strings.Join(names, " ")
}
