package damhttp_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// A client asks by digest whether files are in before sending them.
func TestAssetsBySHA256Query(t *testing.T) {
	a := newAPI(t, nil)
	var up dam.Asset
	resp, b := a.do("POST", "/api/v1/assets?name=a.txt", strings.NewReader("already here"), nil)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, &up))

	sum := sha256.Sum256([]byte("already here"))
	other := sha256.Sum256([]byte("not here"))
	var page struct{ Items []dam.Asset }
	a.json("GET", "/api/v1/assets?sha256="+hex.EncodeToString(sum[:])+","+hex.EncodeToString(other[:]), nil, http.StatusOK, &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, up.ID, page.Items[0].ID)

	for _, q := range []string{
		"sha256=abc",
		"sha256=" + strings.Repeat(hex.EncodeToString(sum[:])+",", dam.MaxHashQuery) + hex.EncodeToString(sum[:]),
	} {
		resp, b := a.do("GET", "/api/v1/assets?"+q, nil, nil)
		a.wantError(resp, b, http.StatusBadRequest, "invalid")
	}
}
