package dam_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestDecideChoosesValidity: the owner may change how long a permission
// lasts when approving; out-of-range values are refused and decide nothing.
func TestDecideChoosesValidity(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	var ids []string
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		a := f.upload(t, f.owner, name, "secret "+name)
		_, err := f.lib.SetAssetProtection(f.owner, a.ID, dam.Protected)
		require.NoError(t, err)
		res, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}})
		require.NoError(t, err)
		ids = append(ids, res.Requests[0].ID)
	}
	days := func(n int) *int { return &n }
	out, err := f.lib.Decide(f.owner, []dam.Decision{
		{RequestID: ids[0], Approve: true, ValidityDays: days(2)},
		{RequestID: ids[1], Approve: true, ValidityDays: days(0)},
		{RequestID: ids[2], Approve: true, ValidityDays: days(-1)},
	})
	require.NoError(t, err)
	require.NotNil(t, out[0].Grant)
	require.NotNil(t, out[0].Grant.Until)
	assert.Equal(t, 48*time.Hour, out[0].Grant.Until.Sub(out[0].Grant.From))
	require.NotNil(t, out[1].Grant)
	assert.Nil(t, out[1].Grant.Until, "0 days: until revoked")
	require.NotNil(t, out[2].Error)
	assert.Equal(t, "invalid", out[2].Error.Code)
	pending, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	require.Len(t, pending, 1, "the refused decision left its request pending")
	assert.Equal(t, ids[2], pending[0].ID)
}
