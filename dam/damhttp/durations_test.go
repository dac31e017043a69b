package damhttp_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// Durations are whole days with the unit in the name, never nanoseconds.
func TestDurationsAreWholeDays(t *testing.T) {
	c := newAPI(t, nil)
	raw := func(method, path string, body io.Reader, status int) map[string]any {
		t.Helper()
		resp, b := c.do(method, path, body, nil)
		require.Equal(t, status, resp.StatusCode, string(b))
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}

	st := raw("GET", "/api/v1/settings", nil, 200)
	assert.Equal(t, float64(7), st["grant_validity_days"])
	assert.NotContains(t, st, "grant_validity", "no nanoseconds")
	st = raw("PUT", "/api/v1/settings", strings.NewReader(`{"grant_validity_days": 3}`), 200)
	assert.Equal(t, float64(3), st["grant_validity_days"])

	for _, tt := range []struct{ body, msg string }{
		{`{"grant_validity": 604800000000000}`, "grant_validity_days"},
		{`{"grant_validity_days": 1.5}`, "bad JSON body"},
		{`{"grant_validity_days": 3651}`, "between 0"},
	} {
		resp, b := c.do("PUT", "/api/v1/settings", strings.NewReader(tt.body), nil)
		e := c.wantError(resp, b, 400, "invalid")
		assert.Contains(t, e.Error.Message, tt.msg, tt.body)
	}

	// A request carries the validity it would grant, in days, in every
	// answer that shows it: the created request and the dashboard.
	var folder dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Press"}, 201, &folder)
	c.json("PUT", "/api/v1/folders/"+folder.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)
	resp, b := c.do("POST", "/api/v1/assets?name=logo.txt&folder="+folder.ID, strings.NewReader("logo"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	var viewer struct {
		APIKey string `json:"api_key"`
	}
	c.json("POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &viewer)
	v := &api{t: t, url: c.url, key: viewer.APIKey}
	var created struct{ Requests []map[string]any }
	v.json("POST", "/api/v1/requests", map[string]any{"asset_ids": []string{a.ID}, "reason": "press"}, 201, &created)
	require.Len(t, created.Requests, 1)
	assert.Equal(t, float64(3), created.Requests[0]["validity_days"])
	assert.NotContains(t, created.Requests[0], "validity")
	var dash struct{ Items []map[string]any }
	c.json("GET", "/api/v1/requests?status=pending", nil, 200, &dash)
	require.Len(t, dash.Items, 1)
	assert.Equal(t, float64(3), dash.Items[0]["validity_days"])
	assert.NotContains(t, dash.Items[0], "validity")
	assert.Equal(t, "/Press", dash.Items[0]["folder_path"])
}

func TestShareValidityDays(t *testing.T) {
	c := newAPI(t, nil)
	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
	resp, b := c.do("POST", "/api/v1/assets?name=a.txt", strings.NewReader("a"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	tests := []struct {
		name   string
		body   map[string]any
		status int
		msg    string
	}{
		{"validity_days", map[string]any{"validity_days": 7}, 201, ""},
		{"days, its older name", map[string]any{"days": 7}, 201, ""},
		{"both, agreeing", map[string]any{"days": 7, "validity_days": 7}, 201, ""},
		{"both, disagreeing", map[string]any{"days": 7, "validity_days": 14}, 400, "disagree"},
		{"a length not offered", map[string]any{"validity_days": 4}, 400, "4 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"title": "t", "asset_ids": []string{a.ID}}
			for k, v := range tt.body {
				body[k] = v
			}
			js, err := json.Marshal(body)
			require.NoError(t, err)
			resp, b := c.do("POST", "/api/v1/shares", strings.NewReader(string(js)), nil)
			if tt.status != 201 {
				e := c.wantError(resp, b, tt.status, "invalid")
				assert.Contains(t, e.Error.Message, tt.msg)
				return
			}
			require.Equal(t, 201, resp.StatusCode, string(b))
			var v dam.ShareView
			require.NoError(t, json.Unmarshal(b, &v))
			assert.Equal(t, 7*24.0, v.ExpiresAt.Sub(v.CreatedAt).Hours())
		})
	}
}
