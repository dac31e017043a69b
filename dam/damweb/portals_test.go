package damweb

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// onlyPortal returns the one portal of the owner.
func (s *site) onlyPortal(t testing.TB) dam.Portal {
	t.Helper()
	ps, err := s.lib.Portals(s.owner)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	return ps[0]
}

// settingsForm is a full settings form.
func settingsForm(slug, title, mode string, assets ...string) url.Values {
	return url.Values{"slug": {slug}, "title": {title}, "description": {"For the press"}, "mode": {mode},
		"enabled": {"1"}, "asset": assets}
}

func TestPortalCreateEditPreview(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	resp, body := b.get("/portals")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "You have no portals yet")
	assert.Contains(t, body, `href="/portals" aria-current="page"`, "owners have the menu entry")

	// Create: unpublished at first.
	resp, _ = b.post("/portals", url.Values{"slug": {"press-kit"}, "title": {"Press kit"}, "mode": {"request"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p := s.onlyPortal(t)
	page := "/portals/" + p.ID
	assert.Equal(t, page, resp.Header.Get("Location"))
	assert.False(t, p.Enabled)
	assert.Equal(t, dam.PortalRequest, p.Mode)
	_, err := s.lib.PortalPage(t.Context(), "press-kit")
	assert.Equal(t, dam.NotFound, dam.KindOf(err), "not published yet")

	_, body = b.get(page)
	for _, want := range []string{"not yet published", "not published", "No assets yet", "There are no files in this portal right now",
		"0 page opens · 0 requests · 0 downloads", "Nothing in the last 30 days yet", `<desc id="chart-desc">`} {
		assert.Contains(t, body, want)
	}

	// Find assets to add: the search offers them unticked.
	_, body = b.get(page + "?q=sunrise")
	assert.Contains(t, body, "1 asset found for “sunrise”")
	assert.Regexp(t, `<input type="checkbox" name="asset" value="`+s.photo.ID+`">`, body)

	// Save: the assets, a licence, published; the preview shows the visitor page.
	lic, err := s.lib.CreateLicence(s.owner, "Press use", "Editorial use only.")
	require.NoError(t, err)
	c, err := s.lib.CreateCollection(s.owner, "Launch", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(s.owner, c.ID, []dam.CollectionItem{{AssetID: s.secret.ID}})
	require.NoError(t, err)
	form := settingsForm("press-kit", "Press kit 2026", "auto_approve", s.photo.ID)
	form.Set("licence", lic.ID)
	form.Set("collection", c.ID)
	resp, _ = b.post(page, form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p = s.onlyPortal(t)
	assert.Equal(t, "Press kit 2026", p.Title)
	assert.Equal(t, dam.PortalAutoApprove, p.Mode)
	assert.Equal(t, lic.ID, p.Licence)
	assert.Equal(t, []string{s.photo.ID}, p.AssetIDs)
	assert.Equal(t, []string{c.ID}, p.CollectionIDs)
	assert.True(t, p.Enabled)

	_, body = b.get(page)
	for _, want := range []string{"Saved.", "Approved at once", `<code>/p/press-kit</code>`, "2 files shown", `href="/p/press-kit"`,
		"sunrise.png", "launch.png", "Licence: Press use", "lets the visitor download at once", "Request access"} {
		assert.Contains(t, body, want)
	}
	assert.Regexp(t, `<option value="`+lic.ID+`" selected>Press use`, body)
	assert.Regexp(t, `<input type="checkbox" name="collection" value="`+c.ID+`" checked>`, body)
	_, list := b.get("/portals")
	assert.Contains(t, list, `<a href="`+page+`">Press kit 2026</a>`)
	assert.Contains(t, list, "published")

	// Open downloads: the preview says the licence comes first.
	form.Set("mode", "open")
	resp, _ = b.post(page, form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get(page)
	assert.Contains(t, body, "Accept the licence, then download")

	// Unpublish from the form (the box unticked).
	form.Del("enabled")
	resp, _ = b.post(page, form)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.False(t, s.onlyPortal(t).Enabled)

	// Delete.
	resp, _ = b.post(page+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/portals", resp.Header.Get("Location"))
	resp, _ = b.get(page)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestPortalFormProblems(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	_, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "taken", Title: "Taken"})
	require.NoError(t, err)
	for name, c := range map[string]struct {
		form   url.Values
		status int
		msg    string
	}{
		"bad slug":   {url.Values{"slug": {"Not OK!"}, "title": {"T"}, "mode": {"open"}}, http.StatusBadRequest, "slug must be 3 to 64"},
		"slug taken": {url.Values{"slug": {"taken"}, "title": {"T"}, "mode": {"open"}}, http.StatusConflict, `slug &#34;taken&#34; is taken`},
		"no title":   {url.Values{"slug": {"fine-slug"}, "title": {"  "}, "mode": {"open"}}, http.StatusBadRequest, "title must be"},
		"bad mode":   {url.Values{"slug": {"fine-slug"}, "title": {"T"}, "mode": {"sometimes"}}, http.StatusBadRequest, "mode must be"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := b.post("/portals", c.form)
			assert.Equal(t, c.status, resp.StatusCode)
			assert.Contains(t, body, c.msg)
			assert.Contains(t, body, `role="alert"`)
			assert.Contains(t, body, `value="`+html.EscapeString(c.form.Get("slug"))+`"`, "what was typed stays")
		})
	}

	// The settings form keeps what was typed too, and saves nothing.
	other, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "other", Title: "Other"})
	require.NoError(t, err)
	resp, body := b.post("/portals/"+other.ID, settingsForm("taken", "Renamed", "open", s.photo.ID))
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, `value="Renamed"`)
	assert.Regexp(t, `name="asset" value="`+s.photo.ID+`" checked`, body)
	got, err := s.lib.Portal(s.owner, other.ID)
	require.NoError(t, err)
	assert.Equal(t, "Other", got.Title)

	// Hostile text is escaped, in the form and in the preview.
	resp, _ = b.post("/portals/"+other.ID, settingsForm("other", `<script>alert(1)</script>`, "open"))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = b.get("/portals/" + other.ID)
	assert.NotContains(t, body, "<script>alert")
	assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")

	// Too many assets in one form.
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("%026d", i)
	}
	resp, _ = b.post("/portals/"+other.ID, settingsForm("other", "Other", "open", many...))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestPortalsAreForOwners(t *testing.T) {
	s := newSite(t, nil)
	p, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{s.photo.ID}})
	require.NoError(t, err)
	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		_, home := b.get("/")
		assert.NotContains(t, home, `href="/portals"`, "%s: no menu entry", role)
		for _, path := range []string{"/portals", "/portals/" + p.ID} {
			resp, _ := b.get(path)
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s", role, path)
		}
		resp, _ := b.post("/portals", url.Values{"slug": {"mine"}, "title": {"Mine"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	}
	// Signed out: the sign-in page.
	resp, _ := s.browser(t).get("/portals/" + p.ID)
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "/signin"))
}

