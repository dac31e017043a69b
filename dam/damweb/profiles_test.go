package damweb

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
)

// postMultipart posts fields and one file (when name is set) as a
// multipart form, as the profile forms send them.
func (b *browser) postMultipart(path string, fields url.Values, fileField, fileName string, file []byte) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(b.t, mw.WriteField(k, v))
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		require.NoError(b.t, err)
		_, err = fw.Write(file)
		require.NoError(b.t, err)
	}
	require.NoError(b.t, mw.Close())
	req, err := http.NewRequest("POST", b.base+path, &body)
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := b.c.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp, string(out)
}

func webProfileForm() url.Values {
	return url.Values{"name": {"web"}, "width": {"320"}, "height": {"320"}, "fit": {"contain"}, "format": {"jpeg"},
		"quality": {"70"}, "wm_kind": {""}, "wm_position": {"br"}}
}

func TestProfilesCreateEditDelete(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")

	resp, body := b.get("/profiles")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "No export profiles yet")
	assert.Contains(t, body, `action="/profiles" enctype="multipart/form-data"`)

	resp, _ = b.postMultipart("/profiles", webProfileForm(), "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.Equal(t, "/profiles/web", resp.Header.Get("Location"))
	p, err := s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 320, p.Width)
	assert.Equal(t, rendition.FormatJPEG, p.Format)
	assert.Equal(t, 70, p.Quality)
	assert.False(t, p.KeepMetadata, "metadata is stripped unless kept")
	assert.Nil(t, p.Watermark)

	resp, body = b.get("/profiles")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `<a href="/profiles/web">web</a>`)
	assert.Contains(t, body, "320 × 320 px")

	// The profile's page previews it on the newest image, through the
	// rendition path, and says what came out.
	resp, body = b.get("/profiles/web")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `value="`+s.secret.ID+`" selected`, "the newest image is the first sample")
	assert.Contains(t, body, "240 × 320 px · image/jpeg", "480x640 fitted into 320x320")
	resp, body = b.get("/profiles/web?sample=" + s.photo.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "320 × 213 px · image/jpeg", "960x640 fitted into 320x320")
	assert.Contains(t, body, "sunrise.png in the “web” profile")
	img := regexp.MustCompile(`<img src="([^"]+)" alt="sunrise.png`).FindStringSubmatch(body)
	require.Len(t, img, 2)
	resp, jpg := b.get(strings.ReplaceAll(img[1], "&amp;", "&"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "image/jpeg", resp.Header.Get("Content-Type"))
	size := regexp.MustCompile(`\((\d+) bytes\)`).FindStringSubmatch(body)
	require.Len(t, size, 2)
	assert.Equal(t, size[1], strconv.Itoa(len(jpg)), "the page says the preview's exact size")

	// Edit: a text watermark, tiled; the sample stays picked.
	f := webProfileForm()
	f.Set("width", "200")
	f.Set("wm_kind", "text")
	f.Set("wm_text", "© Example")
	f.Set("wm_position", "tile")
	f.Set("wm_opacity", "30")
	f.Set("keep_metadata", "1")
	f.Set("sample", s.photo.ID)
	resp, _ = b.postMultipart("/profiles/web", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/profiles/web?sample="+s.photo.ID, resp.Header.Get("Location"))
	p, err = s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 200, p.Width)
	assert.True(t, p.KeepMetadata)
	assert.False(t, p.KeepGPS, "GPS stays behind unless kept")
	require.NotNil(t, p.Watermark)
	assert.Equal(t, dam.ProfileWatermark{Text: "© Example", Position: rendition.PositionTile, Opacity: 30}, *p.Watermark)
	resp, body = b.get("/profiles/web?sample=" + s.photo.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "200 × 133 px")
	assert.Contains(t, body, `value="© Example"`)

	// An image watermark is uploaded, then kept by a save that sends none.
	logo := testimage.PNG(testimage.Gradient(40, 20, 0))
	f.Set("wm_kind", "image")
	resp, _ = b.postMultipart("/profiles/web", f, "wm_image", "logo.png", logo)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	f.Set("width", "180")
	resp, _ = b.postMultipart("/profiles/web", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err = s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 180, p.Width)
	require.NotNil(t, p.Watermark)
	assert.Equal(t, logo, p.Watermark.Image)
	assert.Empty(t, p.Watermark.Text)

	resp, _ = b.post("/profiles/web/delete", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, err = s.lib.Profile(s.owner, "web")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	resp, _ = b.get("/profiles/web")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// TestProfileFormErrorsBesideFields posts forms dam refuses: each message
// (dam's own) comes back beside its field, the form as typed.
func TestProfileFormErrorsBesideFields(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	_, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "taken", Width: 10})
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		set   url.Values
		field string
		says  string
	}{
		{"reserved name", url.Values{"name": {"original"}}, "pf-name-err", "reserved"},
		{"bad name", url.Values{"name": {"Web Large"}}, "pf-name-err", "may hold only"},
		{"name taken", url.Values{"name": {"taken"}}, "pf-name-err", "taken"},
		{"no box for cover", url.Values{"fit": {"cover"}, "height": {""}}, "pf-size-err", "cover needs both a width and a height"},
		{"too wide", url.Values{"width": {"70000"}}, "pf-size-err", "at most 65535"},
		{"not a number", url.Values{"width": {"wide"}}, "pf-size-err", "the width must be a whole number"},
		{"quality", url.Values{"quality": {"101"}}, "pf-quality-err", "quality must be 1..100"},
		{"format", url.Values{"format": {"avif"}}, "pf-format-err", "unknown format"},
		{"fit", url.Values{"fit": {"squash"}}, "pf-fit-err", "unknown fit"},
		{"opacity", url.Values{"wm_kind": {"text"}, "wm_text": {"x"}, "wm_opacity": {"300"}}, "pf-wm-opacity-err", "opacity must be 1..100"},
		{"position", url.Values{"wm_kind": {"text"}, "wm_text": {"x"}, "wm_position": {"middle"}}, "pf-wm-pos-err", "unknown watermark position"},
		{"empty text", url.Values{"wm_kind": {"text"}, "wm_text": {" "}}, "pf-wm-text-err", "write the watermark"},
		{"long text", url.Values{"wm_kind": {"text"}, "wm_text": {strings.Repeat("x", 65)}}, "pf-wm-text-err", "watermark text longer than 64"},
		{"no image", url.Values{"wm_kind": {"image"}}, "pf-wm-image-err", "choose a PNG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := webProfileForm()
			f.Set("name", "fresh")
			for k, v := range tc.set {
				f[k] = v
			}
			resp, body := b.postMultipart("/profiles", f, "", "", nil)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			m := regexp.MustCompile(`<span class="field-error" id="` + tc.field + `">([^<]*)</span>`).FindStringSubmatch(body)
			require.Len(t, m, 2, "an error beside the field %s", tc.field)
			assert.Contains(t, m[1], tc.says)
			assert.Contains(t, body, `aria-invalid="true"`)
			assert.Contains(t, body, `value="`+f.Get("name")+`"`, "the form comes back as typed")
		})
	}
	t.Run("bad image", func(t *testing.T) {
		f := webProfileForm()
		f.Set("name", "fresh")
		f.Set("wm_kind", "image")
		resp, body := b.postMultipart("/profiles", f, "wm_image", "logo.png", []byte("not an image"))
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Regexp(t, `id="pf-wm-image-err">watermark image must be a PNG, JPEG or GIF`, body)
	})
	t.Run("too large", func(t *testing.T) {
		f := webProfileForm()
		f.Set("name", "fresh")
		f.Set("wm_kind", "image")
		resp, body := b.postMultipart("/profiles", f, "wm_image", "logo.png", bytes.Repeat([]byte{1}, dam.MaxWatermarkImage+100<<10))
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Contains(t, body, "a watermark image is at most")
	})
	t.Run("edit", func(t *testing.T) {
		f := webProfileForm()
		f.Set("quality", "0.5")
		resp, body := b.postMultipart("/profiles/taken", f, "", "", nil)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		assert.Contains(t, body, `id="pf-quality-err">the quality must be a whole number`)
		assert.Contains(t, body, `value="0.5"`)
		p, err := s.lib.Profile(s.owner, "taken")
		require.NoError(t, err)
		assert.Equal(t, 10, p.Width, "nothing changed")
	})
	_, err = s.lib.Profile(s.owner, "fresh")
	assert.Equal(t, dam.NotFound, dam.KindOf(err), "no refused form made a profile")
}

