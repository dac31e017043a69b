package damhttp_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// bodyRoutes are the authenticated routes that read a JSON body; the
// others either take none or take a file (uploads).
func bodyRoutes(t *testing.T) []damhttp.RouteInfo {
	noBody := map[string]bool{
		"POST /api/v1/assets":                           true, // an upload
		"POST /api/v1/assets/{id}/versions":             true, // an upload
		"POST /api/v1/trash/{id}/restore":               true,
		"POST /api/v1/assets/{id}/clone":                true, // the body is optional
		"POST /api/v1/webhooks/{id}/test":               true,
		"POST /api/v1/assets/{id}/versions/{n}/restore": true,
		"POST /api/v1/assets/{id}/crops":                true, // options in the query
	}
	var out []damhttp.RouteInfo
	for _, rt := range damhttp.RouteTable(damhttp.New(nil, nil)) {
		if !rt.Auth || noBody[rt.Method+" "+rt.Pattern] {
			continue
		}
		if rt.Method == "POST" || rt.Method == "PUT" || rt.Method == "PATCH" {
			out = append(out, rt)
		}
	}
	require.NotEmpty(t, out)
	return out
}

// fill puts a made-up value in each wildcard of a route pattern: every
// JSON route reads its body before it looks anything up.
func fill(pattern string) string {
	return regexp.MustCompile(`\{\w+\}`).ReplaceAllString(pattern, "x1")
}

// TestJSONBodiesAreRefusedWhenUnreadable sends every JSON route bodies it
// cannot read: each answers 400 and says what is wrong.
func TestJSONBodiesAreRefusedWhenUnreadable(t *testing.T) {
	c := newAPI(t, nil)
	cases := []struct {
		name, contentType, body, want string
	}{
		{"null", "application/json", "null", "got null"},
		{"an array", "application/json", "[]", "got an array"},
		{"a string", "application/json", `"x"`, "got a string"},
		{"empty", "application/json", "", "empty"},
		{"trailing data", "application/json", `{}{}`, "more data after"},
		{"trailing brace", "application/json", `{}}`, "more data after"},
		{"not JSON", "application/json", `{nope}`, "not JSON"},
		{"cut short", "application/json", `{"a":`, "ends too early"},
		{"unknown field", "application/json", `{"surprise_field":1}`, `unknown field "surprise_field"`},
		{"text/plain", "text/plain", `{}`, "Content-Type must be application/json"},
		{"another JSON type", "application/merge-patch+json", `{}`, "Content-Type must be application/json"},
		{"curl's -d", "application/x-www-form-urlencoded", `{}`, "--json"},
		{"bad Content-Type", "][", `{}`, "Content-Type must be application/json"},
	}
	for _, rt := range bodyRoutes(t) {
		for _, tc := range cases {
			t.Run(rt.Method+" "+rt.Pattern+"/"+tc.name, func(t *testing.T) {
				resp, b := c.do(rt.Method, fill(rt.Pattern), strings.NewReader(tc.body), map[string]string{"Content-Type": tc.contentType})
				e := c.wantError(resp, b, 400, "invalid")
				assert.Contains(t, e.Error.Message, tc.want)
			})
		}
	}
}

func TestJSONBodyErrorsNameTheField(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("a.txt", "", []byte("a"))
	cases := []struct {
		path, body, want string
	}{
		{"/api/v1/assets/" + a.ID, `{"name": 7}`, `field "name": expected a string, got number`},
		{"/api/v1/assets/" + a.ID, `{"keywords": "one"}`, `field "keywords": expected an array, got string`},
		{"/api/v1/assets/" + a.ID, `{"fields": {"k": 1}}`, `field "fields": expected a string, got number`},
		{"/api/v1/assets/" + a.ID, `{"tilte": "x"}`, `unknown field "tilte"`},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			resp, b := c.do("PATCH", tc.path, strings.NewReader(tc.body), map[string]string{"Content-Type": "application/json"})
			e := c.wantError(resp, b, 400, "invalid")
			assert.Contains(t, e.Error.Message, tc.want)
			assert.NotContains(t, e.Error.Message, "Go struct", "the message names JSON, not Go types")
		})
	}
	// Accepted forms of the type: with parameters, or none.
	for _, ct := range []string{"application/json; charset=utf-8", "APPLICATION/JSON", ""} {
		resp, b := c.do("PATCH", "/api/v1/assets/"+a.ID, strings.NewReader(`{"title":"ok"}`), map[string]string{"Content-Type": ct})
		assert.Equal(t, 200, resp.StatusCode, "%q: %s", ct, b)
	}
}

