package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsersLifecycleOverHTTP(t *testing.T) {
	c := newAPI(t, nil)
	var ed struct {
		ID     string `json:"id"`
		APIKey string `json:"api_key"`
	}
	c.json("POST", "/api/v1/users", map[string]any{"email": "ed@example.com", "name": "Ed", "role": "editor"}, 201, &ed)
	e := &api{t: t, url: c.url, key: ed.APIKey}

	// Editors look people up for sharing, seeing three fields.
	resp, b := e.do("GET", "/api/v1/users?q=OWNER", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	var found struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(b, &found))
	require.Len(t, found.Items, 1)
	assert.Equal(t, "owner@example.com", found.Items[0]["email"])
	assert.ElementsMatch(t, []string{"id", "name", "email"}, fieldNames(found.Items[0]))
	resp, b = e.do("GET", "/api/v1/users", nil, nil)
	e.wantError(resp, b, 403, "permission_denied")

	// A second key, named; revoking the first refuses it at once.
	var k struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		APIKey string `json:"api_key"`
	}
	e.json("POST", "/api/v1/users/"+ed.ID+"/keys", map[string]any{"name": "ci"}, 201, &k)
	assert.Equal(t, "ci", k.Name)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	e.json("GET", "/api/v1/users/"+ed.ID+"/keys", nil, 200, &list)
	require.Len(t, list.Items, 2)
	assert.NotContains(t, list.Items[0], "hash")
	first := list.Items[0]["id"].(string)
	e.json("DELETE", "/api/v1/keys/"+first, nil, 200, nil)
	resp, b = e.do("GET", "/api/v1/me", nil, nil)
	e.wantError(resp, b, 401, "unauthenticated")
	e.key = k.APIKey
	e.json("GET", "/api/v1/me", nil, 200, nil)

	// Disabled: refused on the next request; enabled again: back.
	c.json("PATCH", "/api/v1/users/"+ed.ID, map[string]any{"disabled": true}, 200, nil)
	resp, b = e.do("GET", "/api/v1/me", nil, nil)
	e.wantError(resp, b, 401, "unauthenticated")
	c.json("PATCH", "/api/v1/users/"+ed.ID, map[string]any{"disabled": false, "role": "viewer"}, 200, nil)
	var me map[string]any
	e.json("GET", "/api/v1/me", nil, 200, &me)
	assert.Equal(t, "viewer", me["role"], "a changed role applies on the next request")

	// The last admin stays.
	c.json("GET", "/api/v1/me", nil, 200, &me)
	resp, b = c.do("PATCH", "/api/v1/users/"+me["id"].(string), strings.NewReader(`{"disabled":true}`), jsonHeader)
	er := c.wantError(resp, b, 412, "failed_precondition")
	assert.Contains(t, er.Error.Message, "administrator")

	resp, _ = c.do("DELETE", "/api/v1/users/"+ed.ID, nil, nil)
	require.Equal(t, 204, resp.StatusCode)
	resp, b = e.do("GET", "/api/v1/me", nil, nil)
	e.wantError(resp, b, 401, "unauthenticated")
}

func fieldNames(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
