package imagefile_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/imagefile"
)

// segment is a marker segment with its length.
func segment(m byte, payload []byte) []byte {
	b := []byte{0xFF, m}
	b = binary.BigEndian.AppendUint16(b, uint16(2+len(payload)))
	return append(b, payload...)
}

// bigJPEG is a JPEG whose XMP comes after 1.2 MB of ICC profile segments.
func bigJPEG() []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	b.Write(segment(0xE3, []byte("other\x00\x01\x02")))
	for range 20 {
		b.Write(segment(0xE2, bytes.Repeat([]byte("I"), 60000)))
	}
	b.Write(segment(0xC0, []byte{8, 0, 12, 0, 16, 1, 1, 0x11, 0}))
	b.Write(segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")))
	b.Write([]byte{0xFF, 0xDA, 0, 2})
	b.Write(bytes.Repeat([]byte{0xAB}, 5000)) // scan data
	return b.Bytes()
}

func scan(data []byte, piece, budget int) *imagefile.JPEGMetaScanner {
	s := &imagefile.JPEGMetaScanner{Budget: budget, MaxScan: 64 << 20}
	for len(data) > 0 {
		k := min(piece, len(data))
		_, _ = s.Write(data[:k])
		data = data[k:]
	}
	return s
}

func TestJPEGMetaScanner(t *testing.T) {
	data := bigJPEG()
	want := append([]byte{0xFF, 0xD8}, segment(0xC0, []byte{8, 0, 12, 0, 16, 1, 1, 0x11, 0})...)
	want = append(want, segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))...)
	want = append(want, 0xFF, 0xDA, 0, 2)
	for _, piece := range []int{1, 7, 4096, 1 << 20, len(data)} {
		s := scan(data, piece, 1<<20)
		assert.True(t, s.Done(), "stops at the scan")
		assert.Equal(t, want, s.JPEG(), "pieces of %d: the frame header and the XMP, not the ICC profile", piece)
	}
	got := 0
	for m := range imagefile.JPEGSegments(scan(data, 4096, 1<<20).JPEG()) {
		got++
		assert.Contains(t, []byte{0xC0, 0xE1}, m)
	}
	assert.Equal(t, 2, got, "the kept segments read as a JPEG")

	s := scan(data, 4096, 30)
	assert.Equal(t, []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 12, 0, 16, 1, 1, 0x11, 0, 0xFF, 0xDA, 0, 2}, s.JPEG(), "over the budget: skipped")
	assert.Nil(t, scan([]byte("GIF89a"), 3, 1<<20).JPEG())
	cut := scan(data[:len(data)-5000-4-20], 512, 1<<20) // ends inside the XMP segment
	require.False(t, cut.Done())
	assert.Equal(t, want[:len(want)-4-4-len("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")], cut.JPEG()[:len(cut.JPEG())-4], "an unfinished segment is left out")
	limited := &imagefile.JPEGMetaScanner{Budget: 1 << 20, MaxScan: 100_000}
	_, _ = limited.Write(data)
	assert.True(t, limited.Done())
	assert.Nil(t, limited.JPEG(), "MaxScan reached before the XMP")
}

// FuzzJPEGMetaScanner: any input, in any pieces, gives the same answer as
// whole, within the budget, without panicking.
func FuzzJPEGMetaScanner(f *testing.F) {
	f.Add(bigJPEG()[:2000], uint16(3))
	f.Add(append([]byte{0xFF, 0xD8}, segment(0xE1, []byte("Exif\x00\x00"))...), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, piece uint16) {
		whole := scan(data, len(data)+1, 4096).JPEG()
		got := scan(data, int(piece)+1, 4096).JPEG()
		if !bytes.Equal(whole, got) {
			t.Fatalf("pieces of %d: %x, whole: %x", piece+1, got, whole)
		}
		if len(got) > 4096+2 {
			t.Fatalf("kept %d bytes", len(got))
		}
	})
}
