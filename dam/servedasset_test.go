package dam_test

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/rendition"
	"github.com/damkit/damkit/storage"
)

// TestPreviewsFollowChangesAcrossProcesses: the download and preview paths
// keep assets and export profiles in memory; a profile changed or deleted,
// or an asset edited, trashed or given a new version through A shows in
// B's very next preview or download (two Libraries on one database stand
// for two processes). On SQLite, and on PostgreSQL (where the store shares
// its generation reads among concurrent callers) when DAMKIT_POSTGRES_URL
// is set.
func TestPreviewsFollowChangesAcrossProcesses(t *testing.T) {
	onEachEngine(t, testPreviewsFollowChanges)
}

// onEachEngine runs fn with the URL of a new, empty store: on SQLite, and
// on PostgreSQL (a schema of its own, dropped afterwards) when
// DAMKIT_POSTGRES_URL is set (bench/sqlstore/with-postgres.sh sets it).
func onEachEngine(t *testing.T, fn func(t *testing.T, storeURL string)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, "sqlite://"+filepath.Join(t.TempDir(), "dam.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		url := os.Getenv("DAMKIT_POSTGRES_URL")
		if url == "" {
			t.Skip("set DAMKIT_POSTGRES_URL (bench/sqlstore/with-postgres.sh does) to run on PostgreSQL")
		}
		admin, err := sql.Open("pgx", url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = admin.Close() })
		schema := "damkit_test_" + strings.ToLower(rand.Text()[:12])
		_, err = admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema)
		require.NoError(t, err)
		// Cleanups run last first: the schema goes after the stores closed.
		t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		fn(t, url+sep+"search_path="+schema)
	})
}

func testPreviewsFollowChanges(t *testing.T, storeURL string) {
	ctx := t.Context()
	dir := t.TempDir()
	open := func() *dam.Library {
		st, err := sqlstore.Open(ctx, storeURL, nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		return dam.New(st, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil, nil)
	}
	a, b := open(), open()
	owner, _, err := a.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	octx := dam.WithActor(ctx, owner.Actor())
	pngOf := func(w, h int) *bytes.Buffer {
		var img bytes.Buffer
		require.NoError(t, png.Encode(&img, image.NewRGBA(image.Rect(0, 0, w, h))))
		return &img
	}
	asset, err := a.Upload(octx, pngOf(64, 64), dam.UploadOptions{Name: "square.png"})
	require.NoError(t, err)
	_, err = a.CreateProfile(octx, dam.Profile{Name: "web", Width: 32, Format: rendition.FormatPNG})
	require.NoError(t, err)

	preview := func() (*dam.Download, error) {
		d, err := b.OpenPreview(octx, asset.ID, "web")
		if err == nil {
			require.NoError(t, d.Close())
		}
		return d, err
	}
	for range 2 {
		d, err := preview()
		require.NoError(t, err)
		assert.Equal(t, 32, d.Version.Width)
		assert.Equal(t, "square.png", d.Asset.Name)
	}

	_, err = a.UpdateProfile(octx, dam.Profile{Name: "web", Width: 16, Format: rendition.FormatPNG})
	require.NoError(t, err)
	d, err := preview()
	require.NoError(t, err)
	assert.Equal(t, 16, d.Version.Width, "B renders with the profile A changed")
	d, err = b.OpenRendition(octx, asset.ID, "web")
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.Equal(t, 16, d.Version.Width, "downloads in the profile too")

	name := "renamed.png"
	_, err = a.EditAsset(octx, asset.ID, dam.AssetPatch{Name: &name})
	require.NoError(t, err)
	d, err = preview()
	require.NoError(t, err)
	assert.Equal(t, "renamed.png", d.Asset.Name, "B serves the asset as A edited it")

	_, err = a.AddVersion(octx, asset.ID, pngOf(64, 32), dam.NewVersionOptions{})
	require.NoError(t, err)
	d, err = preview()
	require.NoError(t, err)
	assert.Equal(t, 2, d.Asset.Current.Number, "B serves A's new version")
	assert.Equal(t, 8, d.Version.Height)
	dl, err := b.Open(octx, asset.ID, 0)
	require.NoError(t, err)
	require.NoError(t, dl.Close())
	assert.Equal(t, 32, dl.Version.Height, "downloads too")

	require.NoError(t, a.DeleteProfile(octx, "web"))
	_, err = preview()
	assert.Equal(t, dam.NotFound.String(), dam.KindOf(err).String(), "a deleted profile is gone in B: %v", err)

	require.NoError(t, a.Delete(octx, asset.ID))
	_, err = b.OpenPreview(octx, asset.ID, "")
	assert.Equal(t, dam.NotFound.String(), dam.KindOf(err).String(), "a trashed asset is gone in B: %v", err)
	_, err = b.Open(octx, asset.ID, 0)
	assert.Equal(t, dam.NotFound.String(), dam.KindOf(err).String(), "for downloads too: %v", err)
}
