package damweb

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

func TestCustomRenditionsOnThePages(t *testing.T) {
	s := newSite(t, nil)
	o := s.signIn(t, "owner")
	_, body := o.get("/settings")
	for _, want := range []string{"Renditions on request", `name="custom_max_pixels"`, `value="16777216"`, `id="fmt-jpeg" name="custom_format" value="jpeg" checked`,
		`id="fmt-tiff" name="custom_format" value="tiff">`} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, `id="s-custom" name="custom" value="1" aria-describedby="s-custom-help" checked`, "off by default")

	_, page := o.get("/assets/" + s.photo.ID)
	assert.NotContains(t, page, "Another size or format", "no form while they are off")
	dl := "/assets/" + s.photo.ID + "/download?w=96&format=tiff&dpi=300"
	resp, body := o.get(dl)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "custom_renditions.enabled")

	f := s.settingsForm(t, o)
	f.Set("custom_form", "1")
	f.Set("custom", "1")
	f.Set("custom_max_pixels", "1000000")
	f["custom_format"] = []string{"png", "tiff"}
	resp, _ = o.post("/settings", f)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	st, err := s.lib.Settings(s.owner)
	require.NoError(t, err)
	assert.Equal(t, dam.CustomRenditionSettings{Enabled: true, MaxPixels: 1_000_000, Formats: []rendition.Format{"png", "tiff"}}, st.CustomRenditions)
	assert.True(t, st.ProtectByDefault, "the rest of the form is saved as before")

	for _, bad := range []map[string][]string{
		{"custom_max_pixels": {"lots"}}, {"custom_max_pixels": {"0"}}, {"custom_max_pixels": {"50000001"}},
		{"custom_format": {"bmp"}}, {"custom_format": {}},
	} {
		g := s.settingsForm(t, o)
		g.Set("custom_form", "1")
		g.Set("custom", "1")
		g.Set("custom_max_pixels", "1000000")
		g["custom_format"] = []string{"png"}
		for k, v := range bad {
			g[k] = v
		}
		resp, _ := o.post("/settings", g)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
	}

	_, page = o.get("/assets/" + s.photo.ID)
	assert.Contains(t, page, "Another size or format")
	assert.Contains(t, page, `<option value="tiff">TIFF</option>`)
	assert.NotContains(t, page, `<option value="jpeg">JPEG</option></select>`, "only the formats allowed")
	// The form as a browser sends it, blank fields and all.
	resp, body = o.get("/assets/" + s.photo.ID + "/download?w=&h=480&fit=contain&format=png&dpi=")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	cfg, _, err := image.DecodeConfig(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	assert.Equal(t, [2]int{720, 480}, [2]int{cfg.Width, cfg.Height})

	// A version with a rendition is refused as the API refuses it, not
	// ignored (the rendition is of the current version).
	resp, body = o.get(dl + "&version=1")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "renditions are made of the current version")

	resp, body = o.get(dl)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "image/tiff", resp.Header.Get("Content-Type"))
	cfg, _, err = image.DecodeConfig(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	assert.Equal(t, [2]int{96, 64}, [2]int{cfg.Width, cfg.Height})
	assert.Equal(t, 300, rendition.DPI([]byte(body)))

	resp, body = o.get("/assets/" + s.photo.ID + "/preview?w=48&h=48&fit=cover&colorspace=grey")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	cfg, format, err := image.DecodeConfig(bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	assert.Equal(t, "png", format, "the source's format")
	assert.Equal(t, [2]int{48, 48}, [2]int{cfg.Width, cfg.Height})

	for q, want := range map[string]string{
		"w=2000&h=2000":          "custom_renditions.max_pixels",
		"w=96&format=jpeg":       "format jpeg is not allowed here",
		"w=96&w=97":              "w is given 2 times",
		"w=1e3":                  "w must be a whole number",
		"w=96&profile=thumbnail": "a profile or a rendition",
	} {
		resp, body := o.get("/assets/" + s.photo.ID + "/download?" + q)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, q)
		assert.Contains(t, body, want, q)
	}
	v := s.signIn(t, "viewer")
	resp, _ = v.get("/assets/" + s.secret.ID + "/download?w=96&format=png")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "a protected asset needs a request, in a custom rendition too")
}
