package damhttp_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

type categoryPage struct {
	Items      []dam.Category `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

type assetPage struct {
	Items      []dam.Asset `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

func (p assetPage) ids() []string {
	var out []string
	for _, a := range p.Items {
		out = append(out, a.ID)
	}
	return out
}

func TestCategoriesAPI(t *testing.T) {
	c := newAPI(t, &dam.Options{MaxCategoryDepth: 2})
	v := c.viewer()
	var products, shoes, boots dam.Category
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Products"}, 201, &products)
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Shoes", "parent_id": products.ID}, 201, &shoes)
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Boots"}, 201, &boots)
	assert.Equal(t, products.ID, shoes.ParentID)

	var list categoryPage
	v.json("GET", "/api/v1/categories", nil, 200, &list)
	assert.Len(t, list.Items, 3, "any user lists the tree")
	var got dam.Category
	v.json("GET", "/api/v1/categories/"+shoes.ID, nil, 200, &got)
	assert.Equal(t, "Shoes", got.Name)

	for _, tc := range []struct {
		name, method, path, body string
		as                       *api
		status                   int
		code                     string
	}{
		{"viewer creates", "POST", "/api/v1/categories", `{"name":"Mine"}`, v, 403, "permission_denied"},
		{"sibling name", "POST", "/api/v1/categories", `{"name":"Shoes","parent_id":"` + products.ID + `"}`, c, 409, "already_exists"},
		{"slash in name", "POST", "/api/v1/categories", `{"name":"a/b"}`, c, 400, "invalid"},
		{"unknown field", "POST", "/api/v1/categories", `{"name":"X","colour":"red"}`, c, 400, "invalid"},
		{"too deep", "POST", "/api/v1/categories", `{"name":"X","parent_id":"` + shoes.ID + `"}`, c, 400, "invalid"},
		{"missing parent", "POST", "/api/v1/categories", `{"name":"X","parent_id":"` + dam.NewID(products.CreatedAt) + `"}`, c, 404, "not_found"},
		{"into its own child", "PATCH", "/api/v1/categories/" + products.ID, `{"parent_id":"` + shoes.ID + `"}`, c, 412, "failed_precondition"},
		{"delete with a subcategory", "DELETE", "/api/v1/categories/" + products.ID, ``, c, 412, "failed_precondition"},
		{"viewer deletes", "DELETE", "/api/v1/categories/" + boots.ID, ``, v, 403, "permission_denied"},
		{"unknown category", "GET", "/api/v1/categories/nope", ``, c, 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := tc.as.do(tc.method, tc.path, strings.NewReader(tc.body), nil)
			c.wantError(resp, b, tc.status, tc.code)
		})
	}

	// Rename and move at once; "parent_id": "" is the top level.
	c.json("PATCH", "/api/v1/categories/"+boots.ID, map[string]any{"name": "Winter boots", "parent_id": products.ID}, 200, &got)
	assert.Equal(t, "Winter boots", got.Name)
	assert.Equal(t, products.ID, got.ParentID)
	c.json("PATCH", "/api/v1/categories/"+boots.ID, map[string]any{"parent_id": ""}, 200, &got)
	assert.Equal(t, "Winter boots", got.Name, "an absent name stays")
	assert.Empty(t, got.ParentID)

	resp, _ := c.do("DELETE", "/api/v1/categories/"+boots.ID, nil, nil)
	assert.Equal(t, 204, resp.StatusCode)
	resp, _ = c.do("GET", "/api/v1/categories/"+boots.ID, nil, nil)
	assert.Equal(t, 404, resp.StatusCode)
}

