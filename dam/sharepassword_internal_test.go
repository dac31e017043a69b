package dam

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSharePasswordHash(t *testing.T) {
	h, err := hashSharePassword("op", "correct horse")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
	assert.True(t, checkSharePassword(h, "correct horse"))
	assert.False(t, checkSharePassword(h, "correct horse "))
	h2, err := hashSharePassword("op", "correct horse")
	require.NoError(t, err)
	assert.NotEqual(t, h, h2, "salted")

	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=19456,t=99,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$", "$argon2id$v=19$m=19456,t=2,p=0$c2FsdA$aGFzaA"} {
		assert.False(t, checkSharePassword(bad, "correct horse"), bad)
	}
	for _, pw := range []string{"short", strings.Repeat("x", 201), "two\nlines", "nul\x00byte", "\xff\xfe bad utf-8"} {
		_, err := hashSharePassword("op", pw)
		assert.Equal(t, Invalid, KindOf(err), "%q", pw)
	}
}

// BenchmarkCheckSharePassword is the cost of one password check (argon2id,
// 19 MiB, two passes): what a guest waits when unlocking a share, and what
// the per-share limit of wrong passwords keeps a guesser to.
func BenchmarkCheckSharePassword(b *testing.B) {
	h, err := hashSharePassword("op", "correct horse")
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if !checkSharePassword(h, "correct horse") {
			b.Fatal("no match")
		}
	}
}
