package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServerStartsSeedsAndShutsDown(t *testing.T) {
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-demo", "-admin-key", "test-admin-key-0123456789"}, new(bytes.Buffer))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(c.store, "sqlite:///"))
	assert.True(t, strings.HasPrefix(c.bucket, "file:///"))

	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, c, &out, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("server stopped early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}

	req, err := http.NewRequestWithContext(t.Context(), "GET", "http://"+addr+"/api/v1/assets", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-admin-key-0123456789")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var list struct{ Items []map[string]any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	resp.Body.Close()
	assert.Len(t, list.Items, 4, "the demo library is seeded")
	var withEXIF int
	for _, it := range list.Items {
		if cur, ok := it["current"].(map[string]any); ok && cur["exif"] != nil {
			withEXIF++
		}
	}
	assert.Equal(t, 1, withEXIF, "the demo JPEG carries EXIF")
	var categorised int
	for _, it := range list.Items {
		if cs, ok := it["categories"].([]any); ok && len(cs) > 0 {
			categorised++
		}
	}
	assert.Equal(t, 4, categorised, "every demo asset is in a category")
	assert.Contains(t, out.String(), "damkit serving on http://"+addr)
	assert.Contains(t, out.String(), "a guest's share page (open in a browser): http://"+addr+"/s/")
	assert.Contains(t, out.String(), "the press portal: http://"+addr+"/p/press-kit")
	for _, path := range []string{"/p/press-kit", shareLink(t, out.String())} {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, path)
	}
	assert.NotContains(t, out.String(), "test-admin-key", "a given key is never printed")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("server did not shut down")
	}

	// A second start on the same data keeps the owner and does not seed again.
	ctx2, cancel2 := context.WithCancel(t.Context())
	ready2 := make(chan string, 1)
	go func() { done <- run(ctx2, c, new(bytes.Buffer), ready2) }()
	<-ready2
	cancel2()
	require.NoError(t, <-done)
}

func TestFirstStartPrintsAGeneratedKeyOnce(t *testing.T) {
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, new(bytes.Buffer))
	require.NoError(t, err)
	for i, want := range []bool{true, false} {
		ctx, cancel := context.WithCancel(t.Context())
		ready := make(chan string, 1)
		var out bytes.Buffer
		done := make(chan error, 1)
		go func() { done <- run(ctx, c, &out, ready) }()
		<-ready
		cancel()
		require.NoError(t, <-done)
		assert.Equal(t, want, strings.Contains(out.String(), "owner API key (shown once, keep it): dk_"), "start %d", i+1)
	}
}

// shareLink picks the share path out of the welcome text.
func shareLink(t *testing.T, out string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "/s/")
	require.True(t, ok)
	token, _, _ := strings.Cut(rest, "\n")
	return "/s/" + token
}

func TestEnvironmentSetsFlags(t *testing.T) {
	t.Setenv("DAMKIT_MAX_LICENCE_TEXT", "1000")
	t.Setenv("DAMKIT_ARCHIVE_TTL", "2h")
	t.Setenv("DAMKIT_DEMO", "true")
	t.Setenv("DAMKIT_ADDR", "127.0.0.1:9999")
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-data", t.TempDir()}, new(bytes.Buffer))
	require.NoError(t, err)
	assert.Equal(t, 1000, c.maxLicenceText)
	assert.Equal(t, 2*time.Hour, c.archiveTTL)
	assert.True(t, c.demo)
	assert.Equal(t, "127.0.0.1:0", c.addr, "the command line wins")

	t.Setenv("DAMKIT_MAX_SEND_TO", "twenty")
	_, err = parseConfig(nil, new(bytes.Buffer))
	require.Error(t, err, "a bad value is refused, not replaced by the default")
	assert.Contains(t, err.Error(), "DAMKIT_MAX_SEND_TO")
}
