package dam_test

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/storage"
)

// TestDownloadFile: on a local file bucket, an original or a rendition no
// larger than Options.RecheckBytes comes as the file itself (servers send
// it with sendfile); a larger one, and any on another bucket, is read
// through the access-checking stream. Renditions of at most 64 KiB (and
// RecheckBytes) come from memory on any bucket (Download.Bytes), unless
// Options.RenditionMemory is negative.
func TestDownloadFile(t *testing.T) {
	photo := testimage.PNG(testimage.Gradient(64, 48, 0))
	for _, tc := range []struct {
		name       string
		bucket     string // "file" or "mem"
		recheck    int64
		memory     int64 // Options.RenditionMemory
		wantFile   bool
		renditions string // "file", "memory" or "stream"
	}{
		{"small on a file bucket", "file", 0, 0, true, "memory"},
		{"no renditions in memory", "file", 0, -1, true, "file"},
		{"larger than RecheckBytes", "file", 100, 0, false, "stream"},
		{"memory bucket", "mem", 0, 0, false, "memory"},
		{"memory bucket, no renditions in memory", "mem", 0, -1, false, "stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			dir := t.TempDir()
			st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			url := "mem://"
			if tc.bucket == "file" {
				url = "file://" + filepath.ToSlash(filepath.Join(dir, "blobs"))
			}
			b, err := storage.Open(ctx, url)
			require.NoError(t, err)
			t.Cleanup(func() { _ = b.Close() })
			lib := dam.New(st, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil,
				&dam.Options{RecheckBytes: tc.recheck, RenditionMemory: tc.memory})
			other := dam.New(st, b, nil, nil, &dam.Options{RecheckBytes: tc.recheck, RenditionMemory: -1})
			u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
			require.NoError(t, err)
			ctx = dam.WithActor(ctx, u.Actor())
			a, err := lib.Upload(ctx, strings.NewReader(string(photo)), dam.UploadOptions{Name: "photo.png"})
			require.NoError(t, err)
			_, err = lib.CreateProfile(ctx, dam.Profile{Name: "small", Width: 32, Height: 32, Format: rendition.FormatJPEG})
			require.NoError(t, err)

			s, err := lib.Settings(ctx)
			require.NoError(t, err)
			s.SharesEnabled = true
			_, err = lib.UpdateSettings(ctx, s)
			require.NoError(t, err)
			sh, err := lib.CreateShare(ctx, dam.NewShare{Title: "Press", Days: 7, AssetIDs: []string{a.ID}, Guests: "ana@example.com"})
			require.NoError(t, err)
			guest, _, err := lib.GuestActor(t.Context(), sh.Links[0].Token)
			require.NoError(t, err)
			_, err = lib.CreatePortal(ctx, dam.NewPortal{Slug: "press", Title: "Press", AssetIDs: []string{a.ID}, Mode: dam.PortalOpen})
			require.NoError(t, err)

			opens := []struct {
				name string
				open func() (*dam.Download, error)
			}{
				{"original", func() (*dam.Download, error) { return lib.Open(ctx, a.ID, 0) }},
				{"rendition", func() (*dam.Download, error) { return lib.OpenRendition(ctx, a.ID, "small") }},
				{"preview", func() (*dam.Download, error) { return lib.OpenPreview(ctx, a.ID, "small") }},
				{"guest original", func() (*dam.Download, error) { return lib.GuestOpen(guest, a.ID, "") }},
				{"guest preview", func() (*dam.Download, error) { return lib.GuestPreview(guest, a.ID) }},
				{"portal original", func() (*dam.Download, error) { return lib.PortalOpen(t.Context(), "press", "", a.ID) }},
			}
			for _, o := range opens {
				d, err := o.open()
				require.NoError(t, err, o.name)
				want := tc.renditions
				if strings.HasSuffix(o.name, "original") {
					want = "stream"
					if tc.wantFile {
						want = "file"
					}
				}
				switch want {
				case "file":
					require.NotNil(t, d.File(), "%s is served from its file", o.name)
					assert.Nil(t, d.Bytes(), o.name)
				case "memory":
					require.NotNil(t, d.Bytes(), "%s is served from memory", o.name)
					assert.Nil(t, d.File(), o.name)
					assert.Equal(t, d.Version.Size, int64(len(d.Bytes())), o.name)
				default:
					assert.Nil(t, d.File(), "%s is read through the stream", o.name)
					assert.Nil(t, d.Bytes(), "%s is read through the stream", o.name)
				}
				got, err := io.ReadAll(d)
				require.NoError(t, err)
				assert.Equal(t, d.Version.Size, int64(len(got)), "%s: the whole body", o.name)
				if strings.HasSuffix(o.name, "original") {
					assert.Equal(t, photo, got)
				}
				if o.name == "preview" {
					// The same preview read from the bucket by a Library
					// that keeps no renditions in memory.
					d2, err := other.OpenPreview(ctx, a.ID, "small")
					require.NoError(t, err)
					fromBucket, err := io.ReadAll(d2)
					require.NoError(t, err)
					require.NoError(t, d2.Close())
					assert.Equal(t, fromBucket, got, "the preview's bytes")
				}
				require.NoError(t, d.Close())
			}
		})
	}
}
