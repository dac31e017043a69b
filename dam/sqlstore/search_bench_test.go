package sqlstore

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/require"
)

// searchBenchAssets is the library size of BenchmarkSearch: 100,000, or
// DAMKIT_SEARCH_BENCH_N.
func searchBenchAssets(tb testing.TB) int {
	if v := os.Getenv("DAMKIT_SEARCH_BENCH_N"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(tb, err, "DAMKIT_SEARCH_BENCH_N")
		return n
	}
	return 100_000
}

// zipfWords draws words Zipf-distributed (s = 1.07) from words, seeded:
// phrase(n) is n of them joined by spaces, word() one.
func zipfWords(words []string, seed1, seed2 uint64) (phrase func(n int) string, word func() string) {
	zipf := rand.NewZipf(rand.New(rand.NewPCG(seed1, seed2)), 1.07, 2, uint64(len(words)-1))
	word = func() string { return words[zipf.Uint64()] }
	phrase = func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	return phrase, word
}

// benchWords reads testdata/words.txt: the 5,000 most frequent words of
// English text found on the development machine (Go's documentation, the
// Debian package notes and licences, the product reference pages), most
// frequent first.
func benchWords(tb testing.TB) []string {
	f, err := os.Open("testdata/words.txt")
	require.NoError(tb, err)
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			words = append(words, w)
		}
	}
	require.NoError(tb, sc.Err())
	return words
}

// fillSearchable inserts n assets with metadata drawn from words
// (Zipf-distributed, so a few words are in many assets and most in few):
// a two-word name, a title of 3-6 words, a description of 10-30, 3-8
// keywords and a creator, spread over folders, kinds and five years. It
// returns how long the rows took and how long their search documents took
// (written in one transaction, as migration 18 does).
func fillSearchable(ctx context.Context, tb testing.TB, s *Store, words []string, folders []string, n int) (rows, index time.Duration) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.07, 2, uint64(len(words)-1))
	phrase := func(lo, hi int) string {
		k := lo + rng.IntN(hi-lo+1)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	creators := make([]string, 200)
	for i := range creators {
		creators[i] = strings.ToUpper(words[100+i][:1]) + words[100+i][1:] + " " + strings.ToUpper(words[400+i][:1]) + words[400+i][1:]
	}
	kinds := []struct {
		kind dam.MediaKind
		mt   string
	}{{dam.MediaImage, "image/jpeg"}, {dam.MediaImage, "image/png"}, {dam.MediaVideo, "video/mp4"}, {dam.MediaDocument, "application/pdf"}}
	start := time.Now()
	tx, err := s.w.BeginTx(ctx, nil)
	require.NoError(tb, err)
	// Rows go in batch rows a statement: one round trip each would take
	// PostgreSQL hours for a million assets.
	batch := 1
	if s.d.postgres {
		batch = 500
	}
	const assetRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'available', 'inherit', 1, 1, 'u1', ?, 'u1', ?, lower(?), ?)"
	const versionRow = "(?, 1, ?, 0, ?, ?, 640, 480, ?, 'u1', ?)"
	insert := func(rows int) (assets, versions *sql.Stmt) {
		assets, err := tx.PrepareContext(ctx, s.d.rebind(`INSERT INTO assets (id, name, folder_id, domain, kind, title, description,
			keywords, fields, availability, protection, current_version, last_version, created_by, created_at, updated_by, updated_at,
			name_key, current_size) VALUES `+strings.Repeat(assetRow+", ", rows-1)+assetRow))
		require.NoError(tb, err)
		versions, err = tx.PrepareContext(ctx, s.d.rebind(`INSERT INTO versions (asset_id, number, sha256, crc32, size,
			media_type, width, height, original_name, created_by, created_at) VALUES `+strings.Repeat(versionRow+", ", rows-1)+versionRow))
		require.NoError(tb, err)
		return assets, versions
	}
	insAsset, insVersion := insert(batch)
	var assetArgs, versionArgs []any
	t0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := t0.Add(time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour))))
		id := dam.NewID(at)
		k := kinds[rng.IntN(len(kinds))]
		name := strings.ReplaceAll(phrase(2, 2), " ", "-") + ".jpg"
		kw := strings.Fields(phrase(3, 8))
		size := 1000 + rng.Int64N(50_000_000)
		assetArgs = append(assetArgs, id, name, folders[rng.IntN(len(folders))], dam.DefaultDomain, string(k.kind),
			phrase(3, 6), phrase(10, 30), encodeList(kw), encodeMap(map[string]string{"creator": creators[zipf.Uint64()%200]}),
			encodeTime(at), encodeTime(at), name, size)
		versionArgs = append(versionArgs, id, fmt.Sprintf("%064x", i), size, k.mt, name, encodeTime(at))
		if rest := n - 1 - i; rest > 0 && len(versionArgs) < 6*batch {
			continue
		}
		if rows := len(versionArgs) / 6; rows < batch { // the last, shorter batch
			insAsset, insVersion = insert(rows)
		}
		_, err = insAsset.ExecContext(ctx, assetArgs...)
		require.NoError(tb, err)
		_, err = insVersion.ExecContext(ctx, versionArgs...)
		require.NoError(tb, err)
		assetArgs, versionArgs = assetArgs[:0], versionArgs[:0]
	}
	require.NoError(tb, tx.Commit())
	rows = time.Since(start)
	start = time.Now()
	require.NoError(tb, s.write(ctx, "bench", func(q querier) error { return s.reindexAll(ctx, q) }))
	index = time.Since(start)
	_, err = s.w.ExecContext(ctx, "ANALYZE")
	require.NoError(tb, err)
	return rows, index
}

