package damhttp_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
)

// guestJobList is the JSON of a guest's or visitor's download inbox.
type guestJobList struct {
	Items []guestJob `json:"items"`
}

type guestJob struct {
	dam.Job
	Parts []struct {
		dam.JobPart
		URL string `json:"url"`
	} `json:"parts"`
}

// readZip opens a ZIP part with archive/zip and returns its files.
func readZip(t *testing.T, body []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		data, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		out[f.Name] = string(data)
	}
	return out
}

// newGuestJobAPI is a share server whose ZIPs stream at most 12 bytes at
// once, so a share of two text files needs a background archive, whose
// parts hold at most one file each.
func newGuestJobAPI(t *testing.T, opts dam.Options) *shareAPI {
	t.Helper()
	box := &outbox{}
	opts.Links, opts.Notifiers = damhttp.Links("https://dam.example.com"), []dam.Notifier{box}
	opts.MaxSyncBytes, opts.MaxPartSize = 12, 200
	c := newAPI(t, &opts)
	c.json("PUT", "/api/v1/settings", map[string]any{"shares_enabled": true}, 200, nil)
	s := &shareAPI{api: c, box: box}
	s.a = s.uploadBytes("brief.txt", []byte("the brief"))
	s.b = s.uploadBytes("notes.txt", []byte("some notes"))
	return s
}

