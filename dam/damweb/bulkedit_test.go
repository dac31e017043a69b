package damweb

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestBulkEditDetails: "change details" of a selection replaces what is
// filled in on every selected asset, in one call, and leaves the rest.
func TestBulkEditDetails(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	_, err := s.lib.EditAsset(s.owner, s.secret.ID, dam.AssetPatch{Description: ptr("kept")})
	require.NoError(t, err)
	resp, _ := ed.post("/selection", url.Values{"action": {"edit"}, "id": {s.photo.ID, s.secret.ID}, "back": {"/"},
		"bulk_title": {"Spring launch"}, "bulk_keywords": {"launch, spring"}, "bulk_field_name": {"client"}, "bulk_field_value": {"Acme"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body := ed.get("/")
	assert.Contains(t, body, "Details of 2 assets changed.")
	for _, id := range []string{s.photo.ID, s.secret.ID} {
		a, err := s.lib.Asset(s.owner, id)
		require.NoError(t, err)
		assert.Equal(t, "Spring launch", a.Meta.Title)
		assert.Equal(t, []string{"launch", "spring"}, a.Meta.Keywords)
		assert.Equal(t, "Acme", a.Meta.Fields["client"])
	}
	a, err := s.lib.Asset(s.owner, s.secret.ID)
	require.NoError(t, err)
	assert.Equal(t, "kept", a.Meta.Description, "a blank field changes nothing")

	resp, body = ed.post("/selection", url.Values{"action": {"edit"}, "id": {s.photo.ID}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "fill in at least one detail")

	v := s.signIn(t, "viewer")
	resp, _ = v.post("/selection", url.Values{"action": {"edit"}, "id": {s.photo.ID}, "bulk_title": {"mine"}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	a, err = s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, "Spring launch", a.Meta.Title)
}

// TestAssetPageCustomFields: editors add, change and remove custom fields
// in place.
func TestAssetPageCustomFields(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	page := "/assets/" + s.photo.ID
	resp, _ := ed.post(page, url.Values{"new_field_name": {"photographer"}, "new_field_value": {"Ana"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body := ed.get(page)
	assert.Contains(t, body, `name="field.photographer" value="Ana"`)

	resp, _ = ed.post(page, url.Values{"field.photographer": {"Ana Lima"}, "new_field_name": {"licence"}, "new_field_value": {"CC BY"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"photographer": "Ana Lima", "licence": "CC BY"}, a.Meta.Fields)

	resp, _ = ed.post(page, url.Values{"field.licence": {""}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	a, err = s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"photographer": "Ana Lima"}, a.Meta.Fields, "a cleared field is removed")
}
