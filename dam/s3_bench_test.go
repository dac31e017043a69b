package dam_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/damkit/damkit/dam"
)

// BenchmarkS3Upload compares an upload through the library (sniffing,
// hashing, staging under tmp/ and publishing by server-side copy, then the
// SQLite row) with a plain PUT of the same bytes through the same bucket
// client, against the S3 server s3test starts. Compare the MB/s columns.
func BenchmarkS3Upload(b *testing.B) {
	const size = 16 << 20
	f := newS3Fixture(b, nil)
	data := []byte(noise(1, size))
	// distinct returns data made unique by i, so that content addressing
	// does not skip the write of an identical upload.
	distinct := func(i int) []byte {
		binary.BigEndian.PutUint64(data, uint64(i))
		return data
	}
	b.Run("plain-put", func(b *testing.B) {
		b.SetBytes(size)
		i := 0
		for b.Loop() {
			w, err := f.bucket.NewWriter(b.Context(), fmt.Sprintf("renditions/bench/%d", i), nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.Write(distinct(i)); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("dam-upload", func(b *testing.B) {
		b.SetBytes(size)
		i := 0
		for b.Loop() {
			if _, err := f.lib.Upload(f.owner, bytes.NewReader(distinct(1_000_000+i)), dam.UploadOptions{Name: "big.bin"}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
