package sqlstore

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// searchTerms reads search_terms.
func searchTerms(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	rows, err := s.w.QueryContext(t.Context(), "SELECT term, docs FROM search_terms")
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var term string
		var n int64
		require.NoError(t, rows.Scan(&term, &n))
		out[term] = n
	}
	require.NoError(t, rows.Err())
	return out
}

// requireTermsMirrorIndex checks requireTermsCoverIndex, then that once
// the pending changes are folded (foldTerms) search_terms holds exactly
// the words of the index it keeps with their document counts.
func requireTermsMirrorIndex(t *testing.T, s *Store) {
	t.Helper()
	want := requireTermsCoverIndex(t, s)
	foldTermsT(t, s)
	require.Equal(t, want, searchTerms(t, s))
}

// requireTermsCoverIndex checks that search_terms holds every word of more
// than 3 characters of FTS5's index but the fields' tagged words, each
// with a bound (termDocs) no lower than its document count as fts5vocab
// counts it, whatever is pending in search_term_log; it returns those
// counts.
func requireTermsCoverIndex(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	ctx := t.Context()
	_, err := s.w.ExecContext(ctx, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_rows USING fts5vocab(main, asset_fts, row)")
	require.NoError(t, err)
	rows, err := s.w.QueryContext(ctx, `SELECT term, doc FROM temp.fts_rows WHERE length(term) > 3
		AND term NOT GLOB 'f[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]g*'`)
	require.NoError(t, err)
	want := map[string]int64{}
	for rows.Next() {
		var term string
		var n int64
		require.NoError(t, rows.Scan(&term, &n))
		want[term] = n
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	held := searchTerms(t, s)
	for w, n := range want {
		require.Contains(t, held, w, "every word of the index, folded or not")
		bound, err := termDocs(ctx, s.read(), []string{w})
		require.NoError(t, err)
		require.GreaterOrEqual(t, bound, n, "%s: the planner's bound", w)
	}
	return want
}

// foldTermsT applies search_term_log's pending changes to search_terms.
func foldTermsT(t *testing.T, s *Store) {
	t.Helper()
	require.NoError(t, s.write(t.Context(), "foldTerms", func(q querier) error { return foldTerms(t.Context(), q) }))
	var n int
	require.NoError(t, s.w.QueryRowContext(t.Context(), "SELECT count(*) FROM search_term_log").Scan(&n))
	require.Zero(t, n, "the log is empty once folded")
}

// TestSearchTermsMirrorIndex: every write of a search document (new
// assets, edits, notes, folder renames, categories, purges) keeps
// search_terms equal to the index's own vocabulary, accents and field
// words included, in the same transaction.
func TestSearchTermsMirrorIndex(t *testing.T) {
	s := openSQLiteT(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	next := func() time.Time { now = now.Add(time.Second); return now }
	fo := dam.Folder{ID: dam.NewID(next()), Name: "Plakate Sommer", Domain: dam.DefaultDomain, CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.CreateFolder(ctx, fo))
	cat := dam.Category{ID: dam.NewID(next()), Name: "Tiere", CreatedAt: now, UpdatedAt: now}
	require.NoError(t, s.CreateCategory(ctx, cat, dam.CategoryLimits{}))
	newAsset := func(name, title string) dam.Asset {
		at := next()
		return dam.Asset{ID: dam.NewID(at), Name: name, FolderID: fo.ID, Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			Meta:      dam.Metadata{Title: title, Keywords: []string{"Straße", "plakat"}, Fields: map[string]string{"creator": "Zoë Ångström"}},
			CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: at}}
	}
	a := newAsset("crème.jpg", "Crème brûlée am See")
	require.NoError(t, s.CreateAsset(ctx, a))
	b := newAsset("zweite.jpg", "Crème fraîche")
	b.Categories = []string{cat.ID}
	require.NoError(t, s.CreateAsset(ctx, b))
	requireTermsMirrorIndex(t, s)
	terms := searchTerms(t, s)
	assert.Equal(t, int64(2), terms["creme"])
	assert.Equal(t, int64(1), terms["brulee"])
	assert.Equal(t, int64(2), terms["strasse"])
	assert.NotContains(t, terms, "see", "3 characters: the prefix indexes serve it")

	a.Meta.Title, a.UpdatedAt = "Apfelstrudel", next()
	require.NoError(t, s.UpdateAssets(ctx, []dam.Asset{a}))
	requireTermsMirrorIndex(t, s)
	terms = searchTerms(t, s)
	assert.NotContains(t, terms, "brulee", "its last document lost it")
	assert.Equal(t, int64(1), terms["apfelstrudel"])

	require.NoError(t, s.AddNote(ctx, dam.Note{ID: dam.NewID(next()), AssetID: a.ID, Text: "Freigabe erteilt", CreatedAt: now}))
	require.NoError(t, s.RenameFolder(ctx, fo.ID, "Broschüren", next()))
	requireTermsMirrorIndex(t, s)
	assert.NotContains(t, searchTerms(t, s), "plakate")
	assert.Equal(t, int64(2), searchTerms(t, s)["broschuren"])

	require.NoError(t, s.TrashAsset(ctx, b.ID, "u1", next()))
	requireTermsMirrorIndex(t, s)
	_, err := s.PurgeAsset(ctx, b.ID)
	require.NoError(t, err)
	requireTermsMirrorIndex(t, s)
	terms = searchTerms(t, s)
	assert.NotContains(t, terms, "fraiche")
	assert.Equal(t, int64(1), terms["creme"])
}

// TestSearchTermsFoldedByWrites: the writes themselves fold the pending
// changes every termLogFold rows; in between, and across folds, every word
// of the index is held with a bound of its count, a spelled prefix finds
// exactly what FTS5's prefix query finds (a word whose last document went
// matches nothing), and a fold leaves the exact counts.
func TestSearchTermsFoldedByWrites(t *testing.T) {
	s := openSQLiteT(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 8))
	title := func() string {
		return fmt.Sprintf("harbour%d lighthouse%d keeper%d", rng.IntN(40), rng.IntN(5), rng.IntN(300))
	}
	var live []dam.Asset
	folds := 0
	for i := range 3*termLogFold + 17 {
		at := now.Add(time.Duration(i) * time.Second)
		switch r := rng.IntN(10); {
		case r < 6 || len(live) < 10: // a new asset
			a := dam.Asset{ID: dam.NewID(at), Name: "photo.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
				Meta: dam.Metadata{Title: title()}, CreatedAt: at, UpdatedAt: at,
				Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: at}}
			require.NoError(t, s.CreateAsset(ctx, a))
			live = append(live, a)
		case r < 9: // its words change
			k := rng.IntN(len(live))
			live[k].Meta.Title, live[k].UpdatedAt = title(), at
			require.NoError(t, s.UpdateAssets(ctx, []dam.Asset{live[k]}))
		default: // gone
			k := rng.IntN(len(live))
			require.NoError(t, s.TrashAsset(ctx, live[k].ID, "u1", at))
			_, err := s.PurgeAsset(ctx, live[k].ID)
			require.NoError(t, err)
			live = slices.Delete(live, k, k+1)
		}
		var pending int
		require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM search_term_log").Scan(&pending))
		require.Less(t, pending, termLogFold)
		if pending == 0 {
			folds++
		}
		if i%23 != 0 {
			continue
		}
		requireTermsCoverIndex(t, s)
		for _, text := range []string{"harbour1", "lighthouse", "keeper2", "keeper29"} {
			search, err := dam.ParseSearch(text)
			require.NoError(t, err)
			ts, err := s.spelled(ctx, s.read(), search)
			require.NoError(t, err)
			var spelled, plain int
			require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", ts.fts).Scan(&spelled))
			require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", ftsQuery(search)).Scan(&plain))
			require.Equal(t, plain, spelled, "%s after %d writes", text, i+1)
		}
	}
	assert.GreaterOrEqual(t, folds, 3, "the writes folded the log")
	requireTermsMirrorIndex(t, s)
}

