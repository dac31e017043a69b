package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestRestoreVersion(t *testing.T) {
	a := newAPI(t, nil)
	resp, b := a.do("POST", "/api/v1/assets?name=logo.txt", strings.NewReader("the first logo"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var asset dam.Asset
	require.NoError(t, json.Unmarshal(b, &asset))
	resp, b = a.do("POST", "/api/v1/assets/"+asset.ID+"/versions?name=logo-v2.txt", strings.NewReader("the second logo, longer"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))

	var restored dam.Asset
	a.json("POST", "/api/v1/assets/"+asset.ID+"/versions/1/restore", nil, 201, &restored)
	assert.Equal(t, 3, restored.Current.Number)
	assert.Equal(t, asset.Current.SHA256, restored.Current.SHA256, "the first version's bytes")
	assert.Equal(t, asset.Current.Size, restored.Current.Size)
	assert.Equal(t, "logo.txt", restored.Current.OriginalName, "the first version's file metadata")

	resp, b = a.do("GET", "/api/v1/assets/"+asset.ID+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "the first logo", string(b))
	var vs struct {
		Items []dam.Version `json:"items"`
	}
	a.json("GET", "/api/v1/assets/"+asset.ID+"/versions", nil, 200, &vs)
	require.Len(t, vs.Items, 3, "the history keeps every version")

	// The bytes are stored once: deleting the first version keeps them for
	// the third.
	a.json("DELETE", "/api/v1/assets/"+asset.ID+"/versions/1", nil, 204, nil)
	resp, b = a.do("GET", "/api/v1/assets/"+asset.ID+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "the first logo", string(b))

	var events struct {
		Items []dam.Event `json:"items"`
	}
	a.json("GET", "/api/v1/events?asset="+asset.ID+"&action=version", nil, 200, &events)
	require.NotEmpty(t, events.Items)
	assert.Equal(t, "restored version 1", events.Items[0].Detail)

	for _, tc := range []struct {
		path   string
		status int
		code   string
	}{
		{"/versions/3/restore", 412, "failed_precondition"},
		{"/versions/9/restore", 404, "not_found"},
		{"/versions/1/restore", 404, "not_found"}, // deleted
		{"/versions/x/restore", 404, "not_found"},
	} {
		resp, b := a.do("POST", "/api/v1/assets/"+asset.ID+tc.path, nil, nil)
		a.wantError(resp, b, tc.status, tc.code)
	}
}
