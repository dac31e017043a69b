package dam_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

func TestGuestPreview(t *testing.T) {
	f := newShareFixture(t)
	f.profile(t, dam.Profile{Name: "web", Width: 64, Height: 64, Format: rendition.FormatPNG})
	photo := f.photo(t, f.editor, "beach.jpg")
	other := f.photo(t, f.editor, "other.jpg")
	for _, profile := range []string{"", "web"} {
		t.Run("profile "+profile, func(t *testing.T) {
			v := f.create(t, dam.NewShare{AssetIDs: []string{photo.ID, f.a.ID}, Profile: profile, Guests: "ana@example.com"})
			g := f.guest(t, v.Links[0].Token)

			dl, err := f.lib.GuestPreview(g, photo.ID)
			require.NoError(t, err)
			data, err := io.ReadAll(dl)
			require.NoError(t, err)
			require.NoError(t, dl.Close())
			assert.True(t, dl.IsRendition())
			cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
			require.NoError(t, err)
			assert.Equal(t, 256, max(cfg.Width, cfg.Height), "the built-in thumb, whatever the share's profile")

			_, err = f.lib.GuestPreview(g, f.a.ID)
			assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "text has no preview")
			for _, id := range []string{other.ID, f.b.ID, "nope"} {
				_, err = f.lib.GuestPreview(g, id)
				assert.Equal(t, dam.NotFound, kindOf(t, err), "%s is not in the share", id)
			}

			by, err := f.lib.GuestSharer(g)
			require.NoError(t, err)
			assert.Equal(t, "ed@example.com", by)

			off := false
			_, err = f.lib.EditShare(f.editor, v.ID, dam.SharePatch{Enabled: &off})
			require.NoError(t, err)
			_, err = f.lib.GuestPreview(g, photo.ID)
			assert.Equal(t, dam.NotFound, kindOf(t, err), "checked again on every call")
			_, err = f.lib.GuestSharer(g)
			assert.Equal(t, dam.NotFound, kindOf(t, err))
		})
	}
	_, err := f.lib.GuestPreview(f.editor, photo.ID)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "guests only")
}

func TestPreviewable(t *testing.T) {
	f := newFixture(t, nil)
	for mt, want := range map[string]bool{"image/jpeg": true, "image/png": true, "text/plain; charset=utf-8": false, "application/pdf": false} {
		assert.Equal(t, want, f.lib.Previewable(mt), mt)
	}
}
