package damhttp_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// "Download all smart crops" of an asset: the route and the download
// request's crops fields give a ZIP with one file a crop, named after it.
func TestDownloadSmartCrops(t *testing.T) {
	c := newAPI(t, nil)
	c.json("POST", "/api/v1/assets/x/crops", nil, 404, nil)

	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 80, 60))))
	a := c.upload("photo.png", "", img.Bytes())
	resp, b := c.do("POST", "/api/v1/assets/"+a.ID+"/crops", nil, nil)
	c.wantError(resp, b, 412, "failed_precondition")

	var p struct {
		dam.Profile
		Spec string `json:"spec"`
	}
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "square", "width": 30, "height": 30, "fit": "smart", "format": "png", "smart_crop": true}, 201, &p)
	assert.True(t, p.SmartCrop)
	c.json("POST", "/api/v1/profiles", map[string]any{"name": "4x5", "width": 24, "height": 30, "fit": "smart", "format": "jpeg", "smart_crop": true}, 201, nil)
	resp, b = c.do("POST", "/api/v1/profiles", bytes.NewReader([]byte(`{"name":"wide","width":30,"height":10,"fit":"cover","smart_crop":true}`)), nil)
	c.wantError(resp, b, 400, "invalid")

	names := func(b []byte) []string {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		require.NoError(t, err)
		var out []string
		for _, f := range zr.File {
			out = append(out, f.Name)
		}
		return out
	}
	resp, b = c.do("POST", "/api/v1/assets/"+a.ID+"/crops?stream=1", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.ElementsMatch(t, []string{"photo_square.png", "photo_4x5.jpg"}, names(b))

	resp, b = c.do("POST", "/api/v1/assets/"+a.ID+"/crops?original=1", nil, nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var j downloadJob
	require.NoError(t, json.Unmarshal(b, &j))
	require.Len(t, j.Items, 3)
	assert.False(t, j.Items[0].Crop)
	assert.True(t, j.Items[1].Crop)
	resp, b = c.do("GET", j.Parts[0].URL, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.ElementsMatch(t, []string{"photo.png", "photo_square.png", "photo_4x5.jpg"}, names(b))

	notes := c.upload("notes.txt", "", []byte("read me"))
	body, err := json.Marshal(map[string]any{"asset_ids": []string{a.ID, notes.ID}, "crops": true, "profile": "square"})
	require.NoError(t, err)
	resp, b = c.do("POST", "/api/v1/downloads", bytes.NewReader(body), map[string]string{"Accept": "application/zip"})
	require.Equal(t, 200, resp.StatusCode, string(b))
	got := names(b)
	assert.ElementsMatch(t, []string{"photo.png", "photo_square.png", "photo_4x5.jpg", "notes.txt", "manifest.json"}, got)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	for _, f := range zr.File {
		if f.Name != "manifest.json" {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		var m struct {
			Skipped []struct{ Name, Profile string }
		}
		require.NoError(t, json.Unmarshal(data, &m))
		assert.ElementsMatch(t, []struct{ Name, Profile string }{{"notes.txt", "square"}, {"notes.txt", "4x5"}}, m.Skipped)
	}
}
