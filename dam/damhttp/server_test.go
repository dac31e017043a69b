package damhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// api is a test client for a server on a fresh library.
type api struct {
	t   *testing.T
	url string
	key string
	lib *dam.Library
}

func newAPI(t *testing.T, opts *dam.Options) *api {
	t.Helper()
	dir := t.TempDir()
	lib, err := dam.Open(t.Context(), dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		Options:   opts,
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	_, key, err := lib.CreateUser(t.Context(), dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	srv := httptest.NewServer(checkedByOpenAPI(t, damhttp.New(lib, nil)))
	t.Cleanup(srv.Close)
	return &api{t: t, url: srv.URL, key: key, lib: lib}
}

// do sends a request and returns the response with its body read.
func (a *api) do(method, path string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
	a.t.Helper()
	req, err := http.NewRequestWithContext(a.t.Context(), method, a.url+path, body)
	require.NoError(a.t, err)
	if a.key != "" {
		req.Header.Set("Authorization", "Bearer "+a.key)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return resp, b
}

// json sends a JSON body (or none) and decodes a JSON answer into out.
func (a *api) json(method, path string, in any, wantStatus int, out any) {
	a.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(a.t, err)
		body = bytes.NewReader(b)
	}
	resp, b := a.do(method, path, body, map[string]string{"Content-Type": "application/json"})
	require.Equal(a.t, wantStatus, resp.StatusCode, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(a.t, json.Unmarshal(b, out), string(b))
	}
}

type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (a *api) wantError(resp *http.Response, b []byte, status int, code string) errBody {
	a.t.Helper()
	require.Equal(a.t, status, resp.StatusCode, string(b))
	assert.Equal(a.t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var e errBody
	require.NoError(a.t, json.Unmarshal(b, &e), string(b))
	assert.Equal(a.t, code, e.Error.Code)
	assert.NotEmpty(a.t, e.Error.Message)
	return e
}

func TestRoundTrip(t *testing.T) {
	c := newAPI(t, nil)

	var folder dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Campaign"}, 201, &folder)

	resp, b := c.do("POST", "/api/v1/assets?name=hello.txt&folder="+folder.ID+"&title=Hello", strings.NewReader("hello, world\n"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	assert.Equal(t, "Hello", a.Meta.Title)
	assert.Equal(t, "text/plain; charset=utf-8", a.Current.MediaType)

	var list struct {
		Items      []dam.Asset `json:"items"`
		NextCursor string      `json:"next_cursor"`
	}
	c.json("GET", "/api/v1/assets?folder="+folder.ID, nil, 200, &list)
	require.Len(t, list.Items, 1)

	var edited dam.Asset
	c.json("PATCH", "/api/v1/assets/"+a.ID, map[string]any{"description": "A greeting", "keywords": []string{"hi"}}, 200, &edited)
	assert.Equal(t, "A greeting", edited.Meta.Description)

	// A new version as multipart, fields before the file.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	require.NoError(t, mw.WriteField("name", "hello-v2.txt"))
	fw, err := mw.CreateFormFile("file", "hello-v2.txt")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("hello again, world\n"))
	require.NoError(t, mw.Close())
	resp, b = c.do("POST", "/api/v1/assets/"+a.ID+"/versions", &mp, map[string]string{"Content-Type": mw.FormDataContentType()})
	require.Equal(t, 201, resp.StatusCode, string(b))

	resp, b = c.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "hello again, world\n", string(b))
	etag := resp.Header.Get("ETag")
	assert.NotEmpty(t, etag)
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, `attachment; filename="hello.txt"; filename*=UTF-8''hello.txt`, resp.Header.Get("Content-Disposition"))

	resp, b = c.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, map[string]string{"Range": "bytes=6-10", "If-Range": etag})
	require.Equal(t, 206, resp.StatusCode)
	assert.Equal(t, "again", string(b))
	resp, _ = c.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, map[string]string{"If-None-Match": etag})
	assert.Equal(t, 304, resp.StatusCode)

	var versions struct{ Items []dam.Version }
	c.json("GET", "/api/v1/assets/"+a.ID+"/versions", nil, 200, &versions)
	assert.Len(t, versions.Items, 2)

	c.json("DELETE", "/api/v1/assets/"+a.ID, nil, 204, nil)
	resp, b = c.do("GET", "/api/v1/assets/"+a.ID, nil, nil)
	c.wantError(resp, b, 404, "not_found")
	var trash struct{ Items []map[string]any }
	c.json("GET", "/api/v1/trash", nil, 200, &trash)
	require.Len(t, trash.Items, 1)
	assert.NotEmpty(t, trash.Items[0]["purge_at"])
	c.json("POST", "/api/v1/trash/"+a.ID+"/restore", nil, 200, nil)
	c.json("GET", "/api/v1/assets/"+a.ID, nil, 200, nil)

	var events struct{ Items []dam.Event }
	c.json("GET", "/api/v1/events?asset="+a.ID, nil, 200, &events)
	var actions []dam.EventAction
	for _, e := range events.Items {
		actions = append(actions, e.Action)
	}
	assert.Equal(t, []dam.EventAction{"restore", "delete", "download", "download", "download", "version", "edit", "upload"}, actions)
}

