package dam_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/storage"
)

// freshGenerationStore reports a new listing generation on every call:
// the Library then keeps nothing, which is how facets were counted before
// they were kept (every call asks the store).
type freshGenerationStore struct {
	dam.Store
	gen atomic.Int64
}

func (s *freshGenerationStore) ListingGeneration(context.Context) (int64, error) {
	return s.gen.Add(1), nil
}

// BenchmarkAssetFacets counts the facets of the library page's usual
// views over a generated SQLite library (20,000 assets;
// DAMKIT_FACET_BENCH_N to change it: kinds, media types, five creators,
// three years), side by side on one database: "every-call" through a
// Library that keeps nothing (as before facet counts were kept) and
// "kept" through one that keeps them until a write. Each reports p50 and
// p99 per call.
//
//	go test ./dam -run '^$' -bench AssetFacets -benchtime 200x
func BenchmarkAssetFacets(b *testing.B) {
	n := 20_000
	if v := os.Getenv("DAMKIT_FACET_BENCH_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(b, err)
	}
	ctx := b.Context()
	st, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
	require.NoError(b, err)
	defer st.Close()
	bucket, err := storage.Open(ctx, "mem://")
	require.NoError(b, err)
	defer bucket.Close()
	kept := dam.New(st, bucket, nil, nil, nil)
	everyCall := dam.New(&freshGenerationStore{Store: st}, bucket, nil, nil, nil)
	owner, _, err := kept.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(b, err)
	types := []struct {
		kind dam.MediaKind
		mt   string
	}{{dam.MediaImage, "image/jpeg"}, {dam.MediaImage, "image/png"}, {dam.MediaVideo, "video/mp4"},
		{dam.MediaDocument, "application/pdf"}, {dam.MediaAudio, "audio/mpeg"}}
	creators := []string{"Jane Doe", "Ann Lee", "Bo Chen", "Kim Park", "Ola Berg"}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * 3 * 365 * 24 * time.Hour / time.Duration(n))
		id := dam.NewID(at)
		t := types[i%len(types)]
		name := fmt.Sprintf("harbour-%06d.bin", i)
		if i%3 == 0 {
			name = fmt.Sprintf("dunes-%06d.bin", i)
		}
		a := dam.Asset{ID: id, Name: name, Domain: dam.DefaultDomain, Kind: t.kind,
			Meta:         dam.Metadata{Fields: map[string]string{dam.FacetCreatorField: creators[i%len(creators)]}},
			Availability: dam.Available, Protection: dam.Inherit, CreatedBy: "u1", CreatedAt: at, UpdatedBy: "u1", UpdatedAt: at,
			Current: dam.Version{AssetID: id, Number: 1, SHA256: fmt.Sprintf("%064x", i), Size: int64(1000 + i), MediaType: t.mt,
				Width: 640, Height: 480, OriginalName: name, CreatedBy: "u1", CreatedAt: at}}
		require.NoError(b, st.CreateAsset(ctx, a))
	}
	as := dam.WithActor(ctx, owner.Actor())
	for _, v := range []struct {
		name string
		q    dam.AssetQuery
	}{
		{"all", dam.AssetQuery{}},
		{"kind", dam.AssetQuery{Kind: dam.MediaImage}},
		{"word", dam.AssetQuery{Text: "harbour"}},
	} {
		for _, lib := range []struct {
			name string
			lib  *dam.Library
		}{{"every-call", everyCall}, {"kept", kept}} {
			b.Run(v.name+"/"+lib.name, func(b *testing.B) {
				var times []time.Duration
				for b.Loop() {
					t0 := time.Now()
					f, err := lib.lib.AssetFacets(as, v.q)
					times = append(times, time.Since(t0))
					if err != nil || len(f.Kinds) == 0 {
						b.Fatalf("facets %+v: %v", f, err)
					}
				}
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
