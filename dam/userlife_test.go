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

// member creates a user and returns them, their key and a context acting as them.
func (f *fixture) member(t *testing.T, by context.Context, email string, role dam.Role, domains ...string) (dam.User, string, context.Context) {
	t.Helper()
	u, key, err := f.lib.CreateUser(by, dam.NewUser{Email: email, Role: role, Domains: domains})
	require.NoError(t, err)
	return u, key, dam.WithActor(f.owner, u.Actor())
}

func TestDisabledUsersAreRefusedAtOnce(t *testing.T) {
	f := newFixture(t, nil)
	ed, key, _ := f.member(t, f.owner, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	secret, _, err := f.lib.SignInWithKey(t.Context(), key, "test")
	require.NoError(t, err)
	yes, no := true, false

	u, err := f.lib.UpdateUser(f.owner, ed.ID, dam.UserPatch{Disabled: &yes})
	require.NoError(t, err)
	require.NotNil(t, u.DisabledAt)
	_, err = f.lib.Authenticate(t.Context(), key)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "a disabled user's key is refused on the next request")
	_, _, err = f.lib.SessionActor(t.Context(), secret)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "and their sessions")
	refs, err := f.lib.FindUsers(f.owner, "ed@", 0)
	require.NoError(t, err)
	assert.Empty(t, refs, "nobody shares with a disabled user")

	_, err = f.lib.UpdateUser(f.owner, ed.ID, dam.UserPatch{Disabled: &no})
	require.NoError(t, err)
	got, err := f.lib.Authenticate(t.Context(), key)
	require.NoError(t, err)
	assert.Equal(t, ed.ID, got.ID)

	require.NoError(t, f.lib.DeleteUser(f.owner, ed.ID))
	_, err = f.lib.Authenticate(t.Context(), key)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "a deleted user's key is refused")
	_, _, err = f.lib.SessionActor(t.Context(), secret)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err))
}

func TestKeysAreTheirOwnResource(t *testing.T) {
	f := newFixture(t, nil)
	ed, first, edCtx := f.member(t, f.owner, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
	_, _, viewer := f.member(t, f.owner, "vi@example.com", dam.RoleViewer, dam.DefaultDomain)

	k, second, err := f.lib.CreateAPIKey(edCtx, ed.ID, "laptop")
	require.NoError(t, err)
	assert.Equal(t, "laptop", k.Name)
	for _, key := range []string{first, second} {
		_, err := f.lib.Authenticate(t.Context(), key)
		require.NoError(t, err, "several keys work side by side")
	}
	ks, err := f.lib.APIKeys(edCtx, ed.ID)
	require.NoError(t, err)
	require.Len(t, ks, 2)
	assert.NotNil(t, ks[0].LastUsedAt, "a used key says when")

	_, err = f.lib.APIKeys(viewer, ed.ID)
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "a viewer manages only their own keys")
	_, err = f.lib.RevokeAPIKey(viewer, k.ID)
	assert.Equal(t, dam.NotFound, dam.KindOf(err), "another user's key is absent to a non-owner")
	_, _, err = f.lib.CreateAPIKey(edCtx, ed.ID, "")
	assert.Equal(t, dam.Invalid, dam.KindOf(err), "a key needs a name")

	r, err := f.lib.RevokeAPIKey(edCtx, ks[0].ID)
	require.NoError(t, err)
	require.NotNil(t, r.RevokedAt)
	_, err = f.lib.Authenticate(t.Context(), first)
	assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "a revoked key is refused at once")
	_, err = f.lib.Authenticate(t.Context(), second)
	require.NoError(t, err)
	_, err = f.lib.RevokeAPIKey(f.owner, ks[0].ID)
	assert.Equal(t, dam.Conflict, dam.KindOf(err))
	_, err = f.lib.RevokeAPIKey(f.owner, k.ID)
	require.NoError(t, err, "an owner revokes the keys of the users they manage")
}

