package dam_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// photo uploads a 1200x800 JPEG stored sideways (EXIF orientation 6), so
// it is 800x1200 upright.
func (f *fixture) photo(t *testing.T, ctx context.Context, name string) dam.Asset {
	t.Helper()
	data, err := testimage.JPEGWithEXIF(testimage.Gradient(1200, 800, 0.3), "Canon", "EOS", 6)
	require.NoError(t, err)
	a, err := f.lib.Upload(ctx, bytes.NewReader(data), dam.UploadOptions{Name: name})
	require.NoError(t, err)
	require.Equal(t, "image/jpeg", a.Current.MediaType)
	return a
}

func (f *fixture) profile(t *testing.T, p dam.Profile) dam.Profile {
	t.Helper()
	p, err := f.lib.CreateProfile(f.owner, p)
	require.NoError(t, err)
	return p
}

// read opens a rendition (or a preview when preview is set) and returns its
// download and bytes.
func read(t *testing.T, open func() (*dam.Download, error)) (*dam.Download, []byte) {
	t.Helper()
	d, err := open()
	require.NoError(t, err)
	defer d.Close()
	b, err := io.ReadAll(d)
	require.NoError(t, err)
	require.Equal(t, d.Version.Size, int64(len(b)))
	return d, b
}

func TestProfileManagement(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	web := f.profile(t, dam.Profile{Name: "web", Width: 1024, Height: 1024, Format: rendition.FormatJPEG})
	assert.Equal(t, rendition.FitContain, web.Fit, "defaults are stored")
	assert.Equal(t, 85, web.Quality)
	assert.Equal(t, "w1024-h1024-contain-jpeg-q85", web.Spec())

	_, err := f.lib.CreateProfile(viewer, dam.Profile{Name: "mine", Width: 10})
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	list, err := f.lib.Profiles(viewer)
	require.NoError(t, err, "anyone may list")
	require.Len(t, list, 1)
	assert.Equal(t, web, list[0])

	bad := []struct {
		name string
		p    dam.Profile
		kind dam.Kind
	}{
		{"zero size", dam.Profile{Name: "z", Width: 0, Height: 0}, dam.Invalid},
		{"negative width", dam.Profile{Name: "n", Width: -5, Height: 100}, dam.Invalid},
		{"cover needs both", dam.Profile{Name: "c", Width: 100, Fit: rendition.FitCover}, dam.Invalid},
		{"reserved", dam.Profile{Name: "original", Width: 100}, dam.Invalid},
		{"bad name", dam.Profile{Name: "Web Large", Width: 100}, dam.Invalid},
		{"empty name", dam.Profile{Width: 100}, dam.Invalid},
		{"unknown format", dam.Profile{Name: "f", Width: 100, Format: "bmp"}, dam.Invalid},
		{"quality", dam.Profile{Name: "q", Width: 100, Quality: 101}, dam.Invalid},
		{"watermark not an image", dam.Profile{Name: "w", Width: 100, Watermark: &dam.ProfileWatermark{Image: []byte("<svg/>")}}, dam.Invalid},
		{"watermark too big", dam.Profile{Name: "w", Width: 100, Watermark: &dam.ProfileWatermark{Image: make([]byte, dam.MaxWatermarkImage+1)}}, dam.Invalid},
		{"taken", dam.Profile{Name: "web", Width: 100}, dam.AlreadyExists},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.lib.CreateProfile(f.owner, tc.p)
			assert.Equal(t, tc.kind, kindOf(t, err), "%v", err)
		})
	}

	logo := testimage.PNG(testimage.Gradient(40, 20, 1))
	web.Width, web.Watermark = 800, &dam.ProfileWatermark{Image: logo, Position: rendition.PositionTopLeft}
	updated, err := f.lib.UpdateProfile(f.owner, web)
	require.NoError(t, err)
	assert.Equal(t, web.CreatedAt, updated.CreatedAt)
	got, err := f.lib.Profile(viewer, "web")
	require.NoError(t, err)
	assert.Equal(t, 800, got.Width)
	assert.Equal(t, logo, got.Watermark.Image)
	assert.Equal(t, 50, got.Watermark.Opacity, "the default opacity is stored")

	_, err = f.lib.UpdateProfile(f.owner, dam.Profile{Name: "nope", Width: 10})
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	assert.Equal(t, dam.PermissionDenied, kindOf(t, f.lib.DeleteProfile(viewer, "web")))
	require.NoError(t, f.lib.DeleteProfile(f.owner, "web"))
	_, err = f.lib.Profile(f.owner, "web")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func TestRenditionsOfAJPEG(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpeg")
	f.profile(t, dam.Profile{Name: "thumb256", Width: 256, Height: 256, Format: rendition.FormatJPEG})
	f.profile(t, dam.Profile{Name: "web", Width: 1024, Height: 1024, Format: rendition.FormatJPEG})
	f.profile(t, dam.Profile{Name: "png", Width: 256, Height: 256, Format: rendition.FormatPNG})

	for _, tc := range []struct {
		profile, format, file string
		w, h                  int
	}{
		// Upright the photo is 800x1200: the box's height binds.
		{"thumb256", "jpeg", "beach.jpg", 171, 256},
		{"web", "jpeg", "beach.jpg", 683, 1024},
		{"png", "png", "beach.png", 171, 256},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			before, _ := dam.RenderStats(f.lib)
			d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, tc.profile) })
			cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			assert.Equal(t, tc.format, format)
			assert.InDelta(t, tc.w, cfg.Width, 1, "upright: EXIF orientation 6 swaps the sides")
			assert.Equal(t, tc.h, cfg.Height)
			assert.Equal(t, "image/"+tc.format, d.Version.MediaType)
			assert.Equal(t, tc.file, d.Version.OriginalName)
			assert.True(t, d.IsRendition())
			after, _ := dam.RenderStats(f.lib)
			assert.Equal(t, before+1, after, "the first request renders")

			again, b2 := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, tc.profile) })
			assert.Equal(t, b, b2, "the second request is served from the cache")
			assert.Equal(t, d.ETag, again.ETag)
			last, _ := dam.RenderStats(f.lib)
			assert.Equal(t, after, last, "a cache hit renders nothing")
		})
	}
	assert.Len(t, f.keys(t, "renditions/"+a.Current.SHA256+"/"), 6, "three renditions, each with its sidecar")

	evs, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: a.ID, Action: dam.EventDownload})
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	assert.Equal(t, "profile png", evs[0].Detail)

	_, err = f.lib.OpenRendition(f.owner, a.ID, "nope")
	assert.Equal(t, dam.NotFound, kindOf(t, err), "unknown profiles are not found")
	d, err := f.lib.OpenRendition(f.owner, a.ID, "original")
	require.NoError(t, err)
	assert.False(t, d.IsRendition())
	assert.Equal(t, a.Current.Size, d.Version.Size)
	require.NoError(t, d.Close())
}