// TestIndexNewOverStaleDocument: a new asset whose ID still has a document
// (its row deleted without its document, as no write path does) takes the
// general way: the old document is replaced, its words uncounted.
func TestIndexNewOverStaleDocument(t *testing.T) {
	s := openSQLiteT(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := dam.Asset{ID: dam.NewID(now), Name: "walrus.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
		Meta: dam.Metadata{Title: "Walrus colony"}, CreatedAt: now, UpdatedAt: now,
		Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: now}}
	require.NoError(t, s.CreateAsset(ctx, a))
	_, err := s.w.ExecContext(ctx, "DELETE FROM assets WHERE id = ?", a.ID)
	require.NoError(t, err)
	a.Name, a.Meta.Title = "pelican.jpg", "Pelican flight"
	require.NoError(t, s.CreateAsset(ctx, a))
	var docs int
	require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM search_docs").Scan(&docs))
	assert.Equal(t, 1, docs)
	for text, want := range map[string]int{"pelican": 1, "walrus": 0, "colony": 0} {
		as, _, err := s.Assets(ctx, dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Text: text})
		require.NoError(t, err)
		assert.Len(t, as, want, text)
	}
	requireTermsMirrorIndex(t, s)
	assert.NotContains(t, searchTerms(t, s), "walrus")
}

