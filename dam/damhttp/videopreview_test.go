package damhttp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition/video"
)

// A shared video plays in the share's page: a <video> whose poster is the
// preview and whose source is the MP4 preview, served with Range.
func TestGuestVideoPreview(t *testing.T) {
	v, err := video.New(t.Context(), nil)
	if err != nil {
		t.Skipf("video engine: %v (install ffmpeg)", err)
	}
	c := newShareAPIWith(t, v)
	clip, err := testimage.Video(t.Context(), t.TempDir(), 320, 240, 1)
	require.NoError(t, err)
	movie := c.uploadBytes("clip.mp4", clip)
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(64, 48, 0.2), "", "", 1)
	require.NoError(t, err)
	photo := c.uploadBytes("photo.jpg", jpg)
	_, ana, _ := c.create(map[string]any{"asset_ids": []string{movie.ID, photo.ID}})
	base := "/s/" + ana.Token + "/assets/"

	resp, body := c.browse("/s/" + ana.Token)
	require.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, body, `<video controls preload="none" playsinline poster="`+base+movie.ID+`/preview" src="`+base+movie.ID+`/preview?as=video"`)
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "media-src 'self'")

	req, err := http.NewRequestWithContext(t.Context(), "GET", c.url+base+movie.ID+"/preview?as=video", nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=0-99")
	got, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got.Body.Close()
	assert.Equal(t, http.StatusPartialContent, got.StatusCode)
	assert.Equal(t, "video/mp4", got.Header.Get("Content-Type"))
	assert.Equal(t, "100", got.Header.Get("Content-Length"))

	resp, b := c.guest(base + movie.ID + "/preview")
	require.Equal(t, 200, resp.StatusCode, string(b))
	assert.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"), "the poster")
	resp, b = c.guest(base + photo.ID + "/preview?as=video")
	c.wantError(resp, b, 412, "failed_precondition")
	resp, b = c.guest(base + movie.ID + "/preview?as=film")
	c.wantError(resp, b, 400, "invalid")
}
