package damhttp_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestMetadataSchemaThroughTheAPI sets a schema and checks that uploads,
// new versions, edits and bulk edits answer 400 naming the field that does
// not fit, and that a stale schema version answers 412.
func TestMetadataSchemaThroughTheAPI(t *testing.T) {
	c := newAPI(t, nil)
	var ms dam.MetadataSchema
	c.json("GET", "/api/v1/metadata-schema", nil, 200, &ms)
	assert.Equal(t, 0, ms.Version)
	in := map[string]any{"version": 0, "fields": []map[string]any{
		{"key": "client", "label": "Client", "type": "text", "required": true},
		{"key": "shot_on", "label": "Shot on", "type": "date"},
		{"key": "usage", "label": "Usage", "type": "select", "options": []string{"Web", "Print"}},
	}}
	c.json("PUT", "/api/v1/metadata-schema", in, 200, &ms)
	assert.Equal(t, 1, ms.Version)
	require.Len(t, ms.Fields, 3)
	var e errBody
	c.json("PUT", "/api/v1/metadata-schema", in, 412, &e)
	c.json("PUT", "/api/v1/metadata-schema", map[string]any{"version": 1, "fields": []map[string]any{{"key": "Bad Key"}}}, 400, &e)
	assert.Contains(t, e.Error.Message, "lower-case")
	c.json("PUT", "/api/v1/metadata-schema", map[string]any{"fields": []map[string]any{}}, 400, &e)
	assert.Contains(t, e.Error.Message, "version is required")

	bad := func(method, path, body, field string) {
		t.Helper()
		resp, b := c.do(method, path, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
		require.Equal(t, 400, resp.StatusCode, string(b))
		require.NoError(t, json.Unmarshal(b, &e))
		assert.Equal(t, "invalid", e.Error.Code)
		assert.Contains(t, e.Error.Message, `"`+field+`"`, "the message names the field")
	}
	meta := func(s string) string { return url.QueryEscape(s) }
	bad("POST", "/api/v1/assets?name=a.txt", "bytes", "client")
	bad("POST", "/api/v1/assets?name=a.txt&metadata="+meta(`{"fields":{"client":"Acme","usage":"Radio"}}`), "bytes", "usage")
	resp, b := c.do("POST", "/api/v1/assets?name=a.txt&metadata="+meta(`{"fields":{"client":"Acme","usage":"print"}}`), strings.NewReader("bytes"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	assert.Equal(t, "Print", a.Meta.Fields["usage"], "kept as the option is spelt")
	bad("POST", "/api/v1/assets/"+a.ID+"/versions?metadata="+meta(`{"fields":{"shot_on":"tomorrow"}}`), "v2", "shot_on")
	bad("PATCH", "/api/v1/assets/"+a.ID, `{"fields":{"client":null}}`, "client")
	bad("PATCH", "/api/v1/assets", `{"ids":["`+a.ID+`"],"patch":{"fields":{"shot_on":"2026-02-30"}}}`, "shot_on")
	c.json("PATCH", "/api/v1/assets/"+a.ID, map[string]any{"fields": map[string]string{"shot_on": "2026-02-28"}}, 200, &a)
	assert.Equal(t, "2026-02-28", a.Meta.Fields["shot_on"])
}
