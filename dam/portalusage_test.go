package dam_test

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/testimage"
)

// TestPortalUsageOverTime: page opens are counted per day (anonymous
// pages and signed links; not the owner's preview), requests per asset,
// downloads per asset, visitor and day.
func TestPortalUsageOverTime(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalAutoApprove)
	ctx := t.Context()
	for range 3 {
		_, err := pf.lib.PortalPage(ctx, "press-kit")
		require.NoError(t, err)
	}
	_, err := pf.lib.PortalPreview(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	res, err := pf.lib.RequestPortalDownload(ctx, "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{pf.a.ID}})
	require.NoError(t, err)
	pf.clock.t = pf.clock.t.Add(24 * time.Hour)
	_, err = pf.lib.PortalAccess(ctx, "press-kit", res.VisitorToken)
	require.NoError(t, err)
	for range 2 {
		got, err := pf.read(t, res.VisitorToken, pf.a.ID)
		require.NoError(t, err)
		assert.Equal(t, "the logo", got)
	}
	_, err = pf.lib.PortalPage(ctx, "no-such-portal")
	require.Error(t, err)

	u, err := pf.lib.PortalUsage(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, u.Opens)
	assert.Equal(t, 1, u.Requests)
	assert.Equal(t, 2, u.Downloads)
	assert.Equal(t, []dam.AssetUsage{{AssetID: pf.a.ID, Downloads: 2, Requests: 1}}, u.Assets)
	require.Len(t, u.People, 1)
	assert.Equal(t, 2, u.People[0].Downloads)
	require.Len(t, u.Days, dam.UsageDays)
	assert.Equal(t, dam.DayUsage{Day: "2026-03-01", Opens: 3, Requests: 1}, u.Days[dam.UsageDays-2])
	assert.Equal(t, dam.DayUsage{Day: "2026-03-02", Opens: 1, Downloads: 2}, u.Days[dam.UsageDays-1])
	assert.Equal(t, "2026-02-01", u.Days[0].Day, "30 days, today last")

	// A month later the old days leave the chart, not the totals.
	pf.clock.t = pf.clock.t.Add(40 * 24 * time.Hour)
	u, err = pf.lib.PortalUsage(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Equal(t, 4, u.Opens)
	for _, d := range u.Days {
		assert.Zero(t, d.Opens+d.Requests+d.Downloads, d.Day)
	}

	// Shares list no days.
	su, err := pf.lib.PortalUsage(pf.user(t, "ed@example.com", dam.RoleEditor), pf.portal.ID)
	require.Error(t, err, "editors do not see portals' usage")
	assert.Empty(t, su.Days)
}

// TestPortalAutoApproveLetsInAtOnce: the visitor of an auto-approve portal
// gets a token that opens their access now; a request-mode portal gives
// none (an owner decides first).
func TestPortalAutoApproveLetsInAtOnce(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalAutoApprove)
	res, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	require.NotEmpty(t, res.VisitorToken)
	v, err := pf.lib.PortalAccess(t.Context(), "press-kit", res.VisitorToken)
	require.NoError(t, err)
	require.Len(t, v.Assets, 2)
	assert.True(t, v.Assets[0].Downloadable && v.Assets[1].Downloadable)
	assert.Len(t, pf.mailTo(t, "vi@example.org"), 1, "the link is emailed for later too")

	// Asking again lets the visitor in again, recording nothing new.
	again, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err), "nothing to request")
	assert.Empty(t, again.Requests)
	assert.Len(t, again.Skipped, 2)
	require.NotEmpty(t, again.VisitorToken)
	v, err = pf.lib.PortalAccess(t.Context(), "press-kit", again.VisitorToken)
	require.NoError(t, err)
	assert.True(t, v.Assets[0].Downloadable)
	dash, _, err := pf.lib.Requests(pf.owner, dam.RequestQuery{})
	require.NoError(t, err)
	assert.Len(t, dash, 2)
	// The link ends with the grants (the library's validity).
	pf.clock.t = pf.clock.t.Add(400 * 24 * time.Hour)
	_, err = pf.lib.PortalAccess(t.Context(), "press-kit", again.VisitorToken)
	st, serr := pf.lib.Settings(pf.owner)
	require.NoError(t, serr)
	if st.GrantValidity > 0 {
		assert.Equal(t, dam.NotFound, dam.KindOf(err))
	}

	req := newPortalFixture(t, dam.PortalRequest)
	res, err = req.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org"})
	require.NoError(t, err)
	assert.Empty(t, res.VisitorToken)
}

