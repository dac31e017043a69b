package damweb

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestCategoriesTreeCountsAndChanges(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	resp, body := b.get("/categories")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "No categories yet")

	resp, _ = b.post("/categories", url.Values{"name": {"Places"}, "parent": {""}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	cs, err := s.lib.Categories(s.owner)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	places := cs[0]
	resp, _ = b.post("/categories", url.Values{"name": {"Beaches"}, "parent": {places.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.post("/categories", url.Values{"name": {"Events"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var beaches, events dam.Category
	cs, err = s.lib.Categories(s.owner)
	require.NoError(t, err)
	for _, c := range cs {
		switch c.Name {
		case "Beaches":
			beaches = c
		case "Events":
			events = c
		}
	}
	require.Equal(t, places.ID, beaches.ParentID)
	_, err = s.lib.AddToCategory(s.owner, beaches.ID, []string{s.photo.ID, s.other.ID})
	require.NoError(t, err)
	_, err = s.lib.AddToCategory(s.owner, places.ID, []string{s.secret.ID})
	require.NoError(t, err)

	resp, body = b.get("/categories")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "1 asset directly · 3 assets with its 1 subcategory", "Places")
	assert.Contains(t, body, "· <a href=\"/?category="+beaches.ID+"\">Beaches</a>", "indented under Places")
	assert.Contains(t, body, "2 assets directly", "Beaches")
	// Places cannot move into itself or under Beaches.
	moves := regexp.MustCompile(`(?s)<select id="mv-` + places.ID + `".*?</select>`).FindString(body)
	assert.NotContains(t, moves, beaches.ID)
	assert.NotContains(t, moves, `value="`+places.ID+`"`)
	assert.Contains(t, moves, events.ID)
	assert.Regexp(t, `disabled aria-describedby="del-`+places.ID+`-why"`, body, "a category with subcategories cannot be deleted")

	// Rename, move, refuse a duplicate name beside its form, delete.
	resp, _ = b.post("/categories/"+beaches.ID, url.Values{"name": {"Coast"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = b.post("/categories/"+beaches.ID, url.Values{"parent": {events.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c, err := s.lib.Category(s.owner, beaches.ID)
	require.NoError(t, err)
	assert.Equal(t, "Coast", c.Name)
	assert.Equal(t, events.ID, c.ParentID)
	resp, body = b.post("/categories", url.Values{"name": {"Events"}})
	require.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Regexp(t, `<p class="field-error" id="c-name-err" role="alert">[^<]*Events`, body)
	assert.Contains(t, body, `value="Events" aria-invalid="true"`)
	resp, body = b.post("/categories/"+events.ID+"/delete", nil)
	require.Equal(t, http.StatusPreconditionFailed, resp.StatusCode, "Events holds Coast")
	assert.Regexp(t, `(?s)id="cat-`+events.ID+`".*<p class="field-error" role="alert">[^<]+</p>\s*<details open>`, body)
	resp, _ = b.post("/categories/"+places.ID+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, err = s.lib.Category(s.owner, places.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	_, err = s.lib.Asset(s.owner, s.secret.ID)
	assert.NoError(t, err, "deleting a category keeps its assets")
	resp, _ = b.post("/categories/"+s.photo.ID, url.Values{"name": {"x"}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// A category holding another domain's assets is changed by an
// administrator only: the stranger (owner of domain c) is told so; others
// than owners find no page.
func TestCategoriesWhoChangesWhat(t *testing.T) {
	s := newSite(t, nil)
	c, err := s.lib.CreateCategory(s.owner, "Campaign", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCategory(s.owner, c.ID, []string{s.photo.ID})
	require.NoError(t, err)
	stranger := s.signIn(t, "stranger")
	resp, body := stranger.get("/categories")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "0 assets directly", "the stranger's count leaves out what it cannot see")
	resp, _ = stranger.post("/categories/"+c.ID, url.Values{"name": {"Mine"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		resp, _ := b.get("/categories")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, role)
		resp, _ = b.post("/categories", url.Values{"name": {"x"}})
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, role)
	}
	got, err := s.lib.Category(s.owner, c.ID)
	require.NoError(t, err)
	assert.Equal(t, "Campaign", got.Name)
}
