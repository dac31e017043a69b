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

// TestSortKeysFilledByMigration17: the assets of a library made before
// sorted listings get their sort keys (the lowered name, the current
// version's size) when it is opened.
func TestSortKeysFilledByMigration17(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	var created []dam.Asset
	for i, name := range []string{"Zebra.jpg", "apple.jpg", "Mango.jpg"} {
		now := time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)
		a := dam.Asset{ID: dam.NewID(now), Name: name, Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			CreatedAt: now, UpdatedAt: now, Current: dam.Version{SHA256: name, Size: int64(300 - 100*i), MediaType: "image/jpeg", CreatedAt: now}}
		require.NoError(t, s.CreateAsset(t.Context(), a))
		created = append(created, a)
	}
	// A second version makes the current one other than the first.
	v := dam.Version{SHA256: "bigger", Size: 1000, MediaType: "image/jpeg", CreatedAt: time.Now()}
	_, err = s.AddVersion(t.Context(), created[2], v)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Take the database back to before migration 17.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, q := range []string{
		"DROP INDEX assets_folder_name", "DROP INDEX assets_folder_size",
		"DROP INDEX assets_live_domain_name", "DROP INDEX assets_live_domain_size",
		"ALTER TABLE assets DROP COLUMN name_key", "ALTER TABLE assets DROP COLUMN current_size",
		"DELETE FROM schema_migrations WHERE version = 17",
	} {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	list := func(sort string) []string {
		as, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Sort: sort})
		require.NoError(t, err)
		var names []string
		for _, a := range as {
			names = append(names, a.Name)
		}
		return names
	}
	assert.Equal(t, []string{"apple.jpg", "Mango.jpg", "Zebra.jpg"}, list("name"))
	assert.Equal(t, []string{"apple.jpg", "Zebra.jpg", "Mango.jpg"}, list("size"), "Mango's current version is the largest")
}
