package dam_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// reachFixture is a library with two domains: the fixture's admin owner,
// an editor and their objects in default, and an owner of domain b.
type reachFixture struct {
	*shareFixture
	ownerB  context.Context
	share   dam.ShareView
	portal  dam.Portal
	job     dam.Job
	request dam.Request
	grant   dam.Grant
}

func newReachFixture(t *testing.T) *reachFixture {
	t.Helper()
	rf := &reachFixture{shareFixture: newShareFixture(t)}
	rf.ownerB = rf.user(t, "owner-b@example.com", dam.RoleOwner, "b")
	rf.share = rf.create(t, dam.NewShare{Guests: "guest@example.com"})
	var err error
	rf.portal, err = rf.lib.CreatePortal(rf.owner, dam.NewPortal{Slug: "press", Title: "Press", AssetIDs: []string{rf.a.ID}})
	require.NoError(t, err)
	rf.job, err = rf.lib.CreateDownload(rf.editor, dam.DownloadRequest{AssetIDs: []string{rf.a.ID, rf.b.ID}, Async: true})
	require.NoError(t, err)
	_, err = rf.lib.SetAssetProtection(rf.owner, rf.b.ID, dam.Protected)
	require.NoError(t, err)
	viewer := rf.user(t, "viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
	res, err := rf.lib.RequestDownload(viewer, dam.NewRequest{AssetIDs: []string{rf.b.ID}, Reason: "print"})
	require.NoError(t, err)
	require.Len(t, res.Requests, 1)
	rf.request = res.Requests[0]
	ds, err := rf.lib.Decide(rf.owner, []dam.Decision{{RequestID: rf.request.ID, Approve: true}})
	require.NoError(t, err)
	require.NotNil(t, ds[0].Grant)
	rf.grant = *ds[0].Grant
	return rf
}

// TestOwnerOfAnotherDomainSeesAbsence: every operation of an owner of b on
// an object of default answers exactly as on an object that does not exist.
func TestOwnerOfAnotherDomainSeesAbsence(t *testing.T) {
	rf := newReachFixture(t)
	lib := rf.lib
	absentID := dam.NewID(time.Now())
	title := "taken over"
	cases := map[string]func(ctx context.Context, id string) error{
		"Share": func(ctx context.Context, id string) error { _, err := lib.Share(ctx, id); return err },
		"EditShare": func(ctx context.Context, id string) error {
			_, err := lib.EditShare(ctx, id, dam.SharePatch{Title: &title})
			return err
		},
		"DeleteShare": func(ctx context.Context, id string) error { return lib.DeleteShare(ctx, id) },
		"InviteGuests": func(ctx context.Context, id string) error {
			_, err := lib.InviteGuests(ctx, id, dam.Invitees{Guests: "me@b.example"})
			return err
		},
		"RemoveGuest": func(ctx context.Context, id string) error {
			_, err := lib.RemoveGuest(ctx, id, rf.share.ActiveGuests[0].ID)
			return err
		},
		"ShareUsage":    func(ctx context.Context, id string) error { _, err := lib.ShareUsage(ctx, id); return err },
		"SendShareLink": func(ctx context.Context, id string) error { return lib.SendShareLink(ctx, id) },
		"Portal":        func(ctx context.Context, id string) error { _, err := lib.Portal(ctx, id); return err },
		"UpdatePortal": func(ctx context.Context, id string) error {
			_, err := lib.UpdatePortal(ctx, id, dam.NewPortal{Slug: "mine", Title: "x"})
			return err
		},
		"DeletePortal":  func(ctx context.Context, id string) error { return lib.DeletePortal(ctx, id) },
		"PortalUsage":   func(ctx context.Context, id string) error { _, err := lib.PortalUsage(ctx, id); return err },
		"Job":           func(ctx context.Context, id string) error { _, err := lib.Job(ctx, id); return err },
		"CancelJob":     func(ctx context.Context, id string) error { return lib.CancelJob(ctx, id) },
		"OpenPart":      func(ctx context.Context, id string) error { _, err := lib.OpenPart(ctx, id, 1); return err },
		"RevokeGrant":   func(ctx context.Context, id string) error { _, err := lib.RevokeGrant(ctx, id); return err },
		"DeleteRequest": func(ctx context.Context, id string) error { return lib.DeleteRequest(ctx, id) },
	}
	ids := map[string]string{"Share": rf.share.ID, "EditShare": rf.share.ID, "DeleteShare": rf.share.ID,
		"InviteGuests": rf.share.ID, "RemoveGuest": rf.share.ID, "ShareUsage": rf.share.ID, "SendShareLink": rf.share.ID,
		"Portal": rf.portal.ID, "UpdatePortal": rf.portal.ID, "DeletePortal": rf.portal.ID, "PortalUsage": rf.portal.ID,
		"Job": rf.job.ID, "CancelJob": rf.job.ID, "OpenPart": rf.job.ID,
		"RevokeGrant": rf.grant.ID, "DeleteRequest": rf.request.ID}
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			id := ids[name]
			require.NotEmpty(t, id)
			other := call(rf.ownerB, id)
			none := call(rf.ownerB, absentID)
			require.Error(t, other, "an owner of b acts on an object of default")
			require.Error(t, none)
			assert.Equal(t, dam.NotFound, dam.KindOf(other), "%v", other)
			assert.Equal(t, dam.KindOf(none), dam.KindOf(other))
			assert.Equal(t, strings.ReplaceAll(dam.ErrorMessage(none), absentID, "<id>"),
				strings.ReplaceAll(dam.ErrorMessage(other), id, "<id>"))
		})
	}
	// Nothing changed: the objects still answer their domain's owner.
	_, err := lib.Share(rf.owner, rf.share.ID)
	require.NoError(t, err)
	_, err = lib.Portal(rf.owner, rf.portal.ID)
	require.NoError(t, err)
	_, err = lib.Job(rf.owner, rf.job.ID)
	require.NoError(t, err)
	gs, err := lib.Grants(rf.owner, dam.GrantQuery{})
	require.NoError(t, err)
	require.Len(t, gs, 1)
	assert.Nil(t, gs[0].RevokedAt)
}