func TestLargerRenditionServesSmallerOnes(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "beach.jpg")
	f.profile(t, dam.Profile{Name: "web", Width: 600, Height: 600, Format: rendition.FormatPNG})
	small := f.profile(t, dam.Profile{Name: "small", Width: 100, Height: 100, Format: rendition.FormatJPEG, Grayscale: true})
	read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "web") })
	d, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "small") })
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 100, cfg.Height, "made from the cached 400x600 rendition, still upright")
	assert.InDelta(t, 67, cfg.Width, 1)
	assert.Equal(t, "image/jpeg", d.Version.MediaType)
	rc, err := f.bucket.NewRangeReader(t.Context(), "renditions/"+a.Current.SHA256+"/"+small.Rendition().Hash()+".json", 0, -1)
	require.NoError(t, err)
	defer rc.Close()
	side, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Contains(t, string(side), `"served":"larger"`, "the sidecar says what the rendition was made from")
}

func TestProtectedPreviewsAreWatermarked(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.photo(t, f.owner, "secret.jpg")
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})
	_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
	require.NoError(t, err)

	_, err = f.lib.OpenRendition(viewer, a.ID, "web")
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err), "a profile is a download like the original")

	clean, cleanBytes := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, "") })
	cfg, _, err := image.DecodeConfig(bytes.NewReader(cleanBytes))
	require.NoError(t, err)
	assert.Equal(t, 256, cfg.Height, "the built-in preview is 256 px")

	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.ShowWatermarks = true
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)

	marked, markedBytes := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, "") })
	assert.NotEqual(t, clean.ETag, marked.ETag)
	assert.NotEqual(t, cleanBytes, markedBytes, "the viewer's preview carries the watermark")
	assert.True(t, strings.HasSuffix(marked.ETag, `-wm"`))
	var wm []string
	for _, k := range f.keys(t, "renditions/"+a.Current.SHA256+"/") {
		if strings.HasSuffix(k, "-wm") {
			wm = append(wm, k)
		}
	}
	assert.Len(t, wm, 1, "watermarked previews are cached under their own key")

	owner, ownerBytes := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(f.owner, a.ID, "") })
	assert.Equal(t, clean.ETag, owner.ETag, "the owner's preview is clean")
	assert.Equal(t, cleanBytes, ownerBytes)

	web, _ := read(t, func() (*dam.Download, error) { return f.lib.OpenPreview(viewer, a.ID, "web") })
	assert.True(t, strings.HasSuffix(web.ETag, `-wm"`), "previews in a stored profile are watermarked too")
}

