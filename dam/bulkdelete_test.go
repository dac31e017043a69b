package dam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestDeleteAssets(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	b := f.upload(t, f.owner, "b.txt", "b")
	keep := f.upload(t, f.owner, "keep.txt", "keep")
	col, err := f.lib.CreateCollection(f.owner, "Picks", "")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.owner, col.ID, []dam.CollectionItem{{AssetID: a.ID}, {AssetID: keep.ID}})
	require.NoError(t, err)

	require.NoError(t, f.lib.DeleteAssets(f.owner, []string{a.ID, b.ID, a.ID}))
	live, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
	require.NoError(t, err)
	require.Len(t, live, 1)
	assert.Equal(t, keep.ID, live[0].ID)
	trash, _, err := f.lib.Trash(f.owner, "", 0)
	require.NoError(t, err)
	assert.Len(t, trash, 2)
	c, err := f.lib.Collection(f.owner, col.ID)
	require.NoError(t, err)
	assert.Len(t, c.Items, 1, "trashed assets leave collections")
	evs, _, err := f.lib.Events(f.owner, dam.EventQuery{Action: dam.EventDelete})
	require.NoError(t, err)
	assert.Len(t, evs, 2, "one event per asset, repeats counted once")

	_, err = f.lib.Restore(f.owner, b.ID)
	require.NoError(t, err, "each comes back from the trash on its own")
}

func TestDeleteAssetsAllOrNothing(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	b := f.upload(t, f.owner, "b.txt", "b")
	trashed := f.upload(t, f.owner, "t.txt", "t")
	require.NoError(t, f.lib.Delete(f.owner, trashed.ID))
	stranger := f.user(t, "s@example.com", dam.RoleOwner, "elsewhere")
	theirs, err := f.lib.Upload(stranger, strings.NewReader("theirs"), dam.UploadOptions{Name: "theirs.txt"})
	require.NoError(t, err)
	viewer := f.user(t, "v@example.com", dam.RoleViewer)

	for _, tc := range []struct {
		name string
		ctx  context.Context
		ids  []string
		want dam.Kind
	}{
		{"missing", f.owner, []string{a.ID, b.ID, "01zzzzzzzzzzzzzzzzzzzzzzzz"}, dam.NotFound},
		{"malformed", f.owner, []string{a.ID, "../etc"}, dam.NotFound},
		{"out of reach", f.owner, []string{a.ID, theirs.ID}, dam.NotFound},
		{"already trashed", f.owner, []string{a.ID, trashed.ID, b.ID}, dam.NotFound},
		{"viewer", viewer, []string{a.ID}, dam.PermissionDenied},
		{"none", f.owner, nil, dam.Invalid},
		{"too many", f.owner, make([]string, 10001), dam.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, kindOf(t, f.lib.DeleteAssets(tc.ctx, tc.ids)))
			live, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
			require.NoError(t, err)
			assert.Len(t, live, 2, "nothing changed")
		})
	}
	_, err = f.lib.Asset(stranger, theirs.ID)
	require.NoError(t, err, "the other domain's asset is untouched")
}
