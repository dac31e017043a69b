package dam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// BenchmarkBadge compares the menu's pending badge read through Requests
// (names, folder paths and portals looked up for each row) with
// PendingRequestCount, for an owner of 1,000 folders and 100 pending
// requests: the badge is computed on every page an owner opens.
func BenchmarkBadge(b *testing.B) {
	f := newFixture(b, nil)
	u, _, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "viewer@example.com", Role: dam.RoleViewer})
	require.NoError(b, err)
	viewer := dam.WithActor(f.owner, u.Actor())
	for i := 0; i < 1000; i++ {
		_, err := f.lib.CreateFolder(f.owner, fmt.Sprintf("F%d", i), "", "")
		require.NoError(b, err)
	}
	var ids []string
	for i := 0; i < 100; i++ {
		a, err := f.lib.Upload(f.owner, strings.NewReader("x"), dam.UploadOptions{Name: fmt.Sprintf("a%d.txt", i)})
		require.NoError(b, err)
		_, err = f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
		require.NoError(b, err)
		ids = append(ids, a.ID)
	}
	_, err = f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: ids, Reason: "r"})
	require.NoError(b, err)
	b.Run("Requests", func(b *testing.B) {
		for b.Loop() {
			rs, _, _ := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending, Limit: 100})
			if len(rs) != 100 {
				b.Fatal(len(rs))
			}
		}
	})
	b.Run("Count", func(b *testing.B) {
		for b.Loop() {
			n, _ := f.lib.PendingRequestCount(f.owner, 100)
			if n != 100 {
				b.Fatal(n)
			}
		}
	})
}