// Owners who do not administer the library read the profiles without
// forms; others find no page, whether the profile exists or not.
func TestProfilesWhoSeesWhat(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "web", Width: 100})
	require.NoError(t, err)
	stranger := s.signIn(t, "stranger")
	resp, body := stranger.get("/profiles")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Only administrators change export profiles")
	assert.NotContains(t, body, "<form method=\"post\" action=\"/profiles\"")
	resp, body = stranger.get("/profiles/web")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotContains(t, body, "/profiles/web/delete")
	assert.Contains(t, body, "There are no images in your domains", "the stranger's domain has none")
	resp, _ = stranger.postMultipart("/profiles/web", webProfileForm(), "", "", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "dam decides: administrators only")
	resp, _ = stranger.post("/profiles/web/delete", url.Values{})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// A sample of another domain reads as an absent one.
	resp, b1 := stranger.get("/profiles/web?sample=" + s.photo.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	_, b2 := stranger.get("/profiles/web?sample=" + absent)
	assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, s.photo.ID, "ID"))
	assert.Contains(t, strings.ReplaceAll(b1, s.photo.ID, "ID"), "No preview: asset ID not found")

	for _, role := range []string{"editor", "viewer"} {
		b := s.signIn(t, role)
		for _, path := range []string{"/profiles", "/profiles/web"} {
			resp, _ := b.get(path)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s %s", role, path)
		}
		resp, body := b.get("/")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.NotContains(t, body, `href="/profiles"`, "no Manage menu for %s", role)
	}
}

