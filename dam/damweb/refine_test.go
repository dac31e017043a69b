package damweb

import (
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

// facetLinkRE reads the sidebar's facet values: group, label, count, link.
var facetLinkRE = regexp.MustCompile(`<li><a href="([^"]+)"(?: aria-current="true")?>([^<]+) <span class="count">(?:about )?(\d+)</span></a></li>`)

// facetValues are the sidebar's values of one facet group (by its heading
// id), as "label count", and their links.
func facetValues(t *testing.T, body, group string) (values []string, links map[string]string) {
	t.Helper()
	i := strings.Index(body, `<h3 id="fh-`+group+`">`)
	if i < 0 {
		return nil, nil
	}
	sec := body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	links = map[string]string{}
	for _, m := range facetLinkRE.FindAllStringSubmatch(sec, -1) {
		label := html.UnescapeString(m[2])
		values = append(values, label+" "+m[3])
		links[label] = html.UnescapeString(m[1])
	}
	return values, links
}

// TestLibraryRefine: the sidebar counts the view's assets by kind, file
// type, category, year and creator; each value narrows the view and keeps
// the query; the ranges form filters by dates, size and orientation; each
// filter in force has a link that clears it; bad values are a 400 naming
// the problem.
func TestLibraryRefine(t *testing.T) {
	s := newSite(t, nil) // the owner sees sunrise.png, launch.png and plan-b.txt (in domain b)
	for _, up := range []struct{ name, creator string }{
		{"harbour.txt", "Jane Doe"}, {"boats.txt", "Jane Doe"}, {"dunes.txt", "Ann Lee"},
	} {
		_, err := s.lib.Upload(s.owner, strings.NewReader(up.name+" by the sea"), dam.UploadOptions{Name: up.name,
			Meta: &dam.Metadata{Title: "sea " + up.name, Fields: map[string]string{dam.FacetCreatorField: up.creator}}})
		require.NoError(t, err)
	}
	cat, err := s.lib.CreateCategory(s.owner, "Coast", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCategory(s.owner, cat.ID, []string{s.photo.ID})
	require.NoError(t, err)
	year := s.photo.CaptureTime().UTC().Format("2006")
	b := s.signIn(t, "owner")

	_, body := b.get("/?view=list")
	kinds, kindLinks := facetValues(t, body, "kind")
	assert.Equal(t, []string{"Document 4", "Image 2"}, kinds)
	types, _ := facetValues(t, body, "media")
	assert.Equal(t, []string{"Text 4", "PNG 2"}, types)
	cats, _ := facetValues(t, body, "category")
	assert.Equal(t, []string{"Coast 1"}, cats)
	years, yearLinks := facetValues(t, body, "year")
	assert.Equal(t, []string{year + " 6"}, years)
	creators, creatorLinks := facetValues(t, body, "creator")
	assert.Equal(t, []string{"Jane Doe 2", "Ann Lee 1"}, creators)
	assert.NotContains(t, body, "about ", "six assets are counted exactly")
	for _, label := range []string{`<legend>Added</legend>`, `<label for="r-cf">From</label>`, `<legend>Size in MB</legend>`,
		`<label for="r-max">To</label>`, `<legend>Orientation</legend>`, `<h2 id="refine-h" class="side-h">Refine</h2>`} {
		assert.Contains(t, body, label)
	}

	// A facet narrows the view, keeps the list view, and offers to clear it.
	_, body = b.get(creatorLinks["Jane Doe"])
	assert.Equal(t, []string{"boats.txt", "harbour.txt"}, rowNames(body))
	assert.Contains(t, body, `<title>By Jane Doe`)
	assert.Contains(t, body, `Creator: Jane Doe <span aria-hidden="true">×</span>`)
	assert.Contains(t, body, `<p class="clear"><a href="/?view=list">Any creator</a></p>`)
	assert.NotContains(t, body, `name="q" value="creator`, "the search box keeps the user's own words")
	// with a query, the facet link keeps it
	_, body = b.get("/?view=list&q=sea")
	_, creatorLinks = facetValues(t, body, "creator")
	link, err := url.Parse(creatorLinks["Ann Lee"])
	require.NoError(t, err)
	assert.Equal(t, url.Values{"q": {"sea"}, "view": {"list"}, "creator": {"Ann Lee"}}, link.Query())
	_, body = b.get(link.String())
	assert.Equal(t, []string{"dunes.txt"}, rowNames(body))

	_, body = b.get(kindLinks["Image"])
	assert.Equal(t, []string{"sunrise.png", "launch.png"}, rowNames(body))
	_, body = b.get(yearLinks[year])
	assert.Len(t, rowNames(body), 6)
	assert.Contains(t, body, `value="`+year+`-12-31"`, "the year fills the capture range")

	for _, tc := range []struct {
		name, query string
		want        []string
		chip        string
	}{
		{"orientation", "orientation=portrait", []string{"launch.png"}, "Orientation: portrait"},
		{"size", "min_mb=0.000001&max_mb=0.0001", []string{"plan-b.txt", "harbour.txt", "boats.txt", "dunes.txt"}, "Size: 0.000001 – 0.0001 MB"},
		{"added until yesterday", "created_to=2001-01-01", nil, "Added: until 2001-01-01"},
		{"added from a day", "created_from=2001-01-01&kind=image", []string{"sunrise.png", "launch.png"}, "Kind: Image"},
		{"taken", "captured_from=" + year + "-01-01&captured_to=" + year + "-12-31&media=image%2Fpng",
			[]string{"sunrise.png", "launch.png"}, "Taken: " + year + "-01-01 – " + year + "-12-31"},
		{"category", "category=" + cat.ID, []string{"sunrise.png"}, "Category: Coast"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := b.get("/?view=list&" + tc.query)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, tc.want, rowNames(body))
			assert.Contains(t, html.UnescapeString(body), tc.chip+` <span aria-hidden="true">×</span>`)
			// The search form carries every filter along.
			search := body[strings.Index(body, `<form class="filters"`):]
			search = search[:strings.Index(search, "</form>")]
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			for k, v := range q {
				assert.Contains(t, search, `name="`+k+`" value="`+html.EscapeString(v[0])+`"`)
			}
		})
	}
	_, body = b.get("/?view=list&orientation=landscape&kind=image&q=sun")
	assert.Contains(t, body, `<li><a href="/?q=sun&amp;view=list">Clear all</a></li>`)

	for _, tc := range []struct{ query, want string }{
		{"created_from=yesterday", "date added from must be a day as 2024-06-30"},
		{"min_mb=-1", "smallest size must be a number of megabytes"},
		{"max_mb=NaN", "largest size must be a number of megabytes"},
		{"max_mb=1e300", "largest size must be a number of megabytes"},
		{"min_mb=5&max_mb=1", "smallest size"},
		{"orientation=diagonal", "orientation must be one of landscape, portrait, square"},
		{"captured_from=2025-01-02&captured_to=2025-01-01", "capture"},
	} {
		resp, body := b.get("/?" + tc.query)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, tc.query)
		assert.Contains(t, html.UnescapeString(body), tc.want, tc.query)
	}
}
