//go:build unix

package sqlstore

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/storage"
)

// BenchmarkUploadIndexing is issue 15's ingest figure as a user meets it:
// Library.Upload of photos that carry IPTC metadata (title, caption,
// keywords, creator drawn Zipf-distributed from testdata/words.txt) into a
// SQLite + file:// library already holding 5,000 indexed assets, with the
// search document written and without it, interleaved. One op is a round
// of 10 uploads each way; the metrics are the medians of every upload's
// time and their ratio (unindexed / indexed: 1 means indexing is free).
// DAMKIT_UPLOAD_BENCH_MB sets the photos' size (default 2, a press JPEG).
//
//	go test -run '^$' -bench UploadIndexing -benchtime 10x ./dam/sqlstore/
func BenchmarkUploadIndexing(b *testing.B) {
	ctx := context.Background()
	mb := 2
	if v, err := strconv.Atoi(os.Getenv("DAMKIT_UPLOAD_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := b.TempDir()
	s, err := Open(ctx, "sqlite://"+filepath.Join(dir, "dam.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	bucket, err := storage.Open(ctx, "file://"+filepath.ToSlash(filepath.Join(dir, "blobs")))
	require.NoError(b, err)
	b.Cleanup(func() { _ = bucket.Close() })
	lib := dam.New(s, bucket, time.Now, nil, nil)
	u, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(b, err)
	owner := dam.WithActor(ctx, u.Actor())

	words := benchWords(b)
	folder := dam.Folder{ID: dam.NewID(time.Now()), Name: "Press", Domain: dam.DefaultDomain}
	require.NoError(b, s.CreateFolder(ctx, folder))
	fillSearchable(ctx, b, s, words, []string{folder.ID}, 5000)
	phrase, word := zipfWords(words, 7, 8)
	pixels := noisyPhoto(b, mb<<20)

	// photo is a JPEG of about mb MiB whose IPTC block is new each time, so
	// no two uploads share bytes (no dedup shortcut) and each has its own
	// words to index.
	photo := func() []byte {
		ds := []testimage.Dataset{{Record: 2, Number: 5, Value: phrase(4)}, {Record: 2, Number: 120, Value: phrase(20)},
			{Record: 2, Number: 80, Value: phrase(2)}}
		for range 5 {
			ds = append(ds, testimage.Dataset{Record: 2, Number: 25, Value: word()})
		}
		return testimage.WithSegments(pixels, testimage.IPTCSegment(testimage.Photoshop(0x0404, testimage.IIM(true, ds...))))
	}
	// Wall time, and the process's CPU time (user + system), which a busy
	// machine disturbs less: the upload runs on this goroutine.
	type sample struct{ wall, cpu []float64 }
	var indexed, unindexed sample
	upload := func(index bool) {
		data := photo()
		into := &unindexed
		if index {
			into = &indexed
		}
		s.skipIndex = !index
		start, cpu0 := time.Now(), cpuTime(b)
		_, err := lib.Upload(owner, bytes.NewReader(data), dam.UploadOptions{Name: strings.ReplaceAll(phrase(2), " ", "-") + ".jpg", FolderID: folder.ID})
		into.wall = append(into.wall, float64(time.Since(start).Microseconds())/1000)
		into.cpu = append(into.cpu, float64((cpuTime(b)-cpu0).Microseconds())/1000)
		s.skipIndex = false
		require.NoError(b, err)
	}
	for i := 0; b.Loop(); i++ {
		for j := range 10 {
			// Alternate which goes first, so neither always follows the other.
			first := (i+j)%2 == 0
			upload(first)
			upload(!first)
		}
	}
	wi, wu := medianOf(indexed.wall), medianOf(unindexed.wall)
	ci, cu := medianOf(indexed.cpu), medianOf(unindexed.cpu)
	b.ReportMetric(wi, "indexed-ms")
	b.ReportMetric(wu, "unindexed-ms")
	b.ReportMetric(wu/wi, "wall-ratio")
	b.ReportMetric(ci, "indexed-cpu-ms")
	b.ReportMetric(cu, "unindexed-cpu-ms")
	b.ReportMetric(cu/ci, "cpu-ratio")
	b.Logf("%d uploads of %d MiB each way, medians: wall %.2f ms indexed, %.2f unindexed (%.2f×); CPU %.2f ms indexed, %.2f unindexed (%.2f×)",
		len(indexed.wall), mb, wi, wu, wu/wi, ci, cu, cu/ci)
}

// BenchmarkIngestIndexingCPU is BenchmarkIngestIndexing with the indexed
// and unindexed CreateAsset interleaved (which goes first alternates) on
// one library, timed one by one: the metrics are the medians of each
// way's CPU time (user and system of the process, which a busy machine
// disturbs less than wall time) and wall time, and their difference, what
// indexing adds to one asset. SQLite only (PostgreSQL's work is in its
// server process).
//
//	go test -run '^$' -bench IngestIndexingCPU -benchtime 3000x ./dam/sqlstore/
func BenchmarkIngestIndexingCPU(b *testing.B) {
	ctx := b.Context()
	s, err := Open(ctx, "sqlite://"+filepath.Join(b.TempDir(), "dam.db"), nil)
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	words := benchWords(b)
	top := dam.Folder{ID: dam.NewID(time.Now()), Name: "Press", Domain: dam.DefaultDomain}
	require.NoError(b, s.CreateFolder(ctx, top))
	sub := dam.Folder{ID: dam.NewID(time.Now()), Name: "Summer 2025", Domain: dam.DefaultDomain, ParentID: top.ID}
	require.NoError(b, s.CreateFolder(ctx, sub))
	fillSearchable(ctx, b, s, words, []string{top.ID, sub.ID}, 5000)
	phrase, _ := zipfWords(words, 5, 6)
	var cpu, wall [2][]float64 // [0] unindexed, [1] indexed
	create := func(indexed bool) {
		now := time.Now()
		id := dam.NewID(now)
		a := dam.Asset{ID: id, Name: strings.ReplaceAll(phrase(2), " ", "-") + ".jpg", FolderID: sub.ID,
			Domain: dam.DefaultDomain, Kind: dam.MediaImage, CreatedAt: now, UpdatedAt: now,
			Meta: dam.Metadata{Title: phrase(4), Description: phrase(20), Keywords: strings.Fields(phrase(5)),
				Fields: map[string]string{"creator": phrase(2)}},
			Current: dam.Version{SHA256: id, MediaType: "image/jpeg", Size: 1000}}
		s.skipIndex = !indexed
		k := 0
		if indexed {
			k = 1
		}
		start, c0 := time.Now(), cpuTime(b)
		err := s.CreateAsset(ctx, a)
		cpu[k] = append(cpu[k], float64((cpuTime(b) - c0).Microseconds()))
		wall[k] = append(wall[k], float64(time.Since(start).Microseconds()))
		s.skipIndex = false
		require.NoError(b, err)
	}
	for i := 0; b.Loop(); i++ {
		create(i%2 == 0)
		create(i%2 != 0)
	}
	ci, cu := medianOf(cpu[1]), medianOf(cpu[0])
	wi, wu := medianOf(wall[1]), medianOf(wall[0])
	b.ReportMetric(ci, "indexed-cpu-us")
	b.ReportMetric(cu, "unindexed-cpu-us")
	b.ReportMetric(ci-cu, "index-cpu-us")
	b.ReportMetric(wi, "indexed-us")
	b.ReportMetric(wu, "unindexed-us")
}

// cpuTime is the user and system time this process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// noisyPhoto is a JPEG of roughly size bytes: noise compresses as little as
// a detailed photograph does, so its size follows its pixel count.
func noisyPhoto(tb testing.TB, size int) []byte {
	side := 256
	for {
		img := image.NewRGBA(image.Rect(0, 0, side*3/2, side))
		r := rand.New(rand.NewPCG(1, 2))
		for i := range img.Pix {
			img.Pix[i] = byte(r.Uint32())
		}
		var buf bytes.Buffer
		require.NoError(tb, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}))
		if buf.Len() >= size || side >= 8192 {
			return buf.Bytes()
		}
		side = side * 3 / 2
	}
}
