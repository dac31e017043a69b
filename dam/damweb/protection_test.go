package damweb

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestAssetProtection(t *testing.T) {
	s := newSite(t, nil)
	o := s.signIn(t, "owner")
	page := "/assets/" + s.secret.ID
	resp, body := o.get(page)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Download protection")
	assert.Contains(t, body, "Protected</strong>: inherited from the folder “Embargo”.")
	assert.Regexp(t, `id="prot-inherit"[^>]*checked`, body)

	resp, _ = o.post(page+"/protection", url.Values{"protection": {"unprotected"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, page+"#protect-h", resp.Header.Get("Location"))
	_, body = o.get(page)
	assert.Contains(t, body, "Now unprotected.")
	assert.Contains(t, body, "Not protected</strong>: set on this asset.")
	assert.Regexp(t, `id="prot-unprotected"[^>]*checked`, body)
	a, err := s.lib.Asset(s.owner, s.secret.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.Unprotected, a.Protection)
	v := s.signIn(t, "viewer")
	resp, _ = v.get(page + "/download")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the asset's own setting wins over its folder")

	_, body = o.get("/assets/" + s.photo.ID)
	assert.Contains(t, body, "Not protected</strong>: no folder decides, so the library’s default applies")

	resp, body = o.post(page+"/protection", url.Values{"protection": {"sometimes"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "protection must be inherit, protected or unprotected")

	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		_, body := b.get(page)
		assert.NotContains(t, body, "Download protection", role)
		resp, body := b.post(page+"/protection", url.Values{"protection": {"protected"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, role)
		assert.Contains(t, body, "only owners change protection", role)
	}
	a, err = s.lib.Asset(s.owner, s.secret.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.Unprotected, a.Protection, "nothing changed")
}

func TestFolderSettingsPage(t *testing.T) {
	s := newSite(t, nil)
	sub, err := s.lib.CreateFolder(s.owner, "Drafts", s.private.ID, "")
	require.NoError(t, err)
	o := s.signIn(t, "owner")

	_, body := o.get("/?folder=" + s.private.ID)
	assert.Contains(t, body, `href="/folders/`+s.private.ID+`"`, "owners reach the folder's settings from the library")
	resp, body := o.get("/folders/" + s.private.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<h1>Embargo: settings</h1>")
	assert.Contains(t, body, "Protected</strong>: set on this folder.")
	assert.Regexp(t, `id="prot-protected"[^>]*checked`, body)
	_, body = o.get("/folders/" + sub.ID)
	assert.Contains(t, body, "Protected</strong>: inherited from the folder “Embargo”.")
	assert.Contains(t, body, `<li><a href="/?folder=`+s.private.ID+`">Embargo</a></li><li><a href="/?folder=`+sub.ID+`">Drafts</a></li>`)

	resp, _ = o.post("/folders/"+s.private.ID+"/protection", url.Values{"protection": {"inherit"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/folders/"+s.private.ID, resp.Header.Get("Location"))
	_, body = o.get("/folders/" + sub.ID)
	assert.Contains(t, body, "Not protected</strong>: no folder decides, so the library’s default applies")
	f, err := s.lib.Folder(s.owner, s.private.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.Inherit, f.Protection)
	resp, body = o.post("/folders/"+s.private.ID+"/protection", url.Values{})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "protection must be inherit, protected or unprotected")

	// Editors and viewers: the page reads as absent, and dam refuses the change.
	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		_, lib := b.get("/?folder=" + s.private.ID)
		assert.NotContains(t, lib, `href="/folders/`, role)
		resp, body := b.get("/folders/" + s.private.ID)
		_, absent := b.get("/no-such-page")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, role)
		assert.Equal(t, absent, body, role)
		resp, _ = b.post("/folders/"+s.private.ID+"/protection", url.Values{"protection": {"protected"}})
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, role)
	}
	// An owner of another domain: the folder reads exactly as one that
	// does not exist, on the page and for the change.
	const missing = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	st := s.signIn(t, "stranger")
	for _, tc := range []struct{ method, path string }{{"GET", "/folders/{id}"}, {"POST", "/folders/{id}/protection"}} {
		r1, b1 := st.do(tc.method, strings.ReplaceAll(tc.path, "{id}", s.private.ID), url.Values{"protection": {"unprotected"}})
		r2, b2 := st.do(tc.method, strings.ReplaceAll(tc.path, "{id}", missing), url.Values{"protection": {"unprotected"}})
		assert.Equal(t, http.StatusNotFound, r1.StatusCode, tc.path)
		assert.Equal(t, r2.StatusCode, r1.StatusCode, tc.path)
		assert.Equal(t, strings.ReplaceAll(b2, missing, "ID"), strings.ReplaceAll(b1, s.private.ID, "ID"), tc.path)
	}
	f, err = s.lib.Folder(s.owner, s.private.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.Inherit, f.Protection, "nothing changed")
}
