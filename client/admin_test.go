package client_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// pngBytes is a small PNG image.
func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func TestLibraryAdministration(t *testing.T) {
	s := newServer(t)
	ctx, c := t.Context(), s.c
	a, err := c.Upload(ctx, bytes.NewReader(pngBytes(t)), client.UploadOptions{UploadOptions: dam.UploadOptions{Name: "red.png"}})
	require.NoError(t, err)

	// Categories.
	top, err := c.CreateCategory(ctx, "Seasons", "")
	require.NoError(t, err)
	sub, err := c.CreateCategory(ctx, "Summer", top.ID)
	require.NoError(t, err)
	_, err = c.AddToCategory(ctx, sub.ID, []string{a.ID})
	require.NoError(t, err)
	in, err := client.Collect(c.CategoryAssets(ctx, sub.ID))
	require.NoError(t, err)
	require.Len(t, in, 1)
	under, err := client.Collect(c.Assets(ctx, dam.AssetQuery{CategoryID: top.ID}))
	require.NoError(t, err)
	require.Len(t, under, 1, "a search by the parent finds its subcategories' assets")
	name := "Hot summer"
	renamed, err := c.EditCategory(ctx, sub.ID, &name, nil)
	require.NoError(t, err)
	assert.Equal(t, "Hot summer", renamed.Name)
	got, err := c.Category(ctx, sub.ID)
	require.NoError(t, err)
	assert.Equal(t, top.ID, got.ParentID)
	cats, err := c.Categories(ctx)
	require.NoError(t, err)
	assert.Len(t, cats, 2)
	_, err = c.RemoveFromCategory(ctx, sub.ID, []string{a.ID})
	require.NoError(t, err)
	require.NoError(t, c.DeleteCategory(ctx, sub.ID))

	// Licences.
	l, err := c.CreateLicence(ctx, "Editorial", "Editorial use only.")
	require.NoError(t, err)
	text := "Editorial use only, credit required."
	l2, err := c.UpdateLicence(ctx, l.ID, dam.LicencePatch{Text: &text})
	require.NoError(t, err)
	assert.Equal(t, 2, l2.Version)
	v1, err := c.LicenceVersion(ctx, l.ID, 1)
	require.NoError(t, err)
	assert.Equal(t, "Editorial use only.", v1.Text)
	ls, err := c.Licences(ctx)
	require.NoError(t, err)
	assert.Len(t, ls, 1)
	_, err = c.SetAssetLicence(ctx, a.ID, l.ID)
	require.NoError(t, err)
	acc, err := c.AcceptLicence(ctx, l.ID, 2)
	require.NoError(t, err)
	assert.Equal(t, 2, acc.Version)
	_, err = c.SetAssetLicence(ctx, a.ID, "")
	require.NoError(t, err)
	gotL, err := c.Licence(ctx, l.ID)
	require.NoError(t, err)
	assert.Equal(t, text, gotL.Text)
	require.NoError(t, c.DeleteLicence(ctx, l.ID))

	// Export profiles and previews.
	p, err := c.CreateProfile(ctx, dam.Profile{Name: "thumb", Width: 32, Height: 32, Format: "jpeg"})
	require.NoError(t, err)
	assert.NotEmpty(t, p.Spec)
	p.Quality = 70
	_, err = c.UpdateProfile(ctx, p.Profile)
	require.NoError(t, err)
	gp, err := c.GetProfile(ctx, "thumb")
	require.NoError(t, err)
	assert.Equal(t, 70, gp.Quality)
	ps, err := c.Profiles(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, ps)
	var jpeg bytes.Buffer
	_, err = c.Copy(ctx, c.AssetFile(a.ID, "thumb"), &jpeg, nil)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(jpeg.Bytes(), []byte{0xFF, 0xD8}), "a JPEG rendition")
	_, err = c.Copy(ctx, c.AssetPreview(a.ID, ""), io.Discard, nil)
	require.NoError(t, err)
	require.NoError(t, c.DeleteProfile(ctx, "thumb"))

	// Portals, visited without a key.
	po, err := c.CreatePortal(ctx, dam.NewPortal{Slug: "press", Title: "Press", AssetIDs: []string{a.ID}, Mode: dam.PortalOpen})
	require.NoError(t, err)
	anon, err := client.New(s.url, "", nil)
	require.NoError(t, err)
	page, err := anon.VisitPortal(ctx, "press")
	require.NoError(t, err)
	require.Len(t, page.Assets, 1)
	_, err = anon.Copy(ctx, anon.PortalFile("press", a.ID), io.Discard, nil)
	require.NoError(t, err)
	_, err = anon.Copy(ctx, anon.PortalPreview("press", a.ID), io.Discard, nil)
	require.NoError(t, err)
	_, err = c.UpdatePortal(ctx, po.ID, dam.NewPortal{Slug: "press", Title: "Press room", AssetIDs: []string{a.ID}, Mode: dam.PortalOpen})
	require.NoError(t, err)
	gotP, err := c.Portal(ctx, po.ID)
	require.NoError(t, err)
	assert.Equal(t, "Press room", gotP.Title)
	pos, err := c.Portals(ctx)
	require.NoError(t, err)
	assert.Len(t, pos, 1)
	_, err = c.PortalUsage(ctx, po.ID)
	require.NoError(t, err)
	require.NoError(t, c.DeletePortal(ctx, po.ID))
	_, err = anon.VisitPortal(ctx, "press")
	assert.Equal(t, dam.NotFound, dam.KindOf(err))

	// People and keys.
	u, err := c.CreateUser(ctx, dam.NewUser{Email: "ed@example.com", Name: "Ed", Role: dam.RoleEditor})
	require.NoError(t, err)
	users, err := c.Users(ctx)
	require.NoError(t, err)
	assert.Len(t, users, 2)
	refs, err := c.FindUsers(ctx, "ed", 10)
	require.NoError(t, err)
	assert.NotEmpty(t, refs)
	newName := "Edward"
	u2, err := c.UpdateUser(ctx, u.ID, dam.UserPatch{Name: &newName})
	require.NoError(t, err)
	assert.Equal(t, "Edward", u2.Name)
	gotU, err := c.User(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, "Edward", gotU.Name)
	k, err := c.CreateAPIKey(ctx, u.ID, "laptop")
	require.NoError(t, err)
	require.NotEmpty(t, k.Key)
	keys, err := c.APIKeys(ctx, u.ID)
	require.NoError(t, err)
	assert.Len(t, keys, 2)
	_, err = c.RevokeAPIKey(ctx, k.ID)
	require.NoError(t, err)
	_, err = s.client(t, k.Key).Me(ctx)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "a revoked key is refused")
	require.NoError(t, c.DeleteUser(ctx, u.ID))

	// Notification preferences.
	off := false
	prefs, err := c.SetNotificationPreferences(ctx, map[dam.PreferenceKind]*bool{dam.PrefShareInvitation: &off})
	require.NoError(t, err)
	require.NotEmpty(t, prefs)
	prefs2, err := c.NotificationPreferences(ctx)
	require.NoError(t, err)
	assert.Equal(t, prefs, prefs2)
}
