package dam

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// legacyVisitorToken is the first form of visitor links (readable payload
// and HMAC), still accepted so that links already mailed keep working.
func legacyVisitorToken(secret []byte, portalID, email string, exp int64) string {
	payload := portalID + "\n" + email + "\n" + strconv.FormatInt(exp, 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(payload))
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(m.Sum(nil))
}

func TestVisitorTokenIsOpaque(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	until := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := visitorToken(secret, "01portal", "ana.visitor@example.com", until)
	assert.True(t, strings.HasPrefix(tok, "v2."))
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, "v2."))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "ana.visitor", "no personal data in the link")
	assert.NotContains(t, tok, base64.RawURLEncoding.EncodeToString([]byte("ana.visitor")))
	assert.NotEqual(t, tok, visitorToken(secret, "01portal", "ana.visitor@example.com", until), "a fresh nonce each time")

	pid, email, got, ok := parseVisitorToken(secret, tok)
	require.True(t, ok)
	assert.Equal(t, "01portal", pid)
	assert.Equal(t, "ana.visitor@example.com", email)
	assert.Equal(t, until, got)

	_, _, forever, ok := parseVisitorToken(secret, visitorToken(secret, "p", "a@example.com", time.Time{}))
	require.True(t, ok)
	assert.True(t, forever.IsZero())

	// Any change to the link, or another library's secret, opens nothing.
	b := []byte(tok)
	for i := len("v2."); i < len(b); i += 7 {
		c := b[i]
		b[i] = map[bool]byte{true: 'A', false: 'B'}[c != 'A']
		_, _, _, ok := parseVisitorToken(secret, string(b))
		assert.False(t, ok, "byte %d changed", i)
		b[i] = c
	}
	_, _, _, ok = parseVisitorToken([]byte("another secret of thirty-two b.."), tok)
	assert.False(t, ok)
	for _, bad := range []string{"", "v2.", "v2.!!!", "v2.AAAA", "x.y", strings.Repeat("A", 2000)} {
		_, _, _, ok := parseVisitorToken(secret, bad)
		assert.False(t, ok, bad)
	}
}

func TestLegacyVisitorLinksStillWork(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok := legacyVisitorToken(secret, "01portal", "old@example.com", 1893456000)
	pid, email, until, ok := parseVisitorToken(secret, tok)
	require.True(t, ok, "a link mailed before sealing keeps working")
	assert.Equal(t, "01portal", pid)
	assert.Equal(t, "old@example.com", email)
	assert.Equal(t, int64(1893456000), until.Unix())

	forged := legacyVisitorToken([]byte("not the library's secret........"), "01portal", "old@example.com", 0)
	_, _, _, ok = parseVisitorToken(secret, forged)
	assert.False(t, ok)
}
