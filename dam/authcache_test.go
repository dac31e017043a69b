package dam_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestAuthCacheForgetsAtOnce: with a key and a session already held in
// memory (authenticated several times), every change that ends or
// narrows them applies on the very next request of the same process.
func TestAuthCacheForgetsAtOnce(t *testing.T) {
	viewer := dam.RoleViewer
	yes := true
	for _, tc := range []struct {
		name        string
		change      func(t *testing.T, f *fixture, ed dam.User, keyID, secret string)
		keyWorks    bool
		sessionLive bool
		role        dam.Role // the role seen afterwards, when still signed in
	}{
		{"key revoked", func(t *testing.T, f *fixture, _ dam.User, keyID, _ string) {
			_, err := f.lib.RevokeAPIKey(f.owner, keyID)
			require.NoError(t, err)
		}, false, true, dam.RoleEditor},
		{"role lowered", func(t *testing.T, f *fixture, ed dam.User, _, _ string) {
			_, err := f.lib.UpdateUser(f.owner, ed.ID, dam.UserPatch{Role: &viewer})
			require.NoError(t, err)
		}, true, true, dam.RoleViewer},
		{"user disabled", func(t *testing.T, f *fixture, ed dam.User, _, _ string) {
			_, err := f.lib.UpdateUser(f.owner, ed.ID, dam.UserPatch{Disabled: &yes})
			require.NoError(t, err)
		}, false, false, ""},
		{"user deleted", func(t *testing.T, f *fixture, ed dam.User, _, _ string) {
			require.NoError(t, f.lib.DeleteUser(f.owner, ed.ID))
		}, false, false, ""},
		{"signed out", func(t *testing.T, f *fixture, _ dam.User, _, secret string) {
			require.NoError(t, f.lib.SignOut(t.Context(), secret))
		}, true, false, dam.RoleEditor},
		{"sessions revoked", func(t *testing.T, f *fixture, ed dam.User, _, _ string) {
			_, err := f.lib.RevokeSessions(dam.WithActor(t.Context(), ed.Actor()), nil)
			require.NoError(t, err)
		}, true, false, dam.RoleEditor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, nil)
			ed, _, _ := f.member(t, f.owner, "ed@example.com", dam.RoleEditor, dam.DefaultDomain)
			k, key, err := f.lib.CreateAPIKey(f.owner, ed.ID, "second")
			require.NoError(t, err)
			secret, _, err := f.lib.SignInWithKey(t.Context(), key, "test")
			require.NoError(t, err)
			for range 3 {
				u, err := f.lib.Authenticate(t.Context(), key)
				require.NoError(t, err)
				u.Domains[0] = "changed by the caller"
				a, _, err := f.lib.SessionActor(t.Context(), secret)
				require.NoError(t, err)
				a.Domains[0] = "changed by the caller"
			}
			u, err := f.lib.Authenticate(t.Context(), key)
			require.NoError(t, err)
			assert.Equal(t, []string{dam.DefaultDomain}, u.Domains, "what a caller does with its copy stays with it")

			tc.change(t, f, ed, k.ID, secret)

			check := func(what string, err error, works bool, role dam.Role, got dam.Role) {
				if !works {
					assert.Equal(t, dam.Unauthenticated, dam.KindOf(err), "%s is refused at once", what)
					return
				}
				require.NoError(t, err, what)
				assert.Equal(t, role, got, "%s: the role as it is now", what)
			}
			u, err = f.lib.Authenticate(context.Background(), key)
			check("the key", err, tc.keyWorks, tc.role, u.Role)
			a, _, err := f.lib.SessionActor(context.Background(), secret)
			check("the session", err, tc.sessionLive, tc.role, a.Role)
		})
	}
}
