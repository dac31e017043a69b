package dam_test

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// TestExtendedXMPFillsTheAsset: a JPEG whose main XMP packet announces an
// extended one (spread over several segments) gets the extended packet's
// properties too; the main packet's win.
func TestExtendedXMPFillsTheAsset(t *testing.T) {
	const guid = "00112233445566778899AABBCCDDEEFF"
	main := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpNote="http://ns.adobe.com/xmp/note/"
 xmpNote:HasExtendedXMP="` + guid + `"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Main title</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`
	ext := `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 photoshop:Credit="Agence Exemple"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">Extended title</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(16, 12, 0), nil))
	segs := append([]testimage.Segment{testimage.XMPSegment([]byte(main))}, testimage.ExtendedXMPSegments(guid, []byte(ext), 100)...)
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(testimage.WithSegments(buf.Bytes(), segs...)), dam.UploadOptions{Name: "x.jpg"})
	require.NoError(t, err)
	assert.Equal(t, "Main title", a.Meta.Title)
	assert.Equal(t, "Agence Exemple", a.Meta.Fields[dam.FieldCredit])
}

// TestMetadataPastTheHead: a JPEG whose XMP and frame header come after
// 1.2 MB of ICC profile segments (past the 1 MiB head) still gets its
// metadata and dimensions.
func TestMetadataPastTheHead(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(16, 12, 0), nil))
	var segs []testimage.Segment
	for range 20 {
		segs = append(segs, testimage.Segment{Marker: 0xE2, Payload: bytes.Repeat([]byte("I"), 60000)})
	}
	segs = append(segs, testimage.XMPSegment([]byte(sidecar)))
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(testimage.WithSegments(buf.Bytes(), segs...)), dam.UploadOptions{Name: "big.jpg"})
	require.NoError(t, err)
	assert.Equal(t, "Sidecar title", a.Meta.Title)
	assert.Equal(t, "Sam Side", a.Meta.Fields[dam.FieldCreator])
	assert.Equal(t, 16, a.Current.Width, "the frame header past the head is read too")
	assert.Equal(t, 12, a.Current.Height)
}
