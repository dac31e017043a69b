package damhttp_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

type profileBody struct {
	dam.Profile
	Spec string `json:"spec"`
}

// uploadPhoto uploads a 1200x800 JPEG stored sideways (EXIF orientation 6).
func (a *api) uploadPhoto(name string) dam.Asset {
	a.t.Helper()
	data, err := testimage.JPEGWithEXIF(testimage.Gradient(1200, 800, 0.5), "Canon", "EOS", 6)
	require.NoError(a.t, err)
	resp, b := a.do("POST", "/api/v1/assets?name="+name, bytes.NewReader(data), nil)
	require.Equal(a.t, 201, resp.StatusCode, string(b))
	var as dam.Asset
	require.NoError(a.t, json.Unmarshal(b, &as))
	return as
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (a *api) viewer() *api {
	var v struct {
		APIKey string `json:"api_key"`
	}
	a.json("POST", "/api/v1/users", map[string]any{"email": "viewer@example.com", "role": "viewer"}, 201, &v)
	return &api{t: a.t, url: a.url, key: v.APIKey, lib: a.lib}
}

func TestProfilesAPI(t *testing.T) {
	c := newAPI(t, nil)
	v := c.viewer()
	var p profileBody
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 1024, "height": 1024, "format": "jpeg"}, 201, &p)
	assert.Equal(t, "w1024-h1024-contain-jpeg-q85", p.Spec)
	assert.Equal(t, rendition.FitContain, p.Fit)

	for _, tc := range []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"zero size", `{"name":"z","width":0,"height":0}`, 400, "invalid"},
		{"negative size", `{"name":"n","width":-1,"height":100}`, 400, "invalid"},
		{"reserved name", `{"name":"original","width":100}`, 400, "invalid"},
		{"bad name", `{"name":"Big One","width":100}`, 400, "invalid"},
		{"unknown fit", `{"name":"f","width":100,"fit":"squash"}`, 400, "invalid"},
		{"unknown field", `{"name":"u","width":100,"colour":"red"}`, 400, "invalid"},
		{"taken", `{"name":"web","width":100}`, 409, "already_exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := c.do("POST", "/api/v1/profiles", strings.NewReader(tc.body), nil)
			c.wantError(resp, b, tc.status, tc.code)
		})
	}
	resp, b := v.do("POST", "/api/v1/profiles", strings.NewReader(`{"name":"mine","width":100}`), nil)
	c.wantError(resp, b, 403, "permission_denied")

	// A watermark image travels as base64.
	logo := testimage.PNG(testimage.Gradient(64, 32, 0))
	c.json("PUT", "/api/v1/profiles/web", map[string]any{"width": 800, "format": "png",
		"watermark": map[string]any{"image": base64.StdEncoding.EncodeToString(logo), "position": "tile", "opacity": 30}}, 200, &p)
	assert.Equal(t, 800, p.Width)
	assert.Equal(t, logo, p.Watermark.Image)
	resp, b = c.do("PUT", "/api/v1/profiles/web", strings.NewReader(`{"name":"other","width":10}`), nil)
	c.wantError(resp, b, 400, "invalid")
	huge := base64.StdEncoding.EncodeToString(make([]byte, dam.MaxWatermarkImage+1))
	resp, b = c.do("PUT", "/api/v1/profiles/web", strings.NewReader(`{"width":10,"watermark":{"image":"`+huge+`"}}`), nil)
	c.wantError(resp, b, 400, "invalid")

	var list struct {
		Items []profileBody `json:"items"`
	}
	v.json("GET", "/api/v1/profiles", nil, 200, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, "w800-contain-png-wm.tile.30.i."+sha256Hex(logo), list.Items[0].Spec)
	v.json("GET", "/api/v1/profiles/web", nil, 200, &p)
	resp, b = v.do("GET", "/api/v1/profiles/nope", nil, nil)
	c.wantError(resp, b, 404, "not_found")
	resp, b = v.do("DELETE", "/api/v1/profiles/web", nil, nil)
	c.wantError(resp, b, 403, "permission_denied")
	resp, _ = c.do("DELETE", "/api/v1/profiles/web", nil, nil)
	assert.Equal(t, 204, resp.StatusCode)
	resp, b = c.do("DELETE", "/api/v1/profiles/web", nil, nil)
	c.wantError(resp, b, 404, "not_found")
}

