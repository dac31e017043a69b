package damweb

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestLibraryRefineEveryFilter: the sidebar's form has a labelled control
// for each filter the API has besides the facets (changes, pixel size,
// the download policy as it resolves for the caller, availability and
// expiry, uploader, collection, and whether a category takes its
// subcategories); each makes the query it names, shows a chip that
// clears it, and is carried along by the search form.
func TestLibraryRefineEveryFilter(t *testing.T) {
	s := newSite(t, nil) // sunrise.png 960×640, launch.png 480×640 (protected folder), plan-b.txt (domain b)
	editor, err := s.lib.Authenticate(t.Context(), s.keys["editor"])
	require.NoError(t, err)
	editorNotes, err := s.lib.Upload(dam.WithActor(t.Context(), editor.Actor()), strings.NewReader("notes"), dam.UploadOptions{Name: "notes.txt"})
	require.NoError(t, err)
	lic, err := s.lib.CreateLicence(s.owner, "Press only", "For the press.")
	require.NoError(t, err)
	_, err = s.lib.SetAssetLicence(s.owner, s.photo.ID, lic.ID)
	require.NoError(t, err)
	unavailable := dam.Unavailable
	_, err = s.lib.EditAsset(s.owner, s.other.ID, dam.AssetPatch{Availability: &unavailable})
	require.NoError(t, err)
	expires := time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)
	_, err = s.lib.EditAsset(s.owner, s.secret.ID, dam.AssetPatch{ExpiresAt: &expires})
	require.NoError(t, err)
	picks, err := s.lib.CreateCollection(s.owner, "Picks", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(s.owner, picks.ID, []dam.CollectionItem{{AssetID: s.photo.ID}})
	require.NoError(t, err)
	coast, err := s.lib.CreateCategory(s.owner, "Coast", "")
	require.NoError(t, err)
	harbour, err := s.lib.CreateCategory(s.owner, "Harbour", coast.ID)
	require.NoError(t, err)
	_, err = s.lib.AddToCategory(s.owner, coast.ID, []string{s.secret.ID})
	require.NoError(t, err)
	_, err = s.lib.AddToCategory(s.owner, harbour.ID, []string{s.photo.ID})
	require.NoError(t, err)

	owner := s.signIn(t, "owner")
	_, body := owner.get("/?view=list")
	for _, label := range []string{`<legend>Changed</legend>`, `<label for="r-uf">From</label><input id="r-uf" type="date" name="updated_from"`,
		`<label for="r-w">Width</label><input id="r-w" type="number" name="min_width"`, `<label for="r-h">Height</label>`,
		`<legend>Access for me</legend>`, `<label for="r-dl">Download</label><select id="r-dl" name="downloadable">`,
		`<label for="r-pr">Protection</label><select id="r-pr" name="protected">`, `<label for="r-li">Licence</label><select id="r-li" name="licence">`,
		`<label for="r-av">Usable</label><select id="r-av" name="availability">`, `<label for="r-ef">Expires from</label><input id="r-ef" type="date"`,
		`<label for="r-by">Added by</label><select id="r-by" name="created_by">`, `<option value="` + editorNotes.CreatedBy + `">editor@example.com</option>`,
		`<label for="r-col">Collection</label><select id="r-col" name="collection">`, `<option value="` + picks.ID + `">Picks</option>`,
	} {
		assert.Contains(t, body, label)
	}

	for _, tc := range []struct {
		name, query string
		want        []string
		chip        string
		selected    string // the drop-down's choice the page shows as chosen
	}{
		{"protected", "protected=yes", []string{"launch.png"}, "Protected", `<option value="yes" selected>Protected</option>`},
		{"not protected", "protected=no", []string{"sunrise.png", "plan-b.txt", "notes.txt"}, "Not protected", ""},
		{"with a licence", "licence=yes", []string{"sunrise.png"}, "With a licence", `<option value="yes" selected>With a licence</option>`},
		{"without a licence", "licence=no", []string{"plan-b.txt", "launch.png", "notes.txt"}, "Without a licence", ""},
		{"available", "availability=available", []string{"sunrise.png", "launch.png", "notes.txt"}, "Available now", ""},
		{"unavailable", "availability=unavailable", []string{"plan-b.txt"}, "Unavailable or expired",
			`<option value="unavailable" selected>Unavailable or expired</option>`},
		{"expiry", "expires_from=2030-06-01&expires_to=2030-06-15", []string{"launch.png"}, "Expires: 2030-06-01 – 2030-06-15", ""},
		{"expiry before", "expires_to=2030-06-14", nil, "Expires: until 2030-06-14", ""},
		{"added by", "created_by=" + editorNotes.CreatedBy, []string{"notes.txt"}, "Added by: editor@example.com", ""},
		{"collection", "collection=" + picks.ID, []string{"sunrise.png"}, "Collection: Picks", `<option value="` + picks.ID + `" selected>Picks</option>`},
		{"changed before", "updated_to=2001-01-01", nil, "Changed: until 2001-01-01", ""},
		{"changed since", "updated_from=2001-01-01&kind=image", []string{"sunrise.png", "launch.png"}, "Changed: from 2001-01-01", ""},
		{"wide", "min_width=900", []string{"sunrise.png"}, "At least 900 px wide", ""},
		{"high", "min_height=641", nil, "At least 641 px high", ""},
		{"both", "min_width=400&min_height=600", []string{"sunrise.png", "launch.png"}, "At least 400 × 600 px", ""},
		{"category and subcategories", "category=" + coast.ID, []string{"sunrise.png", "launch.png"}, "Category: Coast", ""},
		{"category only", "category=" + coast.ID + "&subcategories=no", []string{"launch.png"}, "Only directly in Coast", ""},
		{"combined", "protected=no&licence=yes&min_width=900&q=sunrise", []string{"sunrise.png"}, "With a licence", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := owner.get("/?view=list&" + tc.query)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, tc.want, rowNames(body))
			page := html.UnescapeString(body)
			assert.Contains(t, page, tc.chip+` <span aria-hidden="true">×</span>`)
			if tc.selected != "" {
				assert.Contains(t, body, tc.selected)
			}
			assert.NotContains(t, body, `id="policy-note"`, "a page that is not cut short says nothing of it")
			// The chip's link clears its filter and keeps the others.
			chips := activeChips(t, body)
			clear, ok := chips[tc.chip]
			require.True(t, ok, "chips %v", chips)
			u, err := url.Parse(clear)
			require.NoError(t, err)
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			assert.Less(t, len(u.Query()), len(q)+1, "the chip removes a filter")
			// The search form carries every filter along.
			search := body[strings.Index(body, `<form class="filters"`):]
			search = search[:strings.Index(search, "</form>")]
			for k, v := range q {
				if k != "q" {
					assert.Contains(t, search, `name="`+k+`" value="`+html.EscapeString(v[0])+`"`)
				}
			}
		})
	}
	// The category's scope is a link that keeps the category.
	_, body = owner.get("/?category=" + coast.ID)
	assert.Contains(t, body, `<a href="/?category=`+coast.ID+`&amp;subcategories=no">Only directly in it</a>`)
	_, body = owner.get("/?category=" + coast.ID + "&subcategories=no")
	assert.Contains(t, body, `<a href="/?category=`+coast.ID+`">Include its subcategories</a>`)

	// Downloadable as the policy decides it for the viewer: the protected
	// launch.png is not; sunrise.png is, once its licence is accepted.
	viewer := s.signIn(t, "viewer")
	_, body = viewer.get("/?view=list&downloadable=yes")
	assert.Equal(t, []string{"sunrise.png", "notes.txt"}, rowNames(body))
	assert.Contains(t, html.UnescapeString(body), `Downloadable by me <span aria-hidden="true">×</span>`)
	assert.Contains(t, body, `<option value="yes" selected>Downloadable by me</option>`)
	_, body = viewer.get("/?view=list&downloadable=no")
	assert.Equal(t, []string{"launch.png"}, rowNames(body))
	assert.Contains(t, html.UnescapeString(body), `Not downloadable by me <span aria-hidden="true">×</span>`)
	// A viewer picks only themselves as the uploader; a link naming
	// someone else still shows who is meant, vaguely.
	assert.Contains(t, body, `<option value="" selected>Anyone</option><option value="`)
	assert.Contains(t, body, `Counts leave out the “Access for me” filters`, "the counts say what they do not apply")
	assert.NotContains(t, body, "editor@example.com")
	_, body = viewer.get("/?view=list&created_by=" + editorNotes.CreatedBy)
	assert.Equal(t, []string{"notes.txt"}, rowNames(body))
	assert.Contains(t, html.UnescapeString(body), `Added by: someone else <span aria-hidden="true">×</span>`)
}

