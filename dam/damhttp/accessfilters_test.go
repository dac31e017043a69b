package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestAccessFiltersThroughTheAPI lists as a viewer with ?downloadable=,
// ?protected=, ?has_licence= and ?availability=; bad values answer 400.
func TestAccessFiltersThroughTheAPI(t *testing.T) {
	c := newAPI(t, nil)
	owner := c.owner()
	vault, err := c.lib.CreateFolder(owner, "Vault", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = c.lib.SetFolderProtection(owner, vault.ID, dam.Protected)
	require.NoError(t, err)
	open, err := c.lib.Upload(owner, strings.NewReader("open"), dam.UploadOptions{Name: "open.txt"})
	require.NoError(t, err)
	locked, err := c.lib.Upload(owner, strings.NewReader("locked"), dam.UploadOptions{Name: "locked.txt", FolderID: vault.ID})
	require.NoError(t, err)
	off, err := c.lib.Upload(owner, strings.NewReader("off"), dam.UploadOptions{Name: "off.txt", Availability: dam.Unavailable})
	require.NoError(t, err)
	_, key, err := c.lib.CreateUser(owner, dam.NewUser{Email: "v@example.com", Role: dam.RoleViewer, Domains: []string{dam.DefaultDomain}})
	require.NoError(t, err)
	v := c.as(key)

	list := func(query string) []string {
		t.Helper()
		var p struct {
			Items []dam.Asset `json:"items"`
		}
		v.json("GET", "/api/v1/assets?limit=1000&"+query, nil, 200, &p)
		var ids []string
		for _, a := range p.Items {
			ids = append(ids, a.ID)
		}
		return ids
	}
	assert.ElementsMatch(t, []string{open.ID}, list("downloadable=true"), "unavailable assets are downloaded by owners only")
	assert.ElementsMatch(t, []string{locked.ID, off.ID}, list("downloadable=false"))
	assert.ElementsMatch(t, []string{locked.ID}, list("protected=true"))
	assert.ElementsMatch(t, []string{open.ID, locked.ID}, list("availability=available"))
	assert.ElementsMatch(t, []string{off.ID}, list("availability=unavailable&has_licence=false"))
	var e errBody
	v.json("GET", "/api/v1/assets?downloadable=maybe", nil, 400, &e)
	assert.Contains(t, e.Error.Message, "downloadable")
	v.json("GET", "/api/v1/assets?availability=soon", nil, 400, &e)
	assert.Contains(t, e.Error.Message, "availability")
}

// TestSidecarUploadThroughTheAPI: POST of foo.xmp into the folder of
// foo.jpg answers 200 with foo.jpg, its metadata taken from the sidecar.
func TestSidecarUploadThroughTheAPI(t *testing.T) {
	c := newAPI(t, nil)
	photo := c.upload("Shot_7.jpg", "", []byte("jpeg bytes"))
	const side = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">From the sidecar</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>`
	var a dam.Asset
	resp, b := c.do("POST", "/api/v1/assets?name=shot_7.xmp", strings.NewReader(side), nil)
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, &a))
	assert.Equal(t, photo.ID, a.ID)
	assert.Equal(t, "From the sidecar", a.Meta.Title)
	resp, b = c.do("POST", "/api/v1/assets?name=alone.xmp", strings.NewReader(side), nil)
	assert.Equal(t, 201, resp.StatusCode, "without a partner: a file: %s", b)
}
