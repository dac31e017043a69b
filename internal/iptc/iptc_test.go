package iptc_test

import (
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/iptc"
	"github.com/damkit/damkit/internal/testimage"
)

func sample() []byte {
	return testimage.IIM(true,
		testimage.Dataset{Record: 2, Number: 0, Value: "\x00\x04"},
		testimage.Dataset{Record: 2, Number: 5, Value: "Harbour at dawn"},
		testimage.Dataset{Record: 2, Number: 120, Value: "Fishing boats leave Île de Sein"},
		testimage.Dataset{Record: 2, Number: 25, Value: "harbour"},
		testimage.Dataset{Record: 2, Number: 25, Value: "boats"},
		testimage.Dataset{Record: 2, Number: 80, Value: "Jane Doe"},
		testimage.Dataset{Record: 2, Number: 116, Value: "© 2026 Jane Doe"},
		testimage.Dataset{Record: 2, Number: 110, Value: "Agence Exemple"},
		testimage.Dataset{Record: 2, Number: 115, Value: "Exemple Archive"},
		testimage.Dataset{Record: 2, Number: 55, Value: "20260621"},
		testimage.Dataset{Record: 2, Number: 60, Value: "054200+0200"},
		testimage.Dataset{Record: 2, Number: 200, Value: "custom"},
	)
}

func TestParse(t *testing.T) {
	d, err := iptc.Parse(sample())
	require.NoError(t, err)
	assert.Equal(t, "Harbour at dawn", d.ObjectName)
	assert.Equal(t, "Fishing boats leave Île de Sein", d.Caption)
	assert.Equal(t, []string{"harbour", "boats"}, d.Keywords)
	assert.Equal(t, []string{"Jane Doe"}, d.Byline)
	assert.Equal(t, "© 2026 Jane Doe", d.Copyright)
	assert.Equal(t, "Agence Exemple", d.Credit)
	assert.Equal(t, "Exemple Archive", d.Source)
	at, ok := d.CreatedAt()
	require.True(t, ok)
	assert.True(t, at.Equal(time.Date(2026, 6, 21, 3, 42, 0, 0, time.UTC)), at.String())
	assert.Equal(t, []string{"harbour", "boats"}, d.Raw["Keywords"])
	assert.Equal(t, []string{"custom"}, d.Raw["2:200"])
	assert.NotContains(t, d.Raw, "2:000", "the binary record version is not text")
}

func TestTextEncodings(t *testing.T) {
	latin1 := testimage.IIM(false, testimage.Dataset{Record: 2, Number: 5, Value: "Caf\xe9"})
	d, err := iptc.Parse(latin1)
	require.NoError(t, err)
	assert.Equal(t, "Café", d.ObjectName, "bytes that are not UTF-8 read as ISO 8859-1")

	declared := testimage.IIM(true, testimage.Dataset{Record: 2, Number: 5, Value: "Caf\xe9"})
	d, err = iptc.Parse(declared)
	require.NoError(t, err)
	assert.Equal(t, "Caf\uFFFD", d.ObjectName, "declared UTF-8 that is not valid is repaired, not reinterpreted")

	nul := testimage.IIM(false, testimage.Dataset{Record: 2, Number: 5, Value: "Title\x00junk"})
	d, err = iptc.Parse(nul)
	require.NoError(t, err)
	assert.Equal(t, "Title", d.ObjectName)
}

func TestExtendedLength(t *testing.T) {
	v := strings.Repeat("x", 40000)
	b := []byte{0x1C, 2, 120, 0x80, 0x04}
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	b = append(b, v...)
	b = append(b, testimage.IIM(false, testimage.Dataset{Record: 2, Number: 5, Value: "after"})...)
	d, err := iptc.Parse(b)
	require.NoError(t, err)
	assert.Len(t, d.Caption, iptc.MaxValue, "a long value is cut")
	assert.Equal(t, "after", d.ObjectName, "the next dataset is found after it")
}

