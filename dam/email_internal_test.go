package dam

import (
	"mime"
	"net/mail"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Long header values are folded at their spaces, no line passes 78
// characters where a space allows, and unfolding gives the value back.
func TestFoldHeader(t *testing.T) {
	subject := mime.BEncoding.Encode("utf-8", strings.Repeat("Zoë's photos of the harbour ", 20))
	name := (&mail.Address{Name: strings.Repeat("Å", 90), Address: "ada@example.com"}).String()
	for _, tc := range []struct{ key, value string }{
		{"Subject", subject}, {"To", name}, {"Subject", "short"}, {"Date", "Sat, 05 Dec 2026 03:00:00 +0000"},
		{"Subject", strings.Repeat("x", 150) + " y"}, // a word longer than a line stays whole
	} {
		h := foldHeader(tc.key, tc.value)
		require.True(t, strings.HasSuffix(h, "\r\n"), tc.value)
		lines := strings.Split(strings.TrimSuffix(h, "\r\n"), "\r\n")
		for i, l := range lines {
			if i > 0 {
				assert.True(t, strings.HasPrefix(l, " "), "a continuation starts with a space: %q", l)
			}
			words := strings.Fields(l)
			if i == 0 {
				words = words[1:] // after "Key:"
			}
			if len(words) > 1 { // a line of one word cannot be shorter
				assert.LessOrEqual(t, len(l), 78, "%q", l)
			}
		}
		assert.Equal(t, tc.key+": "+tc.value, strings.ReplaceAll(strings.Join(lines, "\r\n"), "\r\n", ""), "unfolded")
	}
	assert.Equal(t, "Subject: short\r\n", foldHeader("Subject", "short"))
	assert.Greater(t, strings.Count(foldHeader("Subject", subject), "\r\n"), 5)
}

// A display name longer than maxNameRunes is cut, with an ellipsis.
func TestRecipientNameBounded(t *testing.T) {
	a, err := recipientAddress(Recipient{Email: "ada@example.com", Name: strings.Repeat("é", 500)})
	require.NoError(t, err)
	assert.Len(t, []rune(a.Name), maxNameRunes)
	assert.True(t, strings.HasSuffix(a.Name, "…"))
	a, err = recipientAddress(Recipient{Email: "ada@example.com", Name: "Ada Lovelace"})
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", a.Name)
}
