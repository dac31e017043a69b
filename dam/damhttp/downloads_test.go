package damhttp_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func noise(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 11))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// downloadJob is the API's job body.
type downloadJob struct {
	dam.Job
	Parts []struct {
		dam.JobPart
		URL string `json:"url"`
	} `json:"parts"`
	SkippedCount int `json:"skipped_count"`
	Request      *struct {
		Method string         `json:"method"`
		Path   string         `json:"path"`
		Body   map[string]any `json:"body"`
	} `json:"request"`
}

// as returns a client acting with another key on the same server.
func (a *api) as(key string) *api { return &api{t: a.t, url: a.url, key: key, lib: a.lib} }

// owner returns a context acting as the server's owner.
func (a *api) owner() context.Context {
	u, err := a.lib.Authenticate(a.t.Context(), a.key)
	require.NoError(a.t, err)
	return dam.WithActor(a.t.Context(), u.Actor())
}

func (a *api) upload(name, folder string, content []byte) dam.Asset {
	a.t.Helper()
	resp, b := a.do("POST", "/api/v1/assets?name="+name+"&folder="+folder, bytes.NewReader(content), nil)
	require.Equal(a.t, 201, resp.StatusCode, string(b))
	var as dam.Asset
	require.NoError(a.t, json.Unmarshal(b, &as))
	return as
}

// collectionSetup is a viewer's collection of two open assets and one in a
// protected folder.
type collectionSetup struct {
	viewer     *api
	collection dam.Collection
	secret     dam.Asset
	open       map[string][]byte
}

