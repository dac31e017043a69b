package dam_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"testing"

	"github.com/damkit/damkit/dam"
)

// BenchmarkUpload measures the ingest pass (hash, CRC, sniff, write to a
// file:// bucket, commit) on 64 MiB of random bytes.
func BenchmarkUpload(b *testing.B) {
	data := make([]byte, 64<<20)
	_, _ = rand.Read(data)
	f := newFixture(b, nil)
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		data[0] = byte(i) // new bytes each time: no dedup shortcut
		data[1] = byte(i >> 8)
		if _, err := f.lib.Upload(f.owner, struct{ io.Reader }{bytes.NewReader(data)}, dam.UploadOptions{Name: "big.bin"}); err != nil {
			b.Fatal(err)
		}
	}
}
