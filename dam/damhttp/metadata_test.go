package damhttp_test

import (
	"bytes"
	"encoding/json"
	"image/jpeg"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// TestUploadMetadataFieldsGivenReplaceOnlyThemselves is the regression test
// of the two data-loss bugs through the API: a new version with only
// title= wiped the description, keywords and custom fields, and so did
// copy_metadata_from=ID&title=….
func TestUploadMetadataFieldsGivenReplaceOnlyThemselves(t *testing.T) {
	c := newAPI(t, nil)
	full := `{"title":"Sales deck","description":"Q3 figures","keywords":["sales","q3"],"fields":{"client":"Acme"}}`
	post := func(path string) dam.Asset {
		t.Helper()
		resp, b := c.do("POST", path, strings.NewReader("bytes "+path), nil)
		require.Equal(t, 201, resp.StatusCode, string(b))
		var a dam.Asset
		require.NoError(t, json.Unmarshal(b, &a))
		return a
	}
	src := post("/api/v1/assets?name=deck.txt&metadata=" + url.QueryEscape(full))
	want := func(title string) dam.Metadata {
		return dam.Metadata{Title: title, Description: "Q3 figures", Keywords: []string{"sales", "q3"}, Fields: map[string]string{"client": "Acme"}}
	}

	cases := []struct {
		name, path string
		want       dam.Metadata
	}{
		{"version with title=", "/api/v1/assets/" + src.ID + "/versions?title=Deck+2027", want("Deck 2027")},
		{"version with metadata title", "/api/v1/assets/" + src.ID + "/versions?metadata=" + url.QueryEscape(`{"title":"Deck 2028"}`), want("Deck 2028")},
		{"copy_metadata_from with title=", "/api/v1/assets?name=new.txt&copy_metadata_from=" + src.ID + "&title=Copy", want("Copy")},
		{"copy_metadata_from alone", "/api/v1/assets?name=new2.txt&copy_metadata_from=" + src.ID, want("Deck 2028")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := post(tc.path)
			assert.Equal(t, tc.want, a.Meta, "the answer")
			var got dam.Asset
			c.json("GET", "/api/v1/assets/"+a.ID, nil, 200, &got)
			assert.Equal(t, tc.want, got.Meta, "what is stored")
		})
	}

	t.Run("keywords [] clears them, an empty field value removes the field", func(t *testing.T) {
		a := post("/api/v1/assets/" + src.ID + "/versions?metadata=" + url.QueryEscape(`{"keywords":[],"fields":{"client":"","owner":"Ann"}}`))
		assert.Equal(t, dam.Metadata{Title: "Deck 2028", Description: "Q3 figures", Keywords: []string{}, Fields: map[string]string{"owner": "Ann"}}, a.Meta, "an empty list answers as []")
	})
}

// TestMetadataInsideFilesIsReadable checks that what a file carries fills
// the asset's metadata and stays readable, as found, through the API (the
// OpenAPI validator checks every answer).
func TestMetadataInsideFilesIsReadable(t *testing.T) {
	c := newAPI(t, nil)
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testimage.Gradient(8, 8, 0), nil))
	packet := `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Agence Exemple"><dc:subject><rdf:Bag><rdf:li>harbour</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>`
	iim := testimage.IIM(true, testimage.Dataset{Record: 2, Number: 120, Value: "Boats"}, testimage.Dataset{Record: 2, Number: 80, Value: "Jane Doe"})
	tiff := testimage.TIFF([]testimage.Tag{testimage.ASCII(0x010F, "DemoCam")}, []testimage.Tag{testimage.ASCII(0xA434, "50mm")}, nil)
	photo := testimage.WithSegments(buf.Bytes(), testimage.EXIFSegment(tiff), testimage.XMPSegment([]byte(packet)), testimage.IPTCSegment(iim))

	resp, b := c.do("POST", "/api/v1/assets?name=h.jpg&title=Given", bytes.NewReader(photo), nil)
	require.Equal(t, 201, resp.StatusCode, string(b))
	var a dam.Asset
	require.NoError(t, json.Unmarshal(b, &a))

	var got struct {
		Metadata dam.Metadata `json:"metadata"`
		Current  struct {
			EXIF     map[string]any `json:"exif"`
			Embedded struct {
				Creators []string            `json:"creators"`
				IPTC     map[string][]string `json:"iptc"`
				XMP      map[string][]string `json:"xmp"`
			} `json:"embedded"`
		} `json:"current"`
	}
	c.json("GET", "/api/v1/assets/"+a.ID, nil, 200, &got)
	assert.Equal(t, "Given", got.Metadata.Title, "what the uploader gave stays")
	assert.Equal(t, "Boats", got.Metadata.Description)
	assert.Equal(t, []string{"harbour"}, got.Metadata.Keywords)
	assert.Equal(t, map[string]string{"creator": "Jane Doe", "credit": "Agence Exemple", "camera_make": "DemoCam", "lens": "50mm"}, got.Metadata.Fields)
	assert.Equal(t, []string{"Jane Doe"}, got.Current.Embedded.Creators)
	assert.Equal(t, map[string][]string{"Caption-Abstract": {"Boats"}, "By-line": {"Jane Doe"}}, got.Current.Embedded.IPTC)
	assert.Equal(t, []string{"Agence Exemple"}, got.Current.Embedded.XMP["photoshop:Credit"])
	assert.Equal(t, "50mm", got.Current.EXIF["lens"])

	var versions struct {
		Items []dam.Version `json:"items"`
	}
	c.json("GET", "/api/v1/assets/"+a.ID+"/versions", nil, 200, &versions)
	require.Len(t, versions.Items, 1)
	require.NotNil(t, versions.Items[0].Embedded)
	assert.Equal(t, "Boats", versions.Items[0].Embedded.Description)
}
