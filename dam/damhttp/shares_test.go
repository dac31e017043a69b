package damhttp_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/share"
)

// outbox records notifications instead of mailing them (dam's tests run
// the same invitations through an SMTP server).
type outbox struct {
	mu sync.Mutex
	ms []dam.Message
}

func (o *outbox) Notify(_ context.Context, m dam.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ms = append(o.ms, m)
	return nil
}

func (o *outbox) messages() []dam.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]dam.Message(nil), o.ms...)
}

// shareAPI is a server with shares enabled and two text assets.
type shareAPI struct {
	*api
	box  *outbox
	a, b dam.Asset
}

func newShareAPI(t *testing.T) *shareAPI {
	t.Helper()
	return newShareAPIWith(t)
}

// newShareAPIWith is newShareAPI with rendition engines for more media.
func newShareAPIWith(t *testing.T, engines ...rendition.Engine) *shareAPI {
	t.Helper()
	box := &outbox{}
	c := newAPI(t, &dam.Options{Links: damhttp.Links("https://dam.example.com"), Notifiers: []dam.Notifier{box}, Engines: engines})
	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
	s := &shareAPI{api: c, box: box}
	s.a = s.uploadBytes("brief.txt", []byte("the brief"))
	s.b = s.uploadBytes("notes.txt", []byte("some notes"))
	return s
}

// create makes a share of both assets for ana and bo and returns it with
// the guests' links.
func (s *shareAPI) create(extra map[string]any) (dam.ShareView, dam.GuestLink, dam.GuestLink) {
	s.t.Helper()
	in := map[string]any{"title": "Campaign", "validity_days": 7, "asset_ids": []string{s.a.ID, s.b.ID},
		"guests": "ana@example.com, bo@example.org", "comment": "enjoy"}
	for k, v := range extra {
		in[k] = v
	}
	var v dam.ShareView
	s.json("POST", "/api/v1/shares", in, 201, &v)
	require.Len(s.t, v.Links, 2)
	ana, bo := v.Links[0], v.Links[1]
	if ana.Email != "ana@example.com" {
		ana, bo = bo, ana
	}
	return v, ana, bo
}

// guest fetches a guest URL without an API key.
func (s *shareAPI) guest(path string) (*http.Response, []byte) {
	s.t.Helper()
	key := s.key
	s.key = ""
	defer func() { s.key = key }()
	return s.do("GET", path, nil, nil)
}

// guestRoutes are every /s/ route of a token.
func (s *shareAPI) guestRoutes(token string) []string {
	return []string{"/s/" + token, "/s/" + token + "/assets/" + s.a.ID, "/s/" + token + "/download"}
}

func TestShareOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	un := dam.Unavailable
	c.json("PATCH", "/api/v1/assets/"+c.b.ID, dam.AssetPatch{Availability: &un}, 200, nil)
	v, ana, _ := c.create(nil)
	assert.Equal(t, []string{c.a.ID}, v.AssetIDs)
	require.Len(t, v.Skipped, 1, "the share reports the asset it could not include")
	assert.Equal(t, c.b.ID, v.Skipped[0].AssetID)
	assert.Equal(t, "unavailable", v.Skipped[0].Reason)
	assert.Equal(t, "https://dam.example.com/s/"+ana.Token, ana.URL)

	var invited []dam.Message
	for _, m := range c.box.messages() {
		if m.Kind == dam.NotifyShareInvitation {
			invited = append(invited, m)
		}
	}
	require.Len(t, invited, 2)
	assert.True(t, strings.HasPrefix(invited[0].Link, "https://dam.example.com/s/"))

	resp, b := c.guest("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
	var gv struct {
		Title  string `json:"title"`
		Assets []struct {
			ID          string `json:"id"`
			Name        string `json:"name"`
			Size        int64  `json:"size"`
			DownloadURL string `json:"download_url"`
		} `json:"assets"`
		DownloadAllURL string `json:"download_all_url"`
	}
	require.NoError(t, json.Unmarshal(b, &gv))
	assert.Equal(t, "Campaign", gv.Title)
	require.Len(t, gv.Assets, 1)
	assert.Equal(t, "brief.txt", gv.Assets[0].Name)
	assert.Equal(t, int64(9), gv.Assets[0].Size)

	resp, b = c.guest(gv.Assets[0].DownloadURL)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "the brief", string(b))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "brief.txt")

	resp, b = c.do("GET", gv.Assets[0].DownloadURL, nil, map[string]string{"Range": "bytes=4-"})
	require.Equal(t, 206, resp.StatusCode)
	assert.Equal(t, "brief", string(b))

	resp, b = c.guest(gv.DownloadAllURL)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	require.Len(t, zr.File, 1)
	assert.Equal(t, "brief.txt", zr.File[0].Name)

	var events struct {
		Items []dam.Event `json:"items"`
	}
	c.json("GET", "/api/v1/events?action=download", nil, 200, &events)
	require.NotEmpty(t, events.Items)
	assert.Equal(t, "ana@example.com", events.Items[0].ActorID, "who downloaded")
	assert.Contains(t, events.Items[0].Detail, "share "+v.ID, "through which share")

	var got dam.ShareView
	c.json("GET", "/api/v1/shares/"+v.ID, nil, 200, &got)
	assert.Len(t, got.ActiveGuests, 2)
	assert.Empty(t, got.Links, "links are shown once, at invitation")
	var list struct {
		Items []dam.ShareView `json:"items"`
	}
	c.json("GET", "/api/v1/shares", nil, 200, &list)
	require.Len(t, list.Items, 1)

	c.json("DELETE", "/api/v1/shares/"+v.ID, nil, 204, nil)
	resp, b = c.guest("/s/" + ana.Token)
	c.wantError(resp, b, 404, "not_found")
}