func newCollectionSetup(t *testing.T, c *api) collectionSetup {
	var folder dam.Folder
	c.json("POST", "/api/v1/folders", map[string]any{"name": "Embargoed"}, 201, &folder)
	c.json("PUT", "/api/v1/folders/"+folder.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)
	s := collectionSetup{open: map[string][]byte{"beach.jpg": noise(1, 150_000), "Forêt ☀.txt": noise(2, 70_000)}}
	a1 := c.upload("beach.jpg", "", s.open["beach.jpg"])
	a2 := c.upload("For%C3%AAt%20%E2%98%80.txt", "", s.open["Forêt ☀.txt"])
	s.secret = c.upload("launch.jpg", folder.ID, noise(3, 1000))
	_, key, err := c.lib.CreateUser(c.owner(), dam.NewUser{Email: "viewer@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	s.viewer = c.as(key)
	s.viewer.json("POST", "/api/v1/collections", map[string]any{"name": "Trip"}, 201, &s.collection)
	s.viewer.json("POST", "/api/v1/collections/"+s.collection.ID+"/items", map[string]any{"items": []map[string]string{
		{"asset_id": a1.ID}, {"asset_id": s.secret.ID}, {"asset_id": a2.ID}}}, 200, nil)
	return s
}

func TestDownloadCollectionZIP(t *testing.T) {
	c := newAPI(t, nil)
	s := newCollectionSetup(t, c)
	body := `{"collection_id":"` + s.collection.ID + `"}`

	// A script asks for the ZIP itself.
	resp, zipBytes := s.viewer.do("POST", "/api/v1/downloads", strings.NewReader(body), map[string]string{"Accept": "application/zip"})
	require.Equal(t, 200, resp.StatusCode, string(zipBytes))
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.Equal(t, "1", resp.Header.Get("X-Damkit-Skipped"))
	assert.Equal(t, strconv.Itoa(len(zipBytes)), resp.Header.Get("Content-Length"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `filename="Trip.zip"`)
	checkZIP(t, zipBytes, s.open, s.secret.ID)
	checkWithTools(t, zipBytes)

	// The JSON answer: a ready job, the skipped list and how to request.
	var j downloadJob
	s.viewer.json("POST", "/api/v1/downloads", json.RawMessage(body), 201, &j)
	assert.Equal(t, dam.JobReady, j.Status)
	assert.Equal(t, 1, j.SkippedCount)
	require.Len(t, j.Skipped, 1)
	assert.Equal(t, "protected", j.Skipped[0].Reason)
	require.NotNil(t, j.Request)
	assert.Equal(t, "/api/v1/requests", j.Request.Path)
	assert.Equal(t, []any{s.secret.ID}, j.Request.Body["asset_ids"])
	require.Len(t, j.Parts, 1)
	url := j.Parts[0].URL
	require.NotEmpty(t, url)

	resp, full := s.viewer.do("GET", url, nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, zipBytes, full, "the same selection gives the same bytes")
	etag := resp.Header.Get("ETag")
	require.NotEmpty(t, etag)
	assert.Equal(t, strconv.Itoa(len(full)), resp.Header.Get("Content-Length"))

	// Cut at 37%, resumed with Range and If-Range: the same sha256.
	cut := len(full) * 37 / 100
	resp, head := s.viewer.do("GET", url, nil, map[string]string{"Range": "bytes=0-" + strconv.Itoa(cut-1)})
	require.Equal(t, 206, resp.StatusCode)
	resp, tail := s.viewer.do("GET", url, nil, map[string]string{"Range": "bytes=" + strconv.Itoa(cut) + "-", "If-Range": etag})
	require.Equal(t, 206, resp.StatusCode)
	assert.Equal(t, sha256.Sum256(full), sha256.Sum256(append(head, tail...)))
	// A stale validator gets the whole archive again.
	resp, _ = s.viewer.do("GET", url, nil, map[string]string{"Range": "bytes=10-", "If-Range": `"stale"`})
	assert.Equal(t, 200, resp.StatusCode)

	// The inbox lists it; a stranger does not see it.
	var page struct {
		Items []downloadJob `json:"items"`
	}
	s.viewer.json("GET", "/api/v1/downloads", nil, 200, &page)
	require.Len(t, page.Items, 2)
	_, strangerKey, err := c.lib.CreateUser(c.owner(), dam.NewUser{Email: "stranger@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	resp, b := c.as(strangerKey).do("GET", url, nil, nil)
	c.wantError(resp, b, 404, "not_found")

	// Protecting an asset after the fact stops the part.
	c.json("PUT", "/api/v1/assets/"+j.Items[0].AssetID+"/protection", map[string]any{"protection": "protected"}, 200, nil)
	resp, b = s.viewer.do("GET", url, nil, nil)
	c.wantError(resp, b, 403, "needs_request")
}

// checkZIP reads a collection archive with archive/zip.
func checkZIP(t *testing.T, b []byte, want map[string][]byte, skippedID string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	got := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		got[f.Name] = data
	}
	for name, data := range want {
		assert.Equal(t, data, got[name], name)
	}
	var man struct {
		Skipped []struct {
			AssetID string `json:"asset_id"`
			Reason  string `json:"reason"`
		} `json:"skipped"`
	}
	require.NoError(t, json.Unmarshal(got["manifest.json"], &man))
	require.Len(t, man.Skipped, 1)
	assert.Equal(t, skippedID, man.Skipped[0].AssetID)
}

// checkWithTools tests an archive with the readers CI installs.
func checkWithTools(t *testing.T, b []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.zip")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	for _, tool := range []struct {
		name, pkg string
		args      []string
	}{
		{"unzip", "unzip", []string{"-t", path}},
		{"7z", "p7zip-full", []string{"t", path}},
		{"bsdtar", "libarchive-tools", []string{"-tf", path}},
		{"python3", "python3", []string{"-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None", path}},
	} {
		t.Run(tool.name, func(t *testing.T) {
			if _, err := exec.LookPath(tool.name); err != nil {
				t.Skipf("%s not installed; .ci/run installs %s", tool.name, tool.pkg)
			}
			out, err := exec.CommandContext(t.Context(), tool.name, tool.args...).CombinedOutput()
			require.NoError(t, err, string(out))
			assert.NotContains(t, strings.ToLower(string(out)), "warning")
		})
	}
}

func TestDownloadNothingDownloadable(t *testing.T) {
	c := newAPI(t, nil)
	s := newCollectionSetup(t, c)
	resp, b := s.viewer.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["`+s.secret.ID+`"]}`), nil)
	require.Equal(t, 403, resp.StatusCode, string(b))
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
		Skipped      []dam.SkippedAsset `json:"skipped"`
		SkippedCount int                `json:"skipped_count"`
		Request      map[string]any     `json:"request"`
	}
	require.NoError(t, json.Unmarshal(b, &e))
	assert.Equal(t, "permission_denied", e.Error.Code)
	assert.Equal(t, 1, e.SkippedCount)
	assert.Equal(t, "protected", e.Skipped[0].Reason)
	assert.Equal(t, "/api/v1/requests", e.Request["path"])

	resp, b = s.viewer.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["00000000000000000000000000"]}`), nil)
	c.wantError(resp, b, 404, "not_found")
}

