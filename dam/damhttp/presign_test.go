package damhttp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
)

// With Options.PresignedDownloads on and a bucket that signs (here a file
// bucket with a signing key; S3 in dam's TestS3EndToEnd), an allowed
// original download answers 302 to the presigned URL; a refused one still
// gets the policy's error, and renditions are streamed as before.
func TestDownloadRedirectsToPresignedURL(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "signing.key")
	require.NoError(t, os.WriteFile(keyPath, []byte("test signing key"), 0o600))
	bucketURL := "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")) +
		"?base_url=" + url.QueryEscape("https://blobs.example.com/get") + "&secret_key_path=" + url.QueryEscape(keyPath)
	lib, err := dam.Open(t.Context(), dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: bucketURL,
		Options:   &dam.Options{PresignedDownloads: time.Minute},
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	_, key, err := lib.CreateUser(t.Context(), dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	srv := httptest.NewServer(checkedByOpenAPI(t, damhttp.New(lib, nil)))
	t.Cleanup(srv.Close)
	c := &api{t: t, url: srv.URL, key: key, lib: lib}
	a := c.upload("report.txt", "", []byte("quarterly figures"))

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(key, path string) *http.Response {
		req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := noFollow.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	resp := get(key, "/api/v1/assets/"+a.ID+"/download")
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "https://blobs.example.com/get"), resp.Header.Get("Location"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))

	resp = get("not-a-key", "/api/v1/assets/"+a.ID+"/download")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no redirect before the policy check")
	assert.Empty(t, resp.Header.Get("Location"))
}
