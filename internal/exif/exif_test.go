package exif_test

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/exif/exiftest"
	"github.com/damkit/damkit/internal/testimage"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gpsTIFF builds a little-endian TIFF whose IFD0 points at a GPS IFD with
// the given references and degrees/minutes/seconds.
func gpsTIFF(latRef string, lat [3][2]uint32, lonRef string, lon [3][2]uint32) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 0x8825)
	b = le.AppendUint16(b, 4)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 26)
	b = le.AppendUint32(b, 0)
	// GPS IFD at 26: 4 entries, rationals after it at 26+2+48+4 = 80.
	data := uint32(80)
	b = le.AppendUint16(b, 4)
	entry := func(tag, typ uint16, count, value uint32) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		b = le.AppendUint32(b, value)
	}
	entry(1, 2, 2, uint32(latRef[0]))
	entry(2, 5, 3, data)
	entry(3, 2, 2, uint32(lonRef[0]))
	entry(4, 5, 3, data+24)
	b = le.AppendUint32(b, 0)
	for _, v := range [][3][2]uint32{lat, lon} {
		for _, r := range v {
			b = le.AppendUint32(b, r[0])
			b = le.AppendUint32(b, r[1])
		}
	}
	return b
}

func TestParseWellFormed(t *testing.T) {
	thumb := []byte("\xff\xd8\xff\xdbthumbnail")
	cases := []struct {
		name  string
		file  []byte
		check func(t *testing.T, d *exif.Data)
	}{
		{"camera tags", testimage.EXIF("DemoCam", "Model X", 6, "2026:06:21 05:42:00"), func(t *testing.T, d *exif.Data) {
			assert.Equal(t, "DemoCam", d.Make)
			assert.Equal(t, "Model X", d.Model)
			assert.Equal(t, 6, d.Orientation)
			at, ok := d.CapturedAt(time.UTC)
			require.True(t, ok)
			assert.Equal(t, time.Date(2026, 6, 21, 5, 42, 0, 0, time.UTC), at)
			assert.Nil(t, d.Thumbnail)
			assert.False(t, d.HasGPS)
		}},
		{"app1 payload with thumbnail", testimage.OrientationEXIF(3, thumb), func(t *testing.T, d *exif.Data) {
			assert.Equal(t, 3, d.Orientation)
			assert.Equal(t, thumb, d.Thumbnail)
			assert.Equal(t, len(d.Thumbnail), cap(d.Thumbnail), "capacity capped")
		}},
		{"thumbnail that is not a JPEG", testimage.OrientationEXIF(8, []byte("GIF89a....")), func(t *testing.T, d *exif.Data) {
			assert.Equal(t, 8, d.Orientation)
			assert.Nil(t, d.Thumbnail)
		}},
		{"orientation out of range", testimage.OrientationEXIF(9, nil), func(t *testing.T, d *exif.Data) {
			assert.Zero(t, d.Orientation)
		}},
		{"gps south west", gpsTIFF("S", [3][2]uint32{{33, 1}, {51, 1}, {36, 1}}, "W", [3][2]uint32{{70, 1}, {30, 1}, {0, 1}}), func(t *testing.T, d *exif.Data) {
			require.True(t, d.HasGPS)
			assert.InDelta(t, -33.86, d.Latitude, 0.001)
			assert.InDelta(t, -70.5, d.Longitude, 0.001)
		}},
		{"gps zero denominator", gpsTIFF("N", [3][2]uint32{{1, 0}, {0, 1}, {0, 1}}, "E", [3][2]uint32{{1, 1}, {0, 1}, {0, 1}}), func(t *testing.T, d *exif.Data) {
			assert.False(t, d.HasGPS)
		}},
		{"gps out of range", gpsTIFF("N", [3][2]uint32{{91, 1}, {0, 1}, {0, 1}}, "E", [3][2]uint32{{1, 1}, {0, 1}, {0, 1}}), func(t *testing.T, d *exif.Data) {
			assert.False(t, d.HasGPS)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := exif.Parse(tc.file)
			require.NoError(t, err)
			tc.check(t, d)
		})
	}
}

func TestReadContainers(t *testing.T) {
	tiff := testimage.EXIF("Canon", "EOS", 6, "2026:06:21 05:42:00")
	jpg, err := testimage.JPEGWithEXIF(testimage.Gradient(16, 16, 0), "Canon", "EOS", 6)
	require.NoError(t, err)
	for name, file := range map[string][]byte{
		"jpeg":                     jpg,
		"png eXIf":                 exiftest.PNG(tiff),
		"png eXIf with app1 label": exiftest.PNG(append([]byte("Exif\x00\x00"), tiff...)),
		"webp":                     exiftest.WebP(tiff),
		"tiff":                     tiff,
		"bare app1 payload":        append([]byte("Exif\x00\x00"), tiff...),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := exif.Read(file)
			require.NoError(t, err)
			assert.Equal(t, "Canon", d.Make)
			assert.Equal(t, 6, d.Orientation)
		})
	}
	for name, file := range map[string][]byte{
		"no exif":           testimage.PNG(testimage.Gradient(4, 4, 0)),
		"app1 in png chunk": exiftest.PNGWithAPP1(tiff), // only eXIf counts in a PNG
		"gif":               []byte("GIF89a\x01\x00\x01\x00"),
		"jpeg cut in app1":  jpg[:30],
		"empty":             nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := exif.Read(file)
			assert.ErrorIs(t, err, exif.ErrNoEXIF)
		})
	}
}