// activeChips are the chips of the filters in force: label → clear link.
func activeChips(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	i := strings.Index(body, `<ul class="active-filters"`)
	if i < 0 {
		return out
	}
	sec := body[i:]
	sec = sec[:strings.Index(sec, "</ul>")]
	for _, li := range strings.Split(sec, "<li>")[1:] {
		href, rest, ok := strings.Cut(strings.TrimPrefix(li, `<a href="`), `">`)
		if !ok {
			continue
		}
		label, _, _ := strings.Cut(rest, ` <span aria-hidden="true">`)
		out[html.UnescapeString(label)] = html.UnescapeString(href)
	}
	return out
}

// TestLibraryRefineBadValues: a filter the view cannot take shows the
// library page with the problem named (400, or 404 for a collection that
// is not the caller's), the form as given to correct it, and no results;
// never a 500.
func TestLibraryRefineBadValues(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	for _, tc := range []struct {
		query  string
		status int
		want   string
		kept   string // the bad value, kept in its field
	}{
		{"min_width=abc", 400, "the smallest width must be a whole number of pixels", `name="min_width" min="0" max="1000000" step="1" inputmode="numeric" value="abc"`},
		{"min_height=-3", 400, "the smallest height must be a whole number of pixels", `value="-3"`},
		{"min_width=99999999999999999999", 400, "the smallest width must be a whole number", ""},
		{"downloadable=maybe", 400, "the “Download” filter must be yes or no", ""},
		{"protected=1", 400, "the “Protection” filter must be yes or no", ""},
		{"licence=true", 400, "the “Licence” filter must be yes or no", ""},
		{"availability=soon", 400, `availability must be "available" or "unavailable"`, ""},
		{"expires_from=2030-13-01", 400, "the date expires from must be a day as 2024-06-30", `name="expires_from" value="2030-13-01"`},
		{"updated_to=June", 400, "the date changed until must be a day", ""},
		{"updated_from=2025-01-02&updated_to=2025-01-01", 400, "the range of changes ends before it starts", ""},
		{"expires_from=2025-01-02&expires_to=2025-01-01", 400, "the expiry range ends before it starts", ""},
		{"created_by=..%2Fx", 400, "bad user id", ""},
		{"subcategories=maybe", 400, "subcategories must be yes or no", ""},
		{"collection=nope", 404, "collection", ""},
		{"created_from=yesterday", 400, "the date added from must be a day as 2024-06-30", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp, body := b.get("/?view=list&" + tc.query)
			require.Equal(t, tc.status, resp.StatusCode)
			page := html.UnescapeString(body)
			assert.Contains(t, page, tc.want)
			assert.Contains(t, body, `<div class="error" role="alert" id="filter-problem">`)
			assert.Contains(t, body, `<form class="ranges"`, "the form is there to correct the value")
			assert.Empty(t, rowNames(body), "no results under filters that do not apply")
			if tc.kept != "" {
				assert.Contains(t, body, tc.kept)
			}
		})
	}
}

