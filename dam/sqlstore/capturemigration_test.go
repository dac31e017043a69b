package sqlstore

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestCaptureKeysFilledByMigration23: the assets of a library made before
// capture dates were kept on the asset get them (from their current
// version's EXIF or embedded metadata, else their creation) when it is
// opened.
func TestCaptureKeysFilledByMigration23(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	exif := time.Date(2018, 7, 1, 9, 0, 0, 0, time.UTC)
	embedded := time.Date(2012, 2, 3, 4, 5, 6, 0, time.UTC)
	var ids []string
	for i, v := range []dam.Version{
		{SHA256: "a", MediaType: "image/jpeg", EXIF: &dam.EXIF{CapturedAt: &exif}},
		{SHA256: "b", MediaType: "image/jpeg", Embedded: &dam.Embedded{CapturedAt: &embedded}},
		{SHA256: "c", MediaType: "image/jpeg"},
	} {
		now := time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)
		v.CreatedAt = now
		a := dam.Asset{ID: dam.NewID(now), Name: "a.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			CreatedAt: now, UpdatedAt: now, Current: v}
		require.NoError(t, s.CreateAsset(t.Context(), a))
		ids = append(ids, a.ID)
	}
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	// A library from before migration 23 had no facet_counts (migration
	// 44, whose triggers read captured_at) either.
	undo := []string{"DROP TABLE facet_counts", "DROP VIEW facet_values"}
	for _, tr := range []string{"assets_i", "assets_d", "assets_u_old", "assets_u_new", "versions_i", "versions_d", "versions_u",
		"asset_categories_i", "asset_categories_d", "asset_categories_u"} {
		undo = append(undo, "DROP TRIGGER facet_counts_"+tr)
	}
	// Nor facet_docs (migration 45, whose view and triggers read it too).
	undo = append(undo, undoFacetDocs()...)
	for _, q := range append(undo,
		"DELETE FROM schema_migrations WHERE version = 44",
		"DROP INDEX assets_folder_captured", "DROP INDEX assets_live_domain_captured",
		"ALTER TABLE assets DROP COLUMN captured_at",
		"DELETE FROM schema_migrations WHERE version = 23",
	) {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	as, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Sort: "captured"})
	require.NoError(t, err)
	var got []string
	for _, a := range as {
		got = append(got, a.ID)
	}
	assert.Equal(t, []string{ids[1], ids[0], ids[2]}, got, "embedded 2012, EXIF 2018, created 2026")
}
