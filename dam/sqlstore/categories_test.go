package sqlstore

import (
	"strings"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueryPlanWalksCategoryIndex checks that a page of a category's
// assets walks the membership primary key from the cursor and checks
// each asset by its key: no scan of the assets, no sort of the members.
func TestQueryPlanWalksCategoryIndex(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	query, args := categoryPageQuery([]string{"c1", "c2"}, []string{"a.deleted_at IS NULL", "a.domain = ?"}, []any{"d"}, "", 100)
	plan := queryPlan(t, s, query, args...)
	joined := strings.Join(plan, "\n")
	assert.Equal(t, 2, strings.Count(joined, "USING COVERING INDEX sqlite_autoindex_asset_categories_1 (category_id=? AND asset_id>?)"), joined)
	assert.Equal(t, 2, strings.Count(joined, "SEARCH a USING INDEX sqlite_autoindex_assets_1 (id=?)"), "assets are looked up by key\n%s", joined)
	for _, line := range plan {
		assert.NotContains(t, []string{"SCAN a", "SCAN ac"}, line, "no table is scanned\n%s", joined)
	}
}

func TestPurgeDeletesMemberships(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	now := time.Now()
	c := dam.Category{ID: dam.NewID(now), Name: "C"}
	require.NoError(t, s.CreateCategory(ctx, c, dam.CategoryLimits{}))
	a := dam.Asset{ID: dam.NewID(now), Name: "a", Domain: "d", Categories: []string{c.ID},
		Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
	require.NoError(t, s.CreateAsset(ctx, a))
	rowsOf := func() (n int) {
		require.NoError(t, s.DB().QueryRow("SELECT COUNT(*) FROM asset_categories WHERE asset_id = ?", a.ID).Scan(&n))
		return n
	}
	require.NoError(t, s.TrashAsset(ctx, a.ID, "u", now))
	assert.Equal(t, 1, rowsOf(), "the trash keeps memberships")
	_, err := s.PurgeAsset(ctx, a.ID)
	require.NoError(t, err)
	assert.Zero(t, rowsOf(), "purging deletes them")
	var live int
	require.NoError(t, s.DB().QueryRow("SELECT live FROM category_counts WHERE category_id = ?", c.ID).Scan(&live))
	assert.Zero(t, live)
}

func TestPaddedIDs(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want int
	}{{[]string{"a"}, 1}, {[]string{"a", "b"}, 2}, {[]string{"a", "b", "c"}, 4}, {make([]string, 101), 128}} {
		got := paddedIDs(tc.ids)
		assert.Len(t, got, tc.want)
		assert.Equal(t, got[len(tc.ids)-1], got[len(got)-1], "padded with the last ID")
	}
}
