package httpdam

import (
	"mime"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAttachmentEncodesEveryNonAttrChar(t *testing.T) {
	for _, name := range []string{
		"report.pdf",
		"a=b:c(d)e@f'g*h,i;j k.txt",
		"Café – Übersicht.jpg",
		"quote\"back\\slash;semi.txt",
		"line\r\nbreak.txt",
		"%41 literal percent.txt",
	} {
		t.Run(name, func(t *testing.T) {
			h := Attachment(name)
			_, ext, ok := strings.Cut(h, "filename*=UTF-8''")
			require.True(t, ok, h)
			for _, c := range ext {
				assert.True(t, strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~%", c),
					"%q is not an RFC 8187 attr-char in %s", c, ext)
			}
			back, err := url.PathUnescape(ext)
			require.NoError(t, err)
			assert.Equal(t, strings.NewReplacer("\r", "", "\n", "").Replace(name), back, "the exact name comes back")
			_, params, err := mime.ParseMediaType(h)
			require.NoError(t, err, "a standard parser reads the header")
			assert.Equal(t, back, params["filename"], "Go's parser prefers filename* and decodes it")
		})
	}
}
