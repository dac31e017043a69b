package policy_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/damkit/damkit/policy"
)

// benchLibrary is a 20-level tree of 2,000 folders, 10,000 assets spread over
// it, and a viewer holding 200 grants.
type benchLibrary struct {
	rows   []policy.Folder
	tree   *policy.Tree
	assets []policy.Asset
	in     policy.Input
}

func newBenchLibrary(b *testing.B) *benchLibrary {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	const folders, levels, assets = 2000, 20, 10000
	lib := &benchLibrary{}
	// Folders 0..19 form a chain, so the tree is 20 deep; the rest hang
	// below a random folder that is less than 19 levels down.
	depth := make([]int, folders)
	for i := range folders {
		f := policy.Folder{ID: fmt.Sprintf("f%04d", i)}
		switch {
		case i == 0:
		case i < levels:
			f.ParentID, depth[i] = lib.rows[i-1].ID, i
		default:
			p := rng.IntN(i)
			for depth[p] >= levels-1 {
				p = rng.IntN(i)
			}
			f.ParentID, depth[i] = lib.rows[p].ID, depth[p]+1
		}
		if rng.IntN(10) == 0 {
			f.Protection = policy.Setting(1 + rng.IntN(2))
		}
		lib.rows = append(lib.rows, f)
	}
	tree, err := policy.NewTree(lib.rows)
	if err != nil {
		b.Fatal(err)
	}
	lib.tree = tree
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	var grants []policy.Grant
	for i := range assets {
		a := policy.Asset{
			ID: fmt.Sprintf("a%05d", i), FolderID: lib.rows[rng.IntN(folders)].ID,
			Domain: "d", Kind: policy.KindImage, Available: true,
		}
		if rng.IntN(20) == 0 {
			a.Protection = policy.Protected
		}
		if i%50 == 0 {
			grants = append(grants, policy.Grant{ID: fmt.Sprintf("g%d", i), ActorID: "u1", AssetID: a.ID,
				From: now.Add(-time.Hour), Until: now.Add(time.Hour)})
		}
		lib.assets = append(lib.assets, a)
	}
	lib.in = policy.Input{
		Action:   policy.ActionDownload,
		Actor:    policy.Actor{ID: "u1", Role: policy.RoleViewer, Domains: []string{"x", "d"}},
		Settings: policy.Settings{ProtectByDefault: true, ShowWatermarks: true},
		Tree:     tree,
		Grants:   policy.IndexGrants(grants),
		Now:      now,
	}
	return lib
}

// cpuMeter starts counting CPU time; its result reports CPU time per
// operation divided by per, as metric unit.
func cpuMeter(b *testing.B) func(unit string, per float64) {
	start, ok := cpuNanos()
	return func(unit string, per float64) {
		end, ok2 := cpuNanos()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N)/per, unit)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	lib := newBenchLibrary(b)
	in := lib.in
	b.ReportAllocs()
	b.ResetTimer()
	report := cpuMeter(b)
	var allowed, j int
	for b.Loop() {
		in.Asset = lib.assets[j]
		if j++; j == len(lib.assets) {
			j = 0
		}
		if policy.Decide(in).Allowed {
			allowed++
		}
	}
	report("cpu-ns/op", 1)
	if allowed == 0 {
		b.Fatal("the benchmark library allows nothing")
	}
}

func BenchmarkFilter10k(b *testing.B) {
	lib := newBenchLibrary(b)
	dst := make([]policy.Decision, 0, len(lib.assets))
	b.ReportAllocs()
	b.ResetTimer()
	report := cpuMeter(b)
	for b.Loop() {
		dst = policy.Filter(lib.in, lib.assets, dst[:0])
	}
	report("cpu-ns/op", 1)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lib.assets)), "ns/asset")
}

// BenchmarkTreeUpdateSetting flips the setting of the top folder, which
// re-resolves every folder below it that inherits.
func BenchmarkTreeUpdateSetting(b *testing.B) {
	lib := newBenchLibrary(b)
	top := lib.rows[0]
	b.ReportAllocs()
	b.ResetTimer()
	report := cpuMeter(b)
	defer report("cpu-ns/op", 1)
	for i := 0; b.Loop(); i++ {
		f := top
		f.Protection = policy.Setting(i % 3)
		if _, err := lib.tree.Update(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTreeUpdateMove moves a folder high up the 20-level chain, with
// most of the tree below it, between its ancestors.
func BenchmarkTreeUpdateMove(b *testing.B) {
	lib := newBenchLibrary(b)
	moved := lib.rows[5]
	b.ReportAllocs()
	b.ResetTimer()
	report := cpuMeter(b)
	defer report("cpu-ns/op", 1)
	for i := 0; b.Loop(); i++ {
		f := moved
		f.ParentID = lib.rows[i%5].ID
		if _, err := lib.tree.Update(f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewTree(b *testing.B) {
	lib := newBenchLibrary(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := policy.NewTree(lib.rows); err != nil {
			b.Fatal(err)
		}
	}
}
