package dam_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func hexSHA(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestAssetsBySHA256(t *testing.T) {
	f := newFixture(t, nil)
	in := f.upload(t, f.owner, "in.txt", "bytes that are in")
	gone := f.upload(t, f.owner, "gone.txt", "bytes in the trash")
	require.NoError(t, f.lib.Delete(f.owner, gone.ID))

	got, _, err := f.lib.Assets(f.owner, dam.AssetQuery{SHA256: []string{hexSHA("bytes that are in"), hexSHA("bytes in the trash"), hexSHA("never sent")}})
	require.NoError(t, err)
	require.Len(t, got, 1, "only the live asset with the digest")
	assert.Equal(t, in.ID, got[0].ID)

	stranger := f.user(t, "s@example.com", dam.RoleOwner, "elsewhere")
	got, _, err = f.lib.Assets(stranger, dam.AssetQuery{SHA256: []string{hexSHA("bytes that are in")}})
	require.NoError(t, err)
	assert.Empty(t, got, "another domain's digest is not found")

	for name, hashes := range map[string][]string{
		"upper case": {strings.ToUpper(hexSHA("x"))},
		"short":      {"abc"},
		"not hex":    {strings.Repeat("g", 64)},
		"empty":      {""},
		"over limit": slicesRepeat(hexSHA("x"), dam.MaxHashQuery+1),
	} {
		_, _, err := f.lib.Assets(f.owner, dam.AssetQuery{SHA256: hashes})
		assert.Equal(t, dam.Invalid, dam.KindOf(err), name)
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
