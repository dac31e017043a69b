package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openSQLiteT(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "dam.db"), nil)
	require.NoError(t, err)
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dam.Store { return openSQLiteT(t) })
}

// postgresURL returns the test server's URL or skips.
func postgresURL(t testing.TB) string {
	url := os.Getenv("DAMKIT_POSTGRES_URL")
	if url == "" {
		t.Skip("DAMKIT_POSTGRES_URL not set: PostgreSQL not available; .ci/run starts one")
	}
	return url
}

// openPostgresT opens a store in a new schema of its own, dropped when the
// test ends, so tests see an empty database and leave nothing behind.
func openPostgresT(t testing.TB, url string) *Store {
	t.Helper()
	admin, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	schema := "damkit_test_" + strings.ToLower(rand.Text()[:12])
	_, err = admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := Open(t.Context(), url+sep+"search_path="+schema, nil)
	require.NoError(t, err)
	return s
}

func TestPostgres(t *testing.T) {
	url := postgresURL(t)
	storetest.Run(t, func(t *testing.T) dam.Store { return openPostgresT(t, url) })
}

func TestOpen(t *testing.T) {
	t.Run("bad URLs", func(t *testing.T) {
		for _, url := range []string{"", "mysql://x", "sqlite://", "sqlite:///tmp/a.db?mode=ro", "file:///tmp/x.db"} {
			_, err := Open(t.Context(), url, nil)
			require.Error(t, err, url)
			assert.Equal(t, dam.Invalid, dam.KindOf(err), "%s: %v", url, err)
			assert.True(t, strings.HasPrefix(err.Error(), "sqlstore.Open: "), err.Error())
		}
	})
	t.Run("password is not echoed", func(t *testing.T) {
		assert.Equal(t, "postgres://ann:xxxxx@db:5432/dam", redact("postgres://ann:secret@db:5432/dam"))
		assert.Equal(t, "postgres://db/dam", redact("postgres://db/dam"))
	})
	t.Run("creates the folder and reopens", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nested", "data", "dam.db")
		s, err := Open(t.Context(), "sqlite://"+path, &Options{MaxOpenConns: 2})
		require.NoError(t, err)
		require.NoError(t, s.CreateUser(t.Context(), dam.User{ID: "01u", Email: "a@example.com", Role: dam.RoleOwner}, nil))
		require.NoError(t, s.Close())
		s, err = Open(t.Context(), "sqlite://"+path, nil)
		require.NoError(t, err)
		defer s.Close()
		u, err := s.User(t.Context(), "01u")
		require.NoError(t, err)
		assert.Equal(t, "a@example.com", u.Email)
		var n int
		require.NoError(t, s.DB().QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n))
		ms, err := migrations()
		require.NoError(t, err)
		assert.Equal(t, len(ms), n, "each migration is recorded once")
		var mode string
		require.NoError(t, s.DB().QueryRow("PRAGMA journal_mode").Scan(&mode))
		assert.Equal(t, "wal", mode)
		// Statement journals in memory once the migrations are done
		// (store.go), on a reopened file as on a new one.
		var temp int
		require.NoError(t, s.DB().QueryRow("PRAGMA temp_store").Scan(&temp))
		assert.Equal(t, 2, temp, "temp_store MEMORY")
		assert.Equal(t, "sqlite", s.Dialect())
	})
	t.Run("relative path", func(t *testing.T) {
		t.Chdir(t.TempDir())
		s, err := Open(t.Context(), "sqlite://data/dam.db", nil)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		assert.FileExists(t, filepath.Join("data", "dam.db"))
	})
	t.Run("refuses a newer schema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "dam.db")
		s, err := Open(t.Context(), "sqlite://"+path, nil)
		require.NoError(t, err)
		_, err = s.DB().Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '')")
		require.NoError(t, err)
		require.NoError(t, s.Close())
		_, err = Open(t.Context(), "sqlite://"+path, nil)
		assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err), "%v", err)
	})
	t.Run("unreachable PostgreSQL", func(t *testing.T) {
		_, err := Open(t.Context(), "postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", nil)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "secret")
	})
}

