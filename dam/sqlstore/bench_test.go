package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/require"
)

// fill inserts n assets (each with one version) into folderID in one
// transaction through prepared statements.
func fill(ctx context.Context, tb testing.TB, s *Store, folderID string, n int) {
	tb.Helper()
	tx, err := s.w.BeginTx(ctx, nil)
	require.NoError(tb, err)
	insAsset, err := tx.PrepareContext(ctx, s.d.rebind(`INSERT INTO assets (id, name, folder_id, domain, kind,
		keywords, fields, availability, protection, current_version, last_version, created_by, created_at, updated_by, updated_at,
		name_key, current_size)
		VALUES (?, ?, ?, ?, 'image', '["bench"]', '{}', 'available', 'inherit', 1, 1, 'u1', ?, 'u1', ?, lower(?), ?)`))
	require.NoError(tb, err)
	insVersion, err := tx.PrepareContext(ctx, s.d.rebind(`INSERT INTO versions (asset_id, number, sha256, crc32, size,
		media_type, width, height, original_name, created_by, created_at) VALUES (?, 1, ?, 0, ?, 'image/jpeg', 640, 480, ?, 'u1', ?)`))
	require.NoError(tb, err)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Millisecond)
		id := dam.NewID(at)
		// Names and sizes in neither creation nor each other's order, with
		// ties: a name per 100,003 (a prime) steps, a size of 1000 sizes.
		name := fmt.Sprintf("Image-%06d.jpg", i*7919%100_003)
		size := int64(1000 + i*7919%1000)
		_, err = insAsset.ExecContext(ctx, id, name, folderID, dam.DefaultDomain, encodeTime(at), encodeTime(at), name, size)
		require.NoError(tb, err)
		_, err = insVersion.ExecContext(ctx, id, fmt.Sprintf("%064x", i), size, name, encodeTime(at))
		require.NoError(tb, err)
	}
	require.NoError(tb, tx.Commit())
}

// BenchmarkListAssets100k pages through one folder of 100,000 assets, 100
// a page, on SQLite (and PostgreSQL when DAMKIT_POSTGRES_URL is set); one
// op is one page. The rows are built once: b.Loop runs the setup a single time.
func BenchmarkListAssets100k(b *testing.B) {
	onBothStores(b, benchmarkList)
}

// onBothStores runs bench on a fresh SQLite store and, when
// DAMKIT_POSTGRES_URL is set, on a fresh PostgreSQL schema.
func onBothStores(b *testing.B, bench func(*testing.B, *Store)) {
	b.Run("sqlite", func(b *testing.B) {
		s, err := Open(b.Context(), "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
		require.NoError(b, err)
		defer s.Close()
		bench(b, s)
	})
	b.Run("postgres", func(b *testing.B) {
		s := openPostgresT(b, postgresURL(b))
		defer s.Close()
		bench(b, s)
	})
}

func benchmarkList(b *testing.B, s *Store) {
	folder := bigFolder(b, s)
	pageThrough(b, s, dam.AssetQuery{Domains: []string{dam.DefaultDomain}, FolderID: &folder.ID, Limit: 100})
}

// bigFolder fills a folder with 100,000 assets, and a neighbour the
// listings must skip with 10,000, and analyses the tables.
func bigFolder(b *testing.B, s *Store) dam.Folder {
	ctx := b.Context()
	folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Big", Domain: dam.DefaultDomain}
	require.NoError(b, s.CreateFolder(ctx, folder))
	other := dam.Folder{ID: dam.NewID(time.Now()), Name: "Other", Domain: dam.DefaultDomain}
	require.NoError(b, s.CreateFolder(ctx, other))
	fill(ctx, b, s, folder.ID, 100_000)
	fill(ctx, b, s, other.ID, 10_000)
	_, err := s.w.ExecContext(ctx, "ANALYZE")
	require.NoError(b, err)
	return folder
}

// BenchmarkListAssetsSorted100k pages through one folder of 100,000
// assets (and the whole domain of 110,000) in every AssetQuery.Sort, 100 a
// page, on SQLite (and PostgreSQL when DAMKIT_POSTGRES_URL is set); one op
// is one page. "start" pages from the first page on; "middle" from the
// 50,000th asset on, where a listing that skips rows instead of seeking
// the cursor in an index would show.
func BenchmarkListAssetsSorted100k(b *testing.B) {
	onBothStores(b, benchmarkSorted)
}

func benchmarkSorted(b *testing.B, s *Store) {
	ctx := b.Context()
	folder := bigFolder(b, s)
	for _, scope := range []struct {
		name   string
		folder *string
	}{{"folder", &folder.ID}, {"domain", nil}} {
		for _, sort := range dam.AssetSorts {
			q := dam.AssetQuery{Domains: []string{dam.DefaultDomain}, FolderID: scope.folder, Sort: sort, Limit: 100}
			b.Run(scope.name+"/"+sort+"/start", func(b *testing.B) { pageThrough(b, s, q) })
			middle := q
			middle.Limit = 1000
			for range 50 {
				_, next, err := s.Assets(ctx, middle)
				require.NoError(b, err)
				middle.Cursor = next
			}
			middle.Limit = 100
			b.Run(scope.name+"/"+sort+"/middle", func(b *testing.B) { pageThrough(b, s, middle) })
		}
	}
}

// pageThrough lists q a page per op, following the cursor (and starting
// over after the last page), and reports the time and rows per page.
func pageThrough(b *testing.B, s *Store, q dam.AssetQuery) {
	pages, rows := 0, 0
	start := time.Now()
	for b.Loop() {
		page, next, err := s.Assets(b.Context(), q)
		if err != nil {
			b.Fatal(err)
		}
		pages++
		rows += len(page)
		q.Cursor = next // "" after the last page starts over
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(pages), "ms/page")
	b.ReportMetric(float64(rows)/float64(pages), "rows/page")
}

// BenchmarkConcurrentWrites measures 16 goroutines creating assets on
// SQLite: through the single writer connection the store uses, and, for
// comparison, through a pool of 16 writer connections that rely on
// busy_timeout and BEGIN IMMEDIATE alone.
func BenchmarkConcurrentWrites(b *testing.B) {
	for _, writers := range []int{1, 16} {
		b.Run(fmt.Sprintf("writerConns=%d", writers), func(b *testing.B) {
			ctx := b.Context()
			s, err := Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), &Options{BusyTimeout: 30 * time.Second})
			require.NoError(b, err)
			defer s.Close()
			s.w.SetMaxOpenConns(writers)
			s.w.SetMaxIdleConns(writers)
			var failures atomic.Int64
			now := time.Now()
			b.SetParallelism(8) // 16 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := dam.NewID(now)
					a := dam.Asset{ID: id, Name: "a.jpg", Domain: dam.DefaultDomain, Kind: dam.MediaImage,
						Current: dam.Version{SHA256: id, MediaType: "image/jpeg"}}
					if err := s.CreateAsset(ctx, a); err != nil {
						failures.Add(1)
					}
				}
			})
			b.ReportMetric(float64(failures.Load()), "failures")
		})
	}
}

