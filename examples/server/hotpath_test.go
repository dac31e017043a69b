package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// buildServer builds the server binary once per test.
func buildServer(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
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
