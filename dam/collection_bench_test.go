package dam_test

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// BenchmarkCheckCollection10k measures what a viewer's download of a
// 10,000-asset collection costs before any byte is read: the store reads
// (collection, assets, folders, settings, grants) and the policy's Filter
// over all of them; 2,000 of the assets are in a protected folder. On
// SQLite, and on PostgreSQL when DAMKIT_POSTGRES_URL is set.
func BenchmarkCheckCollection10k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlstore.Open(b.Context(), "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
		require.NoError(b, err)
		defer st.Close()
		benchmarkCheckCollection(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		url := os.Getenv("DAMKIT_POSTGRES_URL")
		if url == "" {
			b.Skip("set DAMKIT_POSTGRES_URL (bench/sqlstore/with-postgres.sh does) to run on PostgreSQL")
		}
		admin, err := sql.Open("pgx", url)
		require.NoError(b, err)
		defer admin.Close()
		schema := "damkit_bench_" + strings.ToLower(rand.Text()[:12])
		_, err = admin.ExecContext(b.Context(), "CREATE SCHEMA "+schema)
		require.NoError(b, err)
		defer func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") }()
		st, err := sqlstore.Open(b.Context(), url+"?search_path="+schema, nil)
		if strings.Contains(url, "?") {
			st, err = sqlstore.Open(b.Context(), url+"&search_path="+schema, nil)
		}
		require.NoError(b, err)
		defer st.Close()
		benchmarkCheckCollection(b, st)
	})
}

func benchmarkCheckCollection(b *testing.B, st *sqlstore.Store) {
	const assets, folders, protectedFolders = 10_000, 10, 2
	ctx := b.Context()
	bucket, err := storage.Open(ctx, "mem://")
	require.NoError(b, err)
	defer bucket.Close()
	lib := dam.New(st, bucket, nil, nil, nil)
	owner, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(b, err)
	viewer, _, err := lib.CreateUser(dam.WithActor(ctx, owner.Actor()), dam.NewUser{Email: "viewer@example.com", Role: dam.RoleViewer})
	require.NoError(b, err)

	now := time.Now().UTC().Truncate(time.Microsecond)
	var folderIDs []string
	for i := range folders {
		f := dam.Folder{ID: dam.NewID(now), Name: fmt.Sprintf("f%d", i), Domain: dam.DefaultDomain,
			Protection: dam.Inherit, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
		if i < protectedFolders {
			f.Protection = dam.Protected
		}
		require.NoError(b, st.CreateFolder(ctx, f))
		folderIDs = append(folderIDs, f.ID)
	}
	col := dam.Collection{ID: dam.NewID(now), Name: "Big", OwnerID: viewer.ID, CreatedAt: now, UpdatedAt: now}
	require.NoError(b, st.CreateCollection(ctx, col))
	items := make([]dam.CollectionItem, 0, assets)
	for i := range assets {
		id := dam.NewID(now)
		v := dam.Version{AssetID: id, Number: 1, SHA256: fmt.Sprintf("%064x", i), Size: 1000, MediaType: "image/jpeg",
			Width: 640, Height: 480, OriginalName: "a.jpg", CreatedBy: "u1", CreatedAt: now}
		a := dam.Asset{ID: id, Name: fmt.Sprintf("image-%05d.jpg", i), FolderID: folderIDs[i%folders], Domain: dam.DefaultDomain,
			Kind: dam.MediaImage, Availability: dam.Available, Protection: dam.Inherit, Current: v,
			CreatedBy: "u1", CreatedAt: now, UpdatedBy: "u1", UpdatedAt: now}
		require.NoError(b, st.CreateAsset(ctx, a))
		items = append(items, dam.CollectionItem{AssetID: id, AddedAt: now})
	}
	require.NoError(b, st.AddCollectionItems(ctx, col.ID, items))
	_, err = st.DB().ExecContext(ctx, "ANALYZE")
	require.NoError(b, err)

	as := dam.WithActor(ctx, viewer.Actor())
	req := dam.DownloadRequest{CollectionID: col.ID}
	checks := 0
	start := time.Now()
	for b.Loop() {
		allowed, skipped, err := dam.CheckDownload(as, lib, req)
		if err != nil {
			b.Fatal(err)
		}
		if allowed+skipped != assets || skipped != assets*protectedFolders/folders {
			b.Fatalf("allowed %d, skipped %d", allowed, skipped)
		}
		checks++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(checks), "ms/check")
}
