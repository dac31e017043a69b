package damhttp_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestEditorsCannotMoveAssetsOutOfProtection is the case: an
// editor moved an asset out of a protected folder, and a viewer without a
// grant downloaded it (403 → 200).
func TestEditorsCannotMoveAssetsOutOfProtection(t *testing.T) {
	c := newAPI(t, nil)
	newUser := func(email, role string) *api {
		var u struct {
			APIKey string `json:"api_key"`
		}
		c.json("POST", "/api/v1/users", map[string]any{"email": email, "role": role}, 201, &u)
		return &api{t: t, url: c.url, key: u.APIKey}
	}
	ed, vi := newUser("ed@example.com", "editor"), newUser("vi@example.com", "viewer")
	var vault, inner dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Vault"}, 201, &vault)
	c.json("PUT", "/api/v1/folders/"+vault.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Inner", "parent_id": vault.ID}, 201, &inner)
	resp, b := ed.do("POST", "/api/v1/assets?name=secret.txt&folder="+inner.ID, strings.NewReader("secret"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var list struct {
		Items []dam.Asset `json:"items"`
	}
	c.json("GET", "/api/v1/assets?folder="+inner.ID, nil, 200, &list)
	require.Len(t, list.Items, 1)
	a := list.Items[0]

	resp, b = vi.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	vi.wantError(resp, b, 403, "needs_request")

	resp, b = ed.do("PATCH", "/api/v1/assets/"+a.ID, strings.NewReader(`{"folder_id":""}`), jsonHeader)
	e := ed.wantError(resp, b, 403, "permission_denied")
	assert.Contains(t, e.Error.Message, "only owners lower an asset's protection")
	resp, b = ed.do("PATCH", "/api/v1/folders/"+inner.ID, strings.NewReader(`{"parent_id":""}`), jsonHeader)
	e = ed.wantError(resp, b, 403, "permission_denied")
	assert.Contains(t, e.Error.Message, "only owners lower protection")

	resp, b = vi.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	vi.wantError(resp, b, 403, "needs_request")
}

// jsonHeader marks a request body as JSON.
var jsonHeader = map[string]string{"Content-Type": "application/json"}
