package damweb

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// TestBrowserSettings changes the usage settings in Chromium through the
// form an owner sees; the page passes the audit and refuses, in words,
// to leave a domain's requests with nobody to receive them.
func TestBrowserSettings(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin?next=/settings")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#s-validity")))
	p.check("settings")

	p.run(chromedp.Click(chromedp.CSS("#s-protect")), chromedp.Click(chromedp.CSS("#s-shares")),
		chromedp.SetValue(chromedp.CSS("#s-validity"), "14"), chromedp.Click(chromedp.CSS(`.settings button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Settings saved.", p.text(".flash"))
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	assert.True(t, st.ProtectByDefault)
	assert.True(t, st.SharesEnabled)
	assert.Equal(t, 14*24*time.Hour, st.GrantValidity)
	assert.False(t, st.CustomRenditions.Enabled)

	// Renditions on request, on a fresh page (no flash yet).
	p.open("/settings")
	p.run(chromedp.WaitVisible(chromedp.CSS("#s-custom")))
	p.run(chromedp.Click(chromedp.CSS("#s-custom")), chromedp.Click(chromedp.CSS("#fmt-tiff")),
		chromedp.SetValue(chromedp.CSS("#s-custom-pixels"), "4000000"), chromedp.Click(chromedp.CSS(`.settings button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	st, err = s.lib.Settings(s.owner)
	require.NoError(t, err)
	assert.True(t, st.CustomRenditions.Enabled)
	assert.Equal(t, int64(4_000_000), st.CustomRenditions.MaxPixels)
	assert.Equal(t, []rendition.Format{"jpeg", "png", "webp", "tiff"}, st.CustomRenditions.Formats)

	// Unticking the only owner of domain c is refused with the reason.
	p.run(chromedp.Click(chromedp.CSS("#rcpt-"+s.userID(t, "stranger@example.com"))), chromedp.Click(chromedp.CSS(`.settings button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".problem")))
	assert.Contains(t, p.text("main"), "keep at least one owner of domain c")

}

// TestBrowserProtection sets protection on the folder settings page and
// on an asset page in Chromium; both say what it resolves to and why.
func TestBrowserProtection(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin?next=/?folder=" + s.private.ID)
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS(`a[href="/folders/` + s.private.ID + `"]`)))
	p.run(chromedp.Click(chromedp.CSS(`a[href="/folders/` + s.private.ID + `"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#prot-inherit")))
	assert.Contains(t, p.text("#protect-now"), "set on this folder")
	p.check("folder-settings")
	p.run(chromedp.Click(chromedp.CSS("#prot-unprotected")), chromedp.Click(chromedp.CSS(`form[action$="/protection"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "“Embargo”: Now unprotected.", p.text(".flash"))
	assert.Contains(t, p.text("#protect-now"), "Not protected")

	p.open("/assets/" + s.secret.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#prot-protected")))
	assert.Contains(t, p.text("#protect-now"), "inherited from the folder “Embargo”")
	p.check("asset-protection")
	p.run(chromedp.Click(chromedp.CSS("#prot-protected")), chromedp.Click(chromedp.CSS(`form[action$="/protection"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "🔒 Protected: set on this asset.", p.text("#protect-now"))
	a, err := s.lib.Asset(s.owner, s.secret.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.Protected, a.Protection)
	assert.Empty(t, p.console.Errors())
}

// TestBrowserPeople adds a person with a key, changes their role and
// disables them in Chromium; the list and the person's page pass the
// audit.
func TestBrowserPeople(t *testing.T) {
	s := newSite(t, nil)
	p := s.page(t)
	p.open("/signin?next=/people")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#p-email")))
	p.check("people")

	p.run(chromedp.SendKeys(chromedp.CSS("#p-email"), "nina@example.com"), chromedp.SendKeys(chromedp.CSS("#p-name"), "Nina"),
		chromedp.SetValue(chromedp.CSS("#p-role"), "editor"), chromedp.Click(chromedp.CSS(`button[value=key]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#newkey")))
	assert.Contains(t, p.text("#newkey-h"), "nina@example.com was added")
	p.run(chromedp.Click(chromedp.CSS(`a[href^="/people/"][href$="` + s.userID(t, "nina@example.com") + `"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#u-role")))
	p.check("person")
	p.run(chromedp.SetValue(chromedp.CSS("#u-role"), "viewer"), chromedp.Click(chromedp.CSS(`section[aria-labelledby=edit-h] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Saved.", p.text(".flash"))
	p.run(chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("h1 .tag")))
	assert.Contains(t, p.text(".flash"), "is disabled")
	u, err := s.lib.User(s.owner, s.userID(t, "nina@example.com"))
	require.NoError(t, err)
	assert.Equal(t, dam.RoleViewer, u.Role)
	assert.NotNil(t, u.DisabledAt)
	assert.Empty(t, p.console.Errors())
}
