package damweb

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// header is one column header of the list view: its aria-sort and link.
type header struct{ aria, href string }

var headerRE = regexp.MustCompile(`<th scope="col"(?: aria-sort="([a-z]+)")?><a class="sort" href="([^"]*)">([A-Za-z]+)<`)

// headers reads the sortable column headers of a list view by label.
func headers(t *testing.T, body string) map[string]header {
	t.Helper()
	out := map[string]header{}
	for _, m := range headerRE.FindAllStringSubmatch(body, -1) {
		out[m[3]] = header{aria: m[1], href: html.UnescapeString(m[2])}
	}
	require.Len(t, out, 3, "Name, Size and Added sort")
	return out
}

// query reads the parameters of a library link.
func query(t *testing.T, href string) url.Values {
	t.Helper()
	u, err := url.Parse(href)
	require.NoError(t, err)
	require.Equal(t, "/", u.Path)
	return u.Query()
}

var rowNameRE = regexp.MustCompile(`<td><a href="/assets/[0-9a-z]+">([^<]+)</a>`)

// rowNames lists the asset names of the list view's rows, in order.
func rowNames(body string) []string {
	var out []string
	for _, m := range rowNameRE.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestLibraryListSorts(t *testing.T) {
	s := newSite(t, nil)
	folder, err := s.lib.CreateFolder(s.owner, "Sorted", "", dam.DefaultDomain)
	require.NoError(t, err)
	// More than a page, with names out of creation order and sizes out of both.
	n := libraryPageSize + 5
	for i := range n {
		name := fmt.Sprintf("file-%03d.txt", (i*37)%n)
		_, err := s.lib.Upload(s.owner, strings.NewReader(strings.Repeat("x", 1+(i*11)%n)),
			dam.UploadOptions{Name: name, FolderID: folder.ID})
		require.NoError(t, err)
	}
	b := s.signIn(t, "owner")
	base := "/?folder=" + folder.ID + "&view=list"

	// The default order is creation order: Added is sorted ascending.
	resp, body := b.get(base)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	h := headers(t, body)
	assert.Equal(t, "ascending", h["Added"].aria)
	assert.Equal(t, "-created", query(t, h["Added"].href).Get("sort"), "clicking the sorted column reverses it")
	assert.Empty(t, h["Name"].aria)
	assert.Equal(t, "name", query(t, h["Name"].href).Get("sort"))
	assert.Equal(t, folder.ID, query(t, h["Name"].href).Get("folder"), "sorting keeps the folder")
	assert.Equal(t, "list", query(t, h["Name"].href).Get("view"), "and the view")

	// Name, then Name again: ascending, then descending, across both pages.
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("file-%03d.txt", i))
	}
	for _, tc := range []struct {
		sort, aria, next string
		reversed         bool
	}{{"name", "ascending", "-name", false}, {"-name", "descending", "name", true}} {
		_, body = b.get(base + "&sort=" + tc.sort)
		h = headers(t, body)
		assert.Equal(t, tc.aria, h["Name"].aria, tc.sort)
		assert.Equal(t, tc.next, query(t, h["Name"].href).Get("sort"))
		assert.Empty(t, h["Added"].aria)
		assert.Contains(t, body, `<option value="`+tc.sort+`" selected>`, "the sort drop-down shows the sort")
		got := rowNames(body)
		next := regexp.MustCompile(`<a class="button" href="([^"]*)">Next page</a>`).FindStringSubmatch(body)
		require.NotNil(t, next, "a second page")
		nq := query(t, html.UnescapeString(next[1]))
		assert.Equal(t, tc.sort, nq.Get("sort"), "paging keeps the sort")
		assert.NotEmpty(t, nq.Get("cursor"))
		_, body = b.get(html.UnescapeString(next[1]))
		got = append(got, rowNames(body)...)
		w := append([]string{}, want...)
		if tc.reversed {
			for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
				w[i], w[j] = w[j], w[i]
			}
		}
		assert.Equal(t, w, got, "every asset once, in order, across pages")
		assert.Regexp(t, `href="/\?[^"]*sort=`+regexp.QuoteMeta(url.QueryEscape(tc.sort))+`[^"]*">Library</a>`, body,
			"the breadcrumb keeps the sort")
	}

	// Size sorts by the current version's size.
	_, body = b.get(base + "&sort=-size")
	h = headers(t, body)
	assert.Equal(t, "descending", h["Size"].aria)
	assert.Equal(t, "size", query(t, h["Size"].href).Get("sort"))

	// Changing folder from the tree keeps the sort; so does the filter form.
	_, body = b.get("/?view=list&sort=size")
	m := regexp.MustCompile(`<a href="([^"]*)">Sorted</a>`).FindStringSubmatch(body)
	require.NotNil(t, m)
	fq := query(t, html.UnescapeString(m[1]))
	assert.Equal(t, "size", fq.Get("sort"))
	assert.Equal(t, folder.ID, fq.Get("folder"))
	assert.Contains(t, body, `<select id="f-sort" name="sort">`, "the filter form submits the sort")

	resp, body = b.get("/?sort=colour")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "sort must be one of")
	resp, _ = b.get("/?sort=name&cursor=" + s.photo.ID)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "an ID cursor does not continue a sort by name")
}
