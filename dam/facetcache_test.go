package dam_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// facetCountingStore counts the store's facet counts.
type facetCountingStore struct {
	dam.Store
	calls atomic.Int64
}

func (s *facetCountingStore) AssetFacets(ctx context.Context, q dam.AssetQuery, limit int) (dam.Facets, error) {
	s.calls.Add(1)
	return s.Store.AssetFacets(ctx, q, limit)
}

// TestAssetFacetsAreKept: facet counts are counted once while nothing
// changes, for each query and each reach; a write shows in the very next
// counts, in this process and another; the policy filters (which facets
// ignore) share the counts of the query without them; counts that move
// with the clock (availability) are never kept.
func TestAssetFacetsAreKept(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	open := func() (*dam.Library, *facetCountingStore) {
		st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		b, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		cs := &facetCountingStore{Store: st}
		return dam.New(cs, b, func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }, nil, nil), cs
	}
	a, sa := open()
	b, sb := open()
	owner, _, err := a.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	ownerCtx := dam.WithActor(ctx, owner.Actor())
	other, _, err := a.CreateUser(ownerCtx, dam.NewUser{Email: "o@example.com", Role: dam.RoleViewer, Domains: []string{"elsewhere"}})
	require.NoError(t, err)
	otherCtx := dam.WithActor(ctx, other.Actor())
	_, err = a.Upload(ownerCtx, strings.NewReader("harbour"), dam.UploadOptions{Name: "harbour.txt"})
	require.NoError(t, err)

	kinds := func(lib *dam.Library, ctx context.Context, q dam.AssetQuery) []dam.FacetCount {
		t.Helper()
		f, err := lib.AssetFacets(ctx, q)
		require.NoError(t, err)
		return f.Kinds
	}
	docs := func(n int64) []dam.FacetCount { return []dam.FacetCount{{Value: "document", Count: n}} }
	all, searched := dam.AssetQuery{}, dam.AssetQuery{Text: "harbour"}
	yes := true
	for range 3 {
		assert.Equal(t, docs(1), kinds(a, ownerCtx, all))
		assert.Equal(t, docs(1), kinds(a, ownerCtx, searched))
		assert.Equal(t, docs(1), kinds(a, ownerCtx, dam.AssetQuery{Text: "harbour", Protected: &yes, Limit: 5, Sort: "name"}))
		assert.Empty(t, kinds(a, otherCtx, all), "another reach counts its own")
	}
	assert.Equal(t, int64(3), sa.calls.Load(), "one count per query and reach; policy filters, limit and sort share it")

	for range 2 {
		assert.Equal(t, docs(1), kinds(a, ownerCtx, dam.AssetQuery{Availability: dam.Available}))
	}
	assert.Equal(t, int64(5), sa.calls.Load(), "availability moves with the clock: counted every time")

	_, err = a.Upload(ownerCtx, strings.NewReader("harbour lights"), dam.UploadOptions{Name: "harbour-lights.txt"})
	require.NoError(t, err)
	assert.Equal(t, docs(2), kinds(a, ownerCtx, searched), "an upload shows at once")
	assert.Equal(t, docs(2), kinds(b, ownerCtx, searched), "and in another process")
	assert.Equal(t, int64(1), sb.calls.Load())
	assert.Equal(t, docs(2), kinds(b, ownerCtx, searched))
	assert.Equal(t, int64(1), sb.calls.Load(), "the other process keeps its counts too")

	_, err = a.AssetFacets(ownerCtx, dam.AssetQuery{Text: `"open`})
	assert.Equal(t, dam.Invalid, dam.KindOf(err), "the query is still checked on every call")
}
