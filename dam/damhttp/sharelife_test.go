package damhttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

type guestErr struct {
	Error struct {
		Code, Reason, Message string
	} `json:"error"`
}

func (s *shareAPI) guestWith(path string, hdr map[string]string) (*http.Response, []byte) {
	s.t.Helper()
	key := s.key
	s.key = ""
	defer func() { s.key = key }()
	return s.do("GET", path, nil, hdr)
}

func reasonOf(t *testing.T, b []byte) string {
	t.Helper()
	var e guestErr
	require.NoError(t, json.Unmarshal(b, &e), string(b))
	return e.Error.Reason
}

func TestShareLifecycleOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	v, ana, bo := c.create(nil)

	var got dam.ShareView
	c.json("POST", "/api/v1/shares/"+v.ID+"/expiry", map[string]any{"days": 14}, 200, &got)
	assert.True(t, got.ExpiresAt.After(v.ExpiresAt), "extended")
	until := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	c.json("POST", "/api/v1/shares/"+v.ID+"/expiry", map[string]any{"until": until}, 200, &got)
	assert.Equal(t, until, got.ExpiresAt.UTC(), "shortened to an end date")
	resp, b := c.do("POST", "/api/v1/shares/"+v.ID+"/expiry", strings.NewReader(`{"days":4}`), map[string]string{"Content-Type": "application/json"})
	c.wantError(resp, b, 400, "invalid")

	c.json("PATCH", "/api/v1/shares/"+v.ID+"/guests/"+bo.GuestID, map[string]any{"download_limit": 1}, 200, &got)
	resp, b = c.guest("/s/" + bo.Token + "/assets/" + c.a.ID)
	require.Equal(t, 200, resp.StatusCode, string(b))
	resp, b = c.guest("/s/" + bo.Token + "/assets/" + c.a.ID)
	c.wantError(resp, b, 410, "gone")
	assert.Equal(t, "downloads_used_up", reasonOf(t, b))
	resp, b = c.guest("/s/" + ana.Token + "/assets/" + c.a.ID)
	require.Equal(t, 200, resp.StatusCode, "ana has no limit: %s", b)

	soon := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	c.json("PATCH", "/api/v1/shares/"+v.ID+"/guests/"+ana.GuestID, map[string]any{"expires_at": map[string]any{"until": soon}}, 200, &got)
	var gv struct {
		ExpiresAt time.Time `json:"expires_at"`
	}
	resp, b = c.guest("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, &gv))
	assert.Equal(t, soon, gv.ExpiresAt.UTC(), "ana sees her own end")
	later := time.Now().Add(24 * time.Hour).UTC()
	resp, b = c.do("PATCH", "/api/v1/shares/"+v.ID+"/guests/"+ana.GuestID, strings.NewReader(`{"expires_at":{"until":"`+later.Format(time.RFC3339)+`"}}`),
		map[string]string{"Content-Type": "application/json"})
	e := c.wantError(resp, b, 400, "invalid")
	assert.Contains(t, e.Error.Message, "no later than the share")

	var events struct {
		Items []dam.Event `json:"items"`
	}
	c.json("GET", "/api/v1/events?action=share_shorten", nil, 200, &events)
	assert.Len(t, events.Items, 1)
	c.json("GET", "/api/v1/events?action=share_guest_edit", nil, 200, &events)
	assert.Len(t, events.Items, 2)
	told := 0
	for _, m := range c.box.messages() {
		if m.Kind == dam.NotifyShareAccessChanged {
			told++
		}
	}
	assert.Equal(t, 2+2+1+1, told, "both guests for each end, then each guest for their own change")
}

func TestViewOnlyShareOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	v, ana, _ := c.create(map[string]any{"view_only": true})
	assert.True(t, v.ViewOnly)
	for _, path := range []string{"/s/" + ana.Token + "/assets/" + c.a.ID, "/s/" + ana.Token + "/download", "/s/" + ana.Token + "/assets/" + c.a.ID + "?profile=original"} {
		resp, b := c.guest(path)
		require.Equal(t, 403, resp.StatusCode, "%s: %s", path, b)
	}
	_, b := c.guest("/s/" + ana.Token + "/assets/" + c.a.ID)
	assert.Equal(t, "view_only", reasonOf(t, b))
	resp, b := c.guestWith("/s/"+ana.Token, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	var gv struct {
		ViewOnly bool `json:"view_only"`
	}
	require.NoError(t, json.Unmarshal(b, &gv))
	assert.True(t, gv.ViewOnly)
	resp, b = c.guestWith("/s/"+ana.Token, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode, string(b))
	page := string(b)
	assert.Contains(t, page, "View only")
	assert.Contains(t, page, "brief.txt")
	assert.NotContains(t, page, "/s/"+ana.Token+"/assets/"+c.a.ID+"\"", "no download link")
	assert.NotContains(t, page, "Download all")
}

func TestSharePasswordOverHTTP(t *testing.T) {
	c := newShareAPI(t)
	v, ana, _ := c.create(map[string]any{"password": "open sesame"})
	assert.True(t, v.Password)

	resp, b := c.guest("/s/" + ana.Token)
	c.wantError(resp, b, 401, "unauthenticated")
	assert.Equal(t, "password_required", reasonOf(t, b))
	resp, b = c.guestWith("/s/"+ana.Token+"/assets/"+c.a.ID, map[string]string{"X-Share-Password": "wrong one"})
	c.wantError(resp, b, 401, "unauthenticated")
	resp, b = c.guestWith("/s/"+ana.Token+"/assets/"+c.a.ID, map[string]string{"X-Share-Password": "open sesame"})
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "the brief", string(b))
	key := resp.Header.Get("X-Share-Key")
	require.NotEmpty(t, key)
	resp, b = c.guestWith("/s/"+ana.Token+"/download", map[string]string{"X-Share-Key": key})
	require.Equal(t, 200, resp.StatusCode, "the key stands for the password: %s", b)

	// A browser: the password page, the form, then the share for the
	// rest of the session.
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := &http.Client{Jar: jar}
	get := func(path string) (*http.Response, string) {
		req, err := http.NewRequestWithContext(t.Context(), "GET", c.url+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", "text/html")
		resp, err := browser.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	post := func(pw string) (*http.Response, string) {
		req, err := http.NewRequestWithContext(t.Context(), "POST", c.url+"/s/"+ana.Token+"/unlock", strings.NewReader(url.Values{"password": {pw}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Accept", "text/html")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := browser.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(body)
	}
	resp, page := get("/s/" + ana.Token)
	require.Equal(t, 401, resp.StatusCode)
	assert.Contains(t, page, `name="password"`)
	assert.NotContains(t, page, "brief.txt", "nothing of the share before the password")
	resp, page = post("not it at all")
	require.Equal(t, 401, resp.StatusCode)
	assert.Contains(t, page, "not right")
	resp, page = post("open sesame")
	require.Equal(t, 200, resp.StatusCode, "redirected to the share")
	assert.Contains(t, page, "brief.txt")
	resp, _ = get("/s/" + ana.Token + "/assets/" + c.a.ID)
	assert.Equal(t, 200, resp.StatusCode, "the session cookie opens downloads too")
	u, err := url.Parse(c.url + "/s/" + ana.Token)
	require.NoError(t, err)
	require.Len(t, jar.Cookies(u), 1)

	pw := "a new secret"
	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"password": pw}, 200, nil)
	resp, _ = get("/s/" + ana.Token)
	assert.Equal(t, 401, resp.StatusCode, "a new password asks again")
}
