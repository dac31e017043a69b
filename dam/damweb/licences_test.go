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

func TestLicencesPublishChangeUseDelete(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	resp, body := b.get("/licences")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "No licences yet")

	// Refusals come back beside their field, the form as typed.
	resp, body = b.post("/licences", url.Values{"title": {" "}, "text": {"Editorial use only."}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `<span class="field-error" id="l-title-err">a licence needs a title</span>`)
	assert.Contains(t, body, ">Editorial use only.</textarea>")
	resp, body = b.post("/licences", url.Values{"title": {"Press"}, "text": {"bad \x01 text"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, `id="l-text-err">licence text contains a control character`)

	resp, _ = b.post("/licences", url.Values{"title": {"Press"}, "text": {"Editorial use only."}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	ls, err := s.lib.Licences(s.owner)
	require.NoError(t, err)
	require.Len(t, ls, 1)
	lic := ls[0]
	assert.Equal(t, "/licences/"+lic.ID, resp.Header.Get("Location"))
	resp, body = b.post("/licences", url.Values{"title": {"Press"}, "text": {"Again."}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, `id="l-title-err"`)

	resp, body = b.get("/licences/" + lic.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Set nowhere in your domains")
	assert.Contains(t, body, `name="version" value="1"`)

	// Set it on a folder and an asset: the page lists them; deletion is
	// refused with dam's reason.
	_, err = s.lib.SetFolderLicence(s.owner, s.private.ID, lic.ID)
	require.NoError(t, err)
	_, err = s.lib.SetAssetLicence(s.owner, s.photo.ID, lic.ID)
	require.NoError(t, err)
	resp, body = b.get("/licences/" + lic.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `<a href="/?folder=`+s.private.ID+`">Embargo</a>`)
	assert.Contains(t, body, `<a href="/assets/`+s.photo.ID+`">sunrise.png</a>`)
	resp, body = b.post("/licences/"+lic.ID+"/delete", nil)
	require.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	assert.Contains(t, body, `id="delete-err">licence `+lic.ID+` is still set on a folder or an asset`)

	// A new text publishes version 2; a form read at version 1 after that
	// is not saved over it.
	resp, _ = b.post("/licences/"+lic.ID, url.Values{"title": {"Press"}, "text": {"Editorial use, with credit."}, "version": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	got, err := s.lib.Licence(s.owner, lic.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version)
	resp, body = b.post("/licences/"+lic.ID, url.Values{"title": {"Press"}, "text": {"Stale."}, "version": {"1"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, body, "Someone published version 2 meanwhile")
	got, err = s.lib.Licence(s.owner, lic.ID)
	require.NoError(t, err)
	assert.Equal(t, "Editorial use, with credit.", got.Text)

	_, err = s.lib.SetFolderLicence(s.owner, s.private.ID, "")
	require.NoError(t, err)
	_, err = s.lib.SetAssetLicence(s.owner, s.photo.ID, "")
	require.NoError(t, err)
	resp, _ = b.post("/licences/"+lic.ID+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, err = s.lib.Licence(s.owner, lic.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}

// Owners who do not administer read licences and where they apply in
// their own domains; other people find no page, as for an absent licence.
func TestLicencesWhoSeesWhat(t *testing.T) {
	s := newSite(t, nil)
	lic, err := s.lib.CreateLicence(s.owner, "Press", "Editorial use only.")
	require.NoError(t, err)
	_, err = s.lib.SetAssetLicence(s.owner, s.photo.ID, lic.ID)
	require.NoError(t, err)
	stranger := s.signIn(t, "stranger")
	resp, body := stranger.get("/licences/" + lic.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "sunrise.png", "another domain's asset is not named")
	assert.Contains(t, body, "Only administrators change licences")
	assert.False(t, strings.Contains(body, `action="/licences/`+lic.ID+`"`))
	resp, _ = stranger.post("/licences/"+lic.ID, url.Values{"title": {"Mine"}, "text": {"x"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		for _, path := range []string{"/licences", "/licences/" + lic.ID} {
			resp, _ := b.get(path)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s %s", role, path)
		}
	}
}
