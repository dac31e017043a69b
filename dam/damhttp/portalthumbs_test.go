package damhttp_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// TestPortalPageThumbnails: images on a portal's page show their
// thumbnail (other kinds an icon), on the anonymous page and on a
// visitor's link; a thumbnail is served only for what the page lists.
func TestPortalPageThumbnails(t *testing.T) {
	box := &mailbox{}
	owner := newAPI(t, &dam.Options{Links: damhttp.Links("https://dam.example.com/"), Notifiers: []dam.Notifier{box}})
	photo := owner.uploadPhoto("sun.jpg")
	doc := owner.upload("notes.txt", "", []byte("some notes"))
	outside := owner.uploadPhoto("outside.jpg")
	owner.json("POST", "/api/v1/portals", dam.NewPortal{Slug: "kit", Title: "Press kit", AssetIDs: []string{photo.ID, doc.ID},
		Mode: dam.PortalAutoApprove}, 201, nil)
	v := &api{t: t, url: owner.url}

	resp, body := browsePortal(v, "GET", "/p/kit", nil)
	require.Equal(t, 200, resp.StatusCode, body)
	assertStrictPage(t, resp, body)
	assert.Contains(t, body, `<img src="/p/kit/assets/`+photo.ID+`/preview" alt="Preview of sun.jpg"`)
	assert.NotContains(t, body, doc.ID+`/preview`, "no preview for a text file")
	assert.Contains(t, body, `aria-label="document file"`)

	thumb := func(path string) {
		t.Helper()
		resp, b := v.do("GET", path, nil, nil)
		require.Equal(t, 200, resp.StatusCode, string(b))
		img, _, err := image.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		assert.LessOrEqual(t, max(img.Bounds().Dx(), img.Bounds().Dy()), 256)
		assert.Equal(t, "inline", resp.Header.Get("Content-Disposition")[:6])
	}
	thumb("/p/kit/assets/" + photo.ID + "/preview")

	resp, b := v.do("GET", "/p/kit/assets/"+outside.ID+"/preview", nil, nil)
	v.wantError(resp, b, 404, "not_found")
	resp, b = v.do("GET", "/p/kit/assets/"+doc.ID+"/preview", nil, nil)
	v.wantError(resp, b, 412, "failed_precondition")
	resp, b = v.do("GET", "/p/gone-gone/assets/"+photo.ID+"/preview", nil, nil)
	v.wantError(resp, b, 404, "not_found")
	resp, _ = browsePortal(v, "GET", "/p/kit/assets/"+outside.ID+"/preview", nil)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html", "browsers get the error page")

	resp, body = browsePortal(v, "POST", "/p/kit/requests", url.Values{"email": {"vi@example.org"}})
	require.Equal(t, 201, resp.StatusCode, body)
	link := box.linkFor(t, "vi@example.org")
	resp, body = browsePortal(v, "GET", link, nil)
	require.Equal(t, 200, resp.StatusCode, body)
	assert.Contains(t, body, `<img src="`+link+`/assets/`+photo.ID+`/preview"`)
	thumb(link + "/assets/" + photo.ID + "/preview")
	resp, b = v.do("GET", "/p/kit/access/v2.AAAA/assets/"+photo.ID+"/preview", nil, nil)
	v.wantError(resp, b, 404, "not_found")
}