// BenchmarkSearch measures full-text search over a generated library of
// 100,000 assets (DAMKIT_SEARCH_BENCH_N), on SQLite (and PostgreSQL when
// DAMKIT_POSTGRES_URL is set): one op is the first page (100) of a query,
// and each sub-benchmark reports p50 and p99 milliseconds. Each query runs
// through the store's engine (ranked by relevance, and by creation) and,
// side by side, as the naive scan search used to be: every word a
// LIKE '%word%' over name, title, description, keywords and fields.
//
//	go test -run '^$' -bench Search -benchtime 200x ./dam/sqlstore/
//
// Generating 1,000,000 assets takes half an hour: DAMKIT_SEARCH_BENCH_DB
// names a SQLite file and DAMKIT_SEARCH_BENCH_SCHEMA a PostgreSQL schema
// that are kept, filled by the first run and reused by the next ones with
// the same DAMKIT_SEARCH_BENCH_N.
func BenchmarkSearch(b *testing.B) {
	path, schema := os.Getenv("DAMKIT_SEARCH_BENCH_DB"), os.Getenv("DAMKIT_SEARCH_BENCH_SCHEMA")
	if path == "" && schema == "" {
		onBothStores(b, benchmarkSearch)
		return
	}
	b.Run("sqlite", func(b *testing.B) {
		if path == "" {
			path = filepath.Join(b.TempDir(), "dam.db")
		}
		var opts Options
		if v := os.Getenv("DAMKIT_SEARCH_BENCH_MMAP"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(b, err, "DAMKIT_SEARCH_BENCH_MMAP")
			opts.MmapSize = n
		}
		start := time.Now()
		s, err := Open(b.Context(), "sqlite://"+path, &opts)
		require.NoError(b, err)
		defer s.Close()
		b.Logf("opened (migrations included) in %v; read connections' mmap_size %d", time.Since(start).Round(time.Millisecond), s.mmapSize(b))
		benchmarkSearch(b, s)
	})
	b.Run("postgres", func(b *testing.B) {
		url := postgresURL(b)
		if schema == "" {
			s := openPostgresT(b, url)
			defer s.Close()
			benchmarkSearch(b, s)
			return
		}
		admin, err := sql.Open("pgx", url)
		require.NoError(b, err)
		_, err = admin.ExecContext(b.Context(), "CREATE SCHEMA IF NOT EXISTS "+schema)
		require.NoError(b, errors.Join(err, admin.Close()))
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		s, err := Open(b.Context(), url+sep+"search_path="+schema, nil)
		require.NoError(b, err)
		defer s.Close()
		benchmarkSearch(b, s)
	})
}