// TestLicenceSettingIsRequired: an empty or null body used to clear the
// asset's licence and answer 200.
func TestLicenceSettingIsRequired(t *testing.T) {
	c := newAPI(t, nil)
	var lic dam.Licence
	c.json("POST", "/api/v1/licences", map[string]any{"title": "Press", "text": "Credit us."}, 201, &lic)
	a := c.upload("a.txt", "", []byte("a"))
	var f dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "F"}, 201, &f)
	c.json("PUT", "/api/v1/assets/"+a.ID+"/licence", map[string]any{"licence": lic.ID}, 200, nil)
	c.json("PUT", "/api/v1/folders/"+f.ID+"/licence", map[string]any{"licence": lic.ID}, 200, nil)
	for _, path := range []string{"/api/v1/assets/" + a.ID + "/licence", "/api/v1/folders/" + f.ID + "/licence"} {
		for body, want := range map[string]string{`{}`: "licence is required", `{"licence": null}`: "licence is required", `null`: "got null"} {
			t.Run(path+" "+body, func(t *testing.T) {
				resp, b := c.do("PUT", path, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
				e := c.wantError(resp, b, 400, "invalid")
				assert.Contains(t, e.Error.Message, want)
			})
		}
	}
	var got dam.Asset
	c.json("GET", "/api/v1/assets/"+a.ID, nil, 200, &got)
	assert.Equal(t, lic.ID, got.Licence, "the licence is still set")
	c.json("PUT", "/api/v1/assets/"+a.ID+"/licence", map[string]any{"licence": ""}, 200, &got)
	assert.Empty(t, got.Licence, `"" still means inherit`)
}

func TestBooleanQueryParametersAreRefusedWhenUnreadable(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("a.txt", "", []byte("a"))
	var cat dam.Category
	c.json("POST", "/api/v1/categories", map[string]any{"name": "C"}, 201, &cat)
	cases := []struct {
		method, path, body, param string
	}{
		{"GET", "/api/v1/grants?live=", "", "live"},
		{"GET", "/api/v1/inbox?unread=", "", "unread"},
		{"GET", "/api/v1/assets?category=" + cat.ID + "&subcategories=", "", "subcategories"},
		{"POST", "/api/v1/downloads?stream=", `{"asset_ids":["` + a.ID + `"]}`, "stream"},
	}
	for _, tc := range cases {
		for _, v := range []string{"perhaps", "yes", "2"} {
			t.Run(tc.param+"="+v, func(t *testing.T) {
				var body io.Reader
				if tc.body != "" {
					body = strings.NewReader(tc.body)
				}
				resp, b := c.do(tc.method, tc.path+v, body, map[string]string{"Content-Type": "application/json"})
				e := c.wantError(resp, b, 400, "invalid")
				assert.Contains(t, e.Error.Message, tc.param+" must be true or false")
			})
		}
		for _, v := range []string{"true", "1", "false", "0", "TRUE"} {
			t.Run(tc.param+"="+v, func(t *testing.T) {
				var body io.Reader
				if tc.body != "" {
					body = strings.NewReader(tc.body)
				}
				resp, b := c.do(tc.method, tc.path+v, body, map[string]string{"Content-Type": "application/json"})
				assert.Less(t, resp.StatusCode, 300, string(b))
			})
		}
	}
}

// multipartBody builds an upload body from parts in order: a part named
// "file" is a file, the others are text fields.
func multipartBody(t *testing.T, parts ...[2]string) (io.Reader, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p[0] == "file" {
			fw, err := mw.CreateFormFile("file", "f.txt")
			require.NoError(t, err)
			_, err = fw.Write([]byte(p[1]))
			require.NoError(t, err)
			continue
		}
		require.NoError(t, mw.WriteField(p[0], p[1]))
	}
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

