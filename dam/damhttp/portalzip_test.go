package damhttp_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// TestPortalVisitorZIP: a visitor granted some of a portal's assets gets
// those, and only those, as one ZIP through their link; the refused one
// is named in the manifest; revoking the grant refuses the ZIP at once.
func TestPortalVisitorZIP(t *testing.T) {
	box := &mailbox{}
	c := newAPI(t, &dam.Options{Links: damhttp.Links("https://dam.example.com/"), Notifiers: []dam.Notifier{box}})
	a := c.upload("logo.txt", "", []byte("the logo of the company"))
	b := c.upload("brief.txt", "", []byte("the brief"))
	var p dam.Portal
	c.json("POST", "/api/v1/portals", dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{a.ID, b.ID},
		Mode: dam.PortalAutoApprove}, 201, &p)
	visitor := &api{t: t, url: c.url}
	visitor.json("POST", "/p/press-kit/requests", map[string]any{"email": "vi@example.org", "asset_ids": []string{a.ID}}, 201, nil)
	link := box.linkFor(t, "vi@example.org")

	resp, body := visitor.do("GET", link+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "Press kit.zip")
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	names := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		names[f.Name] = string(data)
	}
	assert.Equal(t, "the logo of the company", names["logo.txt"])
	assert.NotContains(t, names, "brief.txt", "not granted")
	assert.Contains(t, names["manifest.json"], b.ID, "the refused asset is listed")

	resp, part := visitor.do("GET", link+"/download", nil, map[string]string{"Range": "bytes=0-9"})
	require.Equal(t, 206, resp.StatusCode)
	assert.Equal(t, body[:10], part)

	resp, body = visitor.do("GET", link, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	assert.NotContains(t, string(body), "Download all", "one file: no ZIP offered")
	visitor.json("POST", "/p/press-kit/requests", map[string]any{"email": "vi@example.org", "asset_ids": []string{b.ID}}, 201, nil)
	resp, body = visitor.do("GET", link, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), `href="`+link+`/download"`, "the page offers the ZIP")
	assert.Contains(t, string(body), "Download all you may (2 files, ZIP)")

	var grants struct {
		Items []dam.Grant `json:"items"`
	}
	c.json("GET", "/api/v1/grants?email=vi@example.org", nil, 200, &grants)
	require.Len(t, grants.Items, 2)
	for _, g := range grants.Items {
		c.json("DELETE", "/api/v1/grants/"+g.ID, nil, 200, nil)
	}
	resp, body = visitor.do("GET", link+"/download", nil, nil)
	visitor.wantError(resp, body, 412, "failed_precondition")

	resp, body = visitor.do("GET", strings.Replace(link, "press-kit", "other-kit", 1)+"/download", nil, nil)
	visitor.wantError(resp, body, 404, "not_found")
	resp, body = visitor.do("GET", link+"x/download", nil, nil)
	visitor.wantError(resp, body, 404, "not_found")
}