func TestRenditionBadInput(t *testing.T) {
	f := newFixture(t, nil)
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})

	html := f.upload(t, f.owner, "evil.jpg", "<!DOCTYPE html><html><script>alert(1)</script></html>")
	_, err := f.lib.OpenRendition(f.owner, html.ID, "web")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), "only its original")
	_, err = f.lib.OpenPreview(f.owner, html.ID, "")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))

	data, err := testimage.JPEGWithEXIF(testimage.Gradient(400, 300, 0), "", "", 1)
	require.NoError(t, err)
	cut, err := f.lib.Upload(f.owner, bytes.NewReader(data[:len(data)/2]), dam.UploadOptions{Name: "cut.jpg"})
	require.NoError(t, err)
	for range 2 {
		_, err = f.lib.OpenRendition(f.owner, cut.ID, "web")
		assert.Equal(t, dam.Invalid, kindOf(t, err), "%v", err)
	}
	assert.Empty(t, f.keys(t, "renditions/"), "a failed render caches nothing")
	rendered, _ := dam.RenderStats(f.lib)
	assert.Equal(t, int64(2), rendered, "a failure is not cached either: each request tries")
}

// Polling bounds for waiting on other goroutines (not timing assertions).
const (
	renderWait = 30 * time.Second
	renderPoll = 2 * time.Millisecond
)

// gateEngine renders text/plain into a tiny PNG once release is closed,
// counting the renders that started.
type gateEngine struct {
	started chan struct{}
	release chan struct{}
}

func newGate() *gateEngine {
	return &gateEngine{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gateEngine) Accepts(mt string) bool { return mt == "text/plain" }

func (g *gateEngine) Render(ctx context.Context, src rendition.Source, p rendition.Profile, _ *rendition.Options) (rendition.Result, error) {
	g.started <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return rendition.Result{}, ctx.Err()
	}
	return rendition.Result{Data: testimage.PNG(testimage.Gradient(4, 2, 0)), MediaType: "image/png", Width: 4, Height: 2}, nil
}