// TestSpelledPrefixes: a prefix of more than 3 characters becomes an OR of
// the words it begins, up to maxPrefixWords; past it, FTS5's prefix
// query stays (and merges says so); short prefixes stay as they are.
func TestSpelledPrefixes(t *testing.T) {
	s := openSQLiteT(t)
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range maxPrefixWords + 1 {
		at := now.Add(time.Duration(i) * time.Second)
		a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("glimmer%d lantern%d.jpg", i, i%3), Domain: dam.DefaultDomain,
			Kind: dam.MediaImage, CreatedAt: at, UpdatedAt: at,
			Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: at}}
		require.NoError(t, s.CreateAsset(ctx, a))
	}
	for _, tc := range []struct {
		text, fts string
		merges    bool
	}{
		{"lantern", `(("lantern0" OR "lantern1" OR "lantern2"))`, false},
		{"lantern1", `(("lantern1"))`, false},
		{"glimmer6-lantern", `(("glimmer6 lantern0" OR "glimmer6 lantern1" OR "glimmer6 lantern2"))`, false},
		{"lan -lantern2", `(("lan"*) NOT ("lantern2"))`, false},
		{"glimmer", `("glimmer"*)`, true},
		{"glimmer lantern", `("glimmer"* AND ("lantern0" OR "lantern1" OR "lantern2"))`, true},
		{"nothing", `("nothing"*)`, false},
		{`"lantern"`, `("lantern")`, false},
		{"facade", `("facade"*)`, false}, // may begin a field's word
		{"name:lantern", `("` + dam.SearchFieldToken(dam.SearchFieldKey("name"), "lantern") + `"*)`, false},
	} {
		search, err := dam.ParseSearch(tc.text)
		require.NoError(t, err)
		ts, err := s.spelled(ctx, s.read(), search)
		require.NoError(t, err)
		assert.Equal(t, tc.fts, ts.fts, tc.text)
		assert.Equal(t, tc.merges, ts.merges, tc.text)
		var spelled, plain int
		require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", ts.fts).Scan(&spelled))
		require.NoError(t, s.w.QueryRowContext(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", ftsQuery(search)).Scan(&plain))
		assert.Equal(t, plain, spelled, "%s: the same matches", tc.text)
	}
}

// TestSearchTermsFilledByMigration40: a library made before migration 40
// gets the words of its documents counted when it is opened.
func TestSearchTermsFilledByMigration40(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dam.db")
	s, err := Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []string
	for i, title := range []string{"Crème brûlée", "Crème fraîche", "Straße am See"} {
		at := now.Add(time.Duration(i) * time.Second)
		a := dam.Asset{ID: dam.NewID(at), Name: "photo.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
			Meta: dam.Metadata{Title: title}, CreatedAt: at, UpdatedAt: at,
			Current: dam.Version{SHA256: "x", Size: 1, MediaType: "image/jpeg", CreatedAt: at}}
		require.NoError(t, s.CreateAsset(t.Context(), a))
		if strings.HasPrefix(title, "Crème") {
			want = append(want, a.ID)
		}
	}
	require.NoError(t, s.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, q := range []string{"DROP TABLE search_terms", "DROP TABLE search_term_log", "DELETE FROM schema_migrations WHERE version IN (40, 47)"} {
		_, err := db.ExecContext(t.Context(), q)
		require.NoError(t, err, q)
	}
	require.NoError(t, db.Close())

	s, err = Open(t.Context(), "sqlite://"+path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	requireTermsMirrorIndex(t, s)
	terms := searchTerms(t, s)
	assert.Equal(t, int64(2), terms["creme"])
	assert.Equal(t, int64(1), terms["strasse"])
	assert.Equal(t, int64(3), terms["photo"])
	as, _, err := s.Assets(t.Context(), dam.AssetQuery{Domains: []string{dam.DefaultDomain}, Text: "CRÈM", Sort: "created"})
	require.NoError(t, err)
	var got []string
	for _, a := range as {
		got = append(got, a.ID)
	}
	assert.Equal(t, want, got)
}

func TestFieldShaped(t *testing.T) {
	token := dam.SearchFieldToken(dam.SearchFieldKey("creator"), "jane")
	for _, tc := range []struct {
		p           string
		begin, word bool
	}{
		{token, true, true},
		{token[:5], true, false},
		{token[:12], true, true},
		{"facade", true, false},
		{"f0123456789gx", true, true},
		{"f0123456789hx", false, false},
		{"fact", false, false},
		{"glimmer", false, false},
		{"F0123456789gx", false, false},
	} {
		assert.Equal(t, tc.begin, mayBeginFieldWord(tc.p), tc.p)
		assert.Equal(t, tc.word, fieldShaped(tc.p), tc.p)
	}
}
