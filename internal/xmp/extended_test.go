package xmp_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/internal/xmp"
)

const guid = "0123456789ABCDEF0123456789ABCDEF"

// mainPacket announces the extended packet and carries the title.
const mainPacket = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpNote="http://ns.adobe.com/xmp/note/"
 xmpNote:HasExtendedXMP="` + guid + `"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Main title</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`

// extPacket is long (keywords past a segment's 64 KiB) and has a title
// of its own, which the main packet's beats.
func extPacket() []byte {
	var kw strings.Builder
	for i := range 5000 {
		kw.WriteString("<rdf:li>keyword" + strings.Repeat("x", i%7) + "</rdf:li>")
	}
	return []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 photoshop:Credit="Agence Exemple"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Extended title</rdf:li></rdf:Alt></dc:title>
<dc:subject><rdf:Bag>` + kw.String() + `</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>`)
}

func jpegWith(segs ...testimage.Segment) []byte {
	return testimage.WithSegments([]byte("\xff\xd8\xff\xd9"), segs...)
}

func TestExtendedXMP(t *testing.T) {
	ext := extPacket()
	require.Greater(t, len(ext), 65000, "the extended packet needs several segments")
	pieces := testimage.ExtendedXMPSegments(guid, ext, 60000)
	require.Len(t, pieces, 3)
	jpg := jpegWith(testimage.XMPSegment([]byte(mainPacket)), pieces[2], pieces[0], pieces[1])
	main, err := xmp.Parse(xmp.Find(jpg))
	require.NoError(t, err)
	assert.Equal(t, guid, main.ExtendedGUID())
	got := xmp.FindExtended(jpg, guid)
	assert.Equal(t, ext, got, "pieces in any order")
	d, err := xmp.Parse(got)
	require.NoError(t, err)
	main.Merge(d)
	assert.Equal(t, "Main title", main.Title(), "the main packet wins")
	assert.Equal(t, "Agence Exemple", main.Credit(), "the extended packet adds what the main one lacks")
	assert.Len(t, main.Keywords(), xmp.MaxValues)

	bad := func(name string, segs ...testimage.Segment) {
		t.Helper()
		assert.Nil(t, xmp.FindExtended(jpegWith(segs...), guid), name)
	}
	bad("a piece missing", pieces[0], pieces[2])
	bad("another GUID", testimage.ExtendedXMPSegments(strings.Repeat("F", 32), ext, 60000)...)
	bad("a piece twice (overlap)", pieces[0], pieces[0], pieces[1], pieces[2])
	forged := func(full, off uint32, data []byte) testimage.Segment {
		p := append([]byte("http://ns.adobe.com/xmp/extension/\x00"), guid...)
		p = binary.BigEndian.AppendUint32(p, full)
		p = binary.BigEndian.AppendUint32(p, off)
		return testimage.Segment{Marker: 0xE1, Payload: append(p, data...)}
	}
	bad("a length over MaxPacket", forged(1<<31, 0, []byte("x")))
	bad("a piece past the length", forged(10, 8, []byte("xyz")))
	bad("an offset past the length", forged(10, 1<<31, []byte("x")))
	bad("lengths that disagree", forged(10, 0, []byte("12345")), forged(11, 5, []byte("67890")))
	assert.Equal(t, []byte("1234567890"), xmp.FindExtended(jpegWith(forged(10, 5, []byte("67890")), forged(10, 0, []byte("12345"))), guid))
	assert.Nil(t, xmp.FindExtended([]byte("GIF89a"), guid))
	assert.Nil(t, xmp.FindExtended(jpg, "short"))
	var none *xmp.Data
	assert.Empty(t, none.ExtendedGUID())
}

// FuzzFindExtended fails when an input panics, allocates more than the
// packet length bound, or yields a packet over MaxPacket.
func FuzzFindExtended(f *testing.F) {
	ext := extPacket()
	f.Add(jpegWith(testimage.ExtendedXMPSegments(guid, ext[:3000], 1000)...))
	f.Add(jpegWith(testimage.ExtendedXMPSegments(guid, []byte("abc"), 1)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []byte
		n := allocated(func() { got = xmp.FindExtended(data, guid) })
		if len(got) > xmp.MaxPacket {
			t.Fatalf("a packet of %d bytes", len(got))
		}
		if bound := uint64(xmp.MaxPacket) + 64<<10; n > bound {
			t.Fatalf("%d bytes allocated for a %d-byte input", n, len(data))
		}
		d, _ := xmp.Parse(got)
		if d != nil && len(d.Raw) > xmp.MaxProperties {
			t.Fatalf("%d properties", len(d.Raw))
		}
	})
}
