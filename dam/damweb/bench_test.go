package damweb

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// fillFolder stores n image assets in folderID straight through the store
// (ingesting 100,000 real files would take the benchmark's whole budget).
func fillFolder(tb testing.TB, s *site, folderID string, n int) {
	tb.Helper()
	st := s.lib.Store()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Millisecond)
		id := dam.NewID(at)
		name := fmt.Sprintf("image-%06d.jpg", i)
		a := dam.Asset{ID: id, Name: name, FolderID: folderID, Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			Availability: dam.Available, Protection: dam.Inherit, CreatedBy: "bench", CreatedAt: at, UpdatedBy: "bench", UpdatedAt: at,
			Current: dam.Version{AssetID: id, Number: 1, SHA256: fmt.Sprintf("%064x", i), Size: 100_000, MediaType: "image/jpeg",
				Width: 640, Height: 480, OriginalName: name, CreatedBy: "bench", CreatedAt: at}}
		require.NoError(tb, st.CreateAsset(tb.Context(), a))
	}
}

// BenchmarkPages renders the pages people open most through the whole
// handler (session lookup, dam, templates) on SQLite: the library page of
// a folder of 100,000 assets (its first page and one deep in the folder),
// an asset page, and the notifications inbox. It reports the server time's
// median and 99th percentile per page and the page's size.
//
//	go test ./dam/damweb -run '^$' -bench Pages -benchtime 2000x
func BenchmarkPages(b *testing.B) {
	s := newSite(b, nil)
	big, err := s.lib.CreateFolder(s.owner, "Big", "", dam.DefaultDomain)
	require.NoError(b, err)
	fillFolder(b, s, big.ID, 100_000)
	page, next, err := s.lib.Assets(s.owner, dam.AssetQuery{FolderID: &big.ID, Limit: 1000, Cursor: ""})
	require.NoError(b, err)
	for range 49 { // 50,000 assets in
		page, next, err = s.lib.Assets(s.owner, dam.AssetQuery{FolderID: &big.ID, Limit: 1000, Cursor: next})
		require.NoError(b, err)
	}
	deep := page[len(page)-1].ID
	secret, _, err := s.lib.SignInWithKey(b.Context(), s.keys["owner"], "bench")
	require.NoError(b, err)
	cookie := &http.Cookie{Name: sessionCookie, Value: secret}
	paths := []struct{ name, path string }{
		{"library-first", "/?folder=" + big.ID},
		{"library-deep", "/?folder=" + big.ID + "&cursor=" + deep},
		{"asset", "/assets/" + s.photo.ID},
		{"notifications", "/notifications"},
	}
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) { benchPage(b, s.h, cookie, p.path) })
	}
}

// benchPage GETs path through the whole handler with the session cookie
// as many times as the benchmark asks, and reports the server time's
// median and 99th percentile and the page's size.
func benchPage(b *testing.B, h http.Handler, cookie *http.Cookie, path string) {
	var times []time.Duration
	size := 0
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String()[:min(300, rec.Body.Len())])
		}
		size = rec.Body.Len()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(size)/1000, "kB-html")
}

// TestPageWeight keeps pages light: a library page of a full grid under
// 100 kB of HTML, and all the scripts together under 40 kB.
func TestPageWeight(t *testing.T) {
	s := newSite(t, nil)
	big, err := s.lib.CreateFolder(s.owner, "Big", "", dam.DefaultDomain)
	require.NoError(t, err)
	fillFolder(t, s, big.ID, libraryPageSize+1)
	b := s.signIn(t, "owner")
	for _, view := range []string{"", "&view=list"} {
		resp, body := b.get("/?folder=" + big.ID + view)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, libraryPageSize, strings.Count(body, `name="id"`), "a full page")
		assert.Less(t, len(body), 100_000, "HTML of the library page%s", view)
	}
	js := 0
	require.NoError(t, fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".js") {
			b, err := staticFiles.ReadFile(p)
			js += len(b)
			return err
		}
		return err
	}))
	assert.Less(t, js, 40_000, "bytes of JavaScript")
}
