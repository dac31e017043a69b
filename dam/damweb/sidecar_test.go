package damweb

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSidecar = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">From the sidecar</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`

// TestUploadWithSidecars: in one web upload, foo.xmp applies to foo.jpg
// whichever comes first; a sidecar without a partner is a file.
func TestUploadWithSidecars(t *testing.T) {
	s := newSite(t, nil)
	o := s.signIn(t, "owner")
	resp, body := o.postFiles("/upload", url.Values{}, []filePart{
		{"a.xmp", []byte(testSidecar)}, {"A.txt", []byte("first after its sidecar")},
		{"b.txt", []byte("first before its sidecar")}, {"b.xmp", []byte(testSidecar)},
		{"c.xmp", []byte(testSidecar)}, {"d.xmp", []byte("<not xmp")},
	}, true)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	var ans uploadAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &ans))
	assert.Equal(t, 0, ans.Refused, body)
	byName := map[string]string{}
	for _, f := range ans.Files {
		byName[f.Name] = f.ID
	}
	for name, title := range map[string]string{"A.txt (with a.xmp)": "From the sidecar", "b.txt": "", "c.xmp": "", "d.xmp": ""} {
		id, ok := byName[name]
		if !assert.True(t, ok, "%s in %v", name, byName) {
			continue
		}
		a, err := s.lib.Asset(s.owner, id)
		require.NoError(t, err)
		if name == "b.txt" {
			title = "From the sidecar" // its sidecar came after it
		}
		assert.Equal(t, title, a.Meta.Title, name)
	}
	assert.Equal(t, byName["b.txt"], byName["b.xmp (applied to b.txt)"], "the later sidecar answers with its partner")
}