// TestGuestBackgroundArchive: a guest whose share is past the synchronous
// limits asks for a background archive through their link, watches it in
// their inbox (JSON and page), gets an email whose link opens the inbox
// without an account, and fetches its parts; another guest sees none of it.
func TestGuestBackgroundArchive(t *testing.T) {
	c := newGuestJobAPI(t, dam.Options{})
	_, ana, bo := c.create(nil)
	base := "/s/" + ana.Token
	c.key = ""

	resp, body := c.do("GET", base+"/download", nil, nil)
	c.wantError(resp, body, 413, "too_large")
	resp, body = c.do("GET", base, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	page := string(body)
	assert.NotContains(t, page, `href="`+base+`/download"`, "too large to stream: no ZIP link")
	assert.Contains(t, page, `<form method="post" action="`+base+`/downloads">`, "the background form instead")
	assert.Contains(t, page, `href="`+base+`/downloads"`)

	var view struct {
		DownloadsURL string `json:"downloads_url"`
	}
	c.json("GET", base, nil, 200, &view)
	assert.Equal(t, base+"/downloads", view.DownloadsURL, "the API form of the page names the inbox")
	var j guestJob
	c.json("POST", view.DownloadsURL, nil, 202, &j)
	assert.Equal(t, dam.JobQueued, j.Status)
	assert.Equal(t, 2, j.EntriesTotal)
	assert.Empty(t, j.RequesterID, "the guest is not told who they are in the store")
	assert.Nil(t, j.Guest, "nor who shared it")

	var list guestJobList
	c.json("GET", base+"/downloads", nil, 200, &list)
	require.Len(t, list.Items, 1)
	resp, body = c.do("GET", base+"/downloads", nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Waiting to be prepared")
	assert.Contains(t, string(body), `<noscript><meta http-equiv="refresh"`, "without script the page refreshes itself")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'sha256-", "the progress script is allowed by its hash only")

	n, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	c.json("GET", base+"/downloads/"+j.ID, nil, 200, &j)
	require.Equal(t, dam.JobDone, j.Status)
	require.Len(t, j.Parts, 2, "built in parts under the part-size cap")
	files := map[string]string{}
	for i, p := range j.Parts {
		assert.Equal(t, base+"/downloads/"+j.ID+"/parts/"+string(rune('1'+i)), p.URL)
		resp, body := c.do("GET", p.URL, nil, nil)
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
		for name, data := range readZip(t, body) {
			files[name] = data
		}
		resp, part := c.do("GET", p.URL, nil, map[string]string{"Range": "bytes=0-3"})
		require.Equal(t, 206, resp.StatusCode)
		assert.Equal(t, body[:4], part)
	}
	assert.Equal(t, "the brief", files["brief.txt"])
	assert.Equal(t, "some notes", files["notes.txt"])
	assert.Contains(t, files, "manifest.json")

	// The email: ready, to the guest, with a link that opens the inbox.
	var ready *dam.Message
	for _, m := range c.box.messages() {
		if m.Kind == dam.NotifyArchiveReady {
			ready = &m
		}
	}
	require.NotNil(t, ready, "the guest is told")
	assert.Equal(t, "ana@example.com", ready.To.Email)
	assert.Empty(t, ready.To.UserID)
	link, ok := strings.CutPrefix(ready.Link, "https://dam.example.com")
	require.True(t, ok, ready.Link)
	require.True(t, strings.HasSuffix(link, "/downloads"), link)
	assert.NotContains(t, link, ana.Token, "the guest's own token is kept only as a hash")
	var fromMail guestJobList
	c.json("GET", link, nil, 200, &fromMail)
	require.Len(t, fromMail.Items, 1)
	assert.Equal(t, j.ID, fromMail.Items[0].ID)
	resp, body = c.do("GET", link, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Download Part 1 of 2")
	assert.Contains(t, string(body), ", 1 file</span>", "each part says how many files it holds")
	assert.Equal(t, 1, j.Parts[0].Assets)
	assert.Equal(t, 1, j.Parts[1].Assets)
	assert.NotContains(t, string(body), "http-equiv", "nothing moves: no refresh")
	tampered := strings.Replace(link, "/s/g1.", "/s/g1.A", 1)
	resp, body = c.do("GET", tampered, nil, nil)
	c.wantError(resp, body, 404, "not_found")

	// Another guest of the same share sees none of it.
	other := "/s/" + bo.Token
	c.json("GET", other+"/downloads", nil, 200, &list)
	assert.Empty(t, list.Items)
	for _, path := range []string{other + "/downloads/" + j.ID, other + "/downloads/" + j.ID + "/parts/1"} {
		resp, body := c.do("GET", path, nil, nil)
		c.wantError(resp, body, 404, "not_found")
	}
	resp, body = c.do("GET", base+"/downloads/"+j.ID+"/parts/3", nil, nil)
	c.wantError(resp, body, 404, "not_found")
	resp, body = c.do("GET", base+"/downloads/"+j.ID+"/parts/x", nil, nil)
	c.wantError(resp, body, 400, "invalid")

	// Cancelling deletes the job.
	resp, _ = c.do("DELETE", base+"/downloads/"+j.ID, nil, nil)
	require.Equal(t, 204, resp.StatusCode)
	resp, body = c.do("GET", base+"/downloads/"+j.ID+"/parts/1", nil, nil)
	c.wantError(resp, body, 404, "not_found")
}

// TestGuestArchiveRevoked: removing the guest, or removing an asset from
// the share, stops the part fetch; removing the guest deletes the job.
func TestGuestArchiveRevoked(t *testing.T) {
	c := newGuestJobAPI(t, dam.Options{})
	v, ana, bo := c.create(nil)
	key := c.key
	c.key = ""
	var ja, jb guestJob
	c.json("POST", "/s/"+ana.Token+"/downloads", nil, 202, &ja)
	c.json("POST", "/s/"+bo.Token+"/downloads", nil, 202, &jb)
	_, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	partA := "/s/" + ana.Token + "/downloads/" + ja.ID + "/parts/1"
	partB := "/s/" + bo.Token + "/downloads/" + jb.ID + "/parts/1"
	resp, _ := c.do("GET", partB, nil, nil)
	require.Equal(t, 200, resp.StatusCode)

	c.key = key
	c.json("DELETE", "/api/v1/shares/"+v.ID+"/assets?asset="+url.QueryEscape(c.a.ID), nil, 200, nil)
	c.key = ""
	resp, body := c.do("GET", partB, nil, nil)
	c.wantError(resp, body, 403, "permission_denied")

	c.key = key
	for _, g := range shareGuests(t, c, v.ID) {
		if g.Email == "ana@example.com" {
			c.json("DELETE", "/api/v1/shares/"+v.ID+"/guests/"+g.ID, nil, 200, nil)
		}
	}
	owner, err := c.lib.Authenticate(t.Context(), key)
	require.NoError(t, err)
	asOwner := dam.WithActor(t.Context(), owner.Actor())
	_, err = c.lib.Job(asOwner, ja.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err), "removing the guest deleted their job")
	_, err = c.lib.Job(asOwner, jb.ID)
	require.NoError(t, err, "the other guest's job stays")
	c.key = ""
	resp, body = c.do("GET", partA, nil, nil)
	c.wantError(resp, body, 404, "not_found")

	// Turning the share off deletes the other guest's job too.
	c.key = key
	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"enabled": false}, 200, nil)
	_, err = c.lib.Job(asOwner, jb.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}

// shareGuests lists a share's guests through the sharer's API.
func shareGuests(t *testing.T, c *shareAPI, id string) []dam.Guest {
	t.Helper()
	var v dam.ShareView
	c.json("GET", "/api/v1/shares/"+id, nil, 200, &v)
	return v.ActiveGuests
}

// TestGuestArchiveLimits: a guest has at most MaxGuestArchives jobs under
// way, which leaves another guest's untouched; the sharer's quota
// (MaxSentArchives) caps all guests together.
func TestGuestArchiveLimits(t *testing.T) {
	c := newGuestJobAPI(t, dam.Options{MaxGuestArchives: 1, MaxSentArchives: 2})
	_, ana, bo := c.create(nil)
	key := c.key
	c.key = ""
	c.json("POST", "/s/"+ana.Token+"/downloads", nil, 202, nil)
	resp, body := c.do("POST", "/s/"+ana.Token+"/downloads", nil, nil)
	c.wantError(resp, body, 429, "resource_exhausted")
	c.json("POST", "/s/"+bo.Token+"/downloads", nil, 202, nil)

	c.key = key
	var v dam.ShareView
	c.json("POST", "/api/v1/shares", map[string]any{"title": "Other", "validity_days": 7, "asset_ids": []string{c.a.ID},
		"guests": "cy@example.com"}, 201, &v)
	c.key = ""
	resp, body = c.do("POST", "/s/"+v.Links[0].Token+"/downloads", nil, nil)
	c.wantError(resp, body, 429, "resource_exhausted")
	assert.Contains(t, string(body), "people this was shared with")

	_, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	c.json("POST", "/s/"+ana.Token+"/downloads", nil, 202, nil)
}

// TestVisitorBackgroundArchive: a portal visitor past the synchronous
// limits gets all they were granted as a background ZIP through their
// signed link; the email links to their inbox; revoking a grant deletes
// the job and its parts.
func TestVisitorBackgroundArchive(t *testing.T) {
	c := newGuestJobAPI(t, dam.Options{})
	var p dam.Portal
	c.json("POST", "/api/v1/portals", dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{c.a.ID, c.b.ID},
		Mode: dam.PortalAutoApprove}, 201, &p)
	key := c.key
	c.key = ""
	c.json("POST", "/p/press-kit/requests", map[string]any{"email": "vi@example.org", "asset_ids": []string{c.a.ID, c.b.ID}}, 201, nil)
	var link string
	for _, m := range c.box.messages() {
		if m.To.Email == "vi@example.org" {
			link = strings.TrimPrefix(m.Link, "https://dam.example.com")
		}
	}
	require.NotEmpty(t, link)
	resp, body := c.do("GET", link+"/download", nil, nil)
	c.wantError(resp, body, 413, "too_large")
	resp, body = c.do("GET", link, nil, map[string]string{"Accept": "text/html"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), `<form method="post" action="`+link+`/downloads">`)

	var j guestJob
	c.json("POST", link+"/downloads", nil, 202, &j)
	assert.Equal(t, 2, j.EntriesTotal)
	_, err := c.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	var list guestJobList
	c.json("GET", link+"/downloads", nil, 200, &list)
	require.Len(t, list.Items, 1)
	require.Equal(t, dam.JobDone, list.Items[0].Status)
	files := map[string]string{}
	for _, part := range list.Items[0].Parts {
		resp, body := c.do("GET", part.URL, nil, nil)
		require.Equal(t, 200, resp.StatusCode, string(body))
		for name, data := range readZip(t, body) {
			files[name] = data
		}
	}
	assert.Equal(t, "the brief", files["brief.txt"])
	assert.Equal(t, "some notes", files["notes.txt"])

	var ready string
	for _, m := range c.box.messages() {
		if m.Kind == dam.NotifyArchiveReady && m.To.Email == "vi@example.org" {
			ready = strings.TrimPrefix(m.Link, "https://dam.example.com")
		}
	}
	require.True(t, strings.HasPrefix(ready, "/p/press-kit/access/") && strings.HasSuffix(ready, "/downloads"), ready)
	c.json("GET", ready, nil, 200, &list)
	require.Len(t, list.Items, 1, "the emailed link opens the same inbox")

	c.key = key
	var grants struct {
		Items []dam.Grant `json:"items"`
	}
	c.json("GET", "/api/v1/grants?email=vi@example.org", nil, 200, &grants)
	require.NotEmpty(t, grants.Items)
	c.json("DELETE", "/api/v1/grants/"+grants.Items[0].ID, nil, 200, nil)
	c.key = ""
	c.json("GET", link+"/downloads", nil, 200, &list)
	assert.Empty(t, list.Items, "revoking a grant deleted the job")
	resp, body = c.do("GET", list0(j, link), nil, nil)
	c.wantError(resp, body, 404, "not_found")
}