// BenchmarkListCategory100k pages through the assets of one category of a
// library of 100,000 assets, 100 a page, on SQLite (and PostgreSQL when
// DAMKIT_POSTGRES_URL is set); one op is one page. "dense" holds every
// second asset (50,000), "sparse" every hundredth (1,000), both listed
// directly (CategoryOnly); "subtree" lists a parent with no assets of its
// own through its two subcategories (every 10th and every 25th asset,
// overlapping: 12,000 assets). "counts" is one op per listing of the
// category tree with each category's count of live assets.
func BenchmarkListCategory100k(b *testing.B) {
	onBothStores(b, benchmarkCategory)
}

func benchmarkCategory(b *testing.B, s *Store) {
	ctx := b.Context()
	folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Big", Domain: dam.DefaultDomain}
	require.NoError(b, s.CreateFolder(ctx, folder))
	fill(ctx, b, s, folder.ID, 100_000)
	category := func(parentID, name string, every int) string {
		c := dam.Category{ID: dam.NewID(time.Now()), Name: name, ParentID: parentID}
		require.NoError(b, s.CreateCategory(ctx, c, dam.CategoryLimits{}))
		if every > 0 {
			_, err := s.w.ExecContext(ctx, s.d.rebind(`INSERT INTO asset_categories (category_id, asset_id)
				SELECT ?, id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM assets) x WHERE n % ? = 0`), c.ID, every)
			require.NoError(b, err)
		}
		return c.ID
	}
	dense, sparse := category("", "Dense", 2), category("", "Sparse", 100)
	parent := category("", "Parent", 0)
	category(parent, "Tenth", 10)
	category(parent, "Twenty-fifth", 25)
	_, err := s.w.ExecContext(ctx, `INSERT INTO category_counts (category_id, domain, live)
		SELECT category_id, 'default', COUNT(*) FROM asset_categories GROUP BY category_id`)
	require.NoError(b, err)
	_, err = s.w.ExecContext(ctx, "ANALYZE")
	require.NoError(b, err)

	domains := []string{dam.DefaultDomain}
	for _, tc := range []struct {
		name string
		q    dam.AssetQuery
	}{
		{"dense", dam.AssetQuery{CategoryID: dense, CategoryOnly: true}},
		{"sparse", dam.AssetQuery{CategoryID: sparse, CategoryOnly: true}},
		{"subtree", dam.AssetQuery{CategoryID: parent}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := tc.q
			q.Domains, q.Limit = domains, 100
			pageThrough(b, s, q)
		})
	}
	b.Run("counts", func(b *testing.B) {
		for b.Loop() {
			cs, err := s.Categories(ctx, domains)
			if err != nil || len(cs) != 5 || cs[0].AssetCount != 50_000 {
				b.Fatal(err, cs)
			}
		}
	})
}