// The form's choices are exactly what package rendition accepts.
func TestProfileChoicesAreRenditions(t *testing.T) {
	for _, c := range fitChoices {
		p := rendition.Profile{Width: 10, Height: 10, Fit: rendition.Fit(c.Value)}
		assert.NoError(t, p.Validate(), c.Value)
	}
	for _, c := range formatChoices {
		p := rendition.Profile{Width: 10, Format: rendition.Format(c.Value)}
		assert.NoError(t, p.Validate(), c.Value)
	}
	for _, c := range positionChoices {
		p := rendition.Profile{Width: 10, Watermark: &rendition.Watermark{Text: "x", Position: rendition.Position(c.Value)}}
		assert.NoError(t, p.Validate(), c.Value)
	}
	assert.Len(t, fitChoices, 5)
	assert.Len(t, formatChoices, 8)
	assert.Len(t, positionChoices, 6)
}

func TestProfileFormStripAndGPS(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	f := webProfileForm()
	f.Set("strip_metadata", "1")
	resp, _ := b.postMultipart("/profiles", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err := s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.True(t, p.StripMetadata)
	resp, body := b.get("/profiles/web")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `name="strip_metadata" value="1" aria-describedby="pf-strip-help" checked`)

	f.Set("keep_metadata", "1")
	resp, body = b.postMultipart("/profiles/web", f, "", "", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "strip metadata or keep it, not both")

	f.Del("strip_metadata")
	f.Set("keep_gps", "1")
	resp, _ = b.postMultipart("/profiles/web", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err = s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, [3]bool{true, true, false}, [3]bool{p.KeepMetadata, p.KeepGPS, p.StripMetadata})
}

// The page and the poster time go through the form and survive a save.
func TestProfileFormPageAndPosterTime(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	f := webProfileForm()
	f.Set("page", "3")
	f.Set("poster_at_ms", "1500")
	resp, _ := b.postMultipart("/profiles", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err := s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 3, p.Page)
	assert.Equal(t, int64(1500), p.PosterAtMS)
	form := formOf(p, "/profiles/web")
	assert.Equal(t, "3", form.Page)
	assert.Equal(t, "1500", form.PosterAt)

	f.Set("page", "two")
	resp, body := b.postMultipart("/profiles", f, "", "", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "the page must be a whole number")
}

// The resolution goes through the form; where the format has no place for
// it, the error stands beside the field.
func TestProfileFormDPI(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	_, body := b.get("/profiles")
	assert.Contains(t, body, `<label for="pf-dpi">Resolution (dpi)</label>`)
	f := webProfileForm()
	f.Set("dpi", "300")
	resp, _ := b.postMultipart("/profiles", f, "", "", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	p, err := s.lib.Profile(s.owner, "web")
	require.NoError(t, err)
	assert.Equal(t, 300, p.DPI)
	assert.Equal(t, "300", formOf(p, "/profiles/web").DPI)

	f.Set("name", "web2")
	f.Set("format", "webp")
	resp, body = b.postMultipart("/profiles", f, "", "", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Regexp(t, `id="pf-dpi-err">[^<]*webp has no resolution field`, body)
	f.Set("format", "png")
	f.Set("dpi", "many")
	resp, body = b.postMultipart("/profiles", f, "", "", nil)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "the resolution must be a whole number")
}