func TestDownloadRenditions(t *testing.T) {
	c := newAPI(t, nil)
	a := c.uploadPhoto("beach.jpeg")
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "small", "width": 256, "height": 256, "format": "jpeg"}, 201, nil)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 1024, "height": 1024, "format": "jpeg"}, 201, nil)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "lossless", "width": 256, "height": 256, "format": "png"}, 201, nil)

	for _, tc := range []struct {
		profile, mediaType, file string
		w, h                     int
	}{
		{"small", "image/jpeg", "beach.jpg", 171, 256},
		{"web", "image/jpeg", "beach.jpg", 683, 1024},
		{"lossless", "image/png", "beach.png", 171, 256},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			path := "/api/v1/assets/" + a.ID + "/download?profile=" + tc.profile
			resp, b := c.do("GET", path, nil, nil)
			require.Equal(t, 200, resp.StatusCode, string(b))
			assert.Equal(t, tc.mediaType, resp.Header.Get("Content-Type"))
			assert.Equal(t, `attachment; filename="`+tc.file+`"; filename*=UTF-8''`+tc.file, resp.Header.Get("Content-Disposition"))
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.InDelta(t, tc.w, cfg.Width, 1, "upright")
			assert.Equal(t, tc.h, cfg.Height)
			etag := resp.Header.Get("ETag")
			require.NotEmpty(t, etag)

			resp, b2 := c.do("GET", path, nil, nil)
			assert.Equal(t, b, b2, "served again from the cache")
			assert.Equal(t, etag, resp.Header.Get("ETag"))
			resp, part := c.do("GET", path, nil, map[string]string{"Range": "bytes=0-9", "If-Range": etag})
			assert.Equal(t, 206, resp.StatusCode)
			assert.Equal(t, b[:10], part)
			resp, _ = c.do("GET", path, nil, map[string]string{"If-None-Match": etag})
			assert.Equal(t, 304, resp.StatusCode)
		})
	}
	resp, b := c.do("GET", "/api/v1/assets/"+a.ID+"/download?profile=nope", nil, nil)
	c.wantError(resp, b, 404, "not_found")
	resp, b = c.do("GET", "/api/v1/assets/"+a.ID+"/download?profile=original", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, a.Current.Size, int64(len(b)))

	html := "<!DOCTYPE html><html><body>hi</body></html>"
	resp, b = c.do("POST", "/api/v1/assets?name=page.jpg", strings.NewReader(html), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var h dam.Asset
	require.NoError(t, json.Unmarshal(b, &h))
	resp, b = c.do("GET", "/api/v1/assets/"+h.ID+"/download?profile=small", nil, nil)
	e := c.wantError(resp, b, 412, "failed_precondition")
	assert.Contains(t, e.Error.Message, "only its original")
}

func TestPreviewsAndProtection(t *testing.T) {
	c := newAPI(t, nil)
	v := c.viewer()
	a := c.uploadPhoto("secret.jpg")
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 512, "height": 512}, 201, nil)
	c.json("PUT", "/api/v1/assets/"+a.ID+"/protection", map[string]any{"protection": "protected"}, 200, nil)
	c.json("PUT", "/api/v1/settings", map[string]any{"show_watermarks": true}, 200, nil)

	resp, b := v.do("GET", "/api/v1/assets/"+a.ID+"/download?profile=web", nil, nil)
	c.wantError(resp, b, 403, "needs_request")

	resp, clean := c.do("GET", "/api/v1/assets/"+a.ID+"/preview", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(clean))
	assert.Equal(t, `inline; filename="secret.jpg"; filename*=UTF-8''secret.jpg`, resp.Header.Get("Content-Disposition"))
	cfg, _, err := image.DecodeConfig(bytes.NewReader(clean))
	require.NoError(t, err)
	assert.Equal(t, 256, cfg.Height)
	resp, marked := v.do("GET", "/api/v1/assets/"+a.ID+"/preview", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(marked))
	assert.True(t, strings.HasSuffix(resp.Header.Get("ETag"), `-wm"`))
	assert.NotEqual(t, clean, marked, "the viewer without a grant sees a watermark")
	resp, _ = v.do("GET", "/api/v1/assets/"+a.ID+"/preview?profile=web", nil, nil)
	require.Equal(t, 200, resp.StatusCode)
	resp, b = v.do("GET", "/api/v1/assets/"+a.ID+"/preview?profile=nope", nil, nil)
	c.wantError(resp, b, 404, "not_found")
}

// slowEngine holds every render of text/plain until release is closed.
type slowEngine struct {
	started chan struct{}
	release chan struct{}
}

func (e *slowEngine) Accepts(mt string) bool { return mt == "text/plain" }

func (e *slowEngine) Render(ctx context.Context, _ rendition.Source, _ rendition.Profile, _ *rendition.Options) (rendition.Result, error) {
	e.started <- struct{}{}
	select {
	case <-e.release:
	case <-ctx.Done():
		return rendition.Result{}, ctx.Err()
	}
	return rendition.Result{Data: testimage.PNG(testimage.Gradient(2, 2, 0)), MediaType: "image/png", Width: 2, Height: 2}, nil
}

func TestRenderQueueFullIs429(t *testing.T) {
	slow := &slowEngine{started: make(chan struct{}, 10), release: make(chan struct{})}
	c := newAPI(t, &dam.Options{MaxRenders: 1, RenderQueue: -1, Engines: []rendition.Engine{slow}})
	resp, b := c.do("POST", "/api/v1/assets?name=notes.txt", strings.NewReader("plain text"), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "one", "width": 100}, 201, nil)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "two", "width": 200}, 201, nil)

	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", c.url+"/api/v1/assets/"+a.ID+"/download?profile=one", nil)
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		_ = resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-slow.started
	resp, b = c.do("GET", "/api/v1/assets/"+a.ID+"/download?profile=two", nil, nil)
	c.wantError(resp, b, 429, "resource_exhausted")
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	close(slow.release)
	assert.Equal(t, 200, <-done)
	resp, b = c.do("GET", "/api/v1/assets/"+a.ID+"/download?profile=two", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), `filename="notes.png"`)
}