func TestDegreesWrittenAsText(t *testing.T) {
	le := binary.LittleEndian
	// IFD0 -> GPS IFD at 26 with the four entries; the strings follow it.
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 1)
	for _, v := range []any{uint16(0x8825), uint16(4), uint32(1), uint32(26), uint32(0)} {
		b, _ = binary.Append(b, le, v)
	}
	lat, lon := "52,00000,50,00000,34,01180\x00", "11.0,10.0,58.3\x00"
	data := uint32(26 + 2 + 4*12 + 4)
	b = le.AppendUint16(b, 4)
	for _, e := range [][4]uint32{
		{1, 2, 2, 'N'}, {2, 2, uint32(len(lat)), data}, {3, 2, 2, 'W'}, {4, 2, uint32(len(lon)), data + uint32(len(lat))},
	} {
		b = le.AppendUint16(b, uint16(e[0]))
		b = le.AppendUint16(b, uint16(e[1]))
		b = le.AppendUint32(b, e[2])
		b = le.AppendUint32(b, e[3])
	}
	b = le.AppendUint32(b, 0)
	b = append(append(b, lat...), lon...)
	d, err := exif.Parse(b)
	require.NoError(t, err)
	require.True(t, d.HasGPS)
	assert.InDelta(t, 52.84278, d.Latitude, 1e-5)
	assert.InDelta(t, -11.18286, d.Longitude, 1e-5)
}

func TestCameraTagsInTheExifIFD(t *testing.T) {
	// testimage.EXIF's Exif IFD holds DateTimeOriginal; one HTC phone
	// writes Make there too, after an unreadable one in IFD0.
	tiff := testimage.EXIF("", "", 1, "2026:06:21 05:42:00")
	d, err := exif.Parse(tiff)
	require.NoError(t, err)
	assert.Empty(t, d.Make)
	le := binary.LittleEndian
	exifOff := le.Uint32(tiff[8+2+3*12+8:]) // the 4th IFD0 entry's value
	// Turn the Exif IFD's DateTimeOriginal entry into a Make entry.
	le.PutUint16(tiff[exifOff+2:], 0x010F)
	d, err = exif.Parse(tiff)
	require.NoError(t, err)
	assert.Equal(t, "2026:06:21 05:42:00", d.Make)
}

func TestCapturedAtOffset(t *testing.T) {
	d := &exif.Data{DateTimeOriginal: "2026:06:21 05:42:00", OffsetTimeOriginal: "+02:00", DateTime: "2020:01:01 00:00:00"}
	at, ok := d.CapturedAt(time.UTC)
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 6, 21, 3, 42, 0, 0, time.UTC), at.UTC())
	d = &exif.Data{DateTimeOriginal: "garbage", DateTime: "2020:01:01 00:00:00"}
	at, ok = d.CapturedAt(nil)
	require.True(t, ok, "falls back to DateTime")
	assert.Equal(t, 2020, at.Year())
	_, ok = (&exif.Data{}).CapturedAt(nil)
	assert.False(t, ok)
}

// allocBound is what one call may allocate for an input of n bytes: the
// parser keeps a few strings of at most MaxString bytes and one Data.
func allocBound(n int) uint64 { return 64*uint64(n) + 16<<10 }

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCraftedCountsAllocateNothingBig is the regression test of the
// goexif out-of-memory crash: counts whose count × size wraps in 32 bits,
// offsets past the end, loops between directories.
func TestCraftedCountsAllocateNothingBig(t *testing.T) {
	var worst uint64
	var worstName string
	for _, c := range exiftest.Files() {
		t.Run(c.Name, func(t *testing.T) {
			var d *exif.Data
			n := allocated(func() { d, _ = exif.Read(c.Data) })
			if n > worst {
				worst, worstName = n, c.Name
			}
			assert.LessOrEqual(t, n, allocBound(len(c.Data)))
			if d != nil {
				assert.Empty(t, d.Make, "a value past the end is not read")
				assert.Nil(t, d.Thumbnail)
				assert.False(t, d.HasGPS)
			}
		})
	}
	t.Logf("worst of %d crafted files: %d bytes allocated (%s)", len(exiftest.Files()), worst, worstName)
}

