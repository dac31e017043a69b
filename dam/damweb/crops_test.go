package damweb

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func zipNames(t *testing.T, body string) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	require.NoError(t, err)
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

// An owner marks profiles as smart crops on the profile form; the asset
// page then offers "Download all smart crops", and the library's download
// form takes them with each file or alone.
func TestSmartCropsPages(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	_, body := b.get("/assets/" + s.photo.ID)
	assert.NotContains(t, body, "Download all smart crops", "no crops yet")

	resp, body := b.post("/profiles", url.Values{"name": {"square"}, "width": {"64"}, "height": {"64"}, "fit": {"cover"}, "format": {"jpeg"}, "smart_crop": {"1"}})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
	assert.Contains(t, body, `fit must be &#34;smart&#34;`, "beside the fit")
	for _, p := range []url.Values{
		{"name": {"square"}, "width": {"64"}, "height": {"64"}, "fit": {"smart"}, "format": {"jpeg"}, "smart_crop": {"1"}},
		{"name": {"4x5"}, "width": {"40"}, "height": {"50"}, "fit": {"smart"}, "format": {"png"}, "smart_crop": {"1"}},
	} {
		resp, body = b.post("/profiles", p)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	}
	_, body = b.get("/profiles")
	assert.Contains(t, body, `<span class="tag">smart crop</span>`)
	_, body = b.get("/profiles/square")
	assert.Contains(t, body, `name="smart_crop" value="1" aria-describedby="pf-crop-help" checked`)

	_, body = b.get("/assets/" + s.photo.ID)
	assert.Contains(t, body, `action="/assets/`+s.photo.ID+`/crops"`)
	assert.Contains(t, body, "Download all smart crops")
	assert.Contains(t, body, `href="/assets/`+s.photo.ID+`/download?profile=4x5">4x5</a> (40 × 50)`)

	resp, body = b.post("/assets/"+s.photo.ID+"/crops", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.ElementsMatch(t, []string{"sunrise_square.jpg", "sunrise_4x5.png"}, zipNames(t, body))

	_, body = b.get("/")
	assert.Contains(t, body, `<select id="b-crops" name="crops">`)
	resp, body = b.post("/selection", url.Values{"action": {"download"}, "id": {s.photo.ID}, "crops": {"with"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.ElementsMatch(t, []string{"sunrise.png", "sunrise_square.jpg", "sunrise_4x5.png"}, zipNames(t, body))
	resp, _ = b.post("/selection", url.Values{"action": {"download"}, "id": {s.photo.ID}, "crops": {"all"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
