package dam_test

import (
	"bytes"
	"image/jpeg"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/exif/exiftest"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/internal/xmp"
	"github.com/damkit/damkit/rendition"
)

// photoXMP is the XMP packet of the test photos.
const photoXMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Agence Exemple">
 <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour at dawn</rdf:li></rdf:Alt></dc:title>
 <dc:subject><rdf:Bag><rdf:li>harbour</rdf:li><rdf:li>boats</rdf:li></rdf:Bag></dc:subject>
 <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Jane Doe</rdf:li></rdf:Alt></dc:rights>
 <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Editorial use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
</rdf:Description></rdf:RDF></x:xmpmeta>`

// photoIIM is the IPTC record of the test photos: a caption XMP lacks, a
// title XMP overrides, a by-line and a source.
func photoIIM() []byte {
	return testimage.IIM(true,
		testimage.Dataset{Record: 2, Number: 5, Value: "IPTC title"},
		testimage.Dataset{Record: 2, Number: 120, Value: "Boats leave Île de Sein"},
		testimage.Dataset{Record: 2, Number: 80, Value: "Jane Doe"},
		testimage.Dataset{Record: 2, Number: 115, Value: "Exemple Archive"},
	)
}

// photoTIFF is the EXIF block of the test photos.
func photoTIFF() []byte {
	return testimage.TIFF(
		[]testimage.Tag{testimage.ASCII(0x010F, "DemoCam"), testimage.ASCII(0x0110, "Model X")},
		[]testimage.Tag{testimage.ASCII(0x9003, "2026:06:21 05:42:00"), testimage.ASCII(0x9011, "+02:00"),
			testimage.ASCII(0xA434, "50mm f/1.8")},
		[]testimage.Tag{testimage.ASCII(1, "N"), testimage.Rationals(2, [2]uint32{48, 1}, [2]uint32{2, 1}, [2]uint32{6, 1}),
			testimage.ASCII(3, "W"), testimage.Rationals(4, [2]uint32{4, 1}, [2]uint32{51, 1}, [2]uint32{36, 1})})
}

func photoJPEG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(16, 12, 0), nil))
	return testimage.WithSegments(buf.Bytes(), testimage.EXIFSegment(photoTIFF()),
		testimage.XMPSegment([]byte(photoXMP)), testimage.IPTCSegment(photoIIM()))
}

func TestMetadataInsideFilesFillsTheAsset(t *testing.T) {
	f := newFixture(t, nil)
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "harbour.jpg"})
	require.NoError(t, err)
	want := dam.Metadata{
		Title: "Harbour at dawn", Description: "Boats leave Île de Sein", Keywords: []string{"harbour", "boats"},
		Fields: map[string]string{
			dam.FieldCreator: "Jane Doe", dam.FieldCopyright: "© 2026 Jane Doe", dam.FieldCredit: "Agence Exemple",
			dam.FieldSource: "Exemple Archive", dam.FieldUsageTerms: "Editorial use only",
			dam.FieldCapturedAt: "2026-06-21T03:42:00Z", dam.FieldCameraMake: "DemoCam", dam.FieldCameraModel: "Model X",
			dam.FieldLens: "50mm f/1.8", dam.FieldGPSLatitude: "48.035000", dam.FieldGPSLongitude: "-4.860000",
		},
	}
	assert.Equal(t, want, a.Meta)
	got, err := f.lib.Asset(f.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got.Meta, "what is stored")

	e := got.Current.Embedded
	require.NotNil(t, e, "the values found are kept with the version")
	assert.Equal(t, []string{"IPTC title"}, e.IPTC["ObjectName"], "raw IPTC values")
	assert.Equal(t, []string{"Harbour at dawn"}, e.XMP["dc:title"], "raw XMP values")
	assert.Equal(t, "50mm f/1.8", got.Current.EXIF.Lens)
	require.NotNil(t, e.CapturedAt)
	assert.Equal(t, time.Date(2026, 6, 21, 3, 42, 0, 0, time.UTC), *e.CapturedAt)
}

func TestMetadataInsideFilesNeverOverwritesTheUploader(t *testing.T) {
	f := newFixture(t, nil)
	given := dam.Metadata{Title: "My title", Keywords: []string{"mine"}, Fields: map[string]string{dam.FieldCreator: "Studio X"}}
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "h.jpg", Meta: &given})
	require.NoError(t, err)
	assert.Equal(t, "My title", a.Meta.Title)
	assert.Equal(t, "Boats leave Île de Sein", a.Meta.Description, "what was not given is filled")
	assert.Equal(t, []string{"mine"}, a.Meta.Keywords)
	assert.Equal(t, "Studio X", a.Meta.Fields[dam.FieldCreator])
	assert.Equal(t, "Agence Exemple", a.Meta.Fields[dam.FieldCredit])

	t.Run("nor the asset's metadata on a new version", func(t *testing.T) {
		plain := dam.Metadata{Title: "Plain", Description: "Edited by hand"}
		p, err := f.lib.Upload(f.owner, strings.NewReader("text first"), dam.UploadOptions{Name: "p.jpg", Meta: &plain})
		require.NoError(t, err)
		v, err := f.lib.AddVersion(f.owner, p.ID, bytes.NewReader(photoJPEG(t)), dam.NewVersionOptions{})
		require.NoError(t, err)
		assert.Equal(t, "Plain", v.Meta.Title)
		assert.Equal(t, "Edited by hand", v.Meta.Description)
		assert.Equal(t, []string{"harbour", "boats"}, v.Meta.Keywords, "empty fields are filled")
		assert.Equal(t, "Jane Doe", v.Meta.Fields[dam.FieldCreator])
		require.NotNil(t, v.Current.Embedded)
	})

	t.Run("copy_metadata_from wins over the file", func(t *testing.T) {
		c, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "c.jpg", CopyMetaFrom: a.ID})
		require.NoError(t, err)
		assert.Equal(t, "My title", c.Meta.Title)
		assert.Equal(t, "Studio X", c.Meta.Fields[dam.FieldCreator])
	})
}

func TestMetadataInsidePNGAndTIFF(t *testing.T) {
	f := newFixture(t, nil)
	png := testimage.WithChunk(testimage.PNG(testimage.Gradient(8, 8, 0)), "iTXt", testimage.XMPChunk([]byte(photoXMP)))
	tiff := testimage.TIFF([]testimage.Tag{
		{Tag: 0x02BC, Type: 1, Count: uint32(len(photoXMP)), Value: []byte(photoXMP)},
		testimage.Undefined(0x83BB, photoIIM()),
		testimage.ASCII(0x013B, "EXIF Artist"),
	}, nil, nil)
	cases := []struct {
		name, file string
		data       []byte
		creator    string
	}{
		{"PNG iTXt", "h.png", png, ""},
		{"TIFF tags 700 and 33723", "h.tif", tiff, "Jane Doe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := f.lib.Upload(f.owner, bytes.NewReader(tc.data), dam.UploadOptions{Name: tc.file})
			require.NoError(t, err)
			assert.Equal(t, "Harbour at dawn", a.Meta.Title)
			assert.Equal(t, "Editorial use only", a.Meta.Fields[dam.FieldUsageTerms])
			assert.Equal(t, tc.creator, a.Meta.Fields[dam.FieldCreator], "IPTC's by-line before EXIF's artist")
		})
	}
}

// TestCraftedMetadataBlocksAreHarmless uploads files whose IPTC and XMP
// blocks claim lengths and counts far past their bytes, and the crafted EXIF
// files of the hardening issue with those blocks added: each is accepted,
// allocates nothing near what it claims, and yields no value from past its end.
func TestCraftedMetadataBlocksAreHarmless(t *testing.T) {
	f := newFixture(t, nil)
	var jpg bytes.Buffer
	require.NoError(t, jpeg.Encode(&jpg, testimage.Gradient(8, 8, 0), nil))
	hugeIIM := []byte{0x1C, 2, 120, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xF0, 'x'}
	ps := []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\xff\xff\xff\xf0")
	deep := []byte(strings.Repeat("<rdf:RDF>", 20000))
	cases := map[string][]byte{
		"IPTC dataset of 4 GiB":  testimage.WithSegments(jpg.Bytes(), testimage.IPTCSegment(hugeIIM)),
		"8BIM resource of 4 GiB": testimage.WithSegments(jpg.Bytes(), testimage.Segment{Marker: 0xED, Payload: ps}),
		"XMP nested 20000 deep":  testimage.WithSegments(jpg.Bytes(), testimage.XMPSegment(deep)),
		"TIFF XMP tag of 3 GiB": testimage.TIFF([]testimage.Tag{{Tag: 0x02BC, Type: 1, Count: exiftest.HugeCount, Value: []byte("<x/>     ")},
			{Tag: 0x83BB, Type: 4, Count: exiftest.HugeCount, Value: hugeIIM}}, nil, nil),
	}
	for _, c := range exiftest.Files() {
		cases["EXIF "+c.Name] = c.Data
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			a, err := f.lib.Upload(f.owner, bytes.NewReader(data), dam.UploadOptions{Name: "crafted"})
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(craftedUploadAllocBound))
			assert.Empty(t, a.Meta.Description, "no value is read from past the end")
			if e := a.Current.Embedded; e != nil {
				assert.Empty(t, e.IPTC["Caption-Abstract"])
			}
		})
	}
}

// TestRenditionsKeepTheRightsOfTheFile: a JPEG rendition says whose the
// picture is and on what terms, as the original did, unless the profile
// strips metadata; the GPS position stays behind unless the profile keeps it.
func TestRenditionsKeepTheRightsOfTheFile(t *testing.T) {
	f := newFixture(t, nil)
	f.profile(t, dam.Profile{Name: "web", Width: 32, Format: rendition.FormatJPEG})
	f.profile(t, dam.Profile{Name: "bare", Width: 32, Format: rendition.FormatJPEG, StripMetadata: true})
	f.profile(t, dam.Profile{Name: "full", Width: 32, Format: rendition.FormatJPEG, KeepMetadata: true, KeepGPS: true})
	a, err := f.lib.Upload(f.owner, bytes.NewReader(photoJPEG(t)), dam.UploadOptions{Name: "h.jpg"})
	require.NoError(t, err)
	render := func(profile string) []byte {
		d, err := f.lib.OpenRendition(f.owner, a.ID, profile)
		require.NoError(t, err)
		b, err := io.ReadAll(d)
		require.NoError(t, err)
		require.NoError(t, d.Close())
		return b
	}
	cases := []struct {
		profile     string
		rights, gps bool
	}{{"web", true, false}, {"bare", false, false}, {"full", true, true}}
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			b := render(tc.profile)
			var x *xmp.Data
			if p := xmp.Find(b); p != nil {
				x, _ = xmp.Parse(p)
			}
			e, _ := exif.Read(b)
			if !tc.rights {
				assert.Nil(t, x)
				assert.Nil(t, e)
				return
			}
			require.NotNil(t, x)
			assert.Equal(t, "© 2026 Jane Doe", x.Rights())
			assert.Equal(t, []string{"Jane Doe"}, x.Creators())
			assert.Equal(t, "Agence Exemple", x.Credit())
			assert.Equal(t, "Editorial use only", x.UsageTerms())
			require.NotNil(t, e)
			assert.Equal(t, tc.gps, e.HasGPS)
		})
	}
}
