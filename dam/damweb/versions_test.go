package damweb

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// The asset page offers "Make current" on earlier versions; the button
// (a form, no JS) makes a new current version of the old bytes.
func TestAssetPageRestoresAVersion(t *testing.T) {
	s := newSite(t, nil)
	a, err := s.lib.Upload(s.owner, strings.NewReader("first"), dam.UploadOptions{Name: "notes.txt"})
	require.NoError(t, err)
	_, err = s.lib.AddVersion(s.owner, a.ID, strings.NewReader("second"), dam.NewVersionOptions{})
	require.NoError(t, err)
	b := s.signIn(t, "owner")
	resp, body := b.get("/assets/" + a.ID)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, `action="/assets/`+a.ID+`/versions/1/restore"`)
	assert.NotContains(t, body, `/versions/2/restore"`, "the current version has no button")

	resp, _ = b.post("/assets/"+a.ID+"/versions/1/restore", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	got, err := s.lib.Asset(s.owner, a.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Current.Number)
	assert.Equal(t, a.Current.SHA256, got.Current.SHA256)
	_, body = b.get("/assets/" + a.ID)
	assert.Contains(t, body, "Version 1 is current again, as version 3.")

	v := s.signIn(t, "viewer")
	resp, _ = v.post("/assets/"+a.ID+"/versions/2/restore", nil)
	assert.GreaterOrEqual(t, resp.StatusCode, 400, "viewers cannot")
}