func TestHostileUploadsAreServedAsAttachments(t *testing.T) {
	c := newAPI(t, nil)
	resp, b := c.do("POST", "/api/v1/assets?name=cat.jpg", strings.NewReader("<html><script>alert(1)</script></html>"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	resp, _ = c.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "sandbox")

	// A name made to break the header stays inside it.
	var renamed dam.Asset
	c.json("PATCH", "/api/v1/assets/"+a.ID, map[string]any{"name": `evil"; filename=x.exe ünï.jpg`}, 200, &renamed)
	resp, _ = c.do("GET", "/api/v1/assets/"+a.ID+"/download", nil, nil)
	cd := resp.Header.Get("Content-Disposition")
	assert.Equal(t, `attachment; filename="evil__ filename=x.exe _n_.jpg"; filename*=UTF-8''evil%22%3B%20filename%3Dx.exe%20%C3%BCn%C3%AF.jpg`, cd)
}

func TestErrorsAreJSON(t *testing.T) {
	c := newAPI(t, &dam.Options{MaxUploadSize: 1024})
	resp, b := c.do("POST", "/api/v1/assets?name=big.bin", bytes.NewReader(make([]byte, 4096)), nil)
	c.wantError(resp, b, 413, "too_large")
	resp, b = c.do("POST", "/api/v1/assets?name=empty.bin", strings.NewReader(""), nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("POST", "/api/v1/assets?name=..", strings.NewReader("x"), nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("GET", "/api/v1/assets/nope", nil, nil)
	c.wantError(resp, b, 404, "not_found")
	resp, b = c.do("POST", "/api/v1/folders", strings.NewReader(`{"name": "x", "surprise": 1}`), nil)
	c.wantError(resp, b, 400, "invalid")
	resp, b = c.do("POST", "/api/v1/folders", strings.NewReader(`{"name": "`+strings.Repeat("x", 2<<20)+`"}`), nil)
	c.wantError(resp, b, 413, "too_large")
	resp, b = c.do("GET", "/api/v1/nowhere", nil, nil)
	c.wantError(resp, b, 404, "not_found")

	c.key = "dk_wrong_key_wrong_key_wrong_key"
	resp, b = c.do("GET", "/api/v1/assets", nil, nil)
	c.wantError(resp, b, 401, "unauthenticated")
	assert.NotEmpty(t, resp.Header.Get("WWW-Authenticate"))
	c.key = ""
	resp, b = c.do("GET", "/api/v1/assets", nil, nil)
	c.wantError(resp, b, 401, "unauthenticated")
}

func TestUsersAndRoles(t *testing.T) {
	c := newAPI(t, nil)
	var viewer struct {
		dam.User
		APIKey string `json:"api_key"`
	}
	c.json("POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &viewer)
	require.NotEmpty(t, viewer.APIKey)
	resp, b := c.do("POST", "/api/v1/users", strings.NewReader(`{"email":"not an address","role":"viewer"}`), nil)
	c.wantError(resp, b, 400, "invalid")

	v := &api{t: t, url: c.url, key: viewer.APIKey}
	resp, b = v.do("POST", "/api/v1/assets?name=x.txt", strings.NewReader("x"), nil)
	v.wantError(resp, b, 403, "permission_denied")
	resp, b = v.do("POST", "/api/v1/users", strings.NewReader(`{"email":"x@example.com","role":"owner"}`), nil)
	v.wantError(resp, b, 403, "permission_denied")
	var me map[string]any
	v.json("GET", "/api/v1/me", nil, 200, &me)
	assert.Equal(t, "viewer", me["role"])
}