func TestPortalUsageChart(t *testing.T) {
	s := newSite(t, nil)
	p, err := s.lib.CreatePortal(s.owner, dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{s.photo.ID},
		Mode: dam.PortalAutoApprove})
	require.NoError(t, err)
	for range 3 {
		_, err = s.lib.PortalPage(t.Context(), "press-kit")
		require.NoError(t, err)
	}
	res, err := s.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	d, err := s.lib.PortalOpen(t.Context(), "press-kit", res.VisitorToken, s.photo.ID)
	require.NoError(t, err)
	require.NoError(t, d.Close())

	b := s.signIn(t, "owner")
	_, body := b.get("/portals/" + p.ID)
	assert.Contains(t, body, "3 page opens · 1 request · 1 download")
	today := s.lib.Now().UTC().Format("2 Jan 2006")
	assert.Contains(t, body, "<title>"+today+": 3 opens</title>")
	assert.Contains(t, body, "<title>"+today+": 1 download</title>")
	assert.Contains(t, body, "In total: 3 opens, 1 request, 1 download.")
	assert.Contains(t, body, `<tr><th scope="row">`+today+`</th><td>3</td><td>1</td><td>1</td></tr>`)
	assert.Contains(t, body, `<tr><th scope="row">sunrise.png</th><td>1</td><td>1</td></tr>`)
	assert.Regexp(t, `<tr><th scope="row">vi@example.org</th><td>1</td><td>1</td><td>`, body)
	assert.Equal(t, 3, len(regexp.MustCompile(`<rect class="bar-`).FindAllString(body, -1)), "three bars: one day, three counts")
}

func TestUsageChartLayout(t *testing.T) {
	days := make([]dam.DayUsage, 30)
	for i := range days {
		days[i].Day = "2026-03-" + []string{"0", "1", "2", "3"}[(i+1)/10] + string(rune('0'+(i+1)%10))
	}
	days[29] = dam.DayUsage{Day: "2026-03-30", Opens: 7, Requests: 2, Downloads: 1}
	c := newUsageChart(days)
	assert.False(t, c.Empty)
	require.Len(t, c.Bars, 3)
	tallest := c.Bars[0]
	assert.InDelta(t, c.Base-tallest.Y, tallest.H, 1e-9)
	assert.Less(t, tallest.X+tallest.W, c.Right+1e-9, "inside the plot")
	assert.Equal(t, []string{"0", "5", "10"}, []string{c.YTicks[0].Label, c.YTicks[1].Label, c.YTicks[2].Label}, "a round scale over 7")
	assert.Equal(t, "30 Mar", c.XTicks[len(c.XTicks)-1].Label)
	assert.Equal(t, "Portal usage per day, 1 Mar to 30 Mar 2026", c.Title)
	assert.True(t, newUsageChart(make([]dam.DayUsage, 30)).Empty)
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 7: 10, 11: 20, 99: 100, 101: 200} {
		assert.Equal(t, want, niceCeiling(n), "%d", n)
	}
}
