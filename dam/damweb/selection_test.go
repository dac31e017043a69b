package damweb

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// followFlash follows a redirect and returns the page it lands on.
func (b *browser) followFlash(resp *http.Response) string {
	b.t.Helper()
	require.Equal(b.t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	path, _, _ := strings.Cut(loc, "#")
	r, body := b.get(path)
	require.Equal(b.t, http.StatusOK, r.StatusCode, body)
	return body
}

// roleCtx is a context acting as the user of role.
func (s *site) roleCtx(t *testing.T, role string) context.Context {
	t.Helper()
	u, err := s.lib.Authenticate(t.Context(), s.keys[role])
	require.NoError(t, err)
	return dam.WithActor(t.Context(), u.Actor())
}

func TestSelectionDownloadZIP(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "owner")
	resp, body := b.post("/selection", url.Values{"action": {"download"}, "profile": {"original"},
		"id": {s.photo.ID, s.other.ID, s.photo.ID}, "back": {"/"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, "application/zip", resp.Header.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;"))
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		n, err := io.Copy(io.Discard, rc)
		require.NoError(t, err, "the entry's checksum holds")
		rc.Close()
		assert.Positive(t, n)
	}
	slices.Sort(names)
	assert.Equal(t, []string{"plan-b.txt", "sunrise.png"}, names)
}

func TestSelectionDownloadLeftOutOrLater(t *testing.T) {
	s := newSite(t, &dam.Options{SyncMaxAssets: 1})
	v := s.signIn(t, "viewer")
	resp, _ := v.post("/selection", url.Values{"action": {"download"}, "id": {s.photo.ID, s.secret.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Regexp(t, `^/downloads#job-[0-9a-z]+$`, resp.Header.Get("Location"))
	assert.Contains(t, v.followFlash(resp), "Your download is ready: 1 asset, 1 left out (see why below).")

	o := s.signIn(t, "owner")
	resp, _ = o.post("/selection", url.Values{"action": {"download"}, "id": {s.photo.ID, s.secret.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, o.followFlash(resp), "Your download of 2 assets is being prepared.")
	js, _, err := s.lib.Jobs(s.owner, "", 10)
	require.NoError(t, err)
	require.Len(t, js, 1)
	assert.Equal(t, dam.JobQueued, js[0].Status)

	resp, body := v.post("/selection", url.Values{"action": {"download"}, "id": {s.secret.ID}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "nothing in the selection may be downloaded")
}

func TestSelectionCollect(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "viewer")
	resp, _ := b.post("/selection", url.Values{"action": {"collect"}, "collection": {""}, "new_collection": {" Picks "},
		"id": {s.photo.ID, s.secret.ID}, "back": {"/?view=list"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/?view=list", resp.Header.Get("Location"))
	assert.Contains(t, b.followFlash(resp), "2 assets added to “Picks”.")
	viewer := s.roleCtx(t, "viewer")
	cs, err := s.lib.Collections(viewer)
	require.NoError(t, err)
	require.Len(t, cs, 1)
	c, err := s.lib.Collection(viewer, cs[0].ID)
	require.NoError(t, err)
	assert.Len(t, c.Items, 2)

	other, err := s.lib.CreateCollection(viewer, "Other", "")
	require.NoError(t, err)
	resp, _ = b.post("/selection", url.Values{"action": {"collect"}, "collection": {other.ID}, "id": {s.photo.ID}})
	assert.Contains(t, b.followFlash(resp), "1 asset added to “Other”.")

	resp, body := b.post("/selection", url.Values{"action": {"collect"}, "collection": {""}, "id": {s.photo.ID}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "choose a collection, or name a new one")
}

func TestSelectionMove(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	resp, _ := b.post("/selection", url.Values{"action": {"move"}, "folder": {s.private.ID}, "id": {s.photo.ID},
		"back": {"//evil.example/"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/", resp.Header.Get("Location"), "back never leaves the site")
	assert.Contains(t, b.followFlash(resp), "1 asset moved to “Embargo”.")
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, s.private.ID, a.FolderID)

	// Out of the protected folder would drop the protection: only owners
	// may, and then nothing moves.
	resp, body := b.post("/selection", url.Values{"action": {"move"}, "folder": {""}, "id": {s.photo.ID, s.secret.ID}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, body, "only owners lower")
	a, err = s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, s.private.ID, a.FolderID, "nothing moved")
	o := s.signIn(t, "owner")
	resp, _ = o.post("/selection", url.Values{"action": {"move"}, "folder": {""}, "id": {s.photo.ID, s.secret.ID}})
	assert.Contains(t, o.followFlash(resp), "2 assets moved to the library root.")

	v := s.signIn(t, "viewer")
	resp, _ = v.post("/selection", url.Values{"action": {"move"}, "folder": {s.private.ID}, "id": {s.photo.ID}})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestSelectionDelete(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	resp, body := b.post("/selection", url.Values{"action": {"delete"}, "id": {s.photo.ID, s.other.ID}})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "an asset out of reach stops the whole action")
	assert.Contains(t, body, "not found")
	_, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err, "nothing changed")

	resp, _ = b.post("/selection", url.Values{"action": {"delete"}, "id": {s.photo.ID, s.secret.ID}, "back": {"/?folder=" + s.private.ID}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/?folder="+s.private.ID, resp.Header.Get("Location"))
	assert.Contains(t, b.followFlash(resp), "2 assets moved to the trash.")
	trash, _, err := s.lib.Trash(s.owner, "", 0)
	require.NoError(t, err)
	assert.Len(t, trash, 2)
}

func TestSelectionRefusals(t *testing.T) {
	s := newSite(t, nil)
	b := s.signIn(t, "editor")
	resp, _ := b.post("/selection", url.Values{"action": {"delete"}, "back": {"/?q=x"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/?q=x", resp.Header.Get("Location"))
	assert.Contains(t, b.followFlash(resp), "Select at least one asset first.")
	resp, body := b.post("/selection", url.Values{"action": {"burn"}, "id": {s.photo.ID}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "action must be")
}