func TestShareBadInput(t *testing.T) {
	c := newShareAPI(t)
	many := make([]string, 1000)
	for i := range many {
		many[i] = fmt.Sprintf("guest%d@example.com", i)
	}
	tests := []struct {
		name string
		body map[string]any
		want string
	}{
		{"4 days", map[string]any{"title": "x", "validity_days": 4, "asset_ids": []string{c.a.ID}}, "4 days"},
		{"empty title", map[string]any{"title": "", "validity_days": 7, "asset_ids": []string{c.a.ID}}, "title"},
		{"1000 guests", map[string]any{"title": "x", "validity_days": 7, "asset_ids": []string{c.a.ID}, "guests": strings.Join(many, ", ")}, "at most 50"},
		{"malformed address", map[string]any{"title": "x", "validity_days": 7, "asset_ids": []string{c.a.ID}, "guests": "a@x.com, Pat <p@x.com>"}, "address 2"},
		{"injected address", map[string]any{"title": "x", "validity_days": 7, "asset_ids": []string{c.a.ID}, "guests": "a@x.com\r\nBcc: e@x.com"}, "line breaks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.body)
			require.NoError(t, err)
			resp, out := c.do("POST", "/api/v1/shares", bytes.NewReader(b), nil)
			e := c.wantError(resp, out, 400, "invalid")
			assert.Contains(t, e.Error.Message, tt.want)
		})
	}
	var list struct {
		Items []dam.ShareView `json:"items"`
	}
	c.json("GET", "/api/v1/shares", nil, 200, &list)
	assert.Empty(t, list.Items)
}

func TestShareHeadersStayClean(t *testing.T) {
	c := newShareAPI(t)
	_, ana, _ := c.create(map[string]any{"title": "Q3\"; filename=evil.exe\r\nSet-Cookie: a=b", "comment": "hi\r\nBcc: x@example.com"})
	resp, b := c.guest("/s/" + ana.Token + "/download")
	require.Equal(t, 200, resp.StatusCode, string(b))
	cd := resp.Header.Get("Content-Disposition")
	assert.NotContains(t, cd, "\r")
	assert.NotContains(t, cd, "\n")
	assert.Empty(t, resp.Header.Get("Set-Cookie"))
	for _, m := range c.box.messages() {
		assert.NotContains(t, m.Subject, "\n")
		assert.NotContains(t, m.Subject, "\r")
	}
}

// routeStatuses sends one GET per path straight to handler from its own
// client address (so the per-address limit does not hide the answer) and
// counts the statuses.
func routeStatuses(t *testing.T, h http.Handler, paths []string, addr func(i int) string) map[int]int {
	t.Helper()
	counts := map[int]int{}
	for i, p := range paths {
		req := httptest.NewRequest("GET", p, nil)
		req.RemoteAddr = addr(i)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		counts[rec.Code]++
	}
	return counts
}

func TestGuessedTokensOnEveryRoute(t *testing.T) {
	c := newShareAPI(t)
	_, ana, _ := c.create(nil)
	h := damhttp.New(c.lib, nil)
	rng := mathrand.New(mathrand.NewPCG(3, 4))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	guesses := make([]string, 0, 300)
	for i := range 300 {
		if i%2 == 0 {
			b := make([]byte, share.TokenBytes)
			for j := range b {
				b[j] = byte(rng.UintN(256))
			}
			guesses = append(guesses, base64.RawURLEncoding.EncodeToString(b))
			continue
		}
		b := []byte(ana.Token)
		p := rng.IntN(len(b))
		for b[p] == ana.Token[p] {
			b[p] = alphabet[rng.IntN(len(alphabet))]
		}
		guesses = append(guesses, string(b))
	}
	addr := func(i int) string { return fmt.Sprintf("198.51.%d.%d:4000", i/250, i%250) }
	for route := range 3 {
		var paths []string
		for _, g := range guesses {
			paths = append(paths, c.guestRoutes(g)[route])
		}
		assert.Equal(t, map[int]int{404: len(paths)}, routeStatuses(t, h, paths, addr), "route %d", route)
	}
	for _, p := range c.guestRoutes(ana.Token) {
		assert.Equal(t, map[int]int{200: 1}, routeStatuses(t, h, []string{p}, addr), p)
	}
}

