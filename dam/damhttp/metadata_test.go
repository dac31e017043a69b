package damhttp_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
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
