package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var versionTests = []test{
	{"AddVersion", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		v1 := a.Current
		a.Name = "a.pdf"
		a.Meta.Title = "now a PDF"
		a.UpdatedBy, a.UpdatedAt = "u2", f.tick()
		v := f.version("second")
		v.MediaType = "application/pdf"
		v.Number = 99 // ignored: the store numbers versions
		n, err := f.s.AddVersion(f.ctx, a, v)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		v.AssetID, v.Number = a.ID, 2
		a.Current = v
		a.Kind = dam.MediaDocument // the kind follows the current version
		got, err := f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, got)
		vs, err := f.s.Versions(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, []dam.Version{v1, v}, vs)

		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 2)
		require.NoError(t, err)
		got, err = f.s.Asset(f.ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, dam.MediaImage, got.Kind, "back to the first version's kind")
		assert.Equal(t, v1, got.Current)
	}},
	{"CaptureFollowsTheCurrentVersion", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		old := time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)
		q := dam.AssetQuery{Domains: []string{f.domain}, CapturedTo: old.AddDate(1, 0, 0)}
		assert.Empty(t, f.listAll(q), "captured when created")
		v := f.version("second")
		v.Embedded = &dam.Embedded{CapturedAt: &old}
		_, err := f.s.AddVersion(f.ctx, a, v)
		require.NoError(t, err)
		assert.Equal(t, []string{a.ID}, f.listAll(q), "captured when the new version says")
		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 2)
		require.NoError(t, err)
		assert.Empty(t, f.listAll(q), "back to the first version's")
	}},
	{"AddVersionRefusals", func(t *testing.T, f *fixture) {
		_, err := f.s.AddVersion(f.ctx, f.newAsset("", "missing.jpg"), f.version("x"))
		requireKind(t, dam.NotFound, err)
		a := f.asset("", "a.jpg")
		f.trash(a.ID)
		_, err = f.s.AddVersion(f.ctx, a, f.version("y"))
		requireKind(t, dam.NotFound, err)
		b := f.asset("", "b.jpg")
		b.FolderID = f.id()
		_, err = f.s.AddVersion(f.ctx, b, f.version("z"))
		requireKind(t, dam.NotFound, err)
		vs, err := f.s.Versions(f.ctx, b.ID)
		require.NoError(t, err)
		assert.Len(t, vs, 1, "a refused version leaves nothing behind")
		_, err = f.s.Versions(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"NumbersAreNotReused", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		for want := 2; want <= 3; want++ {
			n, err := f.s.AddVersion(f.ctx, a, f.version("v"+string(rune('0'+want))))
			require.NoError(t, err)
			require.Equal(t, want, n)
		}
		_, _, err := f.s.DeleteVersion(f.ctx, a.ID, 3)
		require.NoError(t, err)
		n, err := f.s.AddVersion(f.ctx, a, f.version("v4"))
		require.NoError(t, err)
		assert.Equal(t, 4, n)
		assert.Equal(t, []int{1, 2, 4}, f.versionNumbers(a.ID))
	}},
	{"DeleteVersion", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		var added []dam.Version
		for _, content := range []string{"v2", "v3"} {
			v := f.version(content)
			n, err := f.s.AddVersion(f.ctx, a, v)
			require.NoError(t, err)
			v.AssetID, v.Number = a.ID, n
			added = append(added, v)
		}
		inUse, sum, err := f.s.DeleteVersion(f.ctx, a.ID, 2)
		require.NoError(t, err)
		assert.False(t, inUse)
		assert.Equal(t, added[0].SHA256, sum)
		assert.Equal(t, 3, f.current(a.ID).Number, "deleting another version keeps the current one")

		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 3)
		require.NoError(t, err)
		assert.Equal(t, a.Current, f.current(a.ID), "the newest left becomes current")

		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 1)
		requireKind(t, dam.FailedPrecondition, err)
		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 7)
		requireKind(t, dam.NotFound, err)
		_, _, err = f.s.DeleteVersion(f.ctx, f.id(), 1)
		requireKind(t, dam.NotFound, err)
		assert.Equal(t, []int{1}, f.versionNumbers(a.ID))
	}},
	{"DeleteVersionSharedBlob", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		b := f.asset("", "b.jpg")
		_, err := f.s.AddVersion(f.ctx, a, b.Current) // same bytes as b's first version
		require.NoError(t, err)
		inUse, sum, err := f.s.DeleteVersion(f.ctx, a.ID, 2)
		require.NoError(t, err)
		assert.True(t, inUse, "b still references the blob")
		assert.Equal(t, b.Current.SHA256, sum)
	}},
	{"DeleteVersionOfTrashedAsset", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		_, err := f.s.AddVersion(f.ctx, a, f.version("v2"))
		require.NoError(t, err)
		f.trash(a.ID)
		_, _, err = f.s.DeleteVersion(f.ctx, a.ID, 1)
		requireKind(t, dam.NotFound, err)
	}},
	{"ConcurrentAddVersion", func(t *testing.T, f *fixture) {
		a := f.asset("", "a.jpg")
		const writers = 16
		numbers := make([]int, writers)
		errs := make([]error, writers)
		versions := make([]dam.Version, writers)
		for i := range versions {
			versions[i] = f.version("concurrent" + string(rune('a'+i)))
		}
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() { numbers[i], errs[i] = f.s.AddVersion(f.ctx, a, versions[i]) })
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		slices.Sort(numbers)
		var want []int
		for n := 2; n <= writers+1; n++ {
			want = append(want, n)
		}
		assert.Equal(t, want, numbers, "every addition got its own number")
		assert.Equal(t, append([]int{1}, want...), f.versionNumbers(a.ID))
		assert.Equal(t, writers+1, f.current(a.ID).Number)
	}},
}

func (f *fixture) versionNumbers(assetID string) []int {
	f.t.Helper()
	vs, err := f.s.Versions(f.ctx, assetID)
	require.NoError(f.t, err)
	var out []int
	for _, v := range vs {
		out = append(out, v.Number)
	}
	return out
}

func (f *fixture) current(assetID string) dam.Version {
	f.t.Helper()
	a, err := f.s.Asset(f.ctx, assetID)
	require.NoError(f.t, err)
	return a.Current
}
