package dam_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// licenceRefs returns the licences a LicenceRequired error names.
func licenceRefs(t *testing.T, err error) []dam.LicenceRef {
	t.Helper()
	require.Equal(t, dam.LicenceRequired, kindOf(t, err), "%v", err)
	var le *dam.LicenceError
	require.True(t, errors.As(err, &le))
	return le.Licences
}

// contextT keeps the tables of actors short.
type contextT = context.Context

func TestLicenceCRUDAndValidation(t *testing.T) {
	f := newFixture(t, &dam.Options{MaxLicenceText: 100})
	viewer := f.user(t, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)

	_, err := f.lib.CreateLicence(viewer, "House", "terms")
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	for name, c := range map[string]struct {
		title, text string
		kind        dam.Kind
	}{
		"empty title":   {"", "terms", dam.Invalid},
		"empty text":    {"House", "  \n", dam.Invalid},
		"control title": {"Ho\x00use", "terms", dam.Invalid},
		"control text":  {"House", "te\x1brms", dam.Invalid},
		"bad utf8":      {"House", "\xff", dam.Invalid},
		"long title":    {strings.Repeat("t", 201), "terms", dam.Invalid},
		"long text":     {"House", strings.Repeat("x", 101), dam.TooLarge},
	} {
		_, err := f.lib.CreateLicence(f.owner, c.title, c.text)
		assert.Equal(t, c.kind, kindOf(t, err), name)
	}
	lic, err := f.lib.CreateLicence(f.owner, " House licence ", "Use in print only.")
	require.NoError(t, err)
	assert.Equal(t, "House licence", lic.Title)
	assert.Equal(t, 1, lic.Version)
	_, err = f.lib.CreateLicence(f.owner, "House licence", "other")
	assert.Equal(t, dam.AlreadyExists, kindOf(t, err))

	title := "House licence 2026"
	lic2, err := f.lib.UpdateLicence(f.owner, lic.ID, dam.LicencePatch{Title: &title})
	require.NoError(t, err)
	assert.Equal(t, 1, lic2.Version, "a new title alone is no new version")
	text := "Use in print and online."
	lic3, err := f.lib.UpdateLicence(f.owner, lic.ID, dam.LicencePatch{Text: &text})
	require.NoError(t, err)
	assert.Equal(t, 2, lic3.Version)
	old, err := f.lib.LicenceVersion(viewer, lic.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, "Use in print only.", old.Text, "old versions stay readable")
	ls, err := f.lib.Licences(viewer)
	require.NoError(t, err)
	require.Len(t, ls, 1)
	assert.Equal(t, text, ls[0].Text)

	// In use: on a folder, then as the library default.
	folder, err := f.lib.CreateFolder(f.owner, "Print", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = f.lib.SetFolderLicence(f.owner, folder.ID, "nosuchlicence0")
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	_, err = f.lib.SetFolderLicence(f.owner, folder.ID, lic.ID)
	require.NoError(t, err)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.DeleteLicence(f.owner, lic.ID)))
	_, err = f.lib.SetFolderLicence(f.owner, folder.ID, "")
	require.NoError(t, err)
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.Licence = lic.ID
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, f.lib.DeleteLicence(f.owner, lic.ID)))
	s.Licence = ""
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
	require.NoError(t, f.lib.DeleteLicence(f.owner, lic.ID))
	_, err = f.lib.Licence(viewer, lic.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func TestLicenceGatesDownloadsOncePerVersion(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)
	folder, err := f.lib.CreateFolder(f.owner, "Press", "", dam.DefaultDomain)
	require.NoError(t, err)
	sub, err := f.lib.CreateFolder(f.owner, "2026", folder.ID, dam.DefaultDomain)
	require.NoError(t, err)
	a, err := f.lib.Upload(f.owner, strings.NewReader("press photo"), dam.UploadOptions{Name: "photo.txt", FolderID: sub.ID})
	require.NoError(t, err)
	free, err := f.lib.Upload(f.owner, strings.NewReader("free"), dam.UploadOptions{Name: "free.txt", FolderID: sub.ID})
	require.NoError(t, err)
	lic, err := f.lib.CreateLicence(f.owner, "Press licence", "Editorial use only.")
	require.NoError(t, err)

	_, err = f.lib.SetFolderLicence(f.owner, folder.ID, lic.ID)
	require.NoError(t, err)
	_, err = f.lib.SetAssetLicence(f.owner, free.ID, dam.NoLicence)
	require.NoError(t, err)

	// Inherited from the folder two levels up; owners accept too.
	for _, ctx := range []contextT{f.owner, viewer} {
		_, err := f.lib.Open(ctx, a.ID, 0)
		refs := licenceRefs(t, err)
		assert.Equal(t, []dam.LicenceRef{{ID: lic.ID, Title: "Press licence", Version: 1}}, refs)
		d, err := f.lib.Open(ctx, free.ID, 0)
		require.NoError(t, err, "none on the asset stops the folder's licence")
		require.NoError(t, d.Close())
	}
	info, err := f.lib.Access(viewer, a.ID)
	require.NoError(t, err)
	assert.True(t, info.LicencePending)
	assert.False(t, info.CanDownload)
	require.NotNil(t, info.Licence)
	assert.Equal(t, lic.ID, info.Licence.ID)

	// Archives ask for every licence at once rather than leave assets out.
	_, err = f.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{a.ID, free.ID}})
	assert.Equal(t, lic.ID, licenceRefs(t, err)[0].ID)

	_, err = f.lib.AcceptLicence(viewer, lic.ID, 2)
	assert.Equal(t, dam.Conflict, kindOf(t, err), "only the current version can be accepted")
	acc, err := f.lib.AcceptLicence(viewer, lic.ID, 1)
	require.NoError(t, err)
	va, _ := dam.ActorFrom(viewer)
	assert.Equal(t, "user:"+va.UserID, acc.Actor)
	d, err := f.lib.Open(viewer, a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	j, err := f.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{a.ID, free.ID}})
	require.NoError(t, err)
	assert.Empty(t, j.Skipped)
	_, err = f.lib.Open(f.owner, a.ID, 0)
	assert.Equal(t, dam.LicenceRequired, kindOf(t, err), "acceptance is per actor")

	// The acceptance is in the usage log.
	evs, _, err := f.lib.Events(f.owner, dam.EventQuery{Action: dam.EventLicenceAccept})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "licence "+lic.ID+" v1", evs[0].Detail)

	// A new text asks again.
	text := "Editorial use only, credit the photographer."
	_, err = f.lib.UpdateLicence(f.owner, lic.ID, dam.LicencePatch{Text: &text})
	require.NoError(t, err)
	_, err = f.lib.Open(viewer, a.ID, 0)
	assert.Equal(t, 2, licenceRefs(t, err)[0].Version)
	_, err = f.lib.AcceptLicence(viewer, lic.ID, 2)
	require.NoError(t, err)
	d, err = f.lib.Open(viewer, a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())
}

