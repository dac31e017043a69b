package damhttp

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"image/jpeg"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/testimage"
)

// fetchCountingStore counts the assets listing pages list and those read
// in full, to show that kept encodings were used.
type fetchCountingStore struct {
	dam.Store
	listed, fetched atomic.Int64
}

func (s *fetchCountingStore) AssetRevisions(ctx context.Context, q dam.AssetQuery) ([]dam.AssetRevision, bool, error) {
	revs, more, err := s.Store.AssetRevisions(ctx, q)
	s.listed.Add(int64(len(revs)))
	return revs, more, err
}

func (s *fetchCountingStore) RevisedAssets(ctx context.Context, ids []string) ([]dam.Asset, []int64, error) {
	s.fetched.Add(int64(len(ids)))
	return s.Store.RevisedAssets(ctx, ids)
}

// TestListingFragmentsFollowEveryChange applies random changes of every
// kind through the Library (metadata edits, renames, moves, new versions,
// making an older one current, deleting versions, category links and
// unlinks, deleted categories, protection, availability, trash and
// restore, purges, uploads and clones) and after each one reads every page
// of several listings through the kept encodings, requiring exactly the
// bytes of a fresh read encoded whole with no cache. On SQLite, and on
// PostgreSQL (a schema of its own) when DAMKIT_POSTGRES_URL is set
// (bench/sqlstore/with-postgres.sh sets it).
func TestListingFragmentsFollowEveryChange(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testListingFragments(t, "sqlite://"+filepath.Join(t.TempDir(), "dam.db"))
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
		// Cleanups run last first: the schema goes after the library closed.
		t.Cleanup(func() { _, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		testListingFragments(t, url+sep+"search_path="+schema)
	})
}