func TestCategorisingThroughTheAPI(t *testing.T) {
	c := newAPI(t, nil)
	var x, y, sub dam.Category
	c.json("POST", "/api/v1/categories", map[string]any{"name": "X"}, 201, &x)
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Y"}, 201, &y)
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Sub", "parent_id": x.ID}, 201, &sub)
	xy := slices.Sorted(slices.Values([]string{x.ID, y.ID}))

	// Raw upload with ?categories=, multipart with a categories field.
	resp, b := c.do("POST", "/api/v1/assets?name=a.txt&categories="+url.QueryEscape(y.ID+", "+x.ID), strings.NewReader("a"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	assert.Equal(t, xy, a.Categories)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	require.NoError(t, mw.WriteField("categories", sub.ID))
	fw, err := mw.CreateFormFile("file", "b.txt")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("b"))
	require.NoError(t, mw.Close())
	resp, b = c.do("POST", "/api/v1/assets", &mp, map[string]string{"Content-Type": mw.FormDataContentType()})
	require.Equal(t, 201, resp.StatusCode, string(b))
	var bAsset dam.Asset
	require.NoError(t, json.Unmarshal(b, &bAsset))
	assert.Equal(t, []string{sub.ID}, bAsset.Categories)
	resp, b = c.do("POST", "/api/v1/assets?name=c.txt&categories=nope", strings.NewReader("c"), nil)
	c.wantError(resp, b, 400, "invalid")

	// Listing by category: with subcategories, or only directly in it.
	var page assetPage
	c.json("GET", "/api/v1/assets?category="+x.ID, nil, 200, &page)
	assert.Equal(t, []string{a.ID, bAsset.ID}, page.ids())
	c.json("GET", "/api/v1/assets?category="+x.ID+"&subcategories=false", nil, 200, &page)
	assert.Equal(t, []string{a.ID}, page.ids())
	c.json("GET", "/api/v1/assets?category="+x.ID+"&q=b.txt", nil, 200, &page)
	assert.Equal(t, []string{bAsset.ID}, page.ids())
	c.json("GET", "/api/v1/assets?category="+x.ID+"&limit=1", nil, 200, &page)
	assert.Equal(t, []string{a.ID}, page.ids())
	assert.Equal(t, a.ID, page.NextCursor)
	resp, b = c.do("GET", "/api/v1/assets?category="+dam.NewID(a.CreatedAt), nil, nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("GET", "/api/v1/assets?category="+x.ID+"&subcategories=maybe", nil, nil)
	c.wantError(resp, b, 400, "invalid")

	// PATCH one asset, PATCH many; an unknown category changes nothing.
	var edited dam.Asset
	c.json("PATCH", "/api/v1/assets/"+a.ID, map[string]any{"categories": []string{y.ID}}, 200, &edited)
	assert.Equal(t, []string{y.ID}, edited.Categories)
	c.json("PATCH", "/api/v1/assets", map[string]any{"ids": []string{a.ID, bAsset.ID}, "patch": map[string]any{"categories": []string{x.ID}}}, 200, &page)
	for _, as := range page.Items {
		assert.Equal(t, []string{x.ID}, as.Categories)
	}
	resp, b = c.do("PATCH", "/api/v1/assets", strings.NewReader(`{"ids":["`+a.ID+`","`+bAsset.ID+`"],"patch":{"categories":["`+y.ID+`","nope"]}}`), nil)
	c.wantError(resp, b, 400, "invalid")
	c.json("GET", "/api/v1/assets/"+bAsset.ID, nil, 200, &edited)
	assert.Equal(t, []string{x.ID}, edited.Categories, "nothing changed")

	// Clones keep the original's categories unless given; versions keep them unless given.
	var clone dam.Asset
	c.json("POST", "/api/v1/assets/"+a.ID+"/clone", nil, 201, &clone)
	assert.Equal(t, []string{x.ID}, clone.Categories)
	c.json("POST", "/api/v1/assets/"+a.ID+"/clone", map[string]any{"name": "d.txt", "categories": []string{y.ID}}, 201, &clone)
	assert.Equal(t, []string{y.ID}, clone.Categories)
	resp, b = c.do("POST", "/api/v1/assets/"+a.ID+"/versions?name=a2.txt", strings.NewReader("a2"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, &edited))
	assert.Equal(t, []string{x.ID}, edited.Categories)
	resp, b = c.do("POST", "/api/v1/assets/"+a.ID+"/versions?name=a3.txt&categories="+y.ID, strings.NewReader("a3"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, &edited))
	assert.Equal(t, []string{y.ID}, edited.Categories)
}

// TestCategoryMembersAndTheTrash adds and removes assets through
// /categories/{id}/assets, then deletes, restores and lists: a deleted
// asset leaves every category, a restored one is back in the same ones.
func TestCategoryMembersAndTheTrash(t *testing.T) {
	c := newAPI(t, nil)
	v := c.viewer()
	var one, two dam.Category
	c.json("POST", "/api/v1/categories", map[string]any{"name": "One"}, 201, &one)
	c.json("POST", "/api/v1/categories", map[string]any{"name": "Two"}, 201, &two)
	a, b := c.upload("a.txt", "", []byte("a")), c.upload("b.txt", "", []byte("b"))

	var got dam.Category
	c.json("POST", "/api/v1/categories/"+one.ID+"/assets", map[string]any{"asset_ids": []string{a.ID, b.ID}}, 200, &got)
	assert.Equal(t, 2, got.AssetCount)
	c.json("POST", "/api/v1/categories/"+two.ID+"/assets", map[string]any{"asset_ids": []string{a.ID}}, 200, &got)
	resp, body := v.do("POST", "/api/v1/categories/"+two.ID+"/assets", strings.NewReader(`{"asset_ids":["`+b.ID+`"]}`), nil)
	c.wantError(resp, body, 403, "permission_denied")
	resp, body = c.do("POST", "/api/v1/categories/"+two.ID+"/assets", strings.NewReader(`{"asset_ids":[]}`), nil)
	c.wantError(resp, body, 400, "invalid")
	resp, body = c.do("POST", "/api/v1/categories/"+two.ID+"/assets", strings.NewReader(`{"asset_ids":["`+b.ID+`","`+dam.NewID(a.CreatedAt)+`"]}`), nil)
	c.wantError(resp, body, 404, "not_found")

	var page assetPage
	v.json("GET", "/api/v1/categories/"+one.ID+"/assets?limit=1", nil, 200, &page)
	assert.Equal(t, []string{a.ID}, page.ids())
	v.json("GET", "/api/v1/categories/"+one.ID+"/assets?cursor="+page.NextCursor, nil, 200, &page)
	assert.Equal(t, []string{b.ID}, page.ids())

	// Removing (by body, or by ?asset=) is not deleting.
	c.json("DELETE", "/api/v1/categories/"+one.ID+"/assets", map[string]any{"asset_ids": []string{b.ID}}, 200, &got)
	assert.Equal(t, 1, got.AssetCount)
	c.json("DELETE", "/api/v1/categories/"+two.ID+"/assets?asset="+b.ID, nil, 200, &got)
	var asset dam.Asset
	c.json("GET", "/api/v1/assets/"+b.ID, nil, 200, &asset)
	assert.Empty(t, asset.Categories)

	counts := func() []int {
		var l categoryPage
		c.json("GET", "/api/v1/categories", nil, 200, &l)
		return []int{l.Items[0].AssetCount, l.Items[1].AssetCount}
	}
	assert.Equal(t, []int{1, 1}, counts())
	resp, _ = c.do("DELETE", "/api/v1/assets/"+a.ID, nil, nil)
	require.Equal(t, 204, resp.StatusCode)
	assert.Equal(t, []int{0, 0}, counts(), "a deleted asset leaves every category")
	c.json("GET", "/api/v1/categories/"+one.ID+"/assets", nil, 200, &page)
	assert.Empty(t, page.Items)
	c.json("GET", "/api/v1/assets?category="+two.ID, nil, 200, &page)
	assert.Empty(t, page.Items)
	var trash assetPage
	c.json("GET", "/api/v1/trash", nil, 200, &trash)
	require.Len(t, trash.Items, 1)
	assert.Equal(t, slices.Sorted(slices.Values([]string{one.ID, two.ID})), trash.Items[0].Categories, "the trash shows where it will go back")

	c.json("POST", "/api/v1/trash/"+a.ID+"/restore", nil, 200, &asset)
	assert.Equal(t, []int{1, 1}, counts(), "restoring puts it back in the same categories")
	c.json("GET", "/api/v1/categories/"+two.ID+"/assets", nil, 200, &page)
	assert.Equal(t, []string{a.ID}, page.ids())
}
