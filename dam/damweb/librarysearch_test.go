package damweb

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestLibrarySearch: the library's search box takes the query syntax,
// lists the best matches first and offers that sort only with a query;
// a bad query is a 400 page naming the problem.
func TestLibrarySearch(t *testing.T) {
	s := newSite(t, nil)
	for _, up := range []struct{ name, title, desc string }{
		{"harbour.txt", "Café by the harbour", ""},
		{"notes.txt", "boats at night", "in the harbour"},
		{"winter.txt", "Winter café", ""},
	} {
		_, err := s.lib.Upload(s.owner, strings.NewReader(up.name), dam.UploadOptions{Name: up.name,
			Meta: &dam.Metadata{Title: up.title, Description: up.desc}})
		require.NoError(t, err)
	}
	b := s.signIn(t, "owner")
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"harb", []string{"harbour.txt", "notes.txt"}},
		{"cafe -winter", []string{"harbour.txt"}},
		{`"at night"`, []string{"notes.txt"}},
		{"title:winter", []string{"winter.txt"}},
	} {
		resp, body := b.get("/?view=list&q=" + url.QueryEscape(tc.q))
		require.Equal(t, http.StatusOK, resp.StatusCode, tc.q)
		assert.Equal(t, tc.want, rowNames(body), tc.q)
		assert.Contains(t, body, `<option value="relevance" selected>Best match</option>`, "best match is the sort of a search")
		assert.Contains(t, body, `maxlength="500" aria-describedby="f-q-hint"`)
	}
	_, body := b.get("/?view=list")
	assert.NotContains(t, body, `value="relevance"`, "no best match without a query")
	_, body = b.get("/?view=list&q=harbour&sort=-updated")
	assert.Contains(t, body, `<option value="-updated" selected>Recently changed</option>`)
	assert.Equal(t, []string{"notes.txt", "harbour.txt"}, rowNames(body))

	resp, body := b.get("/?q=" + url.QueryEscape(`"open`))
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "quote in the search text is not closed")
}
