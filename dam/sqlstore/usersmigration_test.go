package sqlstore

import (
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysSurviveMigration13: a library made before API keys had their own
// table keeps every user's key, and its first owner becomes its admin.
func TestKeysSurviveMigration13(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	// Take the database back to before migration 13, with two users.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, q := range []string{
		"DROP TABLE api_keys",
		"ALTER TABLE users DROP COLUMN admin",
		"ALTER TABLE users DROP COLUMN disabled_at",
		"DELETE FROM schema_migrations WHERE version = 13",
		"INSERT INTO users (id, email, name, role, domains, key_hash, created_at) VALUES " +
			"('01a', 'first@example.com', '', 'owner', '[\"default\"]', '" + hex.EncodeToString([]byte("key-1")) + "', '2026-01-01T00:00:00.000000Z')," +
			"('01b', 'second@example.com', '', 'owner', '[\"b\"]', '" + hex.EncodeToString([]byte("key-2")) + "', '2026-01-02T00:00:00.000000Z')",
	} {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	for _, tc := range []struct {
		key, id string
		admin   bool
	}{{"key-1", "01a", true}, {"key-2", "01b", false}} {
		u, k, err := s.UserByKeyHash(t.Context(), []byte(tc.key))
		require.NoError(t, err, tc.key)
		assert.Equal(t, tc.id, u.ID)
		assert.Equal(t, tc.admin, u.Admin, "only the first owner becomes the admin")
		assert.Equal(t, tc.id, k.ID)
	}
	_, err = s.User(t.Context(), "01a")
	require.NoError(t, err)
	var n int
	require.NoError(t, s.r.QueryRowContext(t.Context(), "SELECT count(*) FROM users WHERE key_hash IS NOT NULL").Scan(&n))
	assert.Zero(t, n, "the old column keeps no key")
}
