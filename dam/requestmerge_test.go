package dam_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestRequestsMergeAndAskAgain: asking again for an asset one already
// waits for adds no second request (nor a second message to the owners);
// after a denial, one may ask again.
func TestRequestsMergeAndAskAgain(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	a := f.upload(t, f.owner, "a.txt", "secret a")
	b := f.upload(t, f.owner, "b.txt", "secret b")
	for _, x := range []dam.Asset{a, b} {
		_, err := f.lib.SetAssetProtection(f.owner, x.ID, dam.Protected)
		require.NoError(t, err)
	}
	first, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "deck"})
	require.NoError(t, err)
	require.Len(t, first.Requests, 1)

	again, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID, b.ID}, Reason: "deck, again"})
	require.NoError(t, err)
	require.Len(t, again.Requests, 2)
	byAsset := map[string]dam.Request{}
	for _, r := range again.Requests {
		byAsset[r.AssetID] = r
	}
	assert.Equal(t, first.Requests[0].ID, byAsset[a.ID].ID, "the pending request for a is the same one")
	pending, _, err := f.lib.Requests(f.owner, dam.RequestQuery{Status: dam.RequestPending})
	require.NoError(t, err)
	assert.Len(t, pending, 2, "one request per person and asset, not three")
	inbox, _, err := f.lib.Inbox(f.owner, false, "", 0)
	require.NoError(t, err)
	assert.Len(t, inbox, 2, "the owner heard of a once and of b once")

	out, err := f.lib.Decide(f.owner, []dam.Decision{{RequestID: byAsset[a.ID].ID, Approve: false, Message: "not yet"}})
	require.NoError(t, err)
	require.Nil(t, out[0].Error)
	third, err := f.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{a.ID}, Reason: "the launch moved"})
	require.NoError(t, err, "a denied person can ask again")
	require.Len(t, third.Requests, 1)
	assert.NotEqual(t, byAsset[a.ID].ID, third.Requests[0].ID)
	assert.Equal(t, dam.RequestPending, third.Requests[0].Status)
}
