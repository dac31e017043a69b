package dam_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// listedPage is what encodePage makes: the page as the test reads it.
type listedPage struct {
	Names  []string
	Titles []string
	Next   string
}

// encodePage is an encoder for EncodedAssets that counts its calls.
func encodePage(calls *atomic.Int64) func([]dam.Asset, string) ([]byte, error) {
	return func(as []dam.Asset, next string) ([]byte, error) {
		calls.Add(1)
		p := listedPage{Next: next}
		for _, a := range as {
			p.Names = append(p.Names, a.Name)
			p.Titles = append(p.Titles, a.Meta.Title)
		}
		return json.Marshal(p)
	}
}

func listed(t *testing.T, lib *dam.Library, ctx context.Context, q dam.AssetQuery, calls *atomic.Int64) listedPage {
	t.Helper()
	b, err := lib.EncodedAssets(ctx, q, "test", encodePage(calls))
	require.NoError(t, err)
	var p listedPage
	require.NoError(t, json.Unmarshal(b, &p))
	return p
}

// TestEncodedAssetsFollowsEveryChange: a page is encoded once while
// nothing changes, and every kind of change to what it shows or selects
// shows on the very next call, in the process that made it and in another
// one on the same database (two Libraries stand for two processes).
func TestEncodedAssetsFollowsEveryChange(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	open := func() *dam.Library {
		st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		return dam.New(st, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil, nil)
	}
	a, b := open(), open()
	owner, _, err := a.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	ownerCtx := dam.WithActor(ctx, owner.Actor())
	first, err := a.Upload(ownerCtx, strings.NewReader("one"), dam.UploadOptions{Name: "one.txt"})
	require.NoError(t, err)
	folder, err := a.CreateFolder(ownerCtx, "Press", "", "")
	require.NoError(t, err)

	var calls atomic.Int64
	q := dam.AssetQuery{Limit: 10, Sort: "name"}
	inFolder := dam.AssetQuery{Limit: 10, FolderID: &folder.ID}
	searched := dam.AssetQuery{Limit: 10, Text: "harbour"}
	for _, lib := range []*dam.Library{a, b} {
		for _, q := range []dam.AssetQuery{q, inFolder, searched} {
			listed(t, lib, ownerCtx, q, &calls)
		}
	}
	encoded := calls.Load()
	for _, lib := range []*dam.Library{a, b} {
		assert.Equal(t, []string{"one.txt"}, listed(t, lib, ownerCtx, q, &calls).Names)
	}
	assert.Equal(t, encoded, calls.Load(), "unchanged pages come from memory")

	var second dam.Asset
	var cat dam.Category
	for _, tc := range []struct {
		name   string
		change func(t *testing.T)
		q      dam.AssetQuery
		want   func(p listedPage) bool
	}{
		{"upload", func(t *testing.T) {
			second, err = a.Upload(ownerCtx, strings.NewReader("two"), dam.UploadOptions{Name: "two.txt"})
			require.NoError(t, err)
		}, q, func(p listedPage) bool { return len(p.Names) == 2 }},
		{"edit a title", func(t *testing.T) {
			title := "Harbour at dawn"
			_, err := a.EditAsset(ownerCtx, first.ID, dam.AssetPatch{Title: &title})
			require.NoError(t, err)
		}, q, func(p listedPage) bool { return p.Titles[0] == "Harbour at dawn" }},
		{"search finds the new title", func(*testing.T) {}, searched, func(p listedPage) bool {
			return len(p.Names) == 1 && p.Names[0] == "one.txt"
		}},
		{"move into a folder", func(t *testing.T) {
			_, err := a.EditAsset(ownerCtx, second.ID, dam.AssetPatch{FolderID: &folder.ID})
			require.NoError(t, err)
		}, inFolder, func(p listedPage) bool { return len(p.Names) == 1 && p.Names[0] == "two.txt" }},
		{"note found by search", func(t *testing.T) {
			_, err := a.AddNote(ownerCtx, second.ID, "harbour lights")
			require.NoError(t, err)
		}, searched, func(p listedPage) bool { return len(p.Names) == 2 }},
		{"category", func(t *testing.T) {
			cat, err = a.CreateCategory(ownerCtx, "Boats", "")
			require.NoError(t, err)
			_, err = a.AddToCategory(ownerCtx, cat.ID, []string{first.ID})
			require.NoError(t, err)
		}, dam.AssetQuery{Limit: 10}, func(p listedPage) bool { return true }},
		{"trash", func(t *testing.T) { require.NoError(t, a.Delete(ownerCtx, first.ID)) }, q,
			func(p listedPage) bool { return len(p.Names) == 1 && p.Names[0] == "two.txt" }},
		{"restore", func(t *testing.T) {
			_, err := a.Restore(ownerCtx, first.ID)
			require.NoError(t, err)
		}, q, func(p listedPage) bool { return len(p.Names) == 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			for name, lib := range map[string]*dam.Library{"same process": a, "other process": b} {
				p := listed(t, lib, ownerCtx, tc.q, &calls)
				assert.True(t, tc.want(p), "%s sees the change at once: %+v", name, p)
			}
		})
	}
	inCat := dam.AssetQuery{Limit: 10, CategoryID: cat.ID}
	assert.Equal(t, []string{"one.txt"}, listed(t, b, ownerCtx, inCat, &calls).Names)
	_, err = a.RemoveFromCategory(ownerCtx, cat.ID, []string{first.ID})
	require.NoError(t, err)
	assert.Empty(t, listed(t, b, ownerCtx, inCat, &calls).Names, "a membership removed shows at once")
}