func TestErrorsNameOpAndThing(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	_, err := s.Asset(t.Context(), "01nope")
	require.Error(t, err)
	assert.Equal(t, "sqlstore.Asset: asset 01nope not found", err.Error())
	assert.Equal(t, "asset 01nope not found", dam.ErrorMessage(err))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = s.Asset(ctx, "01nope")
	assert.Equal(t, dam.Canceled, dam.KindOf(err), "%v", err)
	err = s.CreateUser(ctx, dam.User{ID: "x", Email: "x@example.com"}, nil)
	assert.Equal(t, dam.Canceled, dam.KindOf(err), "%v", err)
}

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b IN (?, ?)", "a = $1 AND b IN ($2, $3)"},
		{"x LIKE '?' ESCAPE '\\' AND y = ?", "x LIKE '?' ESCAPE '\\' AND y = $1"},
		{`"odd?name" = ?`, `"odd?name" = $1`},
	} {
		assert.Equal(t, tc.want, postgresDialect.rebind(tc.in))
		assert.Equal(t, tc.in, sqliteDialect.rebind(tc.in))
	}
}

// oneDialect names the migrations with statements for one engine only.
var oneDialect = map[int]string{
	40: "sqlite", // search_terms: PostgreSQL's GIN index answers prefixes
	44: "sqlite", // facet_counts: PostgreSQL's writers would queue on its rows
	45: "sqlite", // facet_docs: PostgreSQL's facets read the rows they sample
	47: "sqlite", // search_term_log: search_terms' pending counts
}

func TestStatements(t *testing.T) {
	got := statements("-- comment\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i ON a (x);\nSELECT 1", "sqlite")
	assert.Equal(t, []string{"CREATE TABLE a (x TEXT)", "CREATE INDEX i ON a (x)", "SELECT 1"}, got)
	split := "CREATE TABLE a (x TEXT);\n-- dialect: sqlite\nCREATE VIRTUAL TABLE f USING fts5(x);\n" +
		"-- dialect: postgres\nALTER TABLE a ADD COLUMN v tsvector;\n-- dialect: all\nCREATE INDEX i ON a (x);\n"
	assert.Equal(t, []string{"CREATE TABLE a (x TEXT)", "CREATE VIRTUAL TABLE f USING fts5(x)", "CREATE INDEX i ON a (x)"},
		statements(split, "sqlite"))
	assert.Equal(t, []string{"CREATE TABLE a (x TEXT)", "ALTER TABLE a ADD COLUMN v tsvector", "CREATE INDEX i ON a (x)"},
		statements(split, "postgres"))
	ms, err := migrations()
	require.NoError(t, err)
	// Numbers are handed out ahead to changes made side by side, so one
	// may land before a lower one: the numbers increase, with gaps allowed
	// (migrate applies whichever a database lacks).
	for i, m := range ms {
		if i > 0 {
			assert.Greater(t, m.version, ms[i-1].version, "migrations are numbered in increasing order")
		} else {
			assert.Equal(t, 1, m.version)
		}
		// A migration for one engine only is named here, so that a
		// misplaced dialect line cannot empty one by accident.
		if only := oneDialect[m.version]; only != "" {
			assert.NotEmpty(t, statements(m.sql, only), m.name)
			continue
		}
		assert.NotEmpty(t, statements(m.sql, "sqlite"), m.name)
		assert.NotEmpty(t, statements(m.sql, "postgres"), m.name)
	}
}

func TestQueryPlanUsesFolderIndex(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	plan := queryPlan(t, s, assetsFrom("(SELECT * FROM assets a WHERE a.deleted_at IS NULL AND "+
		"a.folder_id = ? AND +a.domain = ? AND a.id > ? ORDER BY a.id LIMIT ?) a")+" ORDER BY a.id", "f", "d", "", 101)
	joined := strings.Join(plan, "\n")
	assert.Contains(t, joined, "USING INDEX assets_folder (folder_id=? AND id>?)", joined)
	assert.NotContains(t, joined, "TEMP B-TREE", "no sort step: the index gives ID order\n%s", joined)
}

// queryPlan returns the lines of SQLite's plan of query.
func queryPlan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.DB().Query("EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return plan
}