// TestUploadInputIsRefusedWhenUnreadable: each of these used to be
// ignored, so the asset was stored without what the client asked for.
func TestUploadInputIsRefusedWhenUnreadable(t *testing.T) {
	c := newAPI(t, nil)
	existing := c.upload("a.txt", "", []byte("a"))
	type part = [2]string
	cases := []struct {
		name  string
		query string
		parts []part // nil: a raw body with the query
		want  string
	}{
		{"expires_at in the query", "?name=x.txt&expires_at=next-tuesday", nil, "expires_at must be an RFC 3339 time"},
		{"expires_at as a field", "", []part{{"expires_at", "2030-13-45"}, {"file", "x"}}, "expires_at must be an RFC 3339 time"},
		{"metadata not JSON", "", []part{{"metadata", "title=Hello"}, {"file", "x"}}, "metadata must be a JSON object"},
		{"metadata null", "", []part{{"metadata", "null"}, {"file", "x"}}, "metadata must be a JSON object"},
		{"metadata with an unknown field", "", []part{{"metadata", `{"titel":"x"}`}, {"file", "x"}}, `unknown field "titel"`},
		{"metadata with a wrong type", "", []part{{"metadata", `{"keywords":"x"}`}, {"file", "x"}}, `field "keywords"`},
		{"metadata in the query", "?name=x.txt&metadata=%7Bnope", nil, "metadata must be a JSON object"},
		{"metadata and title", "", []part{{"metadata", `{"title":"a"}`}, {"title", "b"}, {"file", "x"}}, "not both"},
		{"a second file", "", []part{{"file", "x"}, {"file", "y"}}, "one file per upload"},
		{"a field after the file", "", []part{{"file", "x"}, {"title", "late"}}, `"title" comes after the file`},
		{"an unknown field", "", []part{{"titel", "x"}, {"file", "x"}}, `unknown form field "titel"`},
		{"a field twice", "", []part{{"title", "a"}, {"title", "b"}, {"file", "x"}}, `"title" is given twice`},
	}
	for _, route := range []string{"/api/v1/assets", "/api/v1/assets/" + existing.ID + "/versions"} {
		for _, tc := range cases {
			if strings.HasSuffix(route, "versions") && strings.Contains(tc.name, "expires_at as a field") {
				tc.want = `unknown form field "expires_at"` // a version takes no expiry
			}
			t.Run(route+"/"+tc.name, func(t *testing.T) {
				var body io.Reader = strings.NewReader("x")
				hdr := map[string]string{}
				if tc.parts != nil {
					body, hdr["Content-Type"] = multipartBody(t, tc.parts...)
				}
				resp, b := c.do("POST", route+tc.query, body, hdr)
				e := c.wantError(resp, b, 400, "invalid")
				assert.Contains(t, e.Error.Message, tc.want)
			})
		}
	}
	var list struct{ Items []dam.Asset }
	c.json("GET", "/api/v1/assets", nil, 200, &list)
	assert.Len(t, list.Items, 1, "no refused upload left an asset")
	var versions struct{ Items []dam.Version }
	c.json("GET", "/api/v1/assets/"+existing.ID+"/versions", nil, 200, &versions)
	assert.Len(t, versions.Items, 1, "no refused upload left a version")

	// The same fields, well formed, are taken.
	body, ct := multipartBody(t, part{"metadata", `{"title":"T","keywords":["k"]}`}, part{"expires_at", "2099-01-01T00:00:00Z"}, part{"file", "ok"})
	resp, b := c.do("POST", "/api/v1/assets", body, map[string]string{"Content-Type": ct})
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	assert.Equal(t, "T", a.Meta.Title)
	require.NotNil(t, a.ExpiresAt)
	assert.Equal(t, 2099, a.ExpiresAt.Year())
}