// TestPortalLicenceSetting: a portal's licence governs its assets for
// visitors until accepted; an unknown licence is refused, and a licence a
// portal uses cannot be deleted.
func TestPortalLicenceSetting(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalOpen)
	lic, err := pf.lib.CreateLicence(pf.owner, "Press use", "Editorial use only.")
	require.NoError(t, err)
	np := dam.NewPortal{Slug: "press-kit", Title: "Press kit", AssetIDs: []string{pf.a.ID}, Mode: dam.PortalOpen, Licence: "01zzzzzzzzzzzzzzzzzzzzzzzz"}
	_, err = pf.lib.UpdatePortal(pf.owner, pf.portal.ID, np)
	assert.Equal(t, dam.NotFound, dam.KindOf(err))

	np.Licence = lic.ID
	p, err := pf.lib.UpdatePortal(pf.owner, pf.portal.ID, np)
	require.NoError(t, err)
	assert.Equal(t, lic.ID, p.Licence)
	v, err := pf.lib.PortalPage(t.Context(), "press-kit")
	require.NoError(t, err)
	require.Len(t, v.Assets, 1)
	assert.Equal(t, lic.ID, v.Assets[0].Licence)
	assert.True(t, v.Assets[0].LicencePending)
	require.Len(t, v.Licences, 1)
	assert.Equal(t, "Press use", v.Licences[0].Title)
	_, err = pf.lib.PortalOpen(t.Context(), "press-kit", "", pf.a.ID)
	assert.Equal(t, dam.LicenceRequired, dam.KindOf(err))
	d, err := pf.lib.PortalOpenAccepting(t.Context(), "press-kit", pf.a.ID, lic.ID, lic.Version)
	require.NoError(t, err)
	require.NoError(t, d.Close())

	err = pf.lib.DeleteLicence(pf.owner, lic.ID)
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err))
	assert.Contains(t, err.Error(), "press-kit")
	np.Licence = ""
	_, err = pf.lib.UpdatePortal(pf.owner, pf.portal.ID, np)
	require.NoError(t, err)
	require.NoError(t, pf.lib.DeleteLicence(pf.owner, lic.ID))
}

// TestPortalThumb: visitors get thumbnails of what the page lists,
// watermarked where the policy says so; nothing else.
func TestPortalThumb(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	ctx := t.Context()
	photo, err := pf.lib.Upload(pf.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(640, 480, 0))), dam.UploadOptions{Name: "sun.png"})
	require.NoError(t, err)
	embargo, err := pf.lib.CreateFolder(pf.owner, "Embargo", "", dam.DefaultDomain)
	require.NoError(t, err)
	_, err = pf.lib.SetFolderProtection(pf.owner, embargo.ID, dam.Protected)
	require.NoError(t, err)
	secret, err := pf.lib.Upload(pf.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(640, 480, 0))), dam.UploadOptions{Name: "secret.png", FolderID: embargo.ID})
	require.NoError(t, err)
	outside, err := pf.lib.Upload(pf.owner, bytes.NewReader(testimage.PNG(testimage.Gradient(64, 48, 0))), dam.UploadOptions{Name: "outside.png"})
	require.NoError(t, err)
	st, err := pf.lib.Settings(pf.owner)
	require.NoError(t, err)
	st.ShowWatermarks = true
	_, err = pf.lib.UpdateSettings(pf.owner, st)
	require.NoError(t, err)
	_, err = pf.lib.UpdatePortal(pf.owner, pf.portal.ID, dam.NewPortal{Slug: "press-kit", Title: "Press kit",
		AssetIDs: []string{pf.a.ID, photo.ID, secret.ID}, Mode: dam.PortalRequest})
	require.NoError(t, err)

	v, err := pf.lib.PortalPage(ctx, "press-kit")
	require.NoError(t, err)
	marks := map[string]bool{}
	for _, a := range v.Assets {
		marks[a.ID] = a.Watermarked
	}
	assert.Equal(t, map[string]bool{pf.a.ID: false, photo.ID: false, secret.ID: true}, marks)

	thumb := func(id string) []byte {
		t.Helper()
		d, err := pf.lib.PortalThumb(ctx, "press-kit", "", id)
		require.NoError(t, err)
		defer d.Close()
		b, err := io.ReadAll(d)
		require.NoError(t, err)
		img, _, err := image.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		assert.LessOrEqual(t, max(img.Bounds().Dx(), img.Bounds().Dy()), 256)
		return b
	}
	plain, marked := thumb(photo.ID), thumb(secret.ID)
	assert.NotEqual(t, plain, marked, "the same picture, watermarked when protected")

	for name, c := range map[string]struct {
		slug, token, id string
		kind            dam.Kind
	}{
		"asset outside the portal": {"press-kit", "", outside.ID, dam.NotFound},
		"unknown portal":           {"nope-nope", "", photo.ID, dam.NotFound},
		"bad link":                 {"press-kit", "v2.AAAA", photo.ID, dam.NotFound},
		"bad id":                   {"press-kit", "", "../x", dam.NotFound},
		"no rendition engine":      {"press-kit", "", pf.a.ID, dam.FailedPrecondition},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pf.lib.PortalThumb(ctx, c.slug, c.token, c.id)
			assert.Equal(t, c.kind, dam.KindOf(err), "%v", err)
		})
	}
	u, err := pf.lib.PortalUsage(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Zero(t, u.Downloads, "thumbnails are not downloads")
}

// TestPortalPreview: owners preview a portal as visitors will see it,
// disabled ones too; nobody else does.
func TestPortalPreview(t *testing.T) {
	pf := newPortalFixture(t, dam.PortalRequest)
	off := false
	_, err := pf.lib.UpdatePortal(pf.owner, pf.portal.ID, dam.NewPortal{Slug: "press-kit", Title: "Press kit",
		AssetIDs: []string{pf.a.ID}, Mode: dam.PortalRequest, Enabled: &off})
	require.NoError(t, err)
	v, err := pf.lib.PortalPreview(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Equal(t, "Press kit", v.Title)
	require.Len(t, v.Assets, 1)
	assert.False(t, v.Assets[0].Downloadable)
	_, err = pf.lib.PortalPreview(pf.user(t, "ed@example.com", dam.RoleEditor), pf.portal.ID)
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	_, err = pf.lib.PortalPreview(pf.owner, "01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))
	u, err := pf.lib.PortalUsage(pf.owner, pf.portal.ID)
	require.NoError(t, err)
	assert.Zero(t, u.Opens)
}