// Two stores on one file stand for two processes: their writers meet in
// SQLite's lock, where BEGIN IMMEDIATE and busy_timeout must make them
// wait rather than fail with SQLITE_BUSY.
func TestTwoStoresOneFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	var stores []*Store
	for range 2 {
		s, err := Open(t.Context(), "sqlite://"+path, nil)
		require.NoError(t, err)
		defer s.Close()
		stores = append(stores, s)
	}
	const perStore, rounds = 8, 10
	errs := make(chan error, 2*perStore*rounds)
	var wg sync.WaitGroup
	for _, s := range stores {
		for range perStore {
			wg.Go(func() {
				for range rounds {
					id := dam.NewID(time.Now())
					errs <- s.CreateAsset(t.Context(), dam.Asset{ID: id, Name: "a", Domain: "d",
						Current: dam.Version{SHA256: id, MediaType: "image/png"}})
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	as, _, err := stores[1].Assets(t.Context(), dam.AssetQuery{Domains: []string{"d"}, Limit: 1000})
	require.NoError(t, err)
	assert.Len(t, as, 2*perStore*rounds)
}

// FuzzAssetText checks that search text is data, never SQL or a pattern:
// any text either is refused as Invalid or runs, and the phrase of a name's
// words finds the asset named with it.
func FuzzAssetText(f *testing.F) {
	for _, seed := range []string{"red car", "100%", "a_b", `\`, `'; DROP TABLE assets; --`, "%_%", "Ünïcode ?", `"x"`,
		`creator:"x`, "-a b:c", `NEAR(a b) OR c*`, "{main}: x"} {
		f.Add(seed)
	}
	s, err := Open(context.Background(), "sqlite://"+filepath.Join(f.TempDir(), "dam.db"), nil)
	require.NoError(f, err)
	defer s.Close()
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) || strings.TrimSpace(text) == "" {
			return // names are valid UTF-8 without NUL: nothing to check
		}
		domain := dam.NewID(time.Now()) // a domain per input keeps the listing to this asset
		id := dam.NewID(time.Now())
		require.NoError(t, s.CreateAsset(t.Context(), dam.Asset{ID: id, Name: text, Domain: domain,
			Current: dam.Version{SHA256: id}}))
		for _, q := range []string{text, strings.ToUpper(text), "x" + text} {
			_, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{domain}, Text: q})
			if err != nil {
				require.Equal(t, dam.Invalid, dam.KindOf(err), "%q: %v", q, err)
			}
		}
		words := dam.SearchWords(text, 0)
		if len(words) == 0 || len(words) > dam.MaxSearchWords {
			return
		}
		phrase := `"` + strings.Join(words, " ") + `"`
		if len(phrase)+len(" qqzzxq0") > dam.MaxSearchLen {
			return
		}
		got, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{domain}, Text: phrase})
		require.NoError(t, err)
		require.Len(t, got, 1, "searching %s must find the asset named %q", phrase, text)
		if len(words) < dam.MaxSearchWords {
			other, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{domain}, Text: phrase + " qqzzxq0"})
			require.NoError(t, err)
			assert.Empty(t, other, "a word the name does not have matches nothing")
		}
	})
}

// TestMmapSize: the read connections map the SQLite file as
// Options.MmapSize says (default: as much as SQLite allows on 64-bit);
// the writer maps nothing.
func TestMmapSize(t *testing.T) {
	for _, tc := range []struct {
		opt, want int64
	}{
		{0, 2<<30 - 64<<10}, // capped by SQLite's SQLITE_MAX_MMAP_SIZE
		{1 << 20, 1 << 20},
		{-1, 0},
	} {
		if tc.opt == 0 && strconv.IntSize != 64 {
			tc.want = 0
		}
		s, err := Open(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "dam.db"), &Options{MmapSize: tc.opt})
		require.NoError(t, err)
		var got, writer int64
		require.NoError(t, s.r.QueryRowContext(t.Context(), "PRAGMA mmap_size").Scan(&got))
		require.NoError(t, s.w.QueryRowContext(t.Context(), "PRAGMA mmap_size").Scan(&writer))
		require.NoError(t, s.Close())
		assert.Equal(t, tc.want, got, "MmapSize %d", tc.opt)
		assert.Zero(t, writer, "the writer")
	}
}

// PostgreSQL plans each execution with its parameters unless the URL says
// otherwise: a generic plan of a search's ID ranges walks the whole index.
func TestPostgresPlansWithParameters(t *testing.T) {
	url := postgresURL(t)
	s := openPostgresT(t, url)
	var mode string
	require.NoError(t, s.read().queryRow(t.Context(), "SHOW plan_cache_mode").Scan(&mode))
	require.Equal(t, "force_custom_plan", mode)
	require.Equal(t, "postgres://h/db?sslmode=disable&plan_cache_mode=auto", withCustomPlans("postgres://h/db?sslmode=disable&plan_cache_mode=auto"))
	require.Equal(t, "postgres://h/db?plan_cache_mode=force_custom_plan", withCustomPlans("postgres://h/db"))
}
