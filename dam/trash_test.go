package dam_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestTrashRestoreAndPurge(t *testing.T) {
	f := newFixture(t, &dam.Options{TrashRetention: 48 * time.Hour})
	keep := f.upload(t, f.owner, "keep.txt", "shared bytes")
	gone := f.upload(t, f.owner, "gone.txt", "unique bytes")
	twin := f.upload(t, f.owner, "twin.txt", "shared bytes")
	col, err := f.lib.CreateCollection(f.owner, "Picks", "web")
	require.NoError(t, err)
	_, err = f.lib.AddToCollection(f.owner, col.ID, []dam.CollectionItem{{AssetID: gone.ID, Profile: "thumb"}, {AssetID: keep.ID}})
	require.NoError(t, err)

	require.NoError(t, f.lib.Delete(f.owner, gone.ID))
	require.NoError(t, f.lib.Delete(f.owner, twin.ID))
	as, _, err := f.lib.Assets(f.owner, dam.AssetQuery{})
	require.NoError(t, err)
	assert.Len(t, as, 1, "trashed assets leave listings")
	c, err := f.lib.Collection(f.owner, col.ID)
	require.NoError(t, err)
	assert.Len(t, c.Items, 1, "trashed assets leave collections")
	assert.Equal(t, 1, c.ItemCount)
	cs, err := f.lib.Collections(f.owner)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	assert.Equal(t, 1, cs[0].ItemCount, "lists count the live items")
	_, err = f.lib.Asset(f.owner, gone.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))

	trash, _, err := f.lib.Trash(f.owner, "", 0)
	require.NoError(t, err)
	assert.Len(t, trash, 2)
	assert.Equal(t, f.clock.now().Add(48*time.Hour), f.lib.PurgeAt(trash[0]))

	restored, err := f.lib.Restore(f.owner, gone.ID)
	require.NoError(t, err)
	assert.Nil(t, restored.DeletedAt)
	c, err = f.lib.Collection(f.owner, col.ID)
	require.NoError(t, err)
	assert.Len(t, c.Items, 2, "restoring puts the asset back in its collections")
	_, err = f.lib.Restore(f.owner, gone.ID)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
	require.NoError(t, f.lib.Delete(f.owner, gone.ID))

	rep, err := f.lib.Sweep(f.owner)
	require.NoError(t, err)
	assert.Zero(t, rep.Purged, "nothing is purged before the retention period")

	f.clock.t = f.clock.t.Add(49 * time.Hour)
	rep, err = f.lib.Sweep(f.owner)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Purged)
	assert.Equal(t, 1, rep.Blobs, "only bytes no other asset references are deleted")
	assert.Len(t, f.keys(t, "originals/"), 1)
	_, err = f.lib.Restore(f.owner, gone.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	d, err := f.lib.Open(f.owner, keep.ID, 0)
	require.NoError(t, err, "the surviving twin still downloads")
	require.NoError(t, d.Close())
}

func TestUsageLog(t *testing.T) {
	f := newFixture(t, nil)
	a := f.upload(t, f.owner, "a.txt", "a")
	title := "t"
	_, err := f.lib.EditAsset(f.owner, a.ID, dam.AssetPatch{Title: &title})
	require.NoError(t, err)
	d, err := f.lib.Open(f.owner, a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	require.NoError(t, f.lib.Delete(f.owner, a.ID))
	_, err = f.lib.Restore(f.owner, a.ID)
	require.NoError(t, err)

	es, _, err := f.lib.Events(f.owner, dam.EventQuery{AssetID: a.ID})
	require.NoError(t, err)
	var actions []dam.EventAction
	for _, e := range es {
		actions = append(actions, e.Action)
		assert.NotEmpty(t, e.ActorID)
	}
	assert.Equal(t, []dam.EventAction{dam.EventRestore, dam.EventDelete, dam.EventDownload, dam.EventEdit, dam.EventUpload}, actions)

	viewer := f.user(t, "v@example.com", dam.RoleViewer)
	es, _, err = f.lib.Events(viewer, dam.EventQuery{})
	require.NoError(t, err)
	assert.Empty(t, es, "viewers see only their own events")
}

// TestTrashShowsWhatIDeleted: owners see the whole trash of their domains;
// anyone else sees what they deleted themselves.
func TestTrashShowsWhatIDeleted(t *testing.T) {
	f := newFixture(t, nil)
	ed := f.user(t, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	other := f.user(t, "other@example.com", dam.RoleEditor, dam.DefaultDomain)
	mine := f.upload(t, f.owner, "mine.txt", "a")
	theirs := f.upload(t, f.owner, "theirs.txt", "b")
	owners := f.upload(t, f.owner, "owners.txt", "c")
	require.NoError(t, f.lib.Delete(ed, mine.ID))
	require.NoError(t, f.lib.Delete(other, theirs.ID))
	require.NoError(t, f.lib.Delete(f.owner, owners.ID))

	names := func(ctx context.Context) []string {
		as, _, err := f.lib.Trash(ctx, "", 0)
		require.NoError(t, err)
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return out
	}
	assert.Equal(t, []string{"mine.txt"}, names(ed))
	assert.Equal(t, []string{"theirs.txt"}, names(other))
	assert.ElementsMatch(t, []string{"mine.txt", "theirs.txt", "owners.txt"}, names(f.owner))
	edActor, _ := dam.ActorFrom(ed)
	as, _, err := f.lib.Trash(ed, "", 0)
	require.NoError(t, err)
	require.Len(t, as, 1)
	assert.Equal(t, edActor.UserID, as[0].DeletedBy, "the trash says who deleted each asset")

	// Restoring follows the same line: an editor restores what they
	// deleted; another's deletion is as absent as one that never was.
	_, err = f.lib.Restore(ed, theirs.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = f.lib.Restore(ed, owners.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = f.lib.Restore(ed, mine.ID)
	require.NoError(t, err)
	_, err = f.lib.Restore(f.owner, theirs.ID)
	require.NoError(t, err, "owners restore anything of their domains")
}