func benchmarkSearch(b *testing.B, s *Store) {
	ctx := b.Context()
	words := benchWords(b)
	n := searchBenchAssets(b)
	folders, err := queryStrings(ctx, s.read(), "SELECT id FROM folders ORDER BY id")
	require.NoError(b, err)
	var have int
	require.NoError(b, s.w.QueryRowContext(ctx, "SELECT count(*) FROM assets").Scan(&have))
	if have > 0 { // a kept database (DAMKIT_SEARCH_BENCH_DB, DAMKIT_SEARCH_BENCH_SCHEMA)
		require.Equal(b, n, have, "the kept database holds another DAMKIT_SEARCH_BENCH_N")
		require.Len(b, folders, 20)
		b.Logf("%s: %d assets, reused; database %d bytes", s.d.name, n, s.dbBytes(ctx, b))
	} else {
		folders = folders[:0]
		for i := range 20 {
			f := dam.Folder{ID: dam.NewID(time.Now()), Name: words[1000+i], Domain: dam.DefaultDomain}
			require.NoError(b, s.CreateFolder(ctx, f))
			folders = append(folders, f.ID)
		}
		before := s.dbBytes(ctx, b)
		rows, index := fillSearchable(ctx, b, s, words, folders, n)
		after := s.dbBytes(ctx, b)
		b.Logf("%s: %d assets: rows in %v, search documents in %v (%.0f µs/asset); database %d bytes (%d per asset)",
			s.d.name, n, rows.Round(time.Millisecond), index.Round(time.Millisecond),
			float64(index.Microseconds())/float64(n), after-before, (after-before)/int64(n))
	}
	image := dam.MediaImage
	folder := folders[3]
	queries := []struct {
		name string
		q    dam.AssetQuery
		like []string
	}{
		// Word frequencies follow Zipf's law: words[60] is common,
		// words[2500] rare (the counts are logged with -v).
		{"one-word", dam.AssetQuery{Text: words[60]}, []string{words[60]}},
		// The same word whole (quoted: not a prefix), to show what the
		// prefix costs.
		{"one-whole-word", dam.AssetQuery{Text: `"` + words[60] + `"`}, []string{words[60]}},
		{"most-common-word", dam.AssetQuery{Text: words[0]}, []string{words[0]}},
		{"one-rare-word", dam.AssetQuery{Text: words[2500]}, []string{words[2500]}},
		{"two-words+kind+folder", dam.AssetQuery{Text: words[5] + " " + words[60], Kind: image, FolderID: &folder},
			[]string{words[5], words[60]}},
	}
	for _, qc := range queries {
		if !s.d.postgres {
			search, err := dam.ParseSearch(qc.q.Text)
			require.NoError(b, err)
			var matches int
			require.NoError(b, s.w.QueryRowContext(ctx, "SELECT count(*) FROM asset_fts WHERE asset_fts MATCH ?", ftsQuery(search)).Scan(&matches))
			ts, err := s.spelled(ctx, s.read(), search)
			require.NoError(b, err)
			b.Logf("%s: %q matches %d assets before filters; FTS5 query %.200s (a prefix left to FTS5: %v)",
				qc.name, qc.q.Text, matches, ts.fts, ts.merges)
		}
		q := qc.q
		q.Domains, q.Limit = []string{dam.DefaultDomain}, 100
		if os.Getenv("DAMKIT_SEARCH_EXPLAIN") != "" {
			s.explainWindow(ctx, b, q)
		}
		for _, sort := range []string{dam.SortRelevance, "created"} {
			q.Sort = sort
			b.Run(qc.name+"/engine/"+sort, func(b *testing.B) {
				timed(b, func() int {
					page, _, err := s.Assets(ctx, q)
					require.NoError(b, err)
					return len(page)
				})
			})
		}
		b.Run(qc.name+"/facets", func(b *testing.B) {
			timed(b, func() int {
				f, err := s.AssetFacets(ctx, q, 20)
				require.NoError(b, err)
				return len(f.Kinds)
			})
		})
		b.Run(qc.name+"/page+facets", func(b *testing.B) {
			// The first page by relevance and its facets side by side, as
			// Library.AssetsWithFacets asks for them (the API's
			// ?facets=true, the web interface's search): what a user waits.
			q := q
			q.Sort = dam.SortRelevance
			timed(b, func() int {
				var wg sync.WaitGroup
				var ferr error
				wg.Go(func() { _, ferr = s.AssetFacets(ctx, q, 20) })
				page, _, err := s.Assets(ctx, q)
				wg.Wait()
				require.NoError(b, errors.Join(err, ferr))
				return len(page)
			})
		})
		if os.Getenv("DAMKIT_SEARCH_BENCH_ACCURACY") != "" {
			facetAccuracy(b, s, qc.name, q)
		}
		b.Run(qc.name+"/like", func(b *testing.B) {
			query, args := s.likeSearch(q, qc.like)
			timed(b, func() int {
				ids, err := queryStrings(ctx, s.read(), query, args...)
				require.NoError(b, err)
				return len(ids)
			})
		})
	}
}

