package damweb

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/rendition"
)

// TestBrowserProfiles creates an export profile in Chromium through the
// owner's form, by keyboard where people would type, sees a refused value
// explained beside its field, then the profile's preview on a sample
// image with its size; the pages pass the audit.
func TestBrowserProfiles(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin?next=/profiles")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#pf-name")))
	assert.Equal(t, "Manage", p.text(`.menu a[aria-current=page]`))
	p.check("profiles")

	p.run(chromedp.SendKeys(chromedp.CSS("#pf-name"), "web"), chromedp.SendKeys(chromedp.CSS("#pf-width"), "320"),
		chromedp.SendKeys(chromedp.CSS("#pf-height"), "320"), chromedp.SetValue(chromedp.CSS("#pf-format"), "jpeg"))
	p.run(chromedp.SendKeys(chromedp.CSS("#pf-quality"), "80"),
		chromedp.Click(chromedp.CSS("#pf-wm-text")), chromedp.SendKeys(chromedp.CSS("#pf-wm-text-v"), "© Example"),
		chromedp.Click(chromedp.CSS(`.profile-form button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".profile-preview img")))
	assert.Equal(t, "Export profile “web” created.", p.text(".flash"))
	prof, err := s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 80, prof.Quality)
	assert.Equal(t, rendition.FormatJPEG, prof.Format)
	require.NotNil(t, prof.Watermark)
	assert.Equal(t, "© Example", prof.Watermark.Text)

	// The preview is the profile applied to the newest image; pick the
	// other sample and see its size.
	p.run(chromedp.SetValue(chromedp.CSS("#sample"), s.photo.ID), chromedp.Click(chromedp.CSS(`form[action="/profiles/web"][method=get] button`)))
	p.waitFor(`document.querySelector('#preview-result') && document.querySelector('#preview-result').textContent.startsWith('320 × 213 px')`)
	_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelector('.profile-preview img').complete && document.querySelector('.profile-preview img').naturalWidth === 320`))
	require.NoError(t, err)
	assert.Contains(t, p.text("#preview-result"), "image/jpeg")
	assert.Regexp(t, `^\d+(\.\d)? kB$`, p.text("#preview-bytes"))
	p.check("profile")

	// A change shows at once in the preview (never from the cache).
	p.run(chromedp.SetValue(chromedp.CSS("#pf-width"), "160"), chromedp.SetValue(chromedp.CSS("#pf-height"), "160"),
		chromedp.Click(chromedp.CSS(`.profile-form button[type=submit]`)))
	p.waitFor(`document.querySelector('.flash') && document.querySelector('#preview-result').textContent.startsWith('160 × 107 px')`)
	_, err = chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelector('.profile-preview img').complete && document.querySelector('.profile-preview img').naturalWidth === 160`))
	require.NoError(t, err)
	assert.Empty(t, p.console.Errors())

	// A value dam refuses comes back beside its field, the rest as typed;
	// the answer is a 400, the one console line of this tab.
	q := s.page(t)
	q.open("/signin?next=/profiles")
	q.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	q.run(chromedp.WaitVisible(chromedp.CSS("#pf-name")))
	q.run(chromedp.SendKeys(chromedp.CSS("#pf-name"), "print"), chromedp.SendKeys(chromedp.CSS("#pf-width"), "2000"),
		chromedp.SendKeys(chromedp.CSS("#pf-quality"), "150"), chromedp.Click(chromedp.CSS(`.profile-form button[type=submit]`)))
	q.run(chromedp.WaitVisible(chromedp.CSS("#pf-quality-err")))
	assert.Contains(t, q.text("#pf-quality-err"), "quality must be 1..100")
	invalid, err := chromedp.Run(q.ctx, chromedp.Evaluate[string](`document.querySelector('#pf-quality').getAttribute('aria-invalid') + ' ' + document.querySelector('#pf-width').value`))
	require.NoError(t, err)
	assert.Equal(t, "true 2000", invalid)
	focused, err := chromedp.Run(q.ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "pf-quality", focused, "the field in error has the focus, for the keyboard")
	errs := q.console.Errors()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0], "400 (Bad Request)")
	q.audit("profiles-error")
	_, err = s.lib.Profile(s.owner, "print")
	assert.Error(t, err, "nothing was made")
}

// TestBrowserCategoriesAndLicences walks the two other Manage pages in
// Chromium: a category added and renamed by keyboard, a licence published
// and shown with where it applies; each page passes the audit.
func TestBrowserCategoriesAndLicences(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin?next=/categories")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#c-name")))
	p.run(chromedp.SendKeys(chromedp.CSS("#c-name"), "Places\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	p.run(chromedp.SendKeys(chromedp.CSS("#c-name"), "Beaches"), chromedp.SetValue(chromedp.CSS("#c-parent"), s.categoryID(t, "Places")),
		chromedp.Click(chromedp.CSS(`form[action="/categories"] button`)))
	p.waitFor(`document.querySelectorAll('.cat-tree > li').length === 2`)
	_, err := s.lib.AddToCategory(s.owner, s.categoryID(t, "Beaches"), []string{s.photo.ID})
	require.NoError(t, err)
	p.open("/categories")
	p.run(chromedp.WaitVisible(chromedp.CSS(".cat-tree")))
	assert.Contains(t, p.text("#cat-"+s.categoryID(t, "Places")), "0 assets directly · 1 asset with its 1 subcategory")
	p.check("categories")
	beaches := s.categoryID(t, "Beaches")
	p.run(chromedp.Click(chromedp.CSS("#cat-"+beaches+" summary")), chromedp.SetValue(chromedp.CSS("#rn-"+beaches), "Coast"),
		chromedp.Click(chromedp.CSS(`#cat-`+beaches+` form[action$="`+beaches+`"] button`)))
	p.waitFor(`document.querySelector('.flash') && document.querySelector('.flash').textContent.includes('Coast')`)

	p.open("/licences")
	p.run(chromedp.WaitVisible(chromedp.CSS("#l-title")))
	p.run(chromedp.SendKeys(chromedp.CSS("#l-title"), "Press"), chromedp.SendKeys(chromedp.CSS("#l-text"), "Editorial use only.\nCredit the photographer."),
		chromedp.Click(chromedp.CSS(`form[action="/licences"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#uses-h")))
	ls, err := s.lib.Licences(s.owner)
	require.NoError(t, err)
	require.Len(t, ls, 1)
	_, err = s.lib.SetFolderLicence(s.owner, s.private.ID, ls[0].ID)
	require.NoError(t, err)
	p.open("/licences/" + ls[0].ID)
	p.run(chromedp.WaitVisible(chromedp.CSS(".uses")))
	assert.Contains(t, p.text(".uses"), "Embargo")
	p.check("licence")
	p.open("/licences")
	p.run(chromedp.WaitVisible(chromedp.CSS("table.list")))
	p.check("licences")
}

// categoryID returns the ID of the category named name.
func (s *site) categoryID(t *testing.T, name string) string {
	t.Helper()
	cs, err := s.lib.Categories(s.owner)
	require.NoError(t, err)
	for _, c := range cs {
		if c.Name == name {
			return c.ID
		}
	}
	require.Failf(t, "no such category", "%s", name)
	return ""
}