// TestEncodedAssetsKeepsReach: callers of different domains share no page,
// and a caller's page holds only what it reaches, however the cache was
// filled; checks of the query still run on every call.
func TestEncodedAssetsKeepsReach(t *testing.T) {
	f := newFixture(t, nil)
	inA := f.user(t, "a@example.com", dam.RoleEditor, "a")
	inB := f.user(t, "b@example.com", dam.RoleEditor, "b")
	inBoth := f.user(t, "ab@example.com", dam.RoleViewer, "b", "a")
	f.upload(t, inA, "a.txt", "in a")
	f.upload(t, inB, "b.txt", "in b")

	var calls atomic.Int64
	q := dam.AssetQuery{Limit: 10, Sort: "name"}
	for range 2 {
		assert.Equal(t, []string{"a.txt"}, listed(t, f.lib, inA, q, &calls).Names)
		assert.Equal(t, []string{"b.txt"}, listed(t, f.lib, inB, q, &calls).Names)
		assert.Equal(t, []string{"a.txt", "b.txt"}, listed(t, f.lib, inBoth, q, &calls).Names)
	}
	assert.EqualValues(t, 3, calls.Load(), "one page per set of domains")

	_, err := f.lib.EncodedAssets(context.Background(), q, "test", encodePage(&calls))
	assert.Equal(t, dam.Unauthenticated.String(), dam.KindOf(err).String(), "no actor, no page")
	_, err = f.lib.EncodedAssets(inA, dam.AssetQuery{Sort: "nonsense"}, "test", encodePage(&calls))
	assert.Equal(t, dam.Invalid.String(), dam.KindOf(err).String(), "a bad query is refused before the cache")
	other, err := f.lib.CreateCollection(inB, "B picks", "")
	require.NoError(t, err)
	_, err = f.lib.EncodedAssets(inA, dam.AssetQuery{CollectionID: other.ID}, "test", encodePage(&calls))
	assert.Equal(t, dam.NotFound.String(), dam.KindOf(err).String(), "another's collection stays out of reach")
}

// TestEncodedAssetsConcurrentCallersShareOneRead: callers asking for one
// page at once all get it; at most a few read it.
func TestEncodedAssetsConcurrentCallersShareOneRead(t *testing.T) {
	f := newFixture(t, nil)
	for i := range 5 {
		f.upload(t, f.owner, fmt.Sprintf("%d.txt", i), fmt.Sprint(i))
	}
	var calls atomic.Int64
	var wg sync.WaitGroup
	pages := make([]listedPage, 16)
	for i := range pages {
		wg.Go(func() {
			b, err := f.lib.EncodedAssets(f.owner, dam.AssetQuery{Limit: 3}, "test", encodePage(&calls))
			if assert.NoError(t, err) {
				assert.NoError(t, json.Unmarshal(b, &pages[i]))
			}
		})
	}
	wg.Wait()
	for _, p := range pages {
		assert.Equal(t, pages[0], p)
		assert.Len(t, p.Names, 3)
		assert.NotEmpty(t, p.Next)
	}
	assert.EqualValues(t, 1, calls.Load(), "one read for every caller of one generation")
}

// TestEncodedAssetsEncoderErrorIsNotKept: a failed encoding is returned
// and the next call encodes again.
func TestEncodedAssetsEncoderErrorIsNotKept(t *testing.T) {
	f := newFixture(t, nil)
	f.upload(t, f.owner, "a.txt", "a")
	fail := func([]dam.Asset, string) ([]byte, error) { return nil, fmt.Errorf("encoder broke") }
	_, err := f.lib.EncodedAssets(f.owner, dam.AssetQuery{}, "test", fail)
	require.ErrorContains(t, err, "encoder broke")
	var calls atomic.Int64
	assert.Equal(t, []string{"a.txt"}, listed(t, f.lib, f.owner, dam.AssetQuery{}, &calls).Names)
}