// mmapSize is PRAGMA mmap_size on a read connection.
func (s *Store) mmapSize(tb testing.TB) int64 {
	var n int64
	require.NoError(tb, s.r.QueryRowContext(tb.Context(), "PRAGMA mmap_size").Scan(&n))
	return n
}

// likeSearch is the naive search: every word a case-insensitive LIKE
// '%word%' over the text columns, the first 100 in ID order.
func (s *Store) likeSearch(q dam.AssetQuery, words []string) (string, []any) {
	where := []string{"deleted_at IS NULL", "domain = ?"}
	args := []any{dam.DefaultDomain}
	if q.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, string(q.Kind))
	}
	if q.FolderID != nil {
		where = append(where, "folder_id = ?")
		args = append(args, *q.FolderID)
	}
	like := "LIKE"
	if s.d.postgres {
		like = "ILIKE"
	}
	for _, w := range words {
		p := "%" + w + "%"
		where = append(where, "(name "+like+" ? OR title "+like+" ? OR description "+like+" ? OR keywords "+like+" ? OR fields "+like+" ?)")
		args = append(args, p, p, p, p, p)
	}
	return "SELECT id FROM assets WHERE " + strings.Join(where, " AND ") + " ORDER BY id LIMIT 100", args
}

// timed runs op once per iteration and reports p50 and p99 in
// milliseconds, the first call apart too (first-ms: in a fresh process it
// reads pages no call read before, which the operating system may have
// dropped from its cache; it counts in p99, which at 20 calls is the
// slowest), and the rows op returned on average.
func timed(b *testing.B, op func() int) {
	var took []time.Duration
	rows := 0
	for b.Loop() {
		start := time.Now()
		rows += op()
		took = append(took, time.Since(start))
	}
	b.ReportMetric(float64(took[0].Microseconds())/1000, "first-ms")
	slices.Sort(took)
	pct := func(p float64) float64 {
		i := min(len(took)-1, int(p*float64(len(took))))
		return float64(took[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(rows)/float64(len(took)), "rows/op")
}

// dbBytes is the size of the database: SQLite's pages, PostgreSQL's
// current database.
func (s *Store) dbBytes(ctx context.Context, tb testing.TB) int64 {
	var n int64
	q := "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
	if s.d.postgres {
		q = "SELECT pg_database_size(current_database())"
	}
	require.NoError(tb, s.w.QueryRowContext(ctx, q).Scan(&n))
	return n
}

// BenchmarkIngestIndexing measures CreateAsset with realistic metadata
// (Zipf words as in BenchmarkSearch, in a folder two deep, on a library
// that already holds 5,000 assets), with its search document written in
// the same transaction and, for comparison, without: one op is one asset.
//
//	go test -run '^$' -bench IngestIndexing -benchtime 3000x ./dam/sqlstore/
func BenchmarkIngestIndexing(b *testing.B) {
	onBothStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		words := benchWords(b)
		top := dam.Folder{ID: dam.NewID(time.Now()), Name: "Press", Domain: dam.DefaultDomain}
		require.NoError(b, s.CreateFolder(ctx, top))
		sub := dam.Folder{ID: dam.NewID(time.Now()), Name: "Summer 2025", Domain: dam.DefaultDomain, ParentID: top.ID}
		require.NoError(b, s.CreateFolder(ctx, sub))
		fillSearchable(ctx, b, s, words, []string{top.ID, sub.ID}, 5000)
		phrase, _ := zipfWords(words, 5, 6)
		for _, indexed := range []bool{true, false} {
			name := "indexed"
			if !indexed {
				name = "unindexed"
			}
			b.Run(name, func(b *testing.B) {
				s.skipIndex = !indexed
				defer func() { s.skipIndex = false }()
				for b.Loop() {
					now := time.Now()
					id := dam.NewID(now)
					a := dam.Asset{ID: id, Name: strings.ReplaceAll(phrase(2), " ", "-") + ".jpg", FolderID: sub.ID,
						Domain: dam.DefaultDomain, Kind: dam.MediaImage, CreatedAt: now, UpdatedAt: now,
						Meta: dam.Metadata{Title: phrase(4), Description: phrase(20), Keywords: strings.Fields(phrase(5)),
							Fields: map[string]string{"creator": phrase(2)}},
						Current: dam.Version{SHA256: id, MediaType: "image/jpeg", Size: 1000}}
					require.NoError(b, s.CreateAsset(ctx, a))
				}
			})
		}
	})
}

