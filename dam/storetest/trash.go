package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var trashTests = []test{
	{"TrashAndRestore", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		at := f.trash(a.ID)
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err, "Asset returns trashed assets")
		require.NotNil(t, got.DeletedAt)
		assert.Equal(t, at, *got.DeletedAt)
		assert.Equal(t, "u2", got.DeletedBy)
		assert.Empty(t, f.listAll(dam.AssetQuery{Domains: []string{f.domain}}))
		assert.Equal(t, []string{a.ID}, f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Deleted: true}))

		requireKind(t, dam.NotFound, f.s.TrashAsset(f.ctx, a.ID, "u2", f.tick()))

		restoredAt := f.tick()
		require.NoError(t, f.s.RestoreAsset(f.ctx, a.ID, "u3", restoredAt))
		got, err = f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		a.UpdatedBy, a.UpdatedAt = "u3", restoredAt
		assert.Equal(t, a, got)
		assert.Equal(t, []string{a.ID}, f.listAll(dam.AssetQuery{Domains: []string{f.domain}}))
		requireKind(t, dam.NotFound, f.s.RestoreAsset(f.ctx, a.ID, "u3", f.tick()))
	}},
	{"Missing", func(t *testing.T, f *fixture) {
		requireKind(t, dam.NotFound, f.s.TrashAsset(f.ctx, f.id(), "u", f.tick()))
		requireKind(t, dam.NotFound, f.s.RestoreAsset(f.ctx, f.id(), "u", f.tick()))
		_, err := f.s.PurgeAsset(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"TrashedBefore", func(t *testing.T, f *fixture) {
		f.asset("", "live.jpg")
		var trashed []string
		for _, name := range []string{"1.jpg", "2.jpg", "3.jpg"} {
			a := f.asset("", name)
			f.trash(a.ID)
			trashed = append(trashed, a.ID)
		}
		last, err := f.s.Asset(f.ctx, trashed[2])
		require.NoError(t, err)
		got, err := f.s.TrashedBefore(f.ctx, *last.DeletedAt, 10)
		require.NoError(t, err)
		assert.Equal(t, trashed[:2], got, "strictly before, oldest first")
		got, err = f.s.TrashedBefore(f.ctx, last.DeletedAt.Add(time.Microsecond), 10)
		require.NoError(t, err)
		assert.Equal(t, trashed, got)
		got, err = f.s.TrashedBefore(f.ctx, last.DeletedAt.Add(time.Microsecond), 1)
		require.NoError(t, err)
		assert.Equal(t, trashed[:1], got)
		got, err = f.s.TrashedBefore(f.ctx, baseTime, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	}},
	{"Purge", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		shared := f.version("shared content")
		_, err := f.s.AddVersion(f.ctx, a, shared)
		require.NoError(t, err)
		other := f.newAsset("", "other.jpg")
		other.Current = shared
		other.Current.AssetID, other.Current.Number = other.ID, 1
		f.put(other)
		require.NoError(t, f.s.AddNote(f.ctx, dam.Note{ID: f.id(), AssetID: a.ID, AuthorID: "u1", Text: "n", CreatedAt: f.tick()}))
		c := dam.Collection{ID: f.id(), Name: "c", OwnerID: "u1", CreatedAt: f.tick(), UpdatedAt: f.now,
			Items: []dam.CollectionItem{{AssetID: a.ID, AddedAt: f.now}, {AssetID: other.ID, AddedAt: f.now}}}
		require.NoError(t, f.s.CreateCollection(f.ctx, c))

		_, err = f.s.PurgeAsset(f.ctx, a.ID)
		requireKind(t, dam.FailedPrecondition, err)

		f.trash(a.ID)
		for _, b := range []string{a.Current.SHA256, shared.SHA256} {
			used, err := f.s.BlobReferenced(f.ctx, b)
			require.NoError(t, err)
			assert.True(t, used, "trashed assets still reference their blobs")
		}
		unused, err := f.s.PurgeAsset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{a.Current.SHA256}, unused, "the shared blob is still used by the other asset")

		used, err := f.s.BlobReferenced(f.ctx, a.Current.SHA256)
		require.NoError(t, err)
		assert.False(t, used)
		used, err = f.s.BlobReferenced(f.ctx, shared.SHA256)
		require.NoError(t, err)
		assert.True(t, used)

		_, err = f.s.Asset(f.ctx, a.ID)
		requireKind(t, dam.NotFound, err)
		_, err = f.s.Versions(f.ctx, a.ID)
		requireKind(t, dam.NotFound, err)
		_, err = f.s.Notes(f.ctx, a.ID)
		requireKind(t, dam.NotFound, err)
		got, err := f.s.Collection(f.ctx, c.ID)
		require.NoError(t, err)
		assert.Equal(t, []string{other.ID}, itemIDs(got.Items))
		assert.Empty(t, f.listAll(dam.AssetQuery{Domains: []string{f.domain}, Deleted: true}))
		_, err = f.s.PurgeAsset(f.ctx, a.ID)
		requireKind(t, dam.NotFound, err)
	}},
	{"PurgeReturnsEveryUnusedBlob", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		want := []string{a.Current.SHA256}
		for _, content := range []string{"v2", "v3", "v2"} {
			v := f.version(content)
			_, err := f.s.AddVersion(f.ctx, a, v)
			require.NoError(t, err)
			if !slices.Contains(want, v.SHA256) {
				want = append(want, v.SHA256)
			}
		}
		f.trash(a.ID)
		unused, err := f.s.PurgeAsset(f.ctx, a.ID)
		require.NoError(t, err)
		slices.Sort(want)
		assert.Equal(t, want, unused, "each blob once, sorted")
	}},
	{"BlobReferencedUnknown", func(t *testing.T, f *fixture) {
		used, err := f.s.BlobReferenced(f.ctx, sha("never stored"))
		require.NoError(t, err)
		assert.False(t, used)
	}},
}

func itemIDs(items []dam.CollectionItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.AssetID)
	}
	return out
}