func list0(j guestJob, link string) string { return link + "/downloads/" + j.ID + "/parts/1" }

// TestAssetDownloadLimit: a share may let each guest download each asset
// n times; a ZIP (at once or in the background) counts one download of
// each asset in it; another guest has their own count; the sharer can
// lift the limit.
func TestAssetDownloadLimit(t *testing.T) {
	c := newShareAPI(t)
	v, ana, bo := c.create(map[string]any{"asset_download_limit": 1})
	assert.Equal(t, 1, v.AssetDownloadLimit)
	key := c.key
	c.key = ""
	resp, body := c.do("GET", "/s/"+ana.Token+"/assets/"+c.a.ID, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	resp, body = c.do("GET", "/s/"+ana.Token+"/assets/"+c.a.ID, nil, nil)
	c.wantError(resp, body, 410, "gone")
	resp, body = c.do("GET", "/s/"+ana.Token+"/download", nil, nil)
	c.wantError(resp, body, 410, "gone")
	resp, body = c.do("POST", "/s/"+ana.Token+"/downloads", nil, nil)
	c.wantError(resp, body, 410, "gone")
	resp, body = c.do("GET", "/s/"+ana.Token+"/assets/"+c.b.ID, nil, nil)
	require.Equal(t, 200, resp.StatusCode, "the refused ZIP counted nothing: %s", body)

	resp, body = c.do("GET", "/s/"+bo.Token+"/download", nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	resp, body = c.do("GET", "/s/"+bo.Token+"/assets/"+c.b.ID, nil, nil)
	c.wantError(resp, body, 410, "gone")

	c.key = key
	resp, body = c.do("PATCH", "/api/v1/shares/"+v.ID, strings.NewReader(`{"asset_download_limit":-1}`), map[string]string{"Content-Type": "application/json"})
	require.Equal(t, 400, resp.StatusCode, string(body))
	var lifted dam.ShareView
	c.json("PATCH", "/api/v1/shares/"+v.ID, map[string]any{"asset_download_limit": 0}, 200, &lifted)
	assert.Zero(t, lifted.AssetDownloadLimit)
	c.key = ""
	resp, body = c.do("GET", "/s/"+ana.Token+"/assets/"+c.a.ID, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
}
