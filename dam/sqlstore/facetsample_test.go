package sqlstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestFacetSample: above the threshold of matches, facets are estimated
// from a stratified sample (Approximate, counts near the true ones, the
// years of the whole history); at or below it, or when the filters keep
// too few sampled matches to scale, they are exact.
func TestFacetSample(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		s.facetSample = 160 // 16 strata of 10
		folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Small", Domain: "d"}
		require.NoError(t, s.CreateFolder(ctx, folder))
		// 800 assets over four years, 200 a year, newest last; every
		// fourth a document, the rest images; the first 20 of 2022 in the
		// folder; "rare" in 10 of them, "video" the kind of 5.
		at := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 800 {
			at = at.Add(4 * 365 * 24 * time.Hour / 800)
			kind := dam.MediaImage
			switch {
			case i%4 == 0:
				kind = dam.MediaDocument
			case i%160 == 1:
				kind = dam.MediaVideo
			}
			desc := "zebra"
			if i%80 == 0 {
				desc += " rare"
			}
			a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("a%d.jpg", i), Domain: "d", Kind: kind,
				Meta:      dam.Metadata{Description: desc, Fields: map[string]string{dam.FacetCreatorField: []string{"Ann", "Bo"}[i%2]}},
				CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			if i >= 200 && i < 220 {
				a.FolderID = folder.ID
			}
			require.NoError(t, s.CreateAsset(ctx, a))
		}
		near := func(t *testing.T, want int64, got []dam.FacetCount, value string) {
			t.Helper()
			for _, c := range got {
				if c.Value == value {
					assert.InEpsilon(t, want, c.Count, 0.25, "%s: %d, want about %d", value, c.Count, want)
					return
				}
			}
			t.Errorf("no count for %s in %v", value, got)
		}
		// SQLite samples a search of up to facetScan thresholds of
		// matches in one pass, and by ranges above.
		for _, scan := range []int{scanSample, 1} {
			s.facetScan = scan
			for _, text := range []string{"zebra", `"zebra"`, ""} { // a search (prefix, word), and a listing
				f, err := s.AssetFacets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: text}, 20)
				require.NoError(t, err)
				if text == "" && !s.d.postgres {
					// SQLite keeps a plain listing's counts (facetcounts.go).
					assert.False(t, f.Approximate, "kept counts are exact")
					assert.Equal(t, []dam.FacetCount{{Value: "image", Count: 595}, {Value: "document", Count: 200},
						{Value: "video", Count: 5}}, f.Kinds)
				} else {
					assert.True(t, f.Approximate, "%q: 800 matches, above 160", text)
				}
				near(t, 600, f.Kinds, "image")
				near(t, 200, f.Kinds, "document")
				for _, y := range []string{"2021", "2022", "2023", "2024"} {
					near(t, 200, f.Years, y)
				}
				near(t, 400, f.Creators, "Ann")
				near(t, 400, f.Creators, "Bo")
			}
		}
		for _, tc := range []struct {
			name string
			q    dam.AssetQuery
			want []dam.FacetCount
		}{
			{"few matches", dam.AssetQuery{Text: "rare"}, []dam.FacetCount{{Value: "document", Count: 10}}},
			{"filters keep few sampled", dam.AssetQuery{Text: "zebra", Kind: dam.MediaVideo},
				[]dam.FacetCount{{Value: "video", Count: 5}}},
			{"a folder", dam.AssetQuery{FolderID: &folder.ID},
				[]dam.FacetCount{{Value: "image", Count: 15}, {Value: "document", Count: 5}}},
		} {
			tc.q.Domains = []string{"d"}
			f, err := s.AssetFacets(ctx, tc.q, 20)
			require.NoError(t, err, tc.name)
			assert.False(t, f.Approximate, tc.name)
			assert.Equal(t, tc.want, f.Kinds, tc.name)
		}
	})
}

func TestIDSpace(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"01m8z20r13se2xexe2sk8w9vfa", "01m8z20r13se2xexe2sk8w9vgz"}, // one millisecond
		{"01etsz6400000000000000000a", "01m8z20r13se2xexe2sk8w9vfa"}, // years apart
		{"01m8z20r13se2xexe2sk8w9vfa", "01m8z20r13se2xexe2sk8w9vfa"}, // one ID
	} {
		sp := newIDSpace(tc.a, tc.b)
		a, b := sp.number(tc.a), sp.number(tc.b)
		require.LessOrEqual(t, a, b)
		assert.LessOrEqual(t, sp.at(a), tc.a)
		assert.Greater(t, sp.at(b+1), tc.b)
		if b-a > 1 {
			mid := sp.at(a + (b-a)/2)
			assert.Less(t, tc.a, mid)
			assert.Less(t, mid, tc.b)
		}
		assert.Len(t, sp.at(a), 26)
	}
}

// TestFacetSampleBulkImport: IDs made in one burst (a bulk import: the
// same millisecond, random after it) sit packed at one end of their
// stratum, which an estimate by the width of the ID range took for a
// sparse range and scaled by billions. The counts stay within the library.
func TestFacetSampleBulkImport(t *testing.T) {
	onEngines(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		s.facetSample = 160
		old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 801 {
			at := now
			if i == 0 {
				at = old // one asset long before the burst
			}
			a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("b%d.jpg", i), Domain: "d", Kind: dam.MediaImage,
				Meta: dam.Metadata{Description: "zebra"}, CreatedAt: at, UpdatedAt: at, Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			require.NoError(t, s.CreateAsset(ctx, a))
		}
		for _, text := range []string{"", "zebra"} {
			f, err := s.AssetFacets(ctx, dam.AssetQuery{Domains: []string{"d"}, Text: text}, 20)
			require.NoError(t, err)
			require.Len(t, f.Kinds, 1)
			assert.LessOrEqual(t, f.Kinds[0].Count, int64(801), "%q: never more than the library holds", text)
			assert.GreaterOrEqual(t, f.Kinds[0].Count, int64(400), "%q: about the 801 there are", text)
		}
	})
}

// The bounds of a sample's key ranges are read from the ends of an index,
// not by scanning every row (min and max in one aggregate query scan).
func TestSampleBoundsReadIndexEnds(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	for _, q := range []string{docBounds, sqliteIDBounds} {
		plan := strings.Join(queryPlan(t, s, q), "\n")
		assert.NotContains(t, strings.ReplaceAll(plan, "SCAN CONSTANT ROW", ""), "SCAN", q+"\n"+plan)
	}
	plan := strings.Join(queryPlan(t, s, "SELECT min(doc), max(doc) FROM search_docs"), "\n")
	assert.Contains(t, plan, "SCAN search_docs", "both at once scan (this test's premise):\n"+plan)
}
