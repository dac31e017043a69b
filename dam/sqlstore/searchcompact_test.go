package sqlstore

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// putVarint appends v in SQLite's varint format (sqliteVarint's inverse).
func putVarint(b []byte, v uint64) []byte {
	if v > 1<<56-1 {
		var out [9]byte
		out[8] = byte(v)
		v >>= 8
		for k := 7; k >= 0; k-- {
			out[k] = byte(v&0x7f) | 0x80
			v >>= 7
		}
		return append(b, out[:]...)
	}
	var rev []byte
	rev = append(rev, byte(v&0x7f))
	for v >>= 7; v > 0; v >>= 7 {
		rev = append(rev, byte(v&0x7f)|0x80)
	}
	for k := len(rev) - 1; k >= 0; k-- {
		b = append(b, rev[k])
	}
	return b
}

func TestSQLiteVarint(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 300, 1 << 20, 1<<56 - 1, 1 << 56, 1<<63 + 12345, 1<<64 - 1} {
		b := putVarint(nil, v)
		got, n := sqliteVarint(b)
		assert.Equal(t, v, got, "%d", v)
		assert.Equal(t, len(b), n, "%d", v)
		_, n = sqliteVarint(b[:len(b)-1])
		assert.Zero(t, n, "%d cut short", v)
	}
}

// structureRecord builds an FTS5 structure record of levels, each a merge
// count and its segments' (first, last) pages, in format V1 or V2.
func structureRecord(v2 bool, levels []struct {
	merge uint64
	segs  [][2]uint64
}) []byte {
	b := binary.BigEndian.AppendUint32(nil, 7) // the cookie
	if v2 {
		b = append(b, ftsStructureV2...)
	}
	n := 0
	for _, l := range levels {
		n += len(l.segs)
	}
	b = putVarint(b, uint64(len(levels)))
	b = putVarint(b, uint64(n))
	b = putVarint(b, 1000) // writes
	id := uint64(1)
	for _, l := range levels {
		b = putVarint(b, l.merge)
		b = putVarint(b, uint64(len(l.segs)))
		for _, s := range l.segs {
			b = putVarint(putVarint(putVarint(b, id), s[0]), s[1])
			if v2 {
				for k := range 5 {
					b = putVarint(b, uint64(k*1000))
				}
			}
			id++
		}
	}
	return b
}

// The structure record parser reads both formats, says a record that does
// not add up is bad, and never panics on any bytes.
func TestParseFTSStructure(t *testing.T) {
	type level = struct {
		merge uint64
		segs  [][2]uint64
	}
	levels := []level{{0, [][2]uint64{{1, 17}}}, {2, [][2]uint64{{1, 58}, {5, 58}, {1, 3000}}}, {0, nil},
		{0, [][2]uint64{{1, 47771}}}}
	for _, v2 := range []bool{false, true} {
		rec := structureRecord(v2, levels)
		st, err := parseFTSStructure(rec)
		require.NoError(t, err, "v2 %v", v2)
		assert.Equal(t, []int{17, 58, 54, 3000, 47771}, st.pages, "v2 %v", v2)
		assert.True(t, st.merging, "v2 %v", v2)
		for cut := range len(rec) {
			_, err := parseFTSStructure(rec[:cut])
			assert.Error(t, err, "v2 %v, cut at %d of %d", v2, cut, len(rec))
		}
	}
	one, err := parseFTSStructure(structureRecord(false, []level{{0, nil}, {0, [][2]uint64{{1, 182053}}}}))
	require.NoError(t, err)
	assert.Equal(t, ftsStructure{pages: []int{182053}}, one)
	assert.False(t, one.fragmented(compactShare))

	// Ten segments as automerge leaves 1,000,000 documents: fragmented.
	ten, err := parseFTSStructure(structureRecord(false, []level{{0, [][2]uint64{{1, 17}}},
		{0, [][2]uint64{{1, 58}, {1, 58}}}, {0, [][2]uint64{{1, 3034}}},
		{0, [][2]uint64{{1, 11993}, {1, 11999}, {1, 11984}}}, {0, [][2]uint64{{1, 47771}, {1, 47788}, {1, 47805}}}}))
	require.NoError(t, err)
	assert.Len(t, ten.pages, 10)
	assert.True(t, ten.fragmented(compactShare))
	// One large segment and a little more: not yet.
	little, err := parseFTSStructure(structureRecord(false, []level{{0, [][2]uint64{{1, 900}}},
		{0, [][2]uint64{{1, 10000}}}}))
	require.NoError(t, err)
	assert.False(t, little.fragmented(compactShare))
	assert.True(t, little.fragmented(0.05))

	// Records that do not add up.
	for name, rec := range map[string][]byte{
		"more segments than said": func() []byte {
			b := structureRecord(false, []level{{0, [][2]uint64{{1, 2}}}})
			return append(b[:4], append([]byte{1, 0}, b[6:]...)...)
		}(),
		"last page before first": structureRecord(false, []level{{0, [][2]uint64{{9, 2}}}}),
		"merging more than held": structureRecord(false, []level{{3, [][2]uint64{{1, 2}}}}),
		"huge counts":            append(binary.BigEndian.AppendUint32(nil, 7), putVarint(putVarint(nil, 1<<40), 1<<40)...),
	} {
		_, err := parseFTSStructure(rec)
		assert.Error(t, err, name)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		_, _ = parseFTSStructure(b) // no panic, no huge allocation
	}
}