func TestListsKeepToTheActorsReach(t *testing.T) {
	rf := newReachFixture(t)
	lib := rf.lib
	secrets := []string{rf.a.ID, rf.b.ID, rf.share.ID, rf.portal.ID, rf.job.ID, rf.request.ID, rf.grant.ID,
		"brief.txt", "guest@example.com", "ed@example.com", "viewer@example.com"}

	ps, err := lib.Portals(rf.ownerB)
	require.NoError(t, err)
	assert.Empty(t, ps)
	ps, err = lib.Portals(rf.owner)
	require.NoError(t, err)
	assert.Len(t, ps, 1)

	us, err := lib.Users(rf.ownerB)
	require.NoError(t, err)
	require.Len(t, us, 1, "an owner of b sees the users of b only")
	assert.Equal(t, "owner-b@example.com", us[0].Email)
	us, err = lib.Users(rf.owner)
	require.NoError(t, err)
	assert.Len(t, us, 4, "an admin sees every user")

	es, _, err := lib.Events(rf.ownerB, dam.EventQuery{})
	require.NoError(t, err)
	for _, e := range es {
		for _, s := range secrets {
			assert.NotContains(t, e.ActorID+" "+e.AssetID+" "+e.Detail, s)
		}
	}
	es, _, err = lib.Events(rf.owner, dam.EventQuery{})
	require.NoError(t, err)
	var shareEvents int
	for _, e := range es {
		if strings.Contains(e.Detail, "share "+rf.share.ID) {
			shareEvents++
		}
	}
	assert.Positive(t, shareEvents, "the domain's owner still sees its share's events")

	for _, who := range []context.Context{rf.ownerB, rf.owner} {
		_, _, err := lib.CreateUser(who, dam.NewUser{Email: "new-owner@example.com", Role: dam.RoleOwner, Domains: []string{dam.DefaultDomain}})
		if who == rf.ownerB {
			assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "an owner of b makes no owner of default: %v", err)
			continue
		}
		require.NoError(t, err)
	}
	_, _, err = lib.CreateUser(rf.ownerB, dam.NewUser{Email: "b-admin@example.com", Role: dam.RoleOwner, Domains: []string{"b"}, Admin: true})
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "only admins make admins")
	u, _, err := lib.CreateUser(rf.ownerB, dam.NewUser{Email: "b-editor@example.com", Role: dam.RoleEditor, Domains: []string{"b"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"b"}, u.Domains)
}

