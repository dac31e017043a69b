package dam_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/rendition"
)

// An asset the download's export profile does not apply to (a text file)
// goes in as its original, and the manifest says so: it is not skipped.
func TestProfileThatDoesNotApplyGivesTheOriginal(t *testing.T) {
	f := newFixture(t, nil)
	ctx := f.owner
	_, err := f.lib.CreateProfile(ctx, dam.Profile{Name: "web", Width: 16, Format: rendition.FormatPNG})
	require.NoError(t, err)
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 32, 32))))
	photo, err := f.lib.Upload(ctx, &img, dam.UploadOptions{Name: "photo.png"})
	require.NoError(t, err)
	notes, err := f.lib.Upload(ctx, strings.NewReader("read me"), dam.UploadOptions{Name: "notes.txt"})
	require.NoError(t, err)
	for _, async := range []bool{false, true} {
		j, err := f.lib.CreateDownload(ctx, dam.DownloadRequest{AssetIDs: []string{photo.ID, notes.ID}, Profile: "web", Async: async})
		require.NoError(t, err)
		if async {
			_, err = f.lib.ProcessJobs(t.Context())
			require.NoError(t, err)
			j, err = f.lib.Job(ctx, j.ID)
			require.NoError(t, err)
			require.Equal(t, dam.JobDone, j.Status, j.Error)
		}
		assert.Empty(t, j.Skipped)
		_, b := readPart(t, ctx, f.lib, j.ID, 1)
		files := zipFiles(t, b)
		assert.Equal(t, "read me", string(files["notes.txt"]), "the original")
		assert.Contains(t, files, "photo.png", "the rendition")
		require.Contains(t, files, "manifest.json")
		var m struct {
			Entries []struct{ Name, Note string }
		}
		require.NoError(t, json.Unmarshal(files["manifest.json"], &m))
		got := map[string]string{}
		for _, e := range m.Entries {
			got[e.Name] = e.Note
		}
		assert.Equal(t, "the original: export profile web does not apply to text/plain", got["notes.txt"])
		assert.Empty(t, got["photo.png"])
	}
}