func TestLicenceForGuestsAndVisitors(t *testing.T) {
	sf := newShareFixture(t)
	lic, err := sf.lib.CreateLicence(sf.owner, "Campaign licence", "Only for the campaign.")
	require.NoError(t, err)
	_, err = sf.lib.SetAssetLicence(sf.owner, sf.a.ID, lic.ID)
	require.NoError(t, err)
	v := sf.create(t, dam.NewShare{Guests: "ana@example.com"})
	require.Len(t, v.AssetIDs, 2, "a licence does not keep an asset out of a share")
	g := sf.guest(t, v.Links[0].Token)

	view, err := sf.lib.GuestShare(g)
	require.NoError(t, err)
	require.Len(t, view.Assets, 2)
	require.Len(t, view.Licences, 1)
	assert.Equal(t, "Only for the campaign.", view.Licences[0].Text)
	for _, sa := range view.Assets {
		assert.Equal(t, sa.ID == sf.a.ID, sa.LicencePending, sa.Name)
	}
	_, err = sf.lib.GuestOpen(g, sf.a.ID, "")
	licenceRefs(t, err)
	_, err = sf.lib.GuestArchive(g)
	licenceRefs(t, err)

	other, err := sf.lib.CreateLicence(sf.owner, "Unrelated", "Not in this share.")
	require.NoError(t, err)
	_, err = sf.lib.AcceptLicence(g, other.ID, 1)
	assert.Equal(t, dam.NotFound, kindOf(t, err), "guests learn of the licences of their share only")

	_, err = sf.lib.AcceptLicence(g, lic.ID, 1)
	require.NoError(t, err)
	d, err := sf.lib.GuestOpen(g, sf.a.ID, "")
	require.NoError(t, err)
	require.NoError(t, d.Close())
	p, err := sf.lib.GuestArchive(g)
	require.NoError(t, err)
	require.NoError(t, p.Close())
	evs, _, err := sf.lib.Events(sf.owner, dam.EventQuery{Action: dam.EventLicenceAccept})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "ana@example.com", evs[0].ActorID)
	assert.Equal(t, "licence "+lic.ID+" v1 share "+v.ID, evs[0].Detail)
}