func TestLibraryWideSettingsNeedAnAdmin(t *testing.T) {
	rf := newReachFixture(t)
	lib := rf.lib
	ownerDefault := rf.user(t, "owner2@example.com", dam.RoleOwner, dam.DefaultDomain)
	for _, who := range []context.Context{rf.ownerB, ownerDefault} {
		s, err := lib.Settings(who)
		require.NoError(t, err, "any user reads the settings")
		s.SharesEnabled = false
		_, err = lib.UpdateSettings(who, s)
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
		assert.Contains(t, dam.ErrorMessage(err), "only administrators")
		_, err = lib.CreateProfile(who, dam.Profile{Name: "web", Format: "jpeg", Width: 100})
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
		_, err = lib.CreateLicence(who, "Mine", "text")
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	}
	s, err := lib.Settings(rf.owner)
	require.NoError(t, err)
	assert.True(t, s.SharesEnabled, "no refused change went through")
}

func TestCategoriesOfOtherDomainsAreTheAdmins(t *testing.T) {
	rf := newReachFixture(t)
	lib := rf.lib
	editorB := rf.user(t, "editor-b@example.com", dam.RoleEditor, "b")
	held, err := lib.CreateCategory(rf.editor, "Campaign", "")
	require.NoError(t, err)
	_, err = lib.AddToCategory(rf.editor, held.ID, []string{rf.a.ID})
	require.NoError(t, err)
	empty, err := lib.CreateCategory(editorB, "Ideas", "")
	require.NoError(t, err)
	name := "Mine now"
	for _, who := range []context.Context{editorB, rf.ownerB} {
		_, err = lib.UpdateCategory(who, held.ID, &name, nil)
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "%v", err)
		assert.Contains(t, dam.ErrorMessage(err), "only an administrator")
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(lib.DeleteCategory(who, held.ID)))
		_, err = lib.UpdateCategory(who, held.ID, nil, &empty.ID)
		assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	}
	c, err := lib.Category(rf.editor, held.ID)
	require.NoError(t, err)
	assert.Equal(t, "Campaign", c.Name)
	assert.Equal(t, 1, c.AssetCount, "nothing left the category")

	_, err = lib.UpdateCategory(editorB, empty.ID, &name, nil)
	require.NoError(t, err, "an empty category is any editor's")
	renamed := "Campaign 2027"
	_, err = lib.UpdateCategory(rf.editor, held.ID, &renamed, nil)
	require.NoError(t, err, "default's editor changes it")
	require.NoError(t, lib.DeleteCategory(rf.owner, held.ID), "and an admin")
}

func TestPeopleOfOtherDomainsAreNoUsers(t *testing.T) {
	rf := newReachFixture(t)
	lib := rf.lib
	editorB := rf.user(t, "editor-b@example.com", dam.RoleEditor, "b")
	mine, err := lib.Upload(editorB, strings.NewReader("b's file"), dam.UploadOptions{Name: "b.txt"})
	require.NoError(t, err)
	us, err := lib.Users(rf.owner)
	require.NoError(t, err)
	var edID string
	for _, u := range us {
		if u.Email == "ed@example.com" {
			edID = u.ID
		}
	}
	require.NotEmpty(t, edID)
	absentID := dam.NewID(time.Now())

	share := func(id string) error {
		_, err := lib.CreateShare(editorB, dam.NewShare{Title: "b", AssetIDs: []string{mine.ID}, Days: 7, UserIDs: []string{id}})
		return err
	}
	other, none := share(edID), share(absentID)
	require.Equal(t, dam.Invalid, dam.KindOf(other), "%v", other)
	assert.Equal(t, dam.ErrorMessage(none), strings.ReplaceAll(dam.ErrorMessage(other), edID, absentID))

	send := func(to string) error {
		_, err := lib.CreateDownload(editorB, dam.DownloadRequest{AssetIDs: []string{mine.ID}, SendTo: []string{to}})
		return err
	}
	for _, pair := range [][2]string{{edID, absentID}, {"ed@example.com", "nobody@example.com"}} {
		other, none := send(pair[0]), send(pair[1])
		require.Equal(t, dam.Invalid, dam.KindOf(other), "%v", other)
		assert.Equal(t, dam.ErrorMessage(none), strings.ReplaceAll(dam.ErrorMessage(other), pair[0], pair[1]))
	}
	refs, err := lib.FindUsers(editorB, "ed@", 0)
	require.NoError(t, err)
	assert.Empty(t, refs, "nor found by a lookup")
}