func TestHugeCountOrientationIsIgnored(t *testing.T) {
	for _, typ := range []uint16{3, 4} {
		d, err := exif.Parse(exiftest.TIFF(typ, exiftest.HugeCount))
		require.NoError(t, err)
		assert.Zero(t, d.Orientation, "type %d: count × size is far past the end", typ)
		d, err = exif.Parse(exiftest.TIFF(typ, 1))
		require.NoError(t, err)
		assert.Equal(t, 6, d.Orientation, "type %d: the same entry with count 1 reads", typ)
	}
}

// FuzzRead fails when one input panics or allocates more than allocBound.
// The seed corpus holds every crafted case; what the fuzzer found is kept
// under testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	for _, c := range exiftest.Files() {
		f.Add(c.Data)
	}
	for _, c := range exiftest.TIFFs() {
		f.Add(append([]byte("Exif\x00\x00"), c.Data...))
	}
	f.Add(testimage.EXIF("Canon", "EOS", 6, "2026:06:21 05:42:00"))
	f.Add(testimage.OrientationEXIF(6, []byte("\xff\xd8\xff\xd9")))
	f.Add(gpsTIFF("N", [3][2]uint32{{1, 1}, {2, 1}, {3, 1}}, "E", [3][2]uint32{{4, 1}, {5, 1}, {6, 1}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var d1, d2 *exif.Data
		n := allocated(func() {
			d1, _ = exif.Read(data)
			d2, _ = exif.Parse(data)
		})
		if n > 2*allocBound(len(data)) {
			t.Fatalf("%d bytes allocated for a %d-byte input", n, len(data))
		}
		for _, d := range []*exif.Data{d1, d2} {
			if d == nil {
				continue
			}
			if d.Orientation < 0 || d.Orientation > 8 {
				t.Fatalf("orientation %d", d.Orientation)
			}
			for _, s := range []string{d.Make, d.Model, d.LensMake, d.LensModel, d.Description, d.Artist, d.Copyright} {
				if len(s) > exif.MaxString {
					t.Fatalf("string longer than MaxString")
				}
			}
			for _, b := range [][]byte{d.XMP, d.IPTC} {
				if len(b) != cap(b) || len(b) > len(data) {
					t.Fatalf("block of %d bytes (capacity %d) from %d bytes", len(b), cap(b), len(data))
				}
			}
			if d.Thumbnail != nil && (len(d.Thumbnail) < 2 || d.Thumbnail[0] != 0xFF || d.Thumbnail[1] != 0xD8) {
				t.Fatalf("thumbnail %x is not a JPEG", d.Thumbnail[:min(4, len(d.Thumbnail))])
			}
			if d.HasGPS && (d.Latitude < -90 || d.Latitude > 90 || d.Longitude < -180 || d.Longitude > 180) {
				t.Fatalf("gps %v %v", d.Latitude, d.Longitude)
			}
		}
	})
}

func TestLensTextTagsAndEmbeddedBlocks(t *testing.T) {
	xmpPacket := []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"/>`)
	iim := []byte("\x1c\x02\x05\x00\x05Title")
	tiff := testimage.TIFF(
		[]testimage.Tag{
			testimage.ASCII(0x010E, "Harbour at dawn  "),
			testimage.ASCII(0x013B, "Jane Doe"),
			{Tag: 0x8298, Type: 2, Count: 22, Value: []byte("(c) Jane Doe\x00Editor X\x00")},
			{Tag: 0x02BC, Type: 1, Count: uint32(len(xmpPacket)), Value: xmpPacket},
			testimage.Undefined(0x83BB, iim),
		},
		[]testimage.Tag{testimage.ASCII(0xA433, "LensCo"), testimage.ASCII(0xA434, "50mm f/1.8")},
		nil)
	d, err := exif.Parse(tiff)
	require.NoError(t, err)
	assert.Equal(t, "Harbour at dawn", d.Description)
	assert.Equal(t, "Jane Doe", d.Artist)
	assert.Equal(t, "(c) Jane Doe", d.Copyright, "the photographer's part, before the NUL")
	assert.Equal(t, "LensCo", d.LensMake)
	assert.Equal(t, "50mm f/1.8", d.LensModel)
	assert.Equal(t, xmpPacket, d.XMP)
	assert.Equal(t, len(d.XMP), cap(d.XMP), "a capped sub-slice")
	assert.Equal(t, iim, d.IPTC)

	// The same blocks claiming more bytes than present are not read.
	short := testimage.TIFF([]testimage.Tag{{Tag: 0x02BC, Type: 7, Count: exiftest.HugeCount, Value: xmpPacket},
		{Tag: 0x83BB, Type: 4, Count: exiftest.HugeCount, Value: iim}}, nil, nil)
	d, err = exif.Parse(short)
	require.NoError(t, err)
	assert.Nil(t, d.XMP)
	assert.Nil(t, d.IPTC)
}