func testListingFragments(t *testing.T, storeURL string) {
	ctx := t.Context()
	dir := t.TempDir()
	var counting *fetchCountingStore
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  storeURL,
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) {
			s, err := sqlstore.Open(ctx, url, nil)
			counting = &fetchCountingStore{Store: s}
			return counting, err
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = lib.Close() })
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	actx := dam.WithActor(ctx, u.Actor())

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := mathrand.New(mathrand.NewPCG(seed, 20))
	photo := func() []byte {
		var buf bytes.Buffer
		require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(8+rng.IntN(24), 8+rng.IntN(24), rng.Float64()), nil))
		return buf.Bytes()
	}
	var folders []string
	for _, name := range []string{"Press", "Summer & <more>"} {
		f, err := lib.CreateFolder(actx, name, "", "")
		require.NoError(t, err)
		folders = append(folders, f.ID)
	}
	var cats []string
	newCategory := func() {
		c, err := lib.CreateCategory(actx, fmt.Sprintf("Category %d", rng.IntN(1e6)), "")
		require.NoError(t, err)
		cats = append(cats, c.ID)
	}
	for range 3 {
		newCategory()
	}
	var ids []string
	upload := func() {
		folder := ""
		if rng.IntN(2) == 0 {
			folder = folders[rng.IntN(len(folders))]
		}
		a, err := lib.Upload(actx, bytes.NewReader(photo()), dam.UploadOptions{Name: fmt.Sprintf("photo-%d.jpg", rng.IntN(1e6)),
			FolderID: folder, Meta: &dam.Metadata{Title: "Harbour", Keywords: []string{"boats"}}})
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	for range 24 {
		upload()
	}
	pick := func() string { return ids[rng.IntN(len(ids))] }
	str := func(s string) *string { return &s }

	changes := []struct {
		name string
		do   func() error
	}{
		{"edit metadata", func() error {
			_, err := lib.EditAsset(actx, pick(), dam.AssetPatch{Title: str(fmt.Sprint("Title ", rng.IntN(100))),
				Keywords: &[]string{"k", fmt.Sprint(rng.IntN(9))}, Fields: map[string]*string{"job": str(fmt.Sprint(rng.IntN(9)))}})
			return err
		}},
		{"rename", func() error {
			_, err := lib.EditAsset(actx, pick(), dam.AssetPatch{Name: str(fmt.Sprintf("renamed-%d.jpg", rng.IntN(1e6)))})
			return err
		}},
		{"move", func() error {
			_, err := lib.EditAsset(actx, pick(), dam.AssetPatch{FolderID: str(append(folders, "")[rng.IntN(3)])})
			return err
		}},
		{"availability", func() error {
			v := []dam.Availability{dam.Available, dam.Unavailable}[rng.IntN(2)]
			_, err := lib.EditAsset(actx, pick(), dam.AssetPatch{Availability: &v})
			return err
		}},
		{"new version", func() error {
			_, err := lib.AddVersion(actx, pick(), bytes.NewReader(photo()), dam.NewVersionOptions{})
			return err
		}},
		{"make an older version current", func() error {
			_, err := lib.RestoreVersion(actx, pick(), 1)
			return err
		}},
		{"delete a version", func() error {
			id := pick()
			vs, err := lib.Versions(actx, id)
			if err != nil || len(vs) < 2 {
				return err
			}
			return lib.DeleteVersion(actx, id, vs[rng.IntN(len(vs))].Number)
		}},
		{"link to a category", func() error {
			_, err := lib.AddToCategory(actx, cats[rng.IntN(len(cats))], []string{pick(), pick()})
			return err
		}},
		{"unlink from a category", func() error {
			_, err := lib.RemoveFromCategory(actx, cats[rng.IntN(len(cats))], []string{pick(), pick()})
			return err
		}},
		{"delete a category", func() error {
			i := rng.IntN(len(cats))
			if err := lib.DeleteCategory(actx, cats[i]); err != nil {
				return err
			}
			cats = append(cats[:i], cats[i+1:]...)
			newCategory()
			return nil
		}},
		{"protect", func() error {
			p := []dam.Protection{dam.Protected, dam.Unprotected, dam.Inherit}[rng.IntN(3)]
			_, err := lib.SetAssetProtection(actx, pick(), p)
			return err
		}},
		{"trash", func() error { return lib.Delete(actx, pick()) }},
		{"restore", func() error {
			_, err := lib.Restore(actx, pick())
			return err
		}},
		{"purge", func() error {
			id := pick()
			_, err := lib.Store().PurgeAsset(ctx, id)
			return err
		}},
		{"upload", func() error { upload(); return nil }},
		{"clone", func() error {
			a, err := lib.Clone(actx, pick(), "")
			if err == nil {
				ids = append(ids, a.ID)
			}
			return err
		}},
		{"note", func() error {
			_, err := lib.AddNote(actx, pick(), "a note")
			return err
		}},
	}
	queries := []dam.AssetQuery{
		{Limit: 7},
		{Limit: 5, Sort: "name"},
		{Limit: 6, Sort: "-updated"},
		{Limit: 4, Sort: "size"},
		{Limit: 9, Sort: "-captured"},
		{Limit: 5, FolderID: &folders[0]},
		{Limit: 8, Text: "harbour"},
		{Limit: 8, Text: "harbour", Sort: "-name"},
	}
	check := func(step string) {
		qs := append(queries, dam.AssetQuery{Limit: 3, CategoryID: cats[0]}, dam.AssetQuery{Limit: 3, CategoryID: cats[1], Sort: "-name"})
		for _, q := range qs {
			for page := 0; ; page++ {
				require.Less(t, page, 100)
				got, err := lib.EncodedAssetPage(actx, q, assetPages)
				require.NoError(t, err)
				as, next, err := lib.Assets(actx, q)
				require.NoError(t, err)
				want, err := encodeAssetPage(as, next)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "after %s, query %+v", step, q)
				if next == "" {
					break
				}
				q.Cursor = next
			}
		}
	}
	check("uploads")
	steps := 150
	if testing.Short() {
		steps = 40
	}
	for i := range steps {
		c := changes[rng.IntN(len(changes))]
		if err := c.do(); err != nil {
			// Refusals (a trashed asset edited, a live one restored, the
			// only version deleted) change nothing, which is checked too.
			require.NotEqual(t, dam.Internal, dam.KindOf(err), "%s: %v", c.name, err)
		}
		check(fmt.Sprintf("change %d (%s)", i, c.name))
	}
	listed, fetched := counting.listed.Load(), counting.fetched.Load()
	t.Logf("assets listed %d, read in full %d", listed, fetched)
	require.Less(t, fetched*4, listed, "most assets of a page read after a change come from kept encodings")
}
