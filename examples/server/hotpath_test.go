package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
)

// built is the server binary the tests of this file share.
var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// buildServer builds the server binary once for the tests of this file.
func buildServer(t testing.TB) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "damkit-server-bin"); built.err == nil {
			built.out, built.err = exec.Command("go", "build", "-o", filepath.Join(built.dir, "server"), ".").CombinedOutput()
		}
	})
	require.NoError(t, built.err, "%s", built.out)
	return filepath.Join(built.dir, "server")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// sharedStore is the store two processes share: a fresh PostgreSQL schema
// when DAMKIT_POSTGRES_URL is set (bench/sqlstore/with-postgres.sh), else
// one SQLite file.
func sharedStore(t testing.TB) string {
	if pg := os.Getenv("DAMKIT_POSTGRES_URL"); pg != "" {
		return postgresSchema(t, pg)
	}
	return "sqlite://" + filepath.Join(t.TempDir(), "dam.db")
}

// TestRevokedKeyStopsOnTheOtherProcess: both processes keep the actors of
// API keys in memory; a key revoked through A stops working on A at once
// and on B within a second (B reads the store's authentication generation
// at most once a second). The test polls B until a deadline well past
// that second; it asserts no timing.
func TestRevokedKeyStopsOnTheOtherProcess(t *testing.T) {
	bin := buildServer(t)
	storeURL := sharedStore(t)
	bucketURL := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "blobs"))
	a := startProcess(t, bin, os.Environ(), "a", storeURL, bucketURL)
	b := startProcess(t, bin, os.Environ(), "b", storeURL, bucketURL)

	var viewer struct {
		dam.User
		APIKey string `json:"api_key"`
	}
	a.json(mpAdminKey, "POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &viewer)
	var second struct {
		dam.APIKey
		Key string `json:"api_key"`
	}
	a.json(mpAdminKey, "POST", "/api/v1/users/"+viewer.ID+"/keys", map[string]any{"name": "second"}, 201, &second)

	// Both processes have the keys in memory now.
	for _, p := range []*process{a, b} {
		for _, key := range []string{viewer.APIKey, second.Key} {
			for range 3 {
				status, body, _ := p.get(key, "/api/v1/me")
				require.Equal(t, http.StatusOK, status, "%s", body)
			}
		}
	}

	a.json(mpAdminKey, "DELETE", "/api/v1/keys/"+second.ID, nil, 200, nil)
	status, _, _ := a.get(second.Key, "/api/v1/me")
	require.Equal(t, http.StatusUnauthorized, status, "the process that revoked it refuses the key at once")
	require.Eventually(t, func() bool {
		status, _, _ := b.get(second.Key, "/api/v1/me")
		return status == http.StatusUnauthorized
	}, 10*time.Second, 50*time.Millisecond, "the other process refuses the revoked key")
	for _, p := range []*process{a, b} {
		status, body, _ := p.get(viewer.APIKey, "/api/v1/me")
		require.Equal(t, http.StatusOK, status, "the user's other key still works: %s", body)
	}

	// Disabling the user ends its other key on both processes too.
	a.json(mpAdminKey, "PATCH", "/api/v1/users/"+viewer.ID, map[string]any{"disabled": true}, 200, nil)
	status, _, _ = a.get(viewer.APIKey, "/api/v1/me")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Eventually(t, func() bool {
		status, _, _ := b.get(viewer.APIKey, "/api/v1/me")
		return status == http.StatusUnauthorized
	}, 10*time.Second, 50*time.Millisecond, "the other process refuses a disabled user's key")
}

// TestKilledMidLoadKeepsEveryDownloadEvent: a download's usage event is
// committed (with those of the downloads under way at the same time)
// before its response begins, so when the server is killed (SIGKILL, no
// shutdown) in the middle of concurrent downloads, every download that
// completed has its event in the log.
func TestKilledMidLoadKeepsEveryDownloadEvent(t *testing.T) {
	bin := buildServer(t)
	storeURL := sharedStore(t)
	bucketURL := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "blobs"))
	p := startProcess(t, bin, os.Environ(), "a", storeURL, bucketURL)
	content := noise(1, 100_000)
	asset := p.upload("photo.bin", "", content)

	const workers = 16
	var completed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, err := http.NewRequest("GET", p.base+"/api/v1/assets/"+asset.ID+"/download", nil)
				if err != nil {
					return
				}
				req.Header.Set("Authorization", "Bearer "+mpAdminKey)
				resp, err := client.Do(req)
				if err != nil {
					continue // the server is gone
				}
				body, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if err == nil && resp.StatusCode == http.StatusOK && bytes.Equal(body, content) {
					completed.Add(1)
				}
			}
		})
	}
	require.Eventually(t, func() bool { return completed.Load() >= 300 }, 60*time.Second, 10*time.Millisecond, "downloads complete")
	require.NoError(t, p.cmd.Process.Kill())
	_ = p.cmd.Wait()
	close(stop)
	wg.Wait()

	st, err := sqlstore.Open(t.Context(), storeURL, nil)
	require.NoError(t, err)
	defer st.Close()
	events := 0
	q := dam.EventQuery{AssetID: asset.ID, Action: dam.EventDownload, Limit: 1000}
	for {
		es, next, err := st.Events(t.Context(), q)
		require.NoError(t, err)
		events += len(es)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	assert.GreaterOrEqual(t, events, int(completed.Load()), "every completed download has its event (%d completed)", completed.Load())
}
