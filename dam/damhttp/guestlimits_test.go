package damhttp_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/share"
)

// frozenLibrary is a library whose clock stands still unless the test
// moves it: no rate limit refills behind the test's back.
func frozenLibrary(t *testing.T, at *time.Time) (*dam.Library, context.Context) {
	t.Helper()
	dir := t.TempDir()
	lib, err := dam.Open(t.Context(), dam.Config{
		StoreURL:  "sqlite://" + filepath.Join(dir, "dam.db"),
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		Clock:     func() time.Time { return *at },
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	u, _, err := lib.CreateUser(t.Context(), dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	owner := dam.WithActor(t.Context(), u.Actor())
	s, err := lib.Settings(owner)
	require.NoError(t, err)
	s.SharesEnabled = true
	_, err = lib.UpdateSettings(owner, s)
	require.NoError(t, err)
	return lib, owner
}

// A guest opens a 500-asset share, then fetches every preview and every
// asset one by one: 1,001 requests from one address with the clock
// standing still, and not one 429; a visitor does the same on an open
// portal of those assets. Failed guesses still count apart.
func TestGuestWalksA500AssetShare(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lib, owner := frozenLibrary(t, &now)
	const n = 500
	ids := make([]string, n)
	for i := range ids {
		img := testimage.PNG(testimage.Gradient(4, 4, float64(i)))
		a, err := lib.Upload(owner, bytes.NewReader(img), dam.UploadOptions{Name: "photo-" + strconv.Itoa(i) + ".png"})
		require.NoError(t, err)
		ids[i] = a.ID
	}
	v, err := lib.CreateShare(owner, dam.NewShare{Title: "Everything", AssetIDs: ids, Days: 7, Guests: "ana@example.com"})
	require.NoError(t, err)
	require.Len(t, v.Links, 1)
	base := "/s/" + v.Links[0].Token
	paths := []string{base}
	for _, id := range ids {
		paths = append(paths, base+"/assets/"+id+"/preview", base+"/assets/"+id)
	}
	h := damhttp.New(lib, nil)
	got := routeStatuses(t, h, paths, func(int) string { return "198.51.100.7:4000" })
	assert.Equal(t, map[int]int{200: 2*n + 1}, got, "requests %d", len(paths))
	t.Logf("500-asset share walk: %d requests, statuses %v", len(paths), got)

	// The same assets in an open portal: its page, then every download.
	_, err = lib.CreatePortal(owner, dam.NewPortal{Slug: "everything", Title: "Everything", AssetIDs: ids, Mode: dam.PortalOpen})
	require.NoError(t, err)
	portal := []string{"/p/everything"}
	for _, id := range ids {
		portal = append(portal, "/p/everything/assets/"+id)
	}
	got = routeStatuses(t, h, portal, func(int) string { return "198.51.100.8:4000" })
	assert.Equal(t, map[int]int{200: n + 1}, got)
	t.Logf("500-asset open portal walk: %d requests, statuses %v", len(portal), got)

	// A scanner at the same address is still cut off after its failed guesses.
	var guesses []string
	for range 100 {
		tok, _ := share.NewToken()
		guesses = append(guesses, "/s/"+tok)
	}
	bad := routeStatuses(t, h, guesses, func(int) string { return "198.51.100.7:4000" })
	assert.Equal(t, 60, bad[404], "the failed-guess budget")
	assert.Equal(t, 40, bad[429])
	ok := routeStatuses(t, h, paths[:1], func(int) string { return "198.51.100.7:4000" })
	assert.Equal(t, map[int]int{429: 1}, ok, "an address out of guesses is refused before its token is looked up")
}

// Every 429 of the guest limits says truly when to come back: with the
// failed-guess budget spent at 2 a second, in one second (0.5 s rounded
// up), not 30.
func TestGuestRetryAfterIsTrue(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lib, _ := frozenLibrary(t, &now)
	h := damhttp.New(lib, nil)
	tok, _ := share.NewToken()
	var last *httptest.ResponseRecorder
	for range 61 {
		req := httptest.NewRequest("GET", "/s/"+tok, nil)
		req.RemoteAddr = "203.0.113.9:1"
		last = httptest.NewRecorder()
		h.ServeHTTP(last, req)
	}
	require.Equal(t, 429, last.Code)
	assert.Equal(t, "1", last.Header().Get("Retry-After"))
	assert.Contains(t, last.Body.String(), "wait a second")

	now = now.Add(500 * time.Millisecond) // one guess refilled, as promised
	req := httptest.NewRequest("GET", "/s/"+tok, nil)
	req.RemoteAddr = "203.0.113.9:1"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, 404, rec.Code)
}
