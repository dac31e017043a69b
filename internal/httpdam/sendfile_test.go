package httpdam

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeContentFromFile: a file served through the writers' ReadFrom
// chain (the sendfile path) arrives whole and in ranges, across more than
// one deadline chunk, and the request log's writer counts every byte.
func TestServeContentFromFile(t *testing.T) {
	content := make([]byte, deadlineChunk+123_457)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	path := filepath.Join(t.TempDir(), "blob")
	require.NoError(t, os.WriteFile(path, content, 0o600))
	counted := make(chan int64, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if !assert.NoError(t, err) {
			return
		}
		defer f.Close()
		sw := &StatusWriter{ResponseWriter: w}
		ServeContent(sw, r, time.Time{}, f, time.Minute)
		counted <- sw.Bytes
	}))
	defer srv.Close()

	for _, tc := range []struct {
		name, rng  string
		status     int
		first, end int
	}{
		{"whole", "", http.StatusOK, 0, len(content)},
		{"range across a chunk", "bytes=100-" + itoa(deadlineChunk+99), http.StatusPartialContent, 100, deadlineChunk + 100},
		{"tail", "bytes=-1000", http.StatusPartialContent, len(content) - 1000, len(content)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL, nil)
			require.NoError(t, err)
			if tc.rng != "" {
				req.Header.Set("Range", tc.rng)
			}
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode)
			assert.True(t, bytes.Equal(content[tc.first:tc.end], got), "the bytes asked for (%d of them), got %d", tc.end-tc.first, len(got))
			assert.Equal(t, int64(tc.end-tc.first), <-counted, "the request log counts the bytes sent")
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