// explainWindow logs the plan of the first relevance window of q
// (DAMKIT_SEARCH_EXPLAIN=1): EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY
// PLAN on SQLite.
func (s *Store) explainWindow(ctx context.Context, b *testing.B, q dam.AssetQuery) {
	search, err := dam.ParseSearch(q.Text)
	require.NoError(b, err)
	ts, err := s.spelled(ctx, s.read(), search)
	require.NoError(b, err)
	where, args := s.listingWhere(q)
	query, qargs := s.matchesQuery(ts, s.matchConds(q, where, args), "", "", s.rankWindow, true)
	explain := "EXPLAIN QUERY PLAN "
	if s.d.postgres {
		explain = "EXPLAIN ANALYZE "
	}
	var lines []string
	if s.d.postgres {
		lines, err = queryStrings(ctx, s.read(), explain+query, qargs...)
	} else { // SQLite's plan has four columns
		var plan []string
		rows, err := s.r.QueryContext(ctx, s.d.rebind(explain+query), qargs...)
		require.NoError(b, err)
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(b, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(b, rows.Close())
		lines = plan
	}
	require.NoError(b, err)
	b.Logf("%q window plan:\n%s", q.Text, strings.Join(lines, "\n"))
}

// BenchmarkRenameFolder measures renaming a folder that holds 2,000 assets
// (with Zipf metadata, in a library of 4,000): the rename rewrites the
// search document of every asset in its subtree, in the same transaction.
// One op is one rename.
//
//	go test -run '^$' -bench RenameFolder -benchtime 10x ./dam/sqlstore/
func BenchmarkRenameFolder(b *testing.B) {
	onBothStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		words := benchWords(b)
		var folders []string
		for _, name := range []string{"Press", "Archive"} {
			f := dam.Folder{ID: dam.NewID(time.Now()), Name: name, Domain: dam.DefaultDomain}
			require.NoError(b, s.CreateFolder(ctx, f))
			folders = append(folders, f.ID)
		}
		fillSearchable(ctx, b, s, words, folders, 4000)
		i := 0
		for b.Loop() {
			i++
			require.NoError(b, s.RenameFolder(ctx, folders[0], fmt.Sprintf("Press %d", i), time.Now()))
		}
	})
}

