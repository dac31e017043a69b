package damweb

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// signedIn opens the sign-in page and signs in with the key of role.
func (p *page) signedIn(s *site, role string) {
	p.t.Helper()
	p.open("/signin")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys[role]+"\r"))
	p.run(chromedp.WaitReady(chromedp.CSS(".usermenu")))
}

// TestBrowserUploadWithProgress: files chosen in the form go up one by one
// with their progress bars (upload.js); an empty one gets its own line
// saying why it was refused; files dropped on the library page go up too.
func TestBrowserUploadWithProgress(t *testing.T) {
	s := newSite(t, nil)
	dir := t.TempDir()
	var paths []string
	for i, f := range []struct {
		name string
		data []byte
	}{
		{"one.png", testimage.PNG(testimage.Gradient(300, 200, 0.1))},
		{"two.png", testimage.PNG(testimage.Gradient(200, 300, 0.5))},
		{"notes.txt", []byte("three")},
		{"empty.txt", nil},
	} {
		path := filepath.Join(dir, strconv.Itoa(i)+"-"+f.name)
		require.NoError(t, os.WriteFile(path, f.data, 0o644))
		paths = append(paths, path)
	}
	p := s.page(t)
	p.signedIn(s, "editor")
	p.open("/upload?folder=" + s.private.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#upload-form")))
	p.check("upload")
	p.run(chromedp.SetUploadFiles(chromedp.CSS(`#u-files`), paths))
	p.run(chromedp.Click(chromedp.CSS(`#upload-form button[type=submit]`)))
	p.waitFor(`document.querySelectorAll('#upload-list li.uploaded, #upload-list li.refused').length === 4`)
	assert.Equal(t, "3 of 4 uploaded · 1 refused", p.text("#upload-summary"))
	full, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const b = document.getElementById('upload-total'); return b.value === b.max })()`))
	require.NoError(t, err)
	assert.True(t, full, "the total bar reaches 100%")
	bars, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#upload-list li.uploaded progress')].filter(b => b.value === b.max).length`))
	require.NoError(t, err)
	assert.Equal(t, 3, bars, "every uploaded file's bar is full")
	assert.Contains(t, p.text("#upload-list li.refused"), "Refused: empty upload")
	p.run(chromedp.WaitVisible(chromedp.CSS("#upload-show")))
	p.check("upload-progress")
	as, _, err := s.lib.Assets(s.owner, dam.AssetQuery{FolderID: &s.private.ID})
	require.NoError(t, err)
	assert.Len(t, as, 4, "the three files joined the folder's one asset")

	// A drop on the library page (a synthetic DataTransfer: the browser
	// does not let a script build a dropped folder, so files stand in).
	p.open("/")
	p.run(chromedp.WaitVisible(chromedp.CSS("#drop-target")))
	_, err = chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["dropped bytes"], "dropped.txt", {type: "text/plain"}));
		document.body.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true}));
		document.body.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})()`))
	require.NoError(t, err)
	p.waitFor(`document.querySelectorAll('#upload-list li.uploaded').length === 1`)
	assert.Equal(t, "1 of 1 uploaded", p.text("#upload-summary"))
	p.check("library-drop")
	as, _, err = s.lib.Assets(s.owner, dam.AssetQuery{Text: "dropped"})
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Empty(t, as[0].FolderID, "dropped on the library root")
	assert.Empty(t, p.console.Errors())
}

// TestBrowserDownloadGoesReady watches a background download in the inbox
// (jobs.js) go from queued to ready, its link appearing without a reload.
func TestBrowserDownloadGoesReady(t *testing.T) {
	s := newSite(t, nil)
	j, err := s.lib.CreateDownload(s.owner, dam.DownloadRequest{AssetIDs: []string{s.photo.ID, s.secret.ID}, Async: true})
	require.NoError(t, err)
	p := s.page(t)
	p.signedIn(s, "owner")
	p.open("/downloads#job-" + j.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#job-" + j.ID + " progress")))
	p.check("downloads")
	n, err := s.lib.ProcessJobs(s.owner)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	p.waitFor(`!!document.querySelector('#job-` + j.ID + ` a[href$="/parts/1"]')`)
	assert.Contains(t, p.text("#job-"+j.ID), "Ready: 2 assets.")
	assert.Contains(t, p.text("#jobs-live"), "Ready")
	p.check("downloads-ready")
}
