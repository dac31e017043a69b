package archive_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/damkit/damkit/archive"
)

// original builds an entry the way ingest records it: size and CRC-32 known.
func original(name string, data []byte) archive.Entry {
	return archive.Entry{
		Name: name, Size: int64(len(data)), CRC32: crc32.ChecksumIEEE(data), Known: true,
		ModTime: time.Date(2024, 5, 17, 10, 30, 0, 0, time.UTC), Open: archive.FromBytes(data),
	}
}

func ExampleNew() {
	a, err := archive.New([]archive.Entry{
		original("photo.jpg", []byte("jpeg bytes")),
		original("Photo.JPG", []byte("another photo")),
		original("../../etc/passwd", []byte("not where it claims")),
	}, nil)
	if err != nil {
		panic(err)
	}
	size, exact := a.Size()
	var buf bytes.Buffer
	n, err := a.Stream(context.Background(), &buf)
	fmt.Println(a.Names())
	fmt.Println(size, exact, n == size, err)
	// Output:
	// [photo.jpg Photo (2).JPG etc/passwd]
	// 410 true true <nil>
}

func ExampleSplit() {
	var entries []archive.Entry
	for i := range 6 {
		entries = append(entries, original(fmt.Sprintf("clip-%d.mov", i), bytes.Repeat([]byte{byte(i)}, 400)))
	}
	skipped := []archive.Skipped{{AssetID: "42", Name: "secret.psd", Reason: "needs a download request"}}
	plan, err := archive.Split(entries, skipped, &archive.Options{MaxPartSize: 1500})
	if err != nil {
		panic(err)
	}
	for _, part := range plan.Parts {
		n, of := part.Part()
		size, _ := part.Size()
		fmt.Printf("part %d of %d: %d entries, %d bytes\n", n, of, part.Len(), size)
	}
	fmt.Println(plan.Manifest.Skipped[0].Reason)
	// Output:
	// part 1 of 4: 2 entries, 1291 bytes
	// part 2 of 4: 2 entries, 1050 bytes
	// part 3 of 4: 2 entries, 1050 bytes
	// part 4 of 4: 1 entries, 536 bytes
	// needs a download request
}

// An HTTP handler serves a laid-out archive with exact Content-Length,
// ETag, Range and If-Range by handing a Reader to http.ServeContent.
func ExampleArchive_NewReader() {
	a, err := archive.New([]archive.Entry{original("report.pdf", []byte("%PDF-1.7 ..."))}, nil)
	if err != nil {
		panic(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rd, err := a.NewReader(r.Context())
		if err != nil { // archive.ErrNotRangeable: stream it with a.Stream instead
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rd.Close()
		w.Header().Set("ETag", a.ETag())
		w.Header().Set("Content-Type", "application/zip")
		http.ServeContent(w, r, "download.zip", time.Time{}, rd)
	})
	req := httptest.NewRequest("GET", "/download.zip", nil)
	req.Header.Set("Range", "bytes=0-3")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, rec.Header().Get("Content-Range"), fmt.Sprintf("%q", body))
	// Output:
	// 206 bytes 0-3/148 "PK\x03\x04"
}

func ExampleCleanPath() {
	fmt.Println(archive.CleanPath(`C:\Users\me\..\CON.jpg`))
	// Output:
	// Users/me/CON_.jpg
}