func TestDeadLinksOnEveryRoute(t *testing.T) {
	c := newShareAPI(t)
	v, ana, bo := c.create(nil)
	notFound := func(why string, token string) {
		t.Helper()
		var first string
		for _, p := range c.guestRoutes(token) {
			resp, b := c.guest(p)
			e := c.wantError(resp, b, 404, "not_found")
			if first == "" {
				first = e.Error.Message
			}
			assert.Equal(t, first, e.Error.Message, "%s: every dead link reads the same", why)
		}
	}
	for _, p := range c.guestRoutes(bo.Token) {
		resp, b := c.guest(p)
		require.Equal(t, 200, resp.StatusCode, "%s: %s", p, b)
	}

	var after dam.ShareView
	c.json("DELETE", "/api/v1/shares/"+v.ID+"/guests/"+ana.GuestID, nil, 200, &after)
	require.Len(t, after.ExpiredGuests, 1)
	assert.Equal(t, "ana@example.com", after.ExpiredGuests[0].Email)
	notFound("removed guest", ana.Token)

	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
	notFound("disabled share", bo.Token)
	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": true}, 200, nil)
	resp, b := c.guest("/s/" + bo.Token)
	require.Equal(t, 200, resp.StatusCode, string(b))

	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": false}, 200, nil)
	notFound("shares turned off", bo.Token)
}

func TestExpiredLinksOnEveryRoute(t *testing.T) {
	c := newShareAPI(t)
	_, ana, _ := c.create(map[string]any{"validity_days": 1})
	h := damhttp.New(c.lib, nil)
	// The server's clock is the wall clock: move the share's end instead.
	st := c.lib.Store()
	id := mustGuest(t, st, ana.Token)
	sh, err := st.Share(t.Context(), id)
	require.NoError(t, err)
	_, err = st.(interface{ DB() *sql.DB }).DB().ExecContext(t.Context(), "UPDATE shares SET expires_at = ? WHERE id = ?", "2020-01-01T00:00:00.000000Z", sh.ID)
	require.NoError(t, err)
	got := routeStatuses(t, h, c.guestRoutes(ana.Token), func(int) string { return "192.0.2.9:1" })
	assert.Equal(t, map[int]int{404: 3}, got)
}

func mustGuest(t *testing.T, st dam.Store, token string) string {
	t.Helper()
	g, err := st.GuestByTokenHash(t.Context(), share.Hash(token))
	require.NoError(t, err)
	return g.ShareID
}

func TestGuestRateLimit(t *testing.T) {
	c := newShareAPI(t)
	h := damhttp.New(c.lib, nil)
	tok, _ := share.NewToken()
	var paths []string
	for range 100 {
		paths = append(paths, "/s/"+tok)
	}
	got := routeStatuses(t, h, paths, func(int) string { return "203.0.113.5:999" })
	assert.Positive(t, got[429], "one address is cut off")
	assert.Equal(t, 100, got[429]+got[404])
	other := routeStatuses(t, h, paths[:1], func(int) string { return "203.0.113.6:999" })
	assert.Equal(t, map[int]int{404: 1}, other, "other addresses are not")
}

func TestProfileShareOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 64, "height": 64, "format": "png"}, 201, nil)
	photo := c.uploadBytes("beach.png", testimage.PNG(testimage.Gradient(200, 100, 0)))
	_, ana, _ := c.create(map[string]any{"asset_ids": []string{photo.ID}, "profile": "web"})
	base := "/s/" + ana.Token + "/assets/" + photo.ID
	resp, b := c.guest(base)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	resp, b = c.guest(base + "?profile=original")
	e := c.wantError(resp, b, 403, "permission_denied")
	assert.Contains(t, e.Error.Message, "profile")
}

func (s *shareAPI) uploadBytes(name string, data []byte) dam.Asset {
	s.t.Helper()
	resp, b := s.do("POST", "/api/v1/assets?name="+name, bytes.NewReader(data), nil)
	require.Equal(s.t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(s.t, json.Unmarshal(b, &a))
	return a
}
