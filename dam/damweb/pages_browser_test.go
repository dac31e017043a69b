package damweb

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestBrowserCollectionsTrashInboxAccount walks the collections, trash,
// notifications and account pages in Chromium, each with content and
// empty, through their forms: every page passes the audit (labels,
// contrast, 375 px) without console errors or CSP violations.
func TestBrowserCollectionsTrashInboxAccount(t *testing.T) {
	s := newSite(t, &dam.Options{Links: Links("http://dam.example")})
	_, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "web", Width: 32, Height: 32})
	require.NoError(t, err)
	_, err = s.lib.RequestDownload(s.as(t, "viewer"), dam.NewRequest{AssetIDs: []string{s.secret.ID}, Reason: "deck"})
	require.NoError(t, err)
	p := s.page(t)
	p.open("/signin?next=/collections")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#c-name")))
	p.check("collections-empty")

	// Create a collection by its form, fill it from the library, give an
	// item a format of its own.
	p.run(chromedp.SendKeys(chromedp.CSS("#c-name"), "Launch picks"), chromedp.Click(chromedp.CSS(`form[action="/collections"] button`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Launch picks", p.text("h1"))
	p.check("")
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	require.NoError(t, err)
	id := loc[strings.LastIndex(loc, "/")+1:]
	_, err = s.lib.AddToCollection(s.owner, id, []dam.CollectionItem{{AssetID: s.photo.ID}, {AssetID: s.secret.ID}})
	require.NoError(t, err)
	p.open("/collections/" + id)
	p.run(chromedp.WaitVisible(chromedp.CSS("#fmt-" + s.photo.ID)))
	p.run(chromedp.SetValue(chromedp.CSS("#fmt-"+s.photo.ID), "web"), chromedp.Click(chromedp.CSS(`button[formaction$="/items/profile"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Formats saved.", p.text(".flash"))
	p.check("collection")
	c, err := s.lib.Collection(s.owner, id)
	require.NoError(t, err)
	assert.Equal(t, "web", c.Items[0].Profile)

	// The trash, with a deletion and after restoring it.
	p.open("/trash")
	p.run(chromedp.WaitVisible(chromedp.CSS(".empty")))
	p.check("")
	require.NoError(t, s.lib.Delete(s.owner, s.photo.ID))
	p.open("/trash")
	p.run(chromedp.WaitVisible(chromedp.CSS(`button[aria-label="Restore sunrise.png"]`)))
	p.check("trash")
	p.run(chromedp.Click(chromedp.CSS(`button[aria-label="Restore sunrise.png"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Contains(t, p.text(".flash"), "is back in the library")

	// The inbox: the viewer's request, then read.
	p.open("/notifications")
	p.run(chromedp.WaitVisible(chromedp.CSS(".inbox")))
	assert.Equal(t, "1", p.text(`a[href="/notifications"] .badge`))
	p.check("notifications")
	p.run(chromedp.Click(chromedp.CSS(`button[name=all]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Marked 1 notification read.", p.text(".flash"))
	p.open("/notifications?unread=1")
	p.run(chromedp.WaitVisible(chromedp.CSS(".empty")))
	p.check("")

	// My account: a new key, shown once.
	p.open("/account")
	p.run(chromedp.WaitVisible(chromedp.CSS("#key-name")))
	p.check("account")
	p.run(chromedp.SendKeys(chromedp.CSS("#key-name"), "laptop script\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#newkey")))
	key, err := chromedp.Run(p.ctx, chromedp.Value(chromedp.CSS("#newkey")))
	require.NoError(t, err)
	_, err = s.lib.Authenticate(t.Context(), key)
	require.NoError(t, err)
	p.check("")
	p.run(chromedp.Click(chromedp.CSS(`button[aria-label="Sign out of this browser"]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS("#key")))
	assert.Contains(t, p.text(".flash"), "You are signed out")
	assert.Empty(t, p.console.Errors())
}
