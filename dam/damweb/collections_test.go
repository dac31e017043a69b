package damweb

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// as returns a context acting as the user of role.
func (s *site) as(t testing.TB, role string) context.Context {
	t.Helper()
	u, err := s.lib.Authenticate(t.Context(), s.keys[role])
	require.NoError(t, err)
	return dam.WithActor(t.Context(), u.Actor())
}

// follow GETs the page a form post redirected to.
func (b *browser) follow(resp *http.Response, _ string) (*http.Response, string) {
	b.t.Helper()
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode, "a form post answers 303")
	return b.get(resp.Header.Get("Location"))
}

// collectionID is the ID in a /collections/{id} address.
func collectionID(t testing.TB, loc string) string {
	t.Helper()
	id, ok := strings.CutPrefix(loc, "/collections/")
	require.True(t, ok, loc)
	return id
}

func TestCollectionsCreateRenameAndDelete(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "web", Width: 32, Height: 32})
	require.NoError(t, err)
	b := s.signIn(t, "viewer")

	resp, body := b.get("/collections")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "You have no collections yet", "the empty state says what to do")
	assert.Contains(t, body, `<option value="web">web (32 × 32)</option>`)

	resp, _ = b.post("/collections", url.Values{"name": {"  Launch picks "}, "default_profile": {"web"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	id := collectionID(t, resp.Header.Get("Location"))
	resp, body = b.follow(resp, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "<h1>Launch picks</h1>")
	assert.Contains(t, body, "This collection is empty.")

	viewer := s.as(t, "viewer")
	_, err = s.lib.AddToCollection(viewer, id, []dam.CollectionItem{{AssetID: s.photo.ID}, {AssetID: s.secret.ID}})
	require.NoError(t, err)
	_, body = b.get("/collections")
	assert.Contains(t, body, `<td><a href="/collections/`+id+`">Launch picks</a></td>`)
	assert.Contains(t, body, "<td>2</td>", "the item count")
	assert.Contains(t, body, "<td>web</td>", "the default format")

	resp, body = b.get("/collections/" + id)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, want := range []string{"sunrise.png", "launch.png", previewURL(s.photo, "", false), "🔒 protected", "Download all (2)"} {
		assert.Contains(t, body, want)
	}

	resp, body = b.follow(b.post("/collections/"+id, url.Values{"name": {"Final picks"}, "default_profile": {"original"}}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Saved.")
	c, err := s.lib.Collection(viewer, id)
	require.NoError(t, err)
	assert.Equal(t, "Final picks", c.Name)
	assert.Empty(t, c.DefaultProfile, "original is the untouched file")

	resp, body = b.post("/collections/"+id, url.Values{"name": {""}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "That did not work")
	resp, _ = b.post("/collections", url.Values{"name": {"Final picks"}})
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "names are unique per user")

	resp, body = b.follow(b.post("/collections/"+id+"/delete", nil))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Collection “Final picks” deleted. Its assets stay in the library.")
	_, err = s.lib.Collection(viewer, id)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	_, err = s.lib.Asset(viewer, s.photo.ID)
	require.NoError(t, err, "the assets stay")
}

func TestCollectionItemsProfilesAndRemoval(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.CreateProfile(s.owner, dam.Profile{Name: "thumb", Width: 16, Height: 16})
	require.NoError(t, err)
	ed := s.as(t, "editor")
	c, err := s.lib.CreateCollection(ed, "Mine", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(ed, c.ID, []dam.CollectionItem{{AssetID: s.photo.ID}, {AssetID: s.secret.ID, Profile: "thumb"}})
	require.NoError(t, err)
	b := s.signIn(t, "editor")
	page := "/collections/" + c.ID

	_, body := b.get(page)
	assert.Contains(t, body, `<label class="visually-hidden" for="fmt-`+s.photo.ID+`">Format of sunrise.png</label>`)
	assert.Contains(t, body, `<option value="thumb" selected>thumb</option>`, "the item's own format is chosen")

	resp, body := b.follow(b.post(page+"/items/profile", url.Values{
		"profile:" + s.photo.ID: {"thumb"}, "profile:" + s.secret.ID: {""}, "back": {page}}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Formats saved.")
	got, err := s.lib.Collection(ed, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []dam.CollectionItem{{AssetID: s.photo.ID, Profile: "thumb"}, {AssetID: s.secret.ID}},
		withoutTimes(got.Items), "each item keeps its place with its new format")

	resp, body = b.post(page+"/items/profile", url.Values{"profile:" + s.photo.ID: {"Not A Profile"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "profile name")

	resp, body = b.follow(b.post(page+"/items/remove", url.Values{}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "Select the assets to remove first.")

	resp, body = b.follow(b.post(page+"/items/remove", url.Values{"item": {s.photo.ID}, "back": {"https://evil.example/"}}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "1 asset removed from the collection; they stay in the library.")
	got, err = s.lib.Collection(ed, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{s.secret.ID}, itemIDs(got.Items))
	_, err = s.lib.Asset(ed, s.photo.ID)
	require.NoError(t, err)
}

func withoutTimes(items []dam.CollectionItem) []dam.CollectionItem {
	out := slices.Clone(items)
	for i := range out {
		out[i].AddedAt = time.Time{}
	}
	return out
}

func itemIDs(items []dam.CollectionItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.AssetID)
	}
	return out
}

func TestCollectionDownloadAll(t *testing.T) {
	s := newSite(t, nil)
	ed := s.as(t, "editor")
	c, err := s.lib.CreateCollection(ed, "Pair", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(ed, c.ID, []dam.CollectionItem{{AssetID: s.photo.ID}, {AssetID: s.secret.ID}})
	require.NoError(t, err)
	b := s.signIn(t, "editor")

	resp, body := b.post("/collections/"+c.ID+"/download", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "Pair")
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	assert.ElementsMatch(t, []string{"sunrise.png", "launch.png"}, names, "an editor may download the protected one")

	// A viewer must ask for the protected asset: the ZIP leaves it out and says so.
	v := s.as(t, "viewer")
	vc, err := s.lib.CreateCollection(v, "Viewer's", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(v, vc.ID, []dam.CollectionItem{{AssetID: s.secret.ID}})
	require.NoError(t, err)
	resp, body = s.signIn(t, "viewer").post("/collections/"+vc.ID+"/download", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "launch.png", "the refusal names what was left out")
}

func TestCollectionDownloadAllBecomesAJob(t *testing.T) {
	s := newSite(t, &dam.Options{SyncMaxAssets: 1})
	ed := s.as(t, "editor")
	c, err := s.lib.CreateCollection(ed, "Big", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(ed, c.ID, []dam.CollectionItem{{AssetID: s.photo.ID}, {AssetID: s.secret.ID}})
	require.NoError(t, err)
	b := s.signIn(t, "editor")
	resp, _ := b.post("/collections/"+c.ID+"/download", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	jobs, _, err := s.lib.Jobs(ed, "", 10)
	require.NoError(t, err)
	require.Len(t, jobs, 1)
	assert.Equal(t, "/downloads#job-"+jobs[0].ID, resp.Header.Get("Location"))
	assert.Equal(t, dam.JobQueued, jobs[0].Status)
}

func TestCollectionPages(t *testing.T) {
	s := newSite(t, nil)
	ed := s.as(t, "editor")
	c, err := s.lib.CreateCollection(ed, "Many", "")
	require.NoError(t, err)
	var items []dam.CollectionItem
	for i := range collectionPageSize + 2 {
		a, err := s.lib.Upload(ed, strings.NewReader("note "+strconv.Itoa(i)), dam.UploadOptions{Name: "n" + strconv.Itoa(i) + ".txt"})
		require.NoError(t, err)
		items = append(items, dam.CollectionItem{AssetID: a.ID})
	}
	_, err = s.lib.AddToCollection(ed, c.ID, items)
	require.NoError(t, err)
	b := s.signIn(t, "editor")
	_, body := b.get("/collections/" + c.ID)
	assert.Contains(t, body, ">n0.txt<")
	assert.Contains(t, body, ">n59.txt<")
	assert.NotContains(t, body, ">n60.txt<")
	next := "/collections/" + c.ID + "?cursor=" + items[collectionPageSize-1].AssetID
	assert.Contains(t, body, `href="`+next+`"`)
	resp, body := b.get(next)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, ">n60.txt<")
	assert.Contains(t, body, ">n61.txt<")
	assert.NotContains(t, body, ">n59.txt<")
	assert.NotContains(t, body, "Next page")
	assert.Contains(t, body, "First page")
	resp, body = b.get("/collections/" + c.ID + "?cursor=../x")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "bad cursor")
}

// TestCollectionOfAnotherLooksAbsent: another user's collection answers
// every collection route exactly as one that does not exist, and nothing
// changes.
func TestCollectionOfAnotherLooksAbsent(t *testing.T) {
	s := newSite(t, nil)
	theirs, err := s.lib.CreateCollection(s.owner, "Owner's", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(s.owner, theirs.ID, []dam.CollectionItem{{AssetID: s.photo.ID}})
	require.NoError(t, err)
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	for _, role := range []string{"editor", "stranger"} {
		b := s.signIn(t, role)
		for _, rt := range s.h.table() {
			if !strings.HasPrefix(rt.pattern, "/collections/{id}") {
				continue
			}
			t.Run(role+" "+rt.method+" "+rt.pattern, func(t *testing.T) {
				path := func(id string) string { return strings.ReplaceAll(rt.pattern, "{id}", id) }
				form := url.Values{"name": {"Mine now"}, "item": {s.photo.ID}, "profile:" + s.photo.ID: {"thumb"}}
				r1, b1 := b.do(rt.method, path(theirs.ID), form)
				r2, b2 := b.do(rt.method, path(absent), form)
				assert.Equal(t, http.StatusNotFound, r1.StatusCode)
				assert.Equal(t, r2.StatusCode, r1.StatusCode)
				assert.Equal(t, strings.ReplaceAll(b2, absent, "ID"), strings.ReplaceAll(b1, theirs.ID, "ID"))
			})
		}
	}
	c, err := s.lib.Collection(s.owner, theirs.ID)
	require.NoError(t, err)
	assert.Equal(t, "Owner's", c.Name)
	assert.Equal(t, []dam.CollectionItem{{AssetID: s.photo.ID}}, withoutTimes(c.Items))
}

// TestAssetPageNamesItsCollections: the asset page lists the user's
// collections that hold the asset, and only theirs.
func TestAssetPageNamesItsCollections(t *testing.T) {
	s := newSite(t, nil)
	ed := s.as(t, "editor")
	in, err := s.lib.CreateCollection(ed, "Holds it", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(ed, in.ID, []dam.CollectionItem{{AssetID: s.photo.ID}})
	require.NoError(t, err)
	_, err = s.lib.CreateCollection(ed, "Empty one", "")
	require.NoError(t, err)
	theirs, err := s.lib.CreateCollection(s.owner, "Owner's own", "")
	require.NoError(t, err)
	_, err = s.lib.AddToCollection(s.owner, theirs.ID, []dam.CollectionItem{{AssetID: s.photo.ID}})
	require.NoError(t, err)

	_, body := s.signIn(t, "editor").get("/assets/" + s.photo.ID)
	assert.Contains(t, body, `In collections: <a href="/collections/`+in.ID+`">Holds it</a></p>`, "only the one holding it")
	assert.NotContains(t, body, "Owner&#39;s own", "another user's collections are theirs")
}

// TestAddToCollectionFromAssetPage: the asset page adds its asset to one
// of the user's collections, or to a new one, and comes back.
func TestAddToCollectionFromAssetPage(t *testing.T) {
	s := newSite(t, nil)
	v := s.as(t, "viewer")
	c, err := s.lib.CreateCollection(v, "Picks", "")
	require.NoError(t, err)
	b := s.signIn(t, "viewer")
	page := "/assets/" + s.photo.ID
	_, body := b.get(page)
	assert.Contains(t, body, `<option value="`+c.ID+`">Picks</option>`)
	assert.Contains(t, body, `<label for="ac-col">Add to collection</label>`)

	resp, _ := b.post("/selection", url.Values{"id": {s.photo.ID}, "action": {"collect"}, "collection": {c.ID}, "back": {page}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, page, resp.Header.Get("Location"))
	_, body = b.follow(resp, "")
	assert.Contains(t, body, "1 asset added to “Picks”.")
	assert.Contains(t, body, `In collections: <a href="/collections/`+c.ID+`">Picks</a>`)

	_, body = b.follow(b.post("/selection", url.Values{"id": {s.photo.ID}, "action": {"collect"}, "new_collection": {"Fresh"}, "back": {page}}))
	assert.Contains(t, body, "1 asset added to “Fresh”.")
	cs, err := s.lib.CollectionsWith(v, s.photo.ID)
	require.NoError(t, err)
	assert.Len(t, cs, 2)
}
