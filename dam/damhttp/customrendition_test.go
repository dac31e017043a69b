package damhttp_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// countingEngine is the built-in engine, counting its renders.
type countingEngine struct {
	rendition.Builtin
	n atomic.Int64
}

func (e *countingEngine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, o *rendition.Options) (rendition.Result, error) {
	e.n.Add(1)
	return e.Builtin.Render(ctx, src, p, o)
}

func TestCustomRenditionsOverHTTP(t *testing.T) {
	eng := &countingEngine{}
	c := newAPI(t, &dam.Options{Engines: []rendition.Engine{eng}})
	a := c.uploadPhoto("beach.jpg") // 800x1200 upright
	base := "/api/v1/assets/" + a.ID

	resp, b := c.do("GET", base+"/download?w=100", nil, nil)
	e := c.wantError(resp, b, 400, "invalid")
	assert.Contains(t, e.Error.Message, "custom_renditions.enabled", "off by default")

	var st struct {
		CustomRenditions dam.CustomRenditionSettings `json:"custom_renditions"`
	}
	c.json("PUT", "/api/v1/settings", map[string]any{"custom_renditions": map[string]any{"enabled": true, "formats": []string{"jpeg", "png", "tiff"}}}, 200, &st)
	assert.Equal(t, int64(dam.DefaultCustomMaxPixels), st.CustomRenditions.MaxPixels)

	// Hostile and out-of-bounds parameters: 400 naming the problem, no render.
	for _, tc := range []struct{ query, want string }{
		{"w=100000", "w must be 1..65535"},
		{"w=1e9", "w must be a whole number"},
		{"w=-100", "w must be a whole number"},
		{"h=99999999999999999999", "h is too long"},
		{"w=5000&h=5000", "custom_renditions.max_pixels"},
		{"format=png", ""}, // the source's own 800x1200 is within 16 MP: fine, checked below
		{"w=10&format=bmp", `unknown format "bmp"`},
		{"w=10&format=webp", "format webp is not allowed here (custom_renditions.formats: jpeg, png, tiff)"},
		{"w=10&quality=0", "quality must be 1..100"},
		{"w=10&quality=101", "quality must be 1..100"},
		{"w=10&dpi=0", "dpi must be 1..4800"},
		{"w=10&dpi=10000", "dpi must be 1..4800"},
		{"w=10&w=20", "w is given 2 times"},
		{"w=10&profile=web", "a profile or a rendition"},
		{"w=10&fit=smart", "fit smart needs both w and h"},
		{"w=10&colorspace=cmyk", "colorspace must be srgb or grey"},
	} {
		if tc.want == "" {
			continue
		}
		for _, route := range []string{"/download?", "/preview?"} {
			resp, b := c.do("GET", base+route+tc.query, nil, nil)
			e := c.wantError(resp, b, 400, "invalid")
			assert.Contains(t, e.Error.Message, tc.want, route+tc.query)
		}
	}
	resp, b = c.do("GET", base+"/download?w=10&version=1", nil, nil)
	c.wantError(resp, b, 400, "invalid")
	assert.Zero(t, eng.n.Load(), "nothing out of bounds is rendered")

	// Equal requests render once.
	var etag string
	for _, q := range []string{"w=0100&format=png&dpi=300", "dpi=300&w=100&format=PNG&fit=contain&colorspace=srgb"} {
		resp, b := c.do("GET", base+"/download?"+q, nil, nil)
		require.Equal(t, 200, resp.StatusCode, string(b))
		assert.Equal(t, "image/png", resp.Header.Get("Content-Type"))
		assert.Contains(t, resp.Header.Get("Content-Disposition"), "beach.png")
		cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, [2]int{100, 150}, [2]int{cfg.Width, cfg.Height})
		assert.Equal(t, 300, rendition.DPI(b))
		if etag != "" {
			assert.Equal(t, etag, resp.Header.Get("ETag"))
		}
		etag = resp.Header.Get("ETag")
	}
	assert.Equal(t, int64(1), eng.n.Load(), "w=0100 and w=100 are one rendition")
	resp, _ = c.do("GET", base+"/download?w=100&format=png&dpi=300", nil, map[string]string{"If-None-Match": etag})
	assert.Equal(t, 304, resp.StatusCode)

	resp, b = c.do("GET", base+"/preview?w=64&h=64&fit=cover&format=jpeg&colorspace=grey", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, "jpeg", format)
	assert.Equal(t, [2]int{64, 64}, [2]int{cfg.Width, cfg.Height})

	// A ZIP with per-asset renditions.
	forest := c.uploadPhoto("forest.jpg")
	body := map[string]any{
		"asset_ids":  []string{a.ID, forest.ID},
		"rendition":  map[string]any{"h": 300, "format": "tiff", "dpi": 600},
		"renditions": map[string]any{forest.ID: map[string]any{"w": 80, "h": 80, "fit": "cover", "format": "jpeg", "dpi": 72}},
	}
	var job dam.Job
	c.json("POST", "/api/v1/downloads", body, 201, &job)
	resp, b = c.do("GET", "/api/v1/downloads/"+job.ID+"/parts/1", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	got := map[string][3]int{}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".tif") && !strings.HasSuffix(f.Name, ".jpg") {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		require.NoError(t, err, f.Name)
		got[f.Name] = [3]int{cfg.Width, cfg.Height, rendition.DPI(data)}
	}
	assert.Equal(t, map[string][3]int{"beach.tif": {200, 300, 600}, "forest.jpg": {80, 80, 72}}, got)

	resp, b = c.do("POST", "/api/v1/downloads", strings.NewReader(`{"asset_ids":["`+a.ID+`"],"rendition":{"w":1000000000}}`),
		map[string]string{"Content-Type": "application/json"})
	e = c.wantError(resp, b, 400, "invalid")
	assert.Contains(t, e.Error.Message, "w must be 1..65535")
}

func TestCustomRenditionsForGuests(t *testing.T) {
	s := newShareAPI(t)
	photo := s.uploadPhoto("beach.jpg")
	s.json("PUT", "/api/v1/settings", map[string]any{"custom_renditions": map[string]any{"enabled": true}}, 200, nil)
	s.json("POST", "/api/v1/profiles", map[string]any{"name": "web", "width": 300, "height": 300}, 201, nil)
	in := map[string]any{"title": "Open", "validity_days": 7, "asset_ids": []string{photo.ID}, "guests": "ana@example.com"}
	var open dam.ShareView
	s.json("POST", "/api/v1/shares", in, 201, &open)
	in["profile"], in["title"] = "web", "Fixed"
	var fixed dam.ShareView
	s.json("POST", "/api/v1/shares", in, 201, &fixed)

	path := func(v dam.ShareView, q string) string {
		return "/s/" + url.PathEscape(v.Links[0].Token) + "/assets/" + photo.ID + "?" + q
	}
	resp, b := s.guest(path(open, "w=120&format=jpeg&dpi=150"))
	require.Equal(t, 200, resp.StatusCode, string(b))
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 120, cfg.Width)
	assert.Equal(t, 150, rendition.DPI(b))

	resp, b = s.guest(path(fixed, "w=120&format=jpeg"))
	s.wantError(resp, b, 403, "permission_denied")
	resp, b = s.guest(path(open, "w=120&w=130"))
	s.wantError(resp, b, 400, "invalid")
}
