package damweb

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// getJSON asks for path as jobs.js does.
func (b *browser) getJSON(path string) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.base+path, nil)
	require.NoError(b.t, err)
	req.Header.Set("Accept", "application/json")
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	require.NoError(b.t, err)
	return resp, buf.String()
}

func TestDownloadsInbox(t *testing.T) {
	s := newSite(t, nil)
	ready, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.other.ID}})
	require.NoError(t, err)
	require.Equal(t, dam.JobReady, ready.Status)
	queued, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID}, Async: true,
		SendTo: []string{"viewer@example.com"}})
	require.NoError(t, err)
	require.Equal(t, dam.JobQueued, queued.Status)

	b := s.signIn(t, "owner")
	resp, body := b.get("/downloads")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{
		`id="job-` + ready.ID + `"`, "Ready: 2 assets.", `href="/downloads/` + ready.ID + `/parts/1"`, "Download ZIP", ", 2 assets</span>",
		`id="job-` + queued.ID + `"`, `data-active="true"`, "Waiting to start: 1 asset.", "<progress", "available until",
		"Also sent to viewer@example.com (1 included)", ">Cancel<", ">Remove<", "jobs.js", `href="/downloads">Refresh</a>`,
	} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, `href="/downloads/`+queued.ID+`/parts/1"`, "nothing to fetch before it is built")

	// The viewer: the protected asset is left out with the reason and a
	// way to ask; the archive the owner sent is listed with its sender.
	v := s.signIn(t, "viewer")
	resp, _ = v.post("/selection", url.Values{"action": {"download"}, "id": {s.photo.ID, s.secret.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = v.get("/downloads")
	assert.Contains(t, body, "1 left out, and why")
	assert.Contains(t, body, `<a href="/assets/`+s.secret.ID+`">launch.png</a>:`)
	assert.Contains(t, body, "ask for it")
	assert.Contains(t, body, "Sent to me")
	assert.Contains(t, body, "sent by <strong>owner@example.com</strong>")

	e := s.signIn(t, "editor")
	_, body = e.get("/downloads")
	assert.Contains(t, body, "No downloads yet.")
}

func TestDownloadPart(t *testing.T) {
	s := newSite(t, nil)
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.other.ID}})
	require.NoError(t, err)
	b := s.signIn(t, "owner")
	resp, body := b.get("/downloads/" + j.ID + "/parts/1")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	require.NoError(t, err)
	assert.Len(t, zr.File, 2)

	req, err := http.NewRequest("GET", s.srv.URL+"/downloads/"+j.ID+"/parts/1", nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=10-19")
	rr, err := b.c.Do(req)
	require.NoError(t, err)
	rr.Body.Close()
	assert.Equal(t, http.StatusPartialContent, rr.StatusCode, "a broken download resumes")

	for _, path := range []string{"/downloads/" + j.ID + "/parts/2", "/downloads/" + j.ID + "/parts/x"} {
		resp, _ = b.get(path)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
	// Another user's download answers exactly as one that does not exist.
	ed := s.signIn(t, "editor")
	r1, b1 := ed.get("/downloads/" + j.ID + "/parts/1")
	r2, b2 := ed.get("/downloads/01zzzzzzzzzzzzzzzzzzzzzzzz/parts/1")
	assert.Equal(t, http.StatusNotFound, r1.StatusCode)
	assert.Equal(t, r2.StatusCode, r1.StatusCode)
	assert.Equal(t, strings.ReplaceAll(b2, "01zzzzzzzzzzzzzzzzzzzzzzzz", "ID"), strings.ReplaceAll(b1, j.ID, "ID"))
}

// TestDownloadJobProgress follows a background download as jobs.js does:
// queued, then (after the worker) ready with the link to its file.
func TestDownloadJobProgress(t *testing.T) {
	s := newSite(t, nil)
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.other.ID}, Async: true})
	require.NoError(t, err)
	b := s.signIn(t, "owner")

	resp, _ := b.get("/downloads/" + j.ID)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "a person opening the address lands on the job in the inbox")
	assert.Equal(t, "/downloads#job-"+j.ID, resp.Header.Get("Location"))

	poll := func() jobAnswer {
		t.Helper()
		resp, body := b.getJSON("/downloads/" + j.ID)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var ans jobAnswer
		require.NoError(t, json.Unmarshal([]byte(body), &ans))
		return ans
	}
	ans := poll()
	assert.Equal(t, dam.JobQueued, ans.Status)
	assert.True(t, ans.Active)
	assert.Equal(t, 2, ans.Total)
	assert.Contains(t, ans.HTML, `id="job-`+j.ID+`"`)
	assert.NotContains(t, ans.HTML, "/parts/1")

	n, err := s.lib.ProcessJobs(s.owner)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	ans = poll()
	assert.Equal(t, dam.JobDone, ans.Status)
	assert.False(t, ans.Active)
	assert.Equal(t, "Ready: 2 assets.", ans.State)
	assert.Contains(t, ans.HTML, `href="/downloads/`+j.ID+`/parts/1"`)
	resp, body := b.get("/downloads/" + j.ID + "/parts/1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	require.NoError(t, err)

	resp, body = s.signIn(t, "editor").getJSON("/downloads/" + j.ID)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, `"code":"not_found"`)
}

func TestCancelDownload(t *testing.T) {
	s := newSite(t, nil)
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID}, Async: true})
	require.NoError(t, err)
	ed := s.signIn(t, "editor")
	resp, _ := ed.post("/downloads/"+j.ID+"/cancel", nil)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not someone else's")

	b := s.signIn(t, "owner")
	resp, _ = b.post("/downloads/"+j.ID+"/cancel", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, b.followFlash(resp), "Download canceled.")
	_, err = s.lib.Job(s.owner, j.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
}

func TestExpiredDownload(t *testing.T) {
	s := newSite(t, &dam.Options{ArchiveTTL: time.Nanosecond})
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.other.ID}})
	require.NoError(t, err)
	b := s.signIn(t, "owner")
	_, body := b.get("/downloads")
	assert.Contains(t, body, "It has expired")
	assert.NotContains(t, body, "/parts/1")
	resp, _ := b.get("/downloads/" + j.ID + "/parts/1")
	assert.Equal(t, http.StatusGone, resp.StatusCode)
}