func TestLicenceForAnonymousPortalVisitors(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalOpen)
	lic, err := pf.lib.CreateLicence(pf.owner, "Press", "Editorial use.")
	require.NoError(t, err)
	s, err := pf.lib.Settings(pf.owner)
	require.NoError(t, err)
	s.Licence = lic.ID
	_, err = pf.lib.UpdateSettings(pf.owner, s)
	require.NoError(t, err)

	page, err := pf.lib.PortalPage(t.Context(), "press-kit")
	require.NoError(t, err)
	require.Len(t, page.Licences, 1)
	assert.True(t, page.Assets[0].LicencePending)
	_, err = pf.read(t, "", pf.a.ID)
	licenceRefs(t, err)
	_, err = pf.lib.PortalOpenAccepting(t.Context(), "press-kit", pf.a.ID, lic.ID, 7)
	assert.Equal(t, dam.Conflict, kindOf(t, err))
	d, err := pf.lib.PortalOpenAccepting(t.Context(), "press-kit", pf.a.ID, lic.ID, 1)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	_, err = pf.read(t, "", pf.a.ID)
	licenceRefs(t, err) // anonymous: nothing to remember it by
	_, err = pf.lib.PortalAcceptLicence(t.Context(), "press-kit", "not-a-token", lic.ID, 1)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
}

func TestDownloadsOffSwitch(t *testing.T) {
	sf := newShareFixture(t)
	viewer := sf.user(t, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)
	v := sf.create(t, dam.NewShare{Guests: "ana@example.com"})
	g := sf.guest(t, v.Links[0].Token)
	s, err := sf.lib.Settings(sf.owner)
	require.NoError(t, err)
	s.DownloadsOff = true
	_, err = sf.lib.UpdateSettings(sf.owner, s)
	require.NoError(t, err)

	for name, ctx := range map[string]contextT{"editor": sf.editor, "viewer": viewer} {
		_, err := sf.lib.Open(ctx, sf.a.ID, 0)
		assert.Equal(t, dam.PermissionDenied, kindOf(t, err), name)
		assert.Equal(t, "library_downloads_off", refusalReason(t, err), name)
		assert.Contains(t, err.Error(), "downloads are turned off for this library", name)
	}
	_, err = sf.lib.CreateDownload(viewer, dam.DownloadRequest{AssetIDs: []string{sf.a.ID}})
	assert.Error(t, err)
	_, err = sf.lib.GuestOpen(g, sf.a.ID, "")
	assert.Equal(t, dam.PermissionDenied, kindOf(t, err))
	_, err = sf.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{sf.a.ID}, Reason: "please"})
	assert.Error(t, err, "nobody asks while downloads are off")
	d, err := sf.lib.Open(sf.owner, sf.a.ID, 0)
	require.NoError(t, err, "owners still download")
	require.NoError(t, d.Close())
	photo, err := sf.lib.Upload(sf.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(64, 48, 0.5))), dam.UploadOptions{Name: "photo.png"})
	require.NoError(t, err)
	d, err = sf.lib.OpenPreview(viewer, photo.ID, "")
	require.NoError(t, err, "users still see previews")
	require.NoError(t, d.Close())
	view, err := sf.lib.GuestShare(g)
	require.NoError(t, err)
	assert.Empty(t, view.Assets, "the share page lists nothing to download")

	s.DownloadsOff = false
	_, err = sf.lib.UpdateSettings(sf.owner, s)
	require.NoError(t, err)
	d, err = sf.lib.Open(viewer, sf.a.ID, 0)
	require.NoError(t, err)
	require.NoError(t, d.Close())
}

