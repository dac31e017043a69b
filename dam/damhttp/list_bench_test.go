//go:build unix

package damhttp_test

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/sqlstore"
	"github.com/damkit/damkit/internal/testimage"
)

// BenchmarkListAssetsCold answers GET /api/v1/assets?limit=100 over 2,000
// assets (titles, keywords, custom fields, two categories each) on SQLite,
// through the handler without a network, each time after a write, so the
// listing cache never holds the page: the store's read and the encoding,
// as the first reader after any change pays them. The write is outside
// the timer. "warm" answers the same page from the listing cache.
//
//	go test ./dam/damhttp -run '^$' -bench ListAssetsCold -count 6 -cpuprofile cpu.out
//
// With LIST_BENCH_POSTGRES=1 under bench/sqlstore/with-postgres.sh it runs
// on that (empty) PostgreSQL database instead.
func BenchmarkListAssetsCold(b *testing.B) {
	ctx := b.Context()
	dir := b.TempDir()
	storeURL := "sqlite://" + filepath.Join(dir, "dam.db")
	if url := os.Getenv("DAMKIT_POSTGRES_URL"); url != "" && os.Getenv("LIST_BENCH_POSTGRES") == "1" {
		storeURL = url // an empty database: bench/sqlstore/with-postgres.sh makes one each run
	}
	lib, err := dam.Open(ctx, dam.Config{
		StoreURL:  storeURL,
		BucketURL: "file://" + filepath.ToSlash(filepath.Join(dir, "blobs")),
		OpenStore: func(ctx context.Context, url string) (dam.Store, error) { return sqlstore.Open(ctx, url, nil) },
	})
	require.NoError(b, err)
	defer lib.Close()
	u, key, err := lib.CreateUser(ctx, dam.NewUser{Email: "owner@example.com", Role: dam.RoleOwner})
	require.NoError(b, err)
	actx := dam.WithActor(ctx, u.Actor())
	a, err := lib.Upload(actx, bytes.NewReader(benchPhoto(b)), dam.UploadOptions{Name: "photo.jpg"})
	require.NoError(b, err)
	c1, err := lib.CreateCategory(actx, "Press", "")
	require.NoError(b, err)
	c2, err := lib.CreateCategory(actx, "Summer <2026> & more", "")
	require.NoError(b, err)
	start := time.Now().Add(-time.Hour)
	for i := range 2000 {
		at := start.Add(time.Duration(i) * time.Millisecond)
		c := a
		c.ID = dam.NewID(at)
		c.Name = fmt.Sprintf("image-%06d.jpg", i)
		c.Meta = dam.Metadata{Title: fmt.Sprintf("Harbour at dawn, take %d", i), Description: "Boats leaving the harbour — \"early\" light",
			Keywords: []string{"harbour", "boats", "dawn"}, Fields: map[string]string{"photographer": "Ana Müller", "job": fmt.Sprint(i % 17)}}
		c.CreatedAt, c.UpdatedAt, c.Current.CreatedAt = at, at, at
		c.Categories = []string{c1.ID, c2.ID}
		require.NoError(b, lib.Store().CreateAsset(ctx, c))
	}
	srv := damhttp.New(lib, nil)
	get := func(b *testing.B) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/assets?limit=100", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	title := "Renamed"
	b.Run("cold", func(b *testing.B) {
		n := 0
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			n++
			title = fmt.Sprint("Renamed ", n)
			_, err := lib.EditAsset(actx, a.ID, dam.AssetPatch{Title: &title})
			require.NoError(b, err)
			b.StartTimer()
			before := processCPU(b)
			get(b)
			cpu += processCPU(b) - before
		}
		// CPU time of the process while answering (GC included), which a
		// loaded machine inflates less than ns/op.
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/op")
	})
	// "cold-page" edits every asset of the page before each request: none
	// of their encodings can be reused (as after a restart).
	page, _, err := lib.Assets(actx, dam.AssetQuery{Limit: 100})
	require.NoError(b, err)
	pageIDs := make([]string, len(page))
	for i := range page {
		pageIDs[i] = page[i].ID
	}
	b.Run("cold-page", func(b *testing.B) {
		n := 0
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			n++
			title = fmt.Sprint("Renamed ", n)
			_, err := lib.EditAssets(actx, pageIDs, dam.AssetPatch{Title: &title})
			require.NoError(b, err)
			b.StartTimer()
			before := processCPU(b)
			get(b)
			cpu += processCPU(b) - before
		}
		b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/op")
	})
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			get(b)
		}
	})
}

// benchPhoto is a small JPEG with EXIF, XMP and IPTC, so the listing
// shows a version's exif and embedded metadata as photographs have them.
func benchPhoto(b *testing.B) []byte {
	var buf bytes.Buffer
	require.NoError(b, jpeg.Encode(&buf, testimage.Gradient(64, 48, 0), nil))
	packet := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Agence Exemple"><dc:subject><rdf:Bag><rdf:li>harbour</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>`
	iim := testimage.IIM(true, testimage.Dataset{Record: 2, Number: 120, Value: "Boats"}, testimage.Dataset{Record: 2, Number: 80, Value: "Jane Doe"})
	tiff := testimage.TIFF([]testimage.Tag{testimage.ASCII(0x010F, "DemoCam")}, []testimage.Tag{testimage.ASCII(0xA434, "50mm")}, nil)
	return testimage.WithSegments(buf.Bytes(), testimage.EXIFSegment(tiff), testimage.XMPSegment([]byte(packet)), testimage.IPTCSegment(iim))
}

// processCPU is the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