// An index written one asset a transaction is in several segments; the
// compaction steps merge it into one, and searches list and count the
// same before and after. The store's own goroutine compacts a fragmented
// index by itself.
func TestCompactSearch(t *testing.T) {
	s := openSQLiteT(t)
	defer s.Close()
	ctx := t.Context()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	words := []string{"river", "kingfisher", "heron", "bridge", "summer", "winter", "harbour"}
	create := func(n int) {
		for i := range n {
			at = at.Add(time.Second)
			a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("%s-%d.jpg", words[i%len(words)], i), Domain: "d",
				Kind: dam.MediaImage, Meta: dam.Metadata{Title: words[(i*3)%len(words)] + " " + words[(i*5)%len(words)],
					Keywords: []string{words[i%3]}}, CreatedAt: at, UpdatedAt: at,
				Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			if i%4 == 0 {
				a.Kind = dam.MediaVideo
			}
			require.NoError(t, s.CreateAsset(ctx, a))
		}
	}
	create(60)
	st, err := ftsIndexStructure(ctx, querier{d: s.d, db: s.r})
	require.NoError(t, err)
	require.Greater(t, len(st.pages), 1, "one transaction a document leaves several segments")

	type result struct {
		ids    []string
		facets dam.Facets
	}
	search := func() map[string]result {
		out := map[string]result{}
		for _, text := range []string{"river", "kingf", "heron -bridge", `"summer winter"`, "harbour river"} {
			q := dam.AssetQuery{Domains: []string{"d"}, Text: text, Sort: dam.SortRelevance, Limit: 100}
			as, _, err := s.Assets(ctx, q)
			require.NoError(t, err)
			f, err := s.AssetFacets(ctx, q, 20)
			require.NoError(t, err)
			var r result
			for _, a := range as {
				r.ids = append(r.ids, a.ID)
			}
			r.facets = f
			out[text] = r
		}
		return out
	}
	before := search()
	steps := 0
	for more := true; more; steps++ {
		more, err = s.compactSearchStep(ctx, 1)
		require.NoError(t, err)
		require.Less(t, steps, 10000, "compaction never ends")
	}
	st, err = ftsIndexStructure(ctx, querier{d: s.d, db: s.r})
	require.NoError(t, err)
	assert.Len(t, st.pages, 1)
	assert.False(t, st.merging)
	assert.Greater(t, steps, 1, "one page a step: several steps")
	assert.Equal(t, before, search())

	// The goroutine: more documents fragment the index again, and the
	// store compacts it by itself.
	s.packer.close()
	create(30)
	st, err = ftsIndexStructure(ctx, querier{d: s.d, db: s.r})
	require.NoError(t, err)
	require.True(t, st.fragmented(compactShare), "%v", st.pages)
	s.packer = startSearchCompactor(s, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		s.packer.mu.Lock()
		defer s.packer.mu.Unlock()
		return s.packer.passes > 0
	}, 20*time.Second, 10*time.Millisecond)
	st, err = ftsIndexStructure(ctx, querier{d: s.d, db: s.r})
	require.NoError(t, err)
	assert.Len(t, st.pages, 1)
	s.packer.mu.Lock()
	assert.NoError(t, s.packer.err)
	s.packer.mu.Unlock()

	// Writes that never pause keep adding segments: a pass still ends,
	// after its bound of steps at the latest.
	s.packer.close()
	s.packer = nil
	create(30)
	stop := make(chan struct{})
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			at = at.Add(time.Millisecond)
			a := dam.Asset{ID: dam.NewID(at), Name: fmt.Sprintf("busy-%d.jpg", i), Domain: "d", Kind: dam.MediaImage,
				Meta: dam.Metadata{Title: words[i%len(words)] + " busy"}, CreatedAt: at, UpdatedAt: at,
				Current: dam.Version{SHA256: "x", MediaType: "image/png"}}
			if err := s.CreateAsset(ctx, a); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	c := &searchCompactor{s: s, share: compactShare}
	compacted, err := c.pass(ctx)
	close(stop)
	<-wrote
	require.NoError(t, err)
	assert.True(t, compacted)
}