func TestSentArchiveAsksTheRecipientsLicence(t *testing.T) {
	s := newSendFixture(t, nil)
	lic, err := s.lib.CreateLicence(s.owner, "Press", "Editorial use.")
	require.NoError(t, err)
	_, err = s.lib.SetAssetLicence(s.owner, s.open1.ID, lic.ID)
	require.NoError(t, err)
	_, err = s.lib.AcceptLicence(s.sender, lic.ID, 1)
	require.NoError(t, err)
	j, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: []string{s.open1.ID, s.open2.ID}, SendTo: []string{s.viewer.ID}})
	require.NoError(t, err)
	require.Len(t, j.Sent, 1)
	assert.Equal(t, 2, j.Sent[0].Included, "a licence the recipient has yet to accept leaves nothing out")
	_, err = s.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	vj := s.onlyJob(t, s.viewer)
	require.Equal(t, dam.JobDone, vj.Status, vj.Error)
	_, err = s.lib.OpenPart(s.as(s.viewer), vj.ID, 1)
	assert.Equal(t, lic.ID, licenceRefs(t, err)[0].ID, "the recipient accepts before fetching")
	_, err = s.lib.AcceptLicence(s.as(s.viewer), lic.ID, 1)
	require.NoError(t, err)
	_, b := readPart(t, s.as(s.viewer), s.lib, vj.ID, 1)
	assert.Len(t, zipFiles(t, b), 2)
}

func TestLicenceForSignedLinkVisitors(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalAutoApprove)
	lic, err := pf.lib.CreateLicence(pf.owner, "Press", "Editorial use.")
	require.NoError(t, err)
	_, err = pf.lib.SetAssetLicence(pf.owner, pf.a.ID, lic.ID)
	require.NoError(t, err)
	_, err = pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	mails := pf.mailTo(t, "vi@example.org")
	require.Len(t, mails, 1)
	token := linkToken(t, mails[0])

	v, err := pf.lib.PortalAccess(t.Context(), "press-kit", token)
	require.NoError(t, err)
	for _, a := range v.Assets {
		assert.Equal(t, a.ID == pf.a.ID, a.LicencePending, a.Name)
		assert.Equal(t, a.ID != pf.a.ID, a.Downloadable, a.Name)
	}
	_, err = pf.read(t, token, pf.a.ID)
	licenceRefs(t, err)
	acc, err := pf.lib.PortalAcceptLicence(t.Context(), "press-kit", token, lic.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, "email:vi@example.org", acc.Actor)
	got, err := pf.read(t, token, pf.a.ID)
	require.NoError(t, err)
	assert.Equal(t, "the logo", got)
	v, err = pf.lib.PortalAccess(t.Context(), "press-kit", token)
	require.NoError(t, err)
	for _, a := range v.Assets {
		assert.True(t, a.Downloadable, "accepted once: %s", a.Name)
	}
}
