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

func TestListAssetsSorted(t *testing.T) {
	c := newAPI(t, nil)
	upload := func(name, content string) dam.Asset {
		var a dam.Asset
		resp, b := c.do("POST", "/api/v1/assets?name="+url.QueryEscape(name), strings.NewReader(content), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		require.NoError(t, json.Unmarshal(b, &a))
		return a
	}
	b := upload("b.txt", "12345")
	a := upload("A.txt", "1")
	cc := upload("c.txt", "123")
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"", []string{b.ID, a.ID, cc.ID}},
		{"name", []string{a.ID, b.ID, cc.ID}},
		{"-name", []string{cc.ID, b.ID, a.ID}},
		{"size", []string{a.ID, cc.ID, b.ID}},
		{"-size", []string{b.ID, cc.ID, a.ID}},
		{"created", []string{b.ID, a.ID, cc.ID}},
		{"-created", []string{cc.ID, a.ID, b.ID}},
	} {
		t.Run("sort="+tc.sort, func(t *testing.T) {
			path := "/api/v1/assets?limit=2&sort=" + url.QueryEscape(tc.sort)
			var first, second assetPage
			c.json("GET", path, nil, 200, &first)
			require.NotEmpty(t, first.NextCursor)
			c.json("GET", path+"&cursor="+url.QueryEscape(first.NextCursor), nil, 200, &second)
			assert.Empty(t, second.NextCursor)
			got := append(first.ids(), second.ids()...)
			assert.Equal(t, tc.want, got)
		})
	}

	var page assetPage
	c.json("GET", "/api/v1/assets?limit=1&sort=name", nil, 200, &page)
	for _, tc := range []struct{ query, message string }{
		{"sort=colour", "sort must be one of name, -name, size, -size, created, -created, updated, -updated, captured, -captured, relevance"},
		{"sort=NAME", "sort must be one of"},
		{"sort=-name&cursor=" + url.QueryEscape(page.NextCursor), "bad cursor"},
		{"cursor=" + url.QueryEscape(page.NextCursor), "bad cursor"},
		{"sort=size&cursor=" + b.ID, "bad cursor"},
		{"sort=name&cursor=" + strings.Repeat("x", 5000), "bad cursor"},
	} {
		resp, body := c.do("GET", "/api/v1/assets?"+tc.query, nil, nil)
		e := c.wantError(resp, body, 400, "invalid")
		assert.Contains(t, e.Error.Message, tc.message, tc.query)
	}
}