func TestQueryValuesAreRefusedWhenUnreadable(t *testing.T) {
	c := newAPI(t, nil)
	for path, want := range map[string]string{
		"/api/v1/events?since=yesterday": "since must be an RFC 3339 time",
		"/api/v1/assets?kind=banana":     "kind must be image, video, audio, document or other",
		"/api/v1/assets?limit=ten":       "limit must be a positive integer",
	} {
		resp, b := c.do("GET", path, nil, nil)
		e := c.wantError(resp, b, http.StatusBadRequest, "invalid")
		assert.Contains(t, e.Error.Message, want, path)
	}
}

// nullPaths lists the places in a JSON document that hold null.
func nullPaths(t *testing.T, b []byte) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case nil:
			out = append(out, path)
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		}
	}
	walk("$", v)
	return out
}

// TestEmptyListsAreArrays: answers used to carry null where the document
// declares arrays and objects (metadata.keywords, metadata.fields,
// categories, collection items, collection_ids, a user's domains).
func TestEmptyListsAreArrays(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("a.txt", "", []byte("a"))
	var col dam.Collection
	c.json("POST", "/api/v1/collections", map[string]any{"name": "Empty"}, 201, &col)
	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
	var portal struct{ ID string }
	c.json("POST", "/api/v1/portals", map[string]any{"slug": "kit", "title": "Kit", "asset_ids": []string{a.ID}, "mode": "open"}, 201, &portal)
	for _, path := range []string{
		"/api/v1/assets/" + a.ID, "/api/v1/assets", "/api/v1/collections/" + col.ID, "/api/v1/collections",
		"/api/v1/portals/" + portal.ID, "/api/v1/portals", "/api/v1/me", "/api/v1/shares", "/api/v1/categories",
		"/api/v1/licences", "/api/v1/profiles", "/api/v1/users", "/api/v1/grants", "/api/v1/requests",
		"/api/v1/downloads", "/api/v1/inbox", "/api/v1/trash", "/api/v1/folders", "/p/kit",
	} {
		t.Run(path, func(t *testing.T) {
			resp, b := c.do("GET", path, nil, nil)
			require.Equal(t, 200, resp.StatusCode, string(b))
			assert.Empty(t, nullPaths(t, b), "null in %s", b)
		})
	}
}

// TestUnsatisfiableRangesAreJSON: a 416 used to be http.ServeContent's
// text/plain line, unlike every other error.
func TestUnsatisfiableRangesAreJSON(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("a.txt", "", []byte("0123456789"))
	for _, tc := range []struct {
		method, path, body, rng, want string
	}{
		{"GET", "/api/v1/assets/" + a.ID + "/download", "", "bytes=100-200", "has 10 bytes"},
		{"GET", "/api/v1/assets/" + a.ID + "/download", "", "bytes=9-2", "not valid"},
		{"POST", "/api/v1/downloads?stream=true", `{"asset_ids":["` + a.ID + `"]}`, "bytes=100-", "has 10 bytes"},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.rng, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			resp, b := c.do(tc.method, tc.path, body, map[string]string{"Range": tc.rng, "Content-Type": "application/json"})
			e := c.wantError(resp, b, http.StatusRequestedRangeNotSatisfiable, "range_not_satisfiable")
			assert.Contains(t, e.Error.Message, tc.want)
			assert.Empty(t, resp.Header.Get("Content-Disposition"))
			if tc.want == "has 10 bytes" {
				assert.Equal(t, "bytes */10", resp.Header.Get("Content-Range"))
			}
		})
	}
}

// TestCloneBodyIsOptional: no body, an empty one of unknown length, or a
// JSON object; anything else is refused like on every JSON route.
func TestCloneBodyIsOptional(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("a.txt", "", []byte("a"))
	for _, tc := range []struct {
		name   string
		body   io.Reader
		status int
	}{
		{"none", nil, 201},
		{"empty, length unknown", io.MultiReader(), 201},
		{"an object", strings.NewReader(`{"name":"b.txt"}`), 201},
		{"null", strings.NewReader(`null`), 400},
		{"an unknown field", strings.NewReader(`{"nmae":"b.txt"}`), 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := c.do("POST", "/api/v1/assets/"+a.ID+"/clone", tc.body, nil)
			assert.Equal(t, tc.status, resp.StatusCode, string(b))
		})
	}
}
