package damweb

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestTrashListAndRestore(t *testing.T) {
	s := newSite(t, nil)
	ed := s.signIn(t, "editor")
	resp, body := ed.get("/trash")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "The trash is empty.", "the empty state says what the page is for")

	resp, _ = ed.post("/assets/"+s.photo.ID+"/delete", nil)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	require.NoError(t, s.lib.Delete(s.owner, s.secret.ID))

	_, body = ed.get("/trash")
	assert.Contains(t, body, "What you deleted.")
	assert.Contains(t, body, "<td>sunrise.png</td>")
	assert.Contains(t, body, "<td>you</td>")
	assert.Contains(t, body, "in 30 days", "days left before the purge, a started day counting")
	assert.Contains(t, body, `aria-label="Restore sunrise.png"`)
	assert.NotContains(t, body, "launch.png", "an editor's trash is what they deleted")

	owner := s.signIn(t, "owner")
	_, body = owner.get("/trash")
	assert.Contains(t, body, "Everything deleted in your domains.")
	assert.Contains(t, body, "<td>sunrise.png</td>")
	assert.Contains(t, body, "<td>launch.png</td>")
	assert.Contains(t, body, "<td>editor@example.com</td>", "who deleted it")
	assert.Contains(t, body, "<td>you</td>")

	resp, body = ed.follow(ed.post("/trash/"+s.photo.ID+"/restore", url.Values{"back": {"https://evil.example/"}}))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "“sunrise.png” is back in the library")
	assert.Contains(t, body, "The trash is empty.")
	_, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)

	v := s.signIn(t, "viewer")
	_, body = v.get("/trash")
	assert.Contains(t, body, "Editors and owners delete assets")
	assert.NotContains(t, body, "launch.png")
	resp, _ = v.post("/trash/"+s.secret.ID+"/restore", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

// TestTrashOfAnotherLooksAbsent: restoring what another editor deleted, or
// an asset of another domain, answers exactly as an asset that never was.
func TestTrashOfAnotherLooksAbsent(t *testing.T) {
	s := newSite(t, nil)
	require.NoError(t, s.lib.Delete(s.owner, s.secret.ID)) // another user's deletion, in the editor's domain
	require.NoError(t, s.lib.Delete(s.owner, s.other.ID))  // another domain
	const absent = "01zzzzzzzzzzzzzzzzzzzzzzzz"
	b := s.signIn(t, "editor")
	r0, b0 := b.post("/trash/"+absent+"/restore", nil)
	require.Equal(t, http.StatusNotFound, r0.StatusCode)
	for _, id := range []string{s.secret.ID, s.other.ID} {
		r, body := b.post("/trash/"+id+"/restore", nil)
		assert.Equal(t, r0.StatusCode, r.StatusCode)
		assert.Equal(t, strings.ReplaceAll(b0, absent, "ID"), strings.ReplaceAll(body, id, "ID"))
	}
	trash, _, err := s.lib.Trash(s.owner, "", 0)
	require.NoError(t, err)
	assert.Len(t, trash, 2, "nothing was restored")
}

func TestTrashPages(t *testing.T) {
	s := newSite(t, nil)
	for i := range trashPageSize + 1 {
		a, err := s.lib.Upload(s.owner, strings.NewReader("t"+strconv.Itoa(i)), dam.UploadOptions{Name: "t" + strconv.Itoa(i) + ".txt"})
		require.NoError(t, err)
		require.NoError(t, s.lib.Delete(s.owner, a.ID))
	}
	b := s.signIn(t, "owner")
	_, body := b.get("/trash")
	assert.Equal(t, trashPageSize, strings.Count(body, `aria-label="Restore `))
	i := strings.Index(body, `href="/trash?cursor=`)
	require.Positive(t, i, "a next page")
	next := body[i+len(`href="`):]
	next = next[:strings.IndexByte(next, '"')]
	resp, body := b.get(strings.ReplaceAll(next, "&amp;", "&"))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, strings.Count(body, `aria-label="Restore `))
	assert.Contains(t, body, `<a href="/trash">First page</a>`)
	assert.NotContains(t, body, "Next page")
}