func TestFind(t *testing.T) {
	jpg := testimage.WithSegments(jpegBytes(t), testimage.IPTCSegment(sample()))
	b := iptc.Find(jpg)
	require.NotNil(t, b)
	assert.Equal(t, sample(), b)

	// A resource with a name and another resource before it.
	other := []byte("8BIM\x04\x0c\x03abc")
	other = binary.BigEndian.AppendUint32(other, 3)
	other = append(other, "xyz\x00"...)
	payload := append([]byte("Photoshop 3.0\x00"), other...)
	payload = append(payload, testimage.Photoshop(0x0404, sample())[len("Photoshop 3.0\x00"):]...)
	assert.Equal(t, sample(), iptc.FromPhotoshop(payload))
	assert.Nil(t, iptc.Find(testimage.PNG(testimage.Gradient(4, 4, 0))))
}

func jpegBytes(t *testing.T) []byte {
	t.Helper()
	b, err := testimage.JPEGWithEXIF(testimage.Gradient(8, 8, 0), "c", "m", 1)
	require.NoError(t, err)
	return b
}

// crafted are IIM records and APP13 payloads whose lengths and counts lie.
func crafted() map[string][]byte {
	huge := []byte{0x1C, 2, 120, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 'x'}
	past := []byte{0x1C, 2, 120, 0x7F, 0xFF, 'x'}
	badExt := []byte{0x1C, 2, 120, 0xFF, 0xFF, 1, 2, 3}
	many := []byte{}
	for range 20000 {
		many = append(many, 0x1C, 2, 25, 0, 1, 'k')
	}
	ps := []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\xff\xff\xff\xff")
	psName := []byte("Photoshop 3.0\x008BIM\x04\x04\xff")
	return map[string][]byte{
		"extended length of 4 GiB": huge, "length past the end": past, "extended length of 32767 bytes": badExt,
		"20000 one-byte keywords": many, "8BIM size of 4 GiB": ps, "8BIM name past the end": psName,
	}
}

func allocBound(n int) uint64 { return 64*uint64(n) + 64<<10 }

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestCraftedLengthsAllocateNothingBig(t *testing.T) {
	for name, b := range crafted() {
		t.Run(name, func(t *testing.T) {
			var d *iptc.Data
			n := allocated(func() {
				d, _ = iptc.Parse(b)
				_ = iptc.FromPhotoshop(b)
			})
			t.Logf("%d bytes allocated for %d bytes of input", n, len(b))
			assert.LessOrEqual(t, n, allocBound(len(b)))
			if d != nil {
				assert.LessOrEqual(t, len(d.Keywords), iptc.MaxValues)
				assert.Empty(t, d.Caption, "a value past the end is not read")
			}
		})
	}
	assert.Nil(t, iptc.FromPhotoshop(crafted()["8BIM size of 4 GiB"]))
}

// FuzzParse fails when one input panics or allocates more than allocBound;
// what the fuzzer found is kept under testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(sample())
	f.Add(testimage.Photoshop(0x0404, sample()))
	f.Add(testimage.WithSegments(testimage.WithSegments([]byte("\xff\xd8\xff\xd9")), testimage.IPTCSegment(sample())))
	for _, b := range crafted() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ds []*iptc.Data
		n := allocated(func() {
			d1, _ := iptc.Parse(data)
			d2, _ := iptc.Parse(iptc.FromPhotoshop(data))
			d3, _ := iptc.Parse(iptc.Find(data))
			ds = []*iptc.Data{d1, d2, d3}
		})
		if n > 3*allocBound(len(data)) {
			t.Fatalf("%d bytes allocated for a %d-byte input", n, len(data))
		}
		for _, d := range ds {
			if d == nil {
				continue
			}
			if len(d.Keywords) > iptc.MaxValues || len(d.Byline) > iptc.MaxValues {
				t.Fatalf("%d keywords, %d by-lines", len(d.Keywords), len(d.Byline))
			}
			for k, vs := range d.Raw {
				if len(vs) > iptc.MaxValues {
					t.Fatalf("%d values of %s", len(vs), k)
				}
				for _, v := range vs {
					if len(v) > 4*iptc.MaxValue || v == "" {
						t.Fatalf("value of %d bytes", len(v))
					}
				}
			}
		}
	})
}