func TestDownloadSingleOriginalStreamsAsItself(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("hello.txt", "", []byte("hello, world\n"))
	resp, b := c.do("POST", "/api/v1/downloads?stream=1", strings.NewReader(`{"asset_ids":["`+a.ID+`"]}`), nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "hello, world\n", string(b))
	assert.Equal(t, "text/plain; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `filename="hello.txt"`)
	assert.Equal(t, "0", resp.Header.Get("X-Damkit-Skipped"))
}

func TestDownloadAsyncJobParts(t *testing.T) {
	c := newAPI(t, &dam.Options{MaxPartSize: 300_000, SyncMaxAssets: 2})
	var ids []string
	for i := range 3 {
		ids = append(ids, c.upload(fmt.Sprintf("photo-%d.jpg", i), "", noise(uint64(20+i), 200_000)).ID)
	}
	var j downloadJob
	c.json("POST", "/api/v1/downloads", map[string]any{"asset_ids": ids}, 202, &j)
	assert.Equal(t, dam.JobQueued, j.Status)

	n, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)

	var page struct {
		Items []downloadJob `json:"items"`
	}
	c.json("GET", "/api/v1/downloads", nil, 200, &page)
	require.Len(t, page.Items, 1)
	j = page.Items[0]
	assert.Equal(t, dam.JobDone, j.Status)
	assert.Equal(t, 3, j.EntriesDone)
	require.NotNil(t, j.ExpiresAt)
	require.Len(t, j.Parts, 3)
	names := map[string]bool{}
	for _, p := range j.Parts {
		require.True(t, p.Ready)
		resp, b := c.do("GET", p.URL, nil, nil)
		require.Equal(t, 200, resp.StatusCode, string(b))
		assert.Equal(t, strconv.FormatInt(p.Size, 10), resp.Header.Get("Content-Length"))
		assert.Equal(t, p.ETag, resp.Header.Get("ETag"))
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		require.NoError(t, err, "part %d is a standalone ZIP", p.Number)
		for _, f := range zr.File {
			names[f.Name] = true
		}
		checkWithTools(t, b)
		resp, rb := c.do("GET", p.URL, nil, map[string]string{"Range": "bytes=100-199", "If-Range": p.ETag})
		require.Equal(t, 206, resp.StatusCode)
		assert.Equal(t, b[100:200], rb)
	}
	assert.Len(t, names, 4)

	var inbox struct {
		Items []dam.Notification `json:"items"`
	}
	c.json("GET", "/api/v1/inbox", nil, 200, &inbox)
	require.NotEmpty(t, inbox.Items)
	assert.Equal(t, dam.NotifyArchiveReady, inbox.Items[0].Kind)

	resp, _ := c.do("DELETE", "/api/v1/downloads/"+j.ID, nil, nil)
	assert.Equal(t, 204, resp.StatusCode)
	resp, b := c.do("GET", j.Parts[0].URL, nil, nil)
	c.wantError(resp, b, 404, "not_found")
}

func TestDownloadConcurrencyLimit(t *testing.T) {
	c := newAPI(t, &dam.Options{MaxConcurrentArchives: 1})
	a := c.upload("a.bin", "", noise(1, 1000))
	b := c.upload("b.bin", "", noise(2, 1000))
	c.json("POST", "/api/v1/downloads", map[string]any{"asset_ids": []string{a.ID, b.ID}, "async": true}, 202, nil)
	resp, body := c.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["`+a.ID+`","`+b.ID+`"],"async":true}`), nil)
	c.wantError(resp, body, 429, "resource_exhausted")
	resp, body = c.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["`+a.ID+`","`+b.ID+`"]}`), map[string]string{"Accept": "application/zip"})
	c.wantError(resp, body, 429, "resource_exhausted")
}

// TestDownloadClientDisconnect cuts a stream short: the server stops and
// leaves no goroutine behind.
func TestDownloadClientDisconnect(t *testing.T) {
	c := newAPI(t, nil)
	var ids []string
	for i := range 4 {
		ids = append(ids, c.upload(fmt.Sprintf("big-%d.bin", i), "", noise(uint64(i), 4<<20)).ID)
	}
	body := `{"asset_ids":["` + strings.Join(ids, `","`) + `"]}`
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	get := func() {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, "POST", c.url+"/api/v1/downloads?stream=1", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := client.Do(req)
		require.NoError(t, err)
		_, err = io.ReadFull(resp.Body, make([]byte, 64<<10))
		require.NoError(t, err)
		cancel()
		_ = resp.Body.Close()
	}
	get() // warm up the pools
	tr.CloseIdleConnections()
	before := settledGoroutines(0)
	get()
	tr.CloseIdleConnections()
	after := settledGoroutines(before)
	assert.LessOrEqual(t, after, before, "goroutines left behind by a cut download")
	// The slot is free again: the next stream is allowed.
	resp, b := c.do("POST", "/api/v1/downloads?stream=1", strings.NewReader(body), nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, resp.Header.Get("Content-Length"), strconv.Itoa(len(b)))
}

// settledGoroutines waits (up to 5 s) for the goroutine count to drop to
// target, and returns the count it saw last.
func settledGoroutines(target int) int {
	n := runtime.NumGoroutine()
	for i := 0; i < 100 && (target == 0 || n > target); i++ {
		time.Sleep(50 * time.Millisecond)
		m := runtime.NumGoroutine()
		if target == 0 && m == n && i > 3 {
			break
		}
		n = m
	}
	return n
}

// TestDownloadFailureMidStreamAborts loses a source after the headers went
// out: the client sees a broken transfer, never a short body passing for whole.
func TestDownloadFailureMidStreamAborts(t *testing.T) {
	c := newAPI(t, nil)
	a := c.upload("first.bin", "", noise(1, 2<<20))
	b := c.upload("second.bin", "", noise(2, 2<<20))
	var j downloadJob
	c.json("POST", "/api/v1/downloads", map[string]any{"asset_ids": []string{a.ID, b.ID}}, 201, &j)
	require.NoError(t, c.lib.Bucket().Delete(t.Context(), "originals/sha256/"+b.Current.SHA256))
	req, err := http.NewRequestWithContext(t.Context(), "GET", c.url+j.Parts[0].URL, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	got, err := io.ReadAll(resp.Body)
	require.Error(t, err, "a truncated archive must not end cleanly")
	assert.Less(t, int64(len(got)), j.Parts[0].Size)
}
