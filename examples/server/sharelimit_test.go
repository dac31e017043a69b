package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestTwoProcessesShareDownloadLimit runs two server processes on one
// PostgreSQL database (and one file bucket) and has the guests of a share
// with a download limit of 7 download 40 times at once, half through each
// process: exactly 7 get the file, every other one 410, and the store
// counts 7.
func TestTwoProcessesShareDownloadLimit(t *testing.T) {
	pg := os.Getenv("DAMKIT_POSTGRES_URL")
	if pg == "" {
		t.Skip("needs PostgreSQL (DAMKIT_POSTGRES_URL, set by bench/sqlstore/with-postgres.sh)")
	}
	storeURL := postgresSchema(t, pg)
	bucketURL := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "blobs"))
	bin := filepath.Join(t.TempDir(), "server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	a := startProcess(t, bin, os.Environ(), "a", storeURL, bucketURL)
	b := startProcess(t, bin, os.Environ(), "b", storeURL, bucketURL)

	a.json(mpAdminKey, "PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
	asset := a.upload("brief.txt", "", []byte("the brief"))
	var v dam.ShareView
	b.json(mpAdminKey, "POST", "/api/v1/shares", map[string]any{"title": "Limited", "validity_days": 7, "asset_ids": []string{asset.ID},
		"guests": "ana@example.com, bo@example.org", "download_limit": 7}, 201, &v)
	require.Len(t, v.Links, 2)

	const tries = 40
	statuses := make([]int, tries)
	var wg sync.WaitGroup
	for i := range tries {
		p := a
		if i%2 == 1 {
			p = b
		}
		token := v.Links[i%2].Token
		wg.Go(func() {
			resp, err := http.Get(p.base + "/s/" + token + "/assets/" + asset.ID)
			if !assert.NoError(t, err) {
				return
			}
			_ = resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 7, http.StatusGone: tries - 7}, count)
	var got dam.ShareView
	a.json(mpAdminKey, "GET", "/api/v1/shares/"+v.ID, nil, 200, &got)
	assert.Equal(t, 7, got.Downloads)
}
