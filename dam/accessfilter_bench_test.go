package dam_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// BenchmarkPolicyFilters measures a viewer's first page of 100 assets of a
// 10,000-asset library (SQLite) filtered by the download policy, beside
// the same page unfiltered: downloadable (9 in 10 match), protected (1 in
// 10 match: about 1,000 assets read for a page), protected in a folder
// where none is (its 1,000 assets read, for an empty page) and not
// protected.
func BenchmarkPolicyFilters(b *testing.B) {
	ctx := b.Context()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
	require.NoError(b, err)
	defer st.Close()
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
	for i := range 10 {
		f := dam.Folder{ID: dam.NewID(now), Name: fmt.Sprintf("f%d", i), Domain: dam.DefaultDomain,
			Protection: dam.Inherit, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
		if i == 0 {
			f.Protection = dam.Protected
		}
		require.NoError(b, st.CreateFolder(ctx, f))
		folderIDs = append(folderIDs, f.ID)
	}
	for i := range 10_000 {
		id := dam.NewID(now)
		v := dam.Version{AssetID: id, Number: 1, SHA256: fmt.Sprintf("%064x", i), Size: 1000, MediaType: "image/jpeg",
			Width: 640, Height: 480, OriginalName: "a.jpg", CreatedBy: "u1", CreatedAt: now}
		a := dam.Asset{ID: id, Name: fmt.Sprintf("image-%05d.jpg", i), FolderID: folderIDs[i%10], Domain: dam.DefaultDomain,
			Kind: dam.MediaImage, Availability: dam.Available, Protection: dam.Inherit, Current: v,
			CreatedBy: "u1", CreatedAt: now, UpdatedBy: "u1", UpdatedAt: now}
		require.NoError(b, st.CreateAsset(ctx, a))
	}
	as := dam.WithActor(ctx, viewer.Actor())
	yes, no := true, false
	for _, c := range []struct {
		name string
		q    dam.AssetQuery
		want int
	}{
		{"unfiltered", dam.AssetQuery{}, 100},
		{"downloadable", dam.AssetQuery{Downloadable: &yes}, 100},
		{"protected", dam.AssetQuery{Protected: &yes}, 100},
		{"protected, folder without any", dam.AssetQuery{Protected: &yes, FolderID: &folderIDs[1]}, 0},
		{"not protected", dam.AssetQuery{Protected: &no}, 100},
	} {
		b.Run(c.name, func(b *testing.B) {
			q := c.q
			q.Limit = 100
			for b.Loop() {
				page, _, err := lib.Assets(as, q)
				if err != nil || len(page) != c.want {
					b.Fatalf("%d assets, %v", len(page), err)
				}
			}
		})
	}
}
