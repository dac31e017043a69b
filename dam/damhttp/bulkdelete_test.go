package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestBulkDelete(t *testing.T) {
	c := newAPI(t, nil)
	var ids []string
	for _, name := range []string{"a.txt", "b.txt", "keep.txt"} {
		resp, b := c.do("POST", "/api/v1/assets?name="+name, strings.NewReader("bytes of "+name), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		var a dam.Asset
		require.NoError(t, json.Unmarshal(b, &a))
		ids = append(ids, a.ID)
	}
	live := func() int {
		var page struct {
			Items []dam.Asset `json:"items"`
		}
		c.json("GET", "/api/v1/assets", nil, 200, &page)
		return len(page.Items)
	}
	jsonHdr := map[string]string{"Content-Type": "application/json"}

	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"one missing", `{"ids":["` + ids[0] + `","01zzzzzzzzzzzzzzzzzzzzzzzz"]}`, 404, "not_found"},
		{"none", `{"ids":[]}`, 400, "invalid"},
		{"unknown field", `{"ids":["` + ids[0] + `"],"purge":true}`, 400, "invalid"},
		{"not JSON", `ids=` + ids[0], 400, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := c.do("POST", "/api/v1/assets/delete", strings.NewReader(tc.body), jsonHdr)
			c.wantError(resp, b, tc.status, tc.code)
			assert.Equal(t, 3, live(), "nothing changed")
		})
	}

	c.json("POST", "/api/v1/assets/delete", map[string]any{"ids": ids[:2]}, 204, nil)
	assert.Equal(t, 1, live())
	var trash struct {
		Items []dam.Asset `json:"items"`
	}
	c.json("GET", "/api/v1/trash", nil, 200, &trash)
	assert.Len(t, trash.Items, 2)

	resp, b := c.do("POST", "/api/v1/assets/delete", strings.NewReader(`{"ids":["`+ids[2]+`"]}`), jsonHdr)
	require.Equal(t, 204, resp.StatusCode, string(b))
	c.key = ""
	resp, b = c.do("POST", "/api/v1/assets/delete", strings.NewReader(`{"ids":["`+ids[2]+`"]}`), jsonHdr)
	c.wantError(resp, b, 401, "unauthenticated")
}
