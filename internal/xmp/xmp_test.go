package xmp_test

import (
	"bytes"
	"compress/zlib"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/internal/xmp"
)

// packet is an XMP packet as Lightroom and Photo Mechanic write them: the
// properties in all three RDF shapes.
const packet = `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:exifEX="http://cipa.jp/exif/1.0/"
    xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:Credit="Agence Exemple"
    photoshop:Source="Exemple Archive"
    photoshop:DateCreated="2026-06-21T05:42:00+02:00"
    tiff:Make="DemoCam"
    exif:GPSLatitude="48,2.1N"
    exif:GPSLongitude="4,51,36W">
   <dc:title><rdf:Alt><rdf:li xml:lang="fr">Le port</rdf:li><rdf:li xml:lang="x-default">Harbour at dawn</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Boats &amp; nets</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag><rdf:li>harbour</rdf:li><rdf:li>boats</rdf:li></rdf:Bag></dc:subject>
   <dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Jane Doe</rdf:li></rdf:Alt></dc:rights>
   <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Editorial use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
   <tiff:Model>Model X</tiff:Model>
   <exifEX:LensModel>50mm f/1.8</exifEX:LensModel>
   <Iptc4xmpCore:CreatorContactInfo rdf:parseType="Resource">
    <Iptc4xmpCore:CiEmailWork>jane@example.com</Iptc4xmpCore:CiEmailWork>
   </Iptc4xmpCore:CreatorContactInfo>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

func TestParse(t *testing.T) {
	d, err := xmp.Parse([]byte(packet + "\x00\x00   "))
	require.NoError(t, err)
	assert.Equal(t, "Harbour at dawn", d.Title(), "the x-default alternative comes first")
	assert.Equal(t, []string{"Harbour at dawn", "Le port"}, d.Raw["dc:title"])
	assert.Equal(t, "Boats & nets", d.Description())
	assert.Equal(t, []string{"harbour", "boats"}, d.Keywords())
	assert.Equal(t, []string{"Jane Doe"}, d.Creators())
	assert.Equal(t, "© 2026 Jane Doe", d.Rights())
	assert.Equal(t, "Agence Exemple", d.Credit())
	assert.Equal(t, "Exemple Archive", d.Source())
	assert.Equal(t, "Editorial use only", d.UsageTerms())
	assert.Equal(t, "DemoCam", d.Make())
	assert.Equal(t, "Model X", d.Model())
	assert.Equal(t, "50mm f/1.8", d.Lens())
	at, ok := d.CapturedAt(nil)
	require.True(t, ok)
	assert.True(t, at.Equal(time.Date(2026, 6, 21, 3, 42, 0, 0, time.UTC)), at.String())
	lat, lon, ok := d.GPS()
	require.True(t, ok)
	assert.InDelta(t, 48.035, lat, 1e-9)
	assert.InDelta(t, -4.86, lon, 1e-9)
	assert.NotContains(t, d.Raw, "Iptc4xmpCore:CiEmailWork", "fields of a structure are not top-level properties")
}

func TestFind(t *testing.T) {
	jpg := testimage.WithSegments([]byte("\xff\xd8\xff\xd9"), testimage.EXIFSegment(testimage.EXIF("c", "m", 1, "2026:01:01 00:00:00")), testimage.XMPSegment([]byte(packet)))
	assert.Equal(t, packet, string(xmp.Find(jpg)))
	png := testimage.WithChunk(testimage.PNG(testimage.Gradient(4, 4, 0)), "iTXt", testimage.XMPChunk([]byte(packet)))
	assert.Equal(t, packet, string(xmp.Find(png)))
	pngWith := func(text []byte) []byte {
		return testimage.WithChunk(testimage.PNG(testimage.Gradient(4, 4, 0)), "iTXt",
			append([]byte("XML:com.adobe.xmp\x00\x01\x00en\x00\x00"), text...))
	}
	assert.Equal(t, packet, string(xmp.Find(pngWith(deflate(t, []byte(packet))))), "a compressed chunk is inflated")
	assert.Nil(t, xmp.Find(pngWith([]byte("x\x9c"))), "a cut zlib stream is no packet")
	assert.Nil(t, xmp.Find(pngWith([]byte("not zlib"))))
	// A chunk of a few KiB that inflates to 8 MiB costs MaxPacket+1 bytes,
	// and Parse refuses it.
	bomb := xmp.Find(pngWith(deflate(t, make([]byte, 8<<20))))
	assert.Len(t, bomb, xmp.MaxPacket+1)
	_, err := xmp.Parse(bomb)
	assert.ErrorIs(t, err, xmp.ErrTooLarge)
	assert.Nil(t, xmp.Find([]byte("GIF89a")))
}

// deflate compresses b with zlib.
func deflate(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestDatesAndCoordinates(t *testing.T) {
	cases := []struct {
		name, prop string
		want       time.Time
	}{
		{"date only", "2026-06-21", time.Date(2026, 6, 21, 0, 0, 0, 0, time.UTC)},
		{"no seconds, no offset", "2026-06-21T05:42", time.Date(2026, 6, 21, 5, 42, 0, 0, time.UTC)},
		{"fractions and Z", "2026-06-21T05:42:00.25Z", time.Date(2026, 6, 21, 5, 42, 0, 250e6, time.UTC)},
		{"minutes with offset", "2026-06-21T05:42+01:00", time.Date(2026, 6, 21, 4, 42, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := xmp.Parse([]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:DateTimeOriginal="` + tc.prop + `"/></rdf:RDF>`))
			require.NoError(t, err)
			at, ok := d.CapturedAt(nil)
			require.True(t, ok)
			assert.True(t, at.Equal(tc.want), at.String())
		})
	}
	for _, bad := range []string{"91,0N", "NaN,0N", "1,2,3,4N", "x", "-1,-30N"} {
		d, err := xmp.Parse([]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="` + bad + `" exif:GPSLongitude="1,0E"/></rdf:RDF>`))
		require.NoError(t, err)
		_, _, ok := d.GPS()
		assert.False(t, ok, bad)
	}
}

// crafted are packets that try to make the parser work or allocate far
// more than their size.
func crafted() map[string][]byte {
	deep := strings.Repeat("<a>", 100000)
	manyProps := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:p="urn:p">`
	var sb strings.Builder
	sb.WriteString(manyProps)
	for i := range 5000 {
		sb.WriteString("<p:x" + strings.Repeat("y", i%40) + ">v</p:x" + strings.Repeat("y", i%40) + ">")
	}
	var items strings.Builder
	items.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:subject><rdf:Bag>`)
	for range 20000 {
		items.WriteString("<rdf:li>k</rdf:li>")
	}
	entity := `<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:title="&b;&b;&b;"/></rdf:RDF>`
	return map[string][]byte{
		"100000 nested elements":   []byte(deep),
		"5000 distinct properties": []byte(sb.String()),
		"20000 keywords":           []byte(items.String()),
		"entity expansion":         []byte(entity),
		"too large":                []byte(strings.Repeat(" ", xmp.MaxPacket+1) + "<a/>"),
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

func TestCraftedPacketsAreBounded(t *testing.T) {
	for name, b := range crafted() {
		t.Run(name, func(t *testing.T) {
			var d *xmp.Data
			n := allocated(func() { d, _ = xmp.Parse(b) })
			t.Logf("%d bytes allocated for %d bytes of input", n, len(b))
			assert.LessOrEqual(t, n, allocBound(len(b)))
			if d != nil {
				assert.LessOrEqual(t, len(d.Raw), xmp.MaxProperties)
				for k, vs := range d.Raw {
					assert.LessOrEqual(t, len(vs), xmp.MaxValues, k)
				}
				assert.NotContains(t, d.Title(), "aaaa", "no entity is expanded")
			}
		})
	}
	_, err := xmp.Parse(crafted()["too large"])
	assert.ErrorIs(t, err, xmp.ErrTooLarge)
}

// FuzzParse fails when one input panics or allocates more than allocBound;
// what the fuzzer found is kept under testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(packet))
	f.Add(testimage.WithSegments([]byte("\xff\xd8\xff\xd9"), testimage.XMPSegment([]byte(packet))))
	f.Add(testimage.WithChunk(testimage.PNG(testimage.Gradient(2, 2, 0)), "iTXt", testimage.XMPChunk([]byte(packet))))
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(packet))
	_ = zw.Close()
	f.Add(testimage.WithChunk(testimage.PNG(testimage.Gradient(2, 2, 0)), "iTXt",
		append([]byte("XML:com.adobe.xmp\x00\x01\x00\x00\x00"), z.Bytes()...)))
	for name, b := range crafted() {
		if name != "too large" && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ds []*xmp.Data
		var found int
		n := allocated(func() {
			d1, _ := xmp.Parse(data)
			p := xmp.Find(data)
			d2, _ := xmp.Parse(p)
			ds, found = []*xmp.Data{d1, d2}, len(p)
		})
		// A compressed PNG chunk is inflated (into at most MaxPacket+1
		// bytes, with the inflater's window): the packet's size bounds
		// its parse then, not the input's.
		if bound := 2*allocBound(len(data)) + allocBound(found) + 4*uint64(found) + 64<<10; n > bound {
			t.Fatalf("%d bytes allocated for a %d-byte input (a %d-byte packet)", n, len(data), found)
		}
		if found > xmp.MaxPacket+1 {
			t.Fatalf("a packet of %d bytes", found)
		}
		for _, d := range ds {
			if d == nil {
				continue
			}
			if len(d.Raw) > xmp.MaxProperties {
				t.Fatalf("%d properties", len(d.Raw))
			}
			for k, vs := range d.Raw {
				if len(vs) > xmp.MaxValues {
					t.Fatalf("%d values of %s", len(vs), k)
				}
				for _, v := range vs {
					if v == "" || len(v) > 3*xmp.MaxValue {
						t.Fatalf("value of %d bytes", len(v))
					}
				}
			}
			_, _ = d.CapturedAt(nil)
			_, _, _ = d.GPS()
		}
	})
}
