package rendition

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/internal/exif"
	"github.com/damkit/damkit/internal/testimage"
	"github.com/damkit/damkit/internal/xmp"
)

// gpsPhoto is a JPEG whose EXIF holds a camera, an orientation and a GPS
// position.
func gpsPhoto(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(64, 48, 0), nil))
	tiff := testimage.TIFF(
		[]testimage.Tag{testimage.ASCII(0x010F, "DemoCam"), {Tag: 0x0112, Type: 3, Count: 1, Value: []byte{1, 0}}},
		nil,
		[]testimage.Tag{testimage.ASCII(1, "N"), testimage.Rationals(2, [2]uint32{48, 1}, [2]uint32{2, 1}, [2]uint32{6, 1}),
			testimage.ASCII(3, "W"), testimage.Rationals(4, [2]uint32{4, 1}, [2]uint32{51, 1}, [2]uint32{36, 1})})
	return testimage.WithSegments(buf.Bytes(), testimage.EXIFSegment(tiff))
}

// readBack finds what a rendition carries: its XMP rights and its EXIF.
func readBack(t *testing.T, data []byte) (*xmp.Data, *exif.Data) {
	t.Helper()
	var x *xmp.Data
	if p := xmp.Find(data); p != nil {
		var err error
		x, err = xmp.Parse(p)
		require.NoError(t, err)
	}
	e, _ := exif.Read(data)
	return x, e
}

func TestRenditionsCarryRightsAndDropGPS(t *testing.T) {
	rights := &Rights{Copyright: "© 2026 Jane <Doe> & Co", Creators: []string{"Jane Doe", "Ann"}, Credit: "Agence Exemple",
		UsageTerms: "Editorial use only"}
	src := BytesSource(gpsPhoto(t))
	cases := []struct {
		name        string
		p           Profile
		rights, gps bool
		camera      string
		creator     string // EXIF Artist
	}{
		{"default jpeg", Profile{Width: 32, Format: FormatJPEG}, true, false, "", "Jane Doe; Ann"},
		{"default png", Profile{Width: 32, Format: FormatPNG}, true, false, "", "Jane Doe; Ann"},
		{"keep metadata", Profile{Width: 32, Format: FormatJPEG, KeepMetadata: true}, true, false, "DemoCam", ""},
		{"keep metadata and gps", Profile{Width: 32, Format: FormatJPEG, KeepMetadata: true, KeepGPS: true}, true, true, "DemoCam", ""},
		{"keep metadata and gps, png", Profile{Width: 32, Format: FormatPNG, KeepMetadata: true, KeepGPS: true}, true, true, "DemoCam", ""},
		{"strip", Profile{Width: 32, Format: FormatJPEG, StripMetadata: true}, false, false, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Render(t.Context(), src, tc.p, &Options{Rights: rights})
			require.NoError(t, err)
			decodeAny(t, res.Data) // the rendition decodes
			x, e := readBack(t, res.Data)
			if tc.rights {
				require.NotNil(t, x, "XMP written")
				assert.Equal(t, rights.Copyright, x.Rights())
				assert.Equal(t, rights.Creators, x.Creators())
				assert.Equal(t, rights.Credit, x.Credit())
				assert.Equal(t, rights.UsageTerms, x.UsageTerms())
			} else {
				assert.Nil(t, x)
			}
			if tc.camera == "" && tc.creator == "" && !tc.rights {
				assert.Nil(t, e, "no EXIF at all")
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tc.gps, e.HasGPS, "GPS")
			assert.Equal(t, tc.camera, e.Make)
			assert.Equal(t, tc.creator, e.Artist)
			if tc.creator != "" {
				assert.Equal(t, rights.Copyright, e.Copyright)
			}
			minutes := []byte{51, 0, 0, 0, 1, 0, 0, 0} // the position's 51/1, little-endian
			assert.Equal(t, tc.gps, bytes.Contains(res.Data, minutes), "the position's bytes are there only when kept")
		})
	}

	t.Run("without rights a default rendition carries nothing", func(t *testing.T) {
		res, err := Render(t.Context(), src, Profile{Width: 32, Format: FormatJPEG}, nil)
		require.NoError(t, err)
		x, e := readBack(t, res.Data)
		assert.Nil(t, x)
		assert.Nil(t, e)
	})
}

func TestStripAndKeepMetadataProfiles(t *testing.T) {
	require.ErrorIs(t, Profile{Width: 10, KeepMetadata: true, StripMetadata: true}.Validate(), ErrInvalidProfile)
	for _, s := range []string{"w10-contain-src-q85-meta-gps", "w10-contain-src-q85-strip"} {
		p, err := ParseProfile(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, p.String())
	}
	assert.Equal(t, Profile{Width: 10, KeepGPS: true}.Hash(), Profile{Width: 10}.Hash(), "GPS is kept only with the metadata")
	assert.NotEqual(t, Profile{Width: 10, StripMetadata: true}.Hash(), Profile{Width: 10}.Hash())
}

func TestDropGPSOnCraftedIFDs(t *testing.T) {
	le := []byte("Exif\x00\x00")
	// IFD0 with two GPS pointers, one pointing back at IFD0 itself, one far past the end.
	tiff := testimage.TIFF([]testimage.Tag{{Tag: 0x8825, Type: 4, Count: 1, Value: []byte{8, 0, 0, 0}},
		{Tag: 0x8825, Type: 4, Count: 1, Value: []byte{0xFF, 0xFF, 0xFF, 0x7F}}, testimage.ASCII(0x010F, "Cam")}, nil, nil)
	out := uprightEXIF(append(le, tiff...), false)
	require.NotNil(t, out)
	d, err := exif.Parse(out)
	require.NoError(t, err)
	assert.False(t, d.HasGPS)
	assert.Nil(t, uprightEXIF([]byte("Exif\x00\x00II*\x00\xff\xff\xff\xff"), false), "an IFD0 that cannot be walked is dropped, GPS or not")
}