// TestLibraryPolicyScanLimit: a page the download filters cut short at
// dam.MaxPolicyScan assets read says so and still offers the next page,
// even when it holds none; the next page goes on.
func TestLibraryPolicyScanLimit(t *testing.T) {
	s := newSite(t, nil)
	big, err := s.lib.CreateFolder(s.owner, "Big", "", dam.DefaultDomain)
	require.NoError(t, err)
	fillFolder(t, s, big.ID, dam.MaxPolicyScan+500) // image-….jpg: before launch.png by name, none protected
	b := s.signIn(t, "owner")
	resp, body := b.get("/?view=list&sort=name&protected=yes")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, rowNames(body))
	assert.Contains(t, body, `<p class="notice" id="policy-note">This page may hold fewer than 60 assets, even none: the download filters check at most 5000 assets per page.`)
	assert.Contains(t, body, "None of the assets checked on this page passed the download filters, but more are left to check.")
	next := regexpFind(t, body, `<a class="button" href="([^"]+)">Next page</a>`)
	u, err := url.Parse(next)
	require.NoError(t, err)
	assert.Equal(t, "yes", u.Query().Get("protected"))
	assert.NotEmpty(t, u.Query().Get("cursor"))
	_, body = b.get(next)
	assert.Equal(t, []string{"launch.png"}, rowNames(body))
	assert.NotContains(t, body, `id="policy-note"`, "the last page is not cut short")
	assert.Contains(t, body, `>First page</a>`)
}

// regexpFind is the first group of the first match of expr in body.
func regexpFind(t *testing.T, body, expr string) string {
	t.Helper()
	m := regexp.MustCompile(expr).FindStringSubmatch(body)
	require.NotNil(t, m, "no %s", expr)
	return html.UnescapeString(m[1])
}

// TestLibrarySubfolders: a folder's view offers its subfolders too, as a
// link; with them on, a chip clears it and the forms carry it along.
func TestLibrarySubfolders(t *testing.T) {
	s := newSite(t, nil) // launch.png is in Embargo
	sub, err := s.lib.CreateFolder(s.owner, "Drafts", s.private.ID, dam.DefaultDomain)
	require.NoError(t, err)
	_, err = s.lib.Upload(s.owner, strings.NewReader("draft"), dam.UploadOptions{Name: "draft.txt", FolderID: sub.ID})
	require.NoError(t, err)
	b := s.signIn(t, "owner")
	_, body := b.get("/?view=list&folder=" + s.private.ID)
	assert.Equal(t, []string{"launch.png"}, rowNames(body))
	link := regexpFind(t, body, `<p class="clear"><a href="([^"]+)">Include the subfolders of “Embargo”</a></p>`)
	resp, body := b.get(link)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{"launch.png", "draft.txt"}, rowNames(body))
	chips := activeChips(t, body)
	clear, ok := chips["With the subfolders of Embargo"]
	require.True(t, ok, "chips %v", chips)
	assert.Equal(t, "/?folder="+s.private.ID+"&view=list", clear)
	assert.Contains(t, body, `<input type="hidden" name="subfolders" value="yes">`)
	_, body = b.get(link + "&kind=image")
	assert.Equal(t, []string{"launch.png"}, rowNames(body), "combined with a facet")
	resp, body = b.get("/?subfolders=yes")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "subfolders needs a folder")
	resp, body = b.get("/?folder=" + s.private.ID + "&subfolders=all")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "subfolders must be yes or no")
}