// BenchmarkIngestFTSOptions measures CreateAsset as BenchmarkIngestIndexing
// does, on SQLite, with the FTS5 table made with other options or tuned
// with other settings, each on a fresh library of 5,000 assets:
// the table of migration 18 (prefix indexes '2 3'), without prefix
// indexes, detail=column and detail=none (smaller, but they cannot match
// phrases, which the search syntax offers), automerge and crisismerge
// settings, and no document at all.
//
//	go test -run '^$' -bench IngestFTSOptions -benchtime 2000x -count 3 ./dam/sqlstore/
func BenchmarkIngestFTSOptions(b *testing.B) {
	const columns = "main, tags, body, notes, fields, tokenize = 'unicode61 remove_diacritics 2'"
	for _, v := range []struct {
		name, table string
		settings    []string
		unindexed   bool
	}{
		{name: "migration-18", table: columns + ", prefix = '2 3'"},
		{name: "no-prefix", table: columns},
		{name: "detail-column", table: columns + ", prefix = '2 3', detail = column"},
		{name: "detail-none", table: columns + ", prefix = '2 3', detail = none"},
		{name: "automerge-0", table: columns + ", prefix = '2 3'", settings: []string{"'automerge', 0"}},
		{name: "automerge-16", table: columns + ", prefix = '2 3'", settings: []string{"'automerge', 16"}},
		{name: "crisismerge-64", table: columns + ", prefix = '2 3'", settings: []string{"'crisismerge', 64"}},
		{name: "unindexed", unindexed: true},
	} {
		b.Run(v.name, func(b *testing.B) {
			ctx := b.Context()
			s, err := Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
			require.NoError(b, err)
			defer s.Close()
			if v.table != "" {
				_, err = s.w.ExecContext(ctx, "DROP TABLE asset_fts")
				require.NoError(b, err)
				_, err = s.w.ExecContext(ctx, "CREATE VIRTUAL TABLE asset_fts USING fts5("+v.table+")")
				require.NoError(b, err)
			}
			for _, set := range v.settings {
				_, err = s.w.ExecContext(ctx, "INSERT INTO asset_fts(asset_fts, rank) VALUES ("+set+")")
				require.NoError(b, err)
			}
			words := benchWords(b)
			folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Press", Domain: dam.DefaultDomain}
			require.NoError(b, s.CreateFolder(ctx, folder))
			fillSearchable(ctx, b, s, words, []string{folder.ID}, 5000)
			phrase, _ := zipfWords(words, 5, 6)
			s.skipIndex = v.unindexed
			for b.Loop() {
				now := time.Now()
				id := dam.NewID(now)
				a := dam.Asset{ID: id, Name: strings.ReplaceAll(phrase(2), " ", "-") + ".jpg", FolderID: folder.ID,
					Domain: dam.DefaultDomain, Kind: dam.MediaImage, CreatedAt: now, UpdatedAt: now,
					Meta: dam.Metadata{Title: phrase(4), Description: phrase(20), Keywords: strings.Fields(phrase(5)),
						Fields: map[string]string{"creator": phrase(2)}},
					Current: dam.Version{SHA256: id, MediaType: "image/jpeg", Size: 1000}}
				require.NoError(b, s.CreateAsset(ctx, a))
			}
			b.ReportMetric(float64(s.dbBytes(ctx, b))/float64(5000+b.N), "db-bytes/asset")
		})
	}
}

// facetAccuracy logs how far the facets of q (sampled above the threshold)
// are from its exact counts (DAMKIT_SEARCH_BENCH_ACCURACY=1; =rows samples
// the assets' rows instead of facet_docs): each kind's relative error and
// the largest among the ten most frequent creators.
func facetAccuracy(b *testing.B, s *Store, name string, q dam.AssetQuery) {
	ctx := b.Context()
	asked := q
	if os.Getenv("DAMKIT_SEARCH_BENCH_ACCURACY") == "rows" {
		// A filter every generated asset passes and facet_docs cannot
		// test: the facets read the assets' rows, as before migration 45.
		asked.MinSize = 1
	}
	got, err := s.AssetFacets(ctx, asked, 1000)
	require.NoError(b, err)
	threshold := s.facetSample
	s.facetSample = 1 << 40 // every match counted
	start := time.Now()
	exact, err := s.AssetFacets(ctx, q, 1000)
	s.facetSample = threshold
	require.NoError(b, err)
	require.False(b, exact.Approximate)
	counts := func(fc []dam.FacetCount) map[string]int64 {
		m := map[string]int64{}
		for _, c := range fc {
			m[c.Value] = c.Count
		}
		return m
	}
	rel := func(got, want int64) float64 { return float64(got-want) / float64(max(want, 1)) }
	var kinds []string
	sampled := counts(got.Kinds)
	for _, c := range exact.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d/%d (%+.1f%%)", c.Value, sampled[c.Value], c.Count, 100*rel(sampled[c.Value], c.Count)))
	}
	worst := 0.0
	sampled = counts(got.Creators)
	for _, c := range exact.Creators[:min(10, len(exact.Creators))] {
		if e := rel(sampled[c.Value], c.Count); e*e > worst*worst {
			worst = e
		}
	}
	b.Logf("%s facets: approximate %v; kinds sampled/exact %s; ten most frequent creators: worst %+.1f%% (exact count in %v)",
		name, got.Approximate, strings.Join(kinds, ", "), 100*worst, time.Since(start).Round(time.Millisecond))
}
