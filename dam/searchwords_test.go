package dam

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestASCIIWordsAsUnicode: the ASCII fast path of SearchWords cuts and
// folds as the general one does, separators, digits, case, long words and
// max included.
func TestASCIIWordsAsUnicode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := "aZq09 -_.,;:!?'\"()[]{}/\\@#%&*+=<>|~`^$\t\n\r\x00\x7f"
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(120) {
			if rng.IntN(4) == 0 {
				b.WriteByte(byte(rng.IntN(128)))
			} else {
				b.WriteByte(pick[rng.IntN(len(pick))])
			}
		}
		if i%50 == 0 {
			b.WriteString(strings.Repeat("Ab1", 30)) // past 64 runes
		}
		text, max := b.String(), rng.IntN(6)
		require.Equal(t, unicodeWords(text, max), asciiWords(text, max), "%q, max %d", text, max)
		require.Equal(t, unicodeWords(text, max), SearchWords(text, max), "%q, max %d", text, max)
	}
}

// TestSearchFieldTagAsBefore: the tag is the one fmt spelled before (the
// words of the fields already indexed keep matching).
func TestSearchFieldTagAsBefore(t *testing.T) {
	for _, key := range []string{"", "name", "creator", "keywords", "x-ray_2", "ünïcode"} {
		h := fnv.New64a()
		h.Write([]byte(key))
		want := "f" + fmt.Sprintf("%016x", h.Sum64())[:10] + "g" + "ann"
		require.Equal(t, want, SearchFieldToken(key, "ann"), key)
	}
}