// BenchmarkCompactSearch compacts the full-text index of the SQLite file
// DAMKIT_COMPACT_BENCH_DB (a copy: it is rewritten) the way the store's
// goroutine does, and reports how long the writer was held a step (what a
// write may wait), the steps, and the whole compaction's wall and CPU time.
//
//	DAMKIT_COMPACT_BENCH_DB=/path/copy.db go test -run '^$' -bench CompactSearch -benchtime 1x ./dam/sqlstore/
func BenchmarkCompactSearch(b *testing.B) {
	path := os.Getenv("DAMKIT_COMPACT_BENCH_DB")
	if path == "" {
		b.Skip("DAMKIT_COMPACT_BENCH_DB names a copy of a SQLite store to compact")
	}
	s, err := Open(b.Context(), "sqlite://"+path, &Options{SearchCompactInterval: -1})
	require.NoError(b, err)
	defer s.Close()
	ctx := b.Context()
	for b.Loop() {
		st, err := ftsIndexStructure(ctx, querier{d: s.d, db: s.r})
		require.NoError(b, err)
		pages := compactStepPages
		if n, err := strconv.Atoi(os.Getenv("DAMKIT_COMPACT_STEP_PAGES")); err == nil && n > 0 {
			pages = n
		}
		var steps []float64
		start, cpu0 := time.Now(), cpuTime(b)
		for more := true; more; {
			t0 := time.Now()
			more, err = s.compactSearchStep(ctx, pages)
			require.NoError(b, err)
			took := time.Since(t0)
			steps = append(steps, float64(took.Microseconds())/1000)
			time.Sleep(compactRest * took) // as the goroutine rests
		}
		wall, cpu := time.Since(start), cpuTime(b)-cpu0
		b.Logf("the first ten steps: %v ms", steps[:min(10, len(steps))])
		slices.Sort(steps)
		b.Logf("the ten longest: %v ms", steps[max(0, len(steps)-10):])
		b.ReportMetric(float64(len(steps)), "steps")
		b.ReportMetric(steps[len(steps)/2], "step-p50-ms")
		b.ReportMetric(steps[len(steps)*99/100], "step-p99-ms")
		b.ReportMetric(steps[len(steps)-1], "step-max-ms")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.Logf("%d segments (%v pages) compacted in %d steps of %d pages: %v wall, %v CPU", len(st.pages), st.pages,
			len(steps), pages, wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	}
}
