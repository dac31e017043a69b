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

// TestSearchThroughTheAPI: q with the query syntax, relevance by default,
// filters, and a 400 naming each problem of a query.
func TestSearchThroughTheAPI(t *testing.T) {
	c := newAPI(t, nil)
	upload := func(query, content string) dam.Asset {
		var a dam.Asset
		resp, b := c.do("POST", "/api/v1/assets?"+query, strings.NewReader(content), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		require.NoError(t, json.Unmarshal(b, &a))
		return a
	}
	beach := upload("name=notes.txt&title="+url.QueryEscape("Café at the beach")+"&keywords=press", "a long text of summer")
	summer := upload("name=summer.txt&description=winter", "x")
	other := upload("name=other.txt", "123456")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"q=summ", []string{summer.ID}},
		{"q=cafe", []string{beach.ID}},
		{"q=" + url.QueryEscape(`"at the beach"`), []string{beach.ID}},
		{"q=" + url.QueryEscape("keyword:press"), []string{beach.ID}},
		{"q=" + url.QueryEscape("txt -winter") + "&sort=created", []string{beach.ID, other.ID}},
		{"q=txt&min_size=5&sort=-size", []string{beach.ID, other.ID}},
		{"q=txt&max_size=1", []string{summer.ID}},
		{"media_type=" + url.QueryEscape("text/*") + "&sort=updated", []string{beach.ID, summer.ID, other.ID}},
		{"media_type=image/png", nil},
		{"created_from=2000-01-01T00:00:00Z&created_to=2000-01-02T00:00:00Z", nil},
		{"updated_from=2000-01-01T00:00:00Z&sort=created", []string{beach.ID, summer.ID, other.ID}},
		{"updated_to=2000-01-01T00:00:00Z", nil},
		{"min_width=1", nil},
		{"captured_from=2000-01-01T00:00:00Z&sort=-captured", []string{other.ID, summer.ID, beach.ID}},
		{"captured_to=2000-01-01T00:00:00Z", nil},
		{"orientation=portrait", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var page assetPage
			c.json("GET", "/api/v1/assets?"+tc.query, nil, 200, &page)
			if len(tc.want) == 0 {
				assert.Empty(t, page.ids())
				return
			}
			assert.Equal(t, tc.want, page.ids())
		})
	}
	var page assetPage
	c.json("GET", "/api/v1/assets?q=txt&limit=1", nil, 200, &page)
	require.NotEmpty(t, page.NextCursor, "relevance pages have cursors")
	c.json("GET", "/api/v1/assets?q=txt&limit=1&cursor="+url.QueryEscape(page.NextCursor), nil, 200, &page)
	assert.Len(t, page.ids(), 1)

	var faceted struct {
		Items  []dam.Asset `json:"items"`
		Facets dam.Facets  `json:"facets"`
	}
	var col dam.Collection
	c.json("POST", "/api/v1/collections", map[string]string{"name": "Picks"}, 201, &col)
	c.json("POST", "/api/v1/collections/"+col.ID+"/items", map[string]any{"items": []map[string]string{{"asset_id": summer.ID}}}, 200, &col)
	c.json("GET", "/api/v1/assets?collection="+col.ID+"&created_by="+summer.CreatedBy, nil, 200, &page)
	assert.Equal(t, []string{summer.ID}, page.ids(), "a collection's assets, by their uploader")
	resp, body := c.do("GET", "/api/v1/assets?collection="+beach.ID, nil, nil)
	c.wantError(resp, body, 404, "not_found")

	c.json("GET", "/api/v1/assets?q=txt&facets=true&limit=1", nil, 200, &faceted)
	assert.Len(t, faceted.Items, 1)
	assert.Equal(t, []dam.FacetCount{{Value: "document", Count: 3}}, faceted.Facets.Kinds, "facets count every page")
	assert.Len(t, faceted.Facets.Years, 1)
	assert.Empty(t, faceted.Facets.Creators)

	for _, tc := range []struct{ query, message string }{
		{"facets=maybe", "facets"},
		{"q=" + url.QueryEscape(`"open`), "quote"},
		{"q=-winter", "excludes words but names none"},
		{"q=" + url.QueryEscape("%%"), "no words"},
		{"q=" + strings.Repeat("a", 501), "longer than 500"},
		{"sort=relevance", "needs search text"},
		{"media_type=jpeg", "media type"},
		{"min_size=-1", "min_size"},
		{"min_size=10&max_size=5", "smallest size"},
		{"created_from=yesterday", "created_from"},
		{"updated_to=soon", "updated_to"},
		{"captured_from=2001-01-01T00:00:00Z&captured_to=2000-01-01T00:00:00Z", "capture range"},
		{"updated_from=2001-01-01T00:00:00Z&updated_to=2000-01-01T00:00:00Z", "range of changes"},
		{"min_width=wide", "min_width"},
		{"min_height=-3", "min_height"},
		{"orientation=diagonal", "orientation must be one of landscape, portrait, square"},
		{"created_by=" + url.QueryEscape("x' OR 1"), "bad user id"},
	} {
		resp, body := c.do("GET", "/api/v1/assets?"+tc.query, nil, nil)
		e := c.wantError(resp, body, 400, "invalid")
		assert.Contains(t, e.Error.Message, tc.message, tc.query)
	}
}

// TestListSubfolders: subfolders=true widens a folder's listing (and its
// facets) to every folder below it; without a folder it is a 400.
func TestListSubfolders(t *testing.T) {
	c := newAPI(t, nil)
	var top, sub dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Top"}, 201, &top)
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Sub", "parent_id": top.ID}, 201, &sub)
	upload := func(folder, name string) string {
		var a dam.Asset
		resp, b := c.do("POST", "/api/v1/assets?name="+name+"&folder="+folder, strings.NewReader(name), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		require.NoError(t, json.Unmarshal(b, &a))
		return a.ID
	}
	inTop, inSub := upload(top.ID, "top.txt"), upload(sub.ID, "sub.txt")
	upload("", "root.txt")
	var page assetPage
	c.json("GET", "/api/v1/assets?folder="+top.ID, nil, 200, &page)
	assert.Equal(t, []string{inTop}, page.ids())
	c.json("GET", "/api/v1/assets?folder="+top.ID+"&subfolders=true", nil, 200, &page)
	assert.Equal(t, []string{inTop, inSub}, page.ids())
	c.json("GET", "/api/v1/assets?folder="+top.ID+"&subfolders=false", nil, 200, &page)
	assert.Equal(t, []string{inTop}, page.ids())
	c.json("GET", "/api/v1/assets?folder=&subfolders=true", nil, 200, &page)
	assert.Len(t, page.ids(), 3, "the root and every folder")
	var faceted struct {
		Facets dam.Facets `json:"facets"`
	}
	c.json("GET", "/api/v1/assets?folder="+top.ID+"&subfolders=true&facets=true", nil, 200, &faceted)
	assert.Equal(t, []dam.FacetCount{{Value: "document", Count: 2}}, faceted.Facets.Kinds)
	for _, tc := range []struct{ query, message string }{
		{"subfolders=true", "subfolders needs a folder"},
		{"folder=" + top.ID + "&subfolders=maybe", "subfolders"},
	} {
		resp, body := c.do("GET", "/api/v1/assets?"+tc.query, nil, nil)
		e := c.wantError(resp, body, 400, "invalid")
		assert.Contains(t, e.Error.Message, tc.message, tc.query)
	}
}