func TestTheLibraryKeepsAnAdmin(t *testing.T) {
	f := newFixture(t, nil)
	me, err := f.lib.Users(f.owner)
	require.NoError(t, err)
	admin := me[0]
	require.True(t, admin.Admin, "the first user is the admin")
	yes, no := true, false
	editor := dam.RoleEditor
	for name, p := range map[string]dam.UserPatch{
		"disable": {Disabled: &yes}, "demote": {Role: &editor}, "unadmin": {Admin: &no},
	} {
		_, err := f.lib.UpdateUser(f.owner, admin.ID, p)
		assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err), name)
		assert.Contains(t, dam.ErrorMessage(err), "without an enabled administrator", name)
	}
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(f.lib.DeleteUser(f.owner, admin.ID)))

	other, _, _ := f.member(t, f.owner, "other@example.com", dam.RoleOwner, dam.DefaultDomain)
	_, err = f.lib.UpdateUser(f.owner, other.ID, dam.UserPatch{Admin: &yes})
	require.NoError(t, err)
	u, err := f.lib.UpdateUser(f.owner, admin.ID, dam.UserPatch{Role: &editor})
	require.NoError(t, err, "another admin is left")
	assert.False(t, u.Admin, "the power is an owner's")
}

func TestOwnersManageTheUsersOfTheirDomains(t *testing.T) {
	f := newFixture(t, nil)
	_, _, ownerB := f.member(t, f.owner, "owner-b@example.com", dam.RoleOwner, "b")
	_, _, ownerD := f.member(t, f.owner, "owner-d@example.com", dam.RoleOwner, dam.DefaultDomain)
	edD, _, _ := f.member(t, f.owner, "ed-d@example.com", dam.RoleEditor, dam.DefaultDomain)
	edB, _, edBCtx := f.member(t, ownerB, "ed-b@example.com", dam.RoleEditor, "b")
	refs, err := f.lib.FindUsers(edBCtx, "owner", 0)
	require.NoError(t, err)
	require.Len(t, refs, 1, "an editor finds the users of their domains")
	assert.Equal(t, "owner-b@example.com", refs[0].Email)
	absentID := dam.NewID(time.Now())
	yes := true
	name := "Mallory"

	// Another domain's user answers as an absent one.
	for _, call := range []func(id string) error{
		func(id string) error { _, err := f.lib.UpdateUser(ownerB, id, dam.UserPatch{Name: &name}); return err },
		func(id string) error { return f.lib.DeleteUser(ownerB, id) },
		func(id string) error { _, err := f.lib.User(ownerB, id); return err },
		func(id string) error { _, err := f.lib.APIKeys(ownerB, id); return err },
		func(id string) error { _, _, err := f.lib.CreateAPIKey(ownerB, id, "mine"); return err },
	} {
		other, none := call(edD.ID), call(absentID)
		require.Equal(t, dam.NotFound, dam.KindOf(other), "%v", other)
		assert.Equal(t, dam.ErrorMessage(none), strings.ReplaceAll(dam.ErrorMessage(other), edD.ID, absentID))
	}

	// Domains an owner does not have, and the admin power, are not theirs to give.
	domains := []string{"b", dam.DefaultDomain}
	_, err = f.lib.UpdateUser(ownerB, edB.ID, dam.UserPatch{Domains: &domains})
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	_, err = f.lib.UpdateUser(ownerD, edD.ID, dam.UserPatch{Admin: &yes})
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err))
	me, err := f.lib.Users(f.owner)
	require.NoError(t, err)
	_, err = f.lib.UpdateUser(ownerD, me[0].ID, dam.UserPatch{Name: &name})
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "only admins change an admin")
	viewer := dam.RoleViewer
	u, err := f.lib.UpdateUser(ownerB, edB.ID, dam.UserPatch{Role: &viewer, Name: &name})
	require.NoError(t, err)
	assert.Equal(t, dam.RoleViewer, u.Role)

	// Looking people up for sharing: editors, in their reach, three fields.
	refs, err = f.lib.FindUsers(ownerB, "example.com", 0)
	require.NoError(t, err)
	var emails []string
	for _, r := range refs {
		emails = append(emails, r.Email)
	}
	assert.ElementsMatch(t, []string{"owner-b@example.com", "ed-b@example.com"}, emails)
	_, err = f.lib.FindUsers(dam.WithActor(t.Context(), u.Actor()), "mall", 0)
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "ed-b is a viewer now")
	refs, err = f.lib.FindUsers(f.owner, "MALL", 0)
	require.NoError(t, err)
	require.Len(t, refs, 1, "by name, case-insensitively; the admin reaches every user")
	assert.Equal(t, dam.UserRef{ID: edB.ID, Name: "Mallory", Email: "ed-b@example.com"}, refs[0])
}
