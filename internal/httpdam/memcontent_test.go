package httpdam

import (
	"bytes"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeContentFromMemory: a body in memory goes out whole, in ranges
// (one, several, a tail), not for HEAD, not for a matching If-None-Match,
// and the request log's writer counts the bytes sent.
func TestServeContentFromMemory(t *testing.T) {
	content := make([]byte, 46_241)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range content {
		content[i] = byte(rng.Uint32())
	}
	counted := make(chan int64, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &StatusWriter{ResponseWriter: w}
		w.Header().Set("ETag", `"r-abc"`)
		w.Header().Set("Content-Type", "image/jpeg")
		ServeContent(sw, r, time.Time{}, newMemContent(content), time.Minute)
		counted <- sw.Bytes
	}))
	defer srv.Close()

	do := func(t *testing.T, method string, hdr map[string]string) (*http.Response, []byte) {
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL, nil)
		require.NoError(t, err)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, got
	}
	for _, tc := range []struct {
		name, rng  string
		status     int
		first, end int
	}{
		{"whole", "", http.StatusOK, 0, len(content)},
		{"range", "bytes=100-4199", http.StatusPartialContent, 100, 4200},
		{"tail", "bytes=-1000", http.StatusPartialContent, len(content) - 1000, len(content)},
		{"past the end", "bytes=46000-99999", http.StatusPartialContent, 46000, len(content)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.rng != "" {
				hdr["Range"] = tc.rng
			}
			resp, got := do(t, "GET", hdr)
			require.Equal(t, tc.status, resp.StatusCode)
			assert.True(t, bytes.Equal(content[tc.first:tc.end], got), "the bytes asked for (%d of them), got %d", tc.end-tc.first, len(got))
			assert.Equal(t, int64(tc.end-tc.first), <-counted, "the request log counts the bytes sent")
		})
	}
	t.Run("two ranges", func(t *testing.T) {
		resp, got := do(t, "GET", map[string]string{"Range": "bytes=0-9,40000-40009"})
		require.Equal(t, http.StatusPartialContent, resp.StatusCode)
		<-counted
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		require.NoError(t, err)
		mr := multipart.NewReader(bytes.NewReader(got), params["boundary"])
		for _, want := range [][]byte{content[0:10], content[40000:40010]} {
			p, err := mr.NextPart()
			require.NoError(t, err)
			b, err := io.ReadAll(p)
			require.NoError(t, err)
			assert.Equal(t, want, b)
		}
	})
	t.Run("unsatisfiable", func(t *testing.T) {
		resp, got := do(t, "GET", map[string]string{"Range": "bytes=50000-"})
		<-counted
		assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, resp.StatusCode)
		assert.True(t, strings.Contains(string(got), RangeNotSatisfiableCode), string(got))
	})
	t.Run("HEAD", func(t *testing.T) {
		resp, got := do(t, "HEAD", nil)
		<-counted
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "46241", resp.Header.Get("Content-Length"))
		assert.Empty(t, got)
	})
	t.Run("not modified", func(t *testing.T) {
		resp, got := do(t, "GET", map[string]string{"If-None-Match": `"r-abc"`})
		<-counted
		assert.Equal(t, http.StatusNotModified, resp.StatusCode)
		assert.Empty(t, got)
	})
}

// TestWriteMemShortWrite: bytes a writer did not take stay to be read.
func TestWriteMemShortWrite(t *testing.T) {
	m := newMemContent([]byte("0123456789"))
	lr := &io.LimitedReader{R: m, N: 8}
	n, ok, err := writeMem(&shortWriter{max: 3}, lr)
	require.True(t, ok)
	assert.Equal(t, io.ErrShortWrite, err)
	assert.Equal(t, int64(3), n)
	assert.Equal(t, int64(5), lr.N)
	rest, _ := io.ReadAll(m)
	assert.Equal(t, "3456789", string(rest))
	_, ok, _ = writeMem(io.Discard, strings.NewReader("x"))
	assert.False(t, ok, "any other reader is left to io.Copy")
}

type shortWriter struct{ max int }

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.max {
		return w.max, io.ErrShortWrite
	}
	return len(p), nil
}
