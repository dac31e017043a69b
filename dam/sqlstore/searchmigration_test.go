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

// TestSearchIndexFilledByMigration18: the assets of a library made before
// full-text search are found when it is opened: migration 18 writes their
// documents, notes and folder paths included.
func TestSearchIndexFilledByMigration18(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fo := dam.Folder{ID: dam.NewID(now), Name: "Plakate", Domain: dam.DefaultDomain, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.CreateFolder(t.Context(), fo))
	a := dam.Asset{ID: dam.NewID(now), Name: "Zebra.jpg", FolderID: fo.ID, Domain: dam.DefaultDomain, Kind: dam.MediaImage,
		Meta:      dam.Metadata{Title: "Crème brûlée"},
		CreatedAt: now, UpdatedAt: now, Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: now}}
	require.NoError(t, s.CreateAsset(t.Context(), a))
	require.NoError(t, s.AddNote(t.Context(), dam.Note{ID: dam.NewID(now), AssetID: a.ID, Text: "Freigabe", CreatedAt: now}))
	require.NoError(t, s.Close())

	// Take the database back to before migration 18.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	// Migration 45's triggers read search_docs.
	for _, q := range append(undoFacetDocs(),
		"DROP TABLE asset_fts", "DROP TABLE search_docs",
		"DROP INDEX assets_folder_updated", "DROP INDEX assets_live_domain_updated",
		"DROP TABLE search_terms", "DROP TABLE search_term_log", "DELETE FROM schema_migrations WHERE version IN (18, 40, 47)",
	) {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	for _, text := range []string{"creme brulee", "zebra", "folder:plakate", "freigabe"} {
		as, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Text: text})
		require.NoError(t, err)
		require.Len(t, as, 1, text)
		assert.Equal(t, a.ID, as[0].ID)
	}
	requireTermsMirrorIndex(t, s)
	// Migration 45's fill found no documents; the triggers wrote the rows
	// of those 18's Go code wrote.
	requireFacetDocsFresh(t.Context(), t, s, "after 18 and 45")
	require.Len(t, facetDocRows(t.Context(), t, s, false), 1)
}

// TestUpgradeAcrossSearchAndEmbeddedMigrations: a library made before both
// migration 18 (search, whose Go code reads every asset with its current
// version) and 22 (versions.embedded) opens, its assets found. Before, the
// reindex ran right after 18's statements and read a column 22 had not yet
// added.
func TestUpgradeAcrossSearchAndEmbeddedMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := dam.Asset{ID: dam.NewID(now), Name: "Zebra.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
		CreatedAt: now, UpdatedAt: now, Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: now}}
	require.NoError(t, s.CreateAsset(t.Context(), a))
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	// Migration 45's triggers read search_docs and versions.
	for _, q := range append(undoFacetDocs(),
		"DROP TABLE asset_fts", "DROP TABLE search_docs",
		"DROP INDEX assets_folder_updated", "DROP INDEX assets_live_domain_updated",
		"ALTER TABLE versions DROP COLUMN embedded",
		"DROP TABLE search_terms", "DROP TABLE search_term_log", "DELETE FROM schema_migrations WHERE version IN (18, 22, 40, 47)",
	) {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	as, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Text: "zebra"})
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Nil(t, as[0].Current.Embedded)
	// Migration 40 found no documents; 18's Go code counted their words
	// (once its pending changes are folded).
	foldTermsT(t, s)
	terms := searchTerms(t, s)
	assert.Equal(t, int64(1), terms["zebra"])
	assert.NotContains(t, terms, dam.SearchFieldToken(dam.SearchFieldKey("name"), "zebra"), "a field's word")
	requireTermsMirrorIndex(t, s)
}