func TestConcurrentRequestsRenderOnce(t *testing.T) {
	gate := newGate()
	f := newFixture(t, &dam.Options{Engines: []rendition.Engine{gate}})
	a := f.upload(t, f.owner, "notes.txt", "plain text an engine renders")
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})

	const n = 8
	var wg sync.WaitGroup
	results := make([][]byte, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			d, err := f.lib.OpenRendition(f.owner, a.ID, "web")
			if errs[i] = err; err == nil {
				results[i], errs[i] = io.ReadAll(d)
				_ = d.Close()
			}
		})
	}
	<-gate.started
	require.Eventually(t, func() bool { _, joined := dam.RenderStats(f.lib); return joined == n-1 },
		renderWait, renderPoll, "the other requests wait for the one render")
	close(gate.release)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, results[0], results[i])
	}
	rendered, _ := dam.RenderStats(f.lib)
	assert.Equal(t, int64(1), rendered)
}

func TestRenderQueueFull(t *testing.T) {
	gate := newGate()
	f := newFixture(t, &dam.Options{Engines: []rendition.Engine{gate}, MaxRenders: 1, RenderQueue: -1})
	a := f.upload(t, f.owner, "notes.txt", "plain text an engine renders")
	f.profile(t, dam.Profile{Name: "one", Width: 300, Height: 300})
	f.profile(t, dam.Profile{Name: "two", Width: 200, Height: 200})

	done := make(chan error, 1)
	go func() {
		d, err := f.lib.OpenRendition(f.owner, a.ID, "one")
		if err == nil {
			_ = d.Close()
		}
		done <- err
	}()
	<-gate.started
	_, err := f.lib.OpenRendition(f.owner, a.ID, "two")
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err), "no slot and no room to wait")
	close(gate.release)
	require.NoError(t, <-done)
	d, err := f.lib.OpenRendition(f.owner, a.ID, "two")
	require.NoError(t, err, "a slot is free again")
	require.NoError(t, d.Close())
}

func TestRenditionsAreUprightForEveryOrientation(t *testing.T) {
	f := newFixture(t, nil)
	f.profile(t, dam.Profile{Name: "small", Width: 60, Height: 60, Format: rendition.FormatPNG})
	for o := uint16(1); o <= 8; o++ {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			data, err := testimage.JPEGWithEXIF(testimage.Gradient(120, 80, float64(o)), "Canon", "EOS", o)
			require.NoError(t, err)
			a, err := f.lib.Upload(f.owner, bytes.NewReader(data), dam.UploadOptions{Name: "o.jpg"})
			require.NoError(t, err)
			_, b := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "small") })
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			require.NoError(t, err)
			if o >= 5 { // stored sideways: upright it is 80x120
				assert.Equal(t, []int{40, 60}, []int{cfg.Width, cfg.Height})
			} else {
				assert.Equal(t, []int{60, 40}, []int{cfg.Width, cfg.Height})
			}
		})
	}
}

func TestPurgeDeletesRenditions(t *testing.T) {
	f := newFixture(t, nil)
	a := f.photo(t, f.owner, "gone.jpg")
	f.profile(t, dam.Profile{Name: "web", Width: 300, Height: 300})
	read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, a.ID, "web") })
	require.NotEmpty(t, f.keys(t, "renditions/"+a.Current.SHA256+"/"))
	require.NoError(t, f.lib.Delete(f.owner, a.ID))
	f.clock.t = f.clock.t.Add(f.lib.Options().TrashRetention + time.Hour)
	rep, err := f.lib.Sweep(f.owner)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Purged)
	assert.Empty(t, f.keys(t, "renditions/"), "a purged original takes its renditions along")

	// The same bytes uploaded again render afresh rather than from a
	// remembered, deleted rendition.
	b := f.photo(t, f.owner, "back.jpg")
	_, data := read(t, func() (*dam.Download, error) { return f.lib.OpenRendition(f.owner, b.ID, "web") })
	assert.NotEmpty(t, data)
}
