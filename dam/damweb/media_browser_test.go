package damweb

import (
	"bytes"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/rendition/pdf"
	"github.com/damkit/damkit/rendition/svg"
	"github.com/damkit/damkit/rendition/video"
)

// A library holding a video, a PDF and an SVG shows a thumbnail of each
// (not a generic icon), and the video's page plays it: the browser loads
// the MP4 preview's metadata through the page's <video>.
func TestBrowserMediaPreviews(t *testing.T) {
	ctx := t.Context()
	v, err := video.New(ctx, nil)
	if err != nil {
		t.Skipf("video engine: %v (install ffmpeg)", err)
	}
	d, err := pdf.New(ctx, nil)
	if err != nil {
		t.Skipf("pdf engine: %v (install poppler-utils)", err)
	}
	g, err := svg.New(ctx, nil)
	if err != nil {
		t.Skipf("svg engine: %v (install librsvg2-bin)", err)
	}
	s := newSite(t, &dam.Options{Links: Links("http://dam.example"), Engines: []rendition.Engine{v, d, g}})
	clip, err := testimage.Video(ctx, t.TempDir(), 320, 240, 1)
	require.NoError(t, err)
	uploads := map[string][]byte{"clip.mp4": clip, "brochure.pdf": testimage.PDF(testimage.Page{W: 612, H: 792}, testimage.Page{W: 612, H: 792}),
		"logo.svg": []byte(testimage.SVG)}
	ids := map[string]string{}
	for name, data := range uploads {
		a, err := s.lib.Upload(s.owner, bytes.NewReader(data), dam.UploadOptions{Name: name})
		require.NoError(t, err)
		ids[name] = a.ID
	}

	p := s.page(t)
	p.open("/signin?next=/")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	for _, id := range ids {
		// Each thumbnail is an image that loaded, not an icon.
		p.waitFor(`(() => { const i = document.querySelector('a.thumb[href="/assets/` + id + `"] img'); return !!i && i.complete && i.naturalWidth > 0 })()`)
	}
	p.check("")

	p.open("/assets/" + ids["clip.mp4"])
	p.run(chromedp.WaitVisible(chromedp.CSS("figure.preview video")))
	assert.Contains(t, p.text(".meta"), "0:01 · H264, AAC")
	p.run(chromedp.Evaluate[chromedp.Void](`document.querySelector('figure.preview video').load()`))
	p.waitFor(`document.querySelector('figure.preview video').readyState >= 1`)
	w, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelector('figure.preview video').videoWidth`))
	require.NoError(t, err)
	assert.Equal(t, 320, w, "the browser read the MP4 preview")
	p.check("asset-video")

	p.open("/assets/" + ids["brochure.pdf"])
	p.waitFor(`(() => { const i = document.querySelector('figure.preview img'); return !!i && i.complete && i.naturalWidth > 0 })()`)
	assert.Contains(t, p.text(".meta"), "2 pages")
	p.check("")
}
