package archive

import (
	"bytes"
	stdflate "compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
)

// benchText is generated prose and CSV, like the text assets a DAM holds.
func benchText(size int) []byte {
	words := strings.Fields(`the asset library approved download request rendition original
		photo campaign brand guidelines folder collection share portal guest expires
		marketing team summer launch product image video caption keywords rights usage
		license region europe america asia print web social banner thumbnail width height`)
	rng := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	for b.Len() < size {
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "%d,%s,%s,%d.%02d,%d\n", rng.IntN(100000), words[rng.IntN(len(words))],
				words[rng.IntN(len(words))], rng.IntN(1000), rng.IntN(100), rng.IntN(4000))
			continue
		}
		for range 8 + rng.IntN(10) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString(".\n")
	}
	return b.Bytes()[:size]
}

// BenchmarkDeflateText compares the deflater used for text entries with Go's
// compress/flate on the same input, in MB/s of input.
func BenchmarkDeflateText(b *testing.B) {
	text := benchText(16 << 20)
	cases := []struct {
		name string
		new  func(io.Writer) io.WriteCloser
	}{
		{"klauspost-level1", func(w io.Writer) io.WriteCloser { fw, _ := flate.NewWriter(w, 1); return fw }},
		{"stdlib-level1", func(w io.Writer) io.WriteCloser { fw, _ := stdflate.NewWriter(w, 1); return fw }},
		{"stdlib-default", func(w io.Writer) io.WriteCloser {
			fw, _ := stdflate.NewWriter(w, stdflate.DefaultCompression)
			return fw
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var out countWriter
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				fw := c.new(&out)
				if _, err := fw.Write(text); err != nil {
					b.Fatal(err)
				}
				if err := fw.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(text))*float64(b.N)/float64(out.n), "ratio")
		})
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkStreamStored streams a Stored archive of in-memory pattern sources.
func BenchmarkStreamStored(b *testing.B) {
	for _, shape := range []struct {
		name  string
		count int
		size  int64
	}{{"4x64MiB", 4, 64 << 20}, {"10000x100kB", 10000, 100_000}} {
		b.Run(shape.name, func(b *testing.B) {
			entries := make([]Entry, shape.count)
			p := pattern{size: shape.size}
			crc := p.crc()
			for i := range entries {
				entries[i] = Entry{Name: fmt.Sprintf("f%05d.bin", i), Size: shape.size, CRC32: crc, Known: true, Open: FromReaderAt(p, shape.size)}
			}
			a, err := New(entries, nil)
			if err != nil {
				b.Fatal(err)
			}
			size, _ := a.Size()
			b.SetBytes(size)
			for b.Loop() {
				if _, err := a.Stream(b.Context(), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLayout measures planning 70,000 entries (names, offsets, ETag).
func BenchmarkLayout(b *testing.B) {
	entries := make([]Entry, 70_000)
	for i := range entries {
		entries[i] = bytesEntry(fmt.Sprintf("folder/photo-%05d.jpg", i), nil)
	}
	for b.Loop() {
		if _, err := New(entries, nil); err != nil {
			b.Fatal(err)
		}
	}
}
