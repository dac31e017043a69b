package storetest

import (
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var userTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		u := dam.User{ID: f.id(), Email: "ann@example.com", Name: "Ann", Role: dam.RoleEditor,
			Domains: []string{"default", "marketing"}, CreatedAt: f.tick()}
		require.NoError(t, f.s.CreateUser(f.ctx, u, f.key("hash-of-ann")))
		got, err := f.s.User(f.ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, got)
		got, k, err := f.s.UserByKeyHash(f.ctx, []byte("hash-of-ann"))
		require.NoError(t, err)
		assert.Equal(t, u, got)
		assert.Equal(t, u.ID, k.UserID)
		assert.Equal(t, []byte("hash-of-ann"), k.Hash)
	}},
	{"WithoutKey", func(t *testing.T, f *fixture) {
		for _, email := range []string{"a@example.com", "b@example.com"} {
			require.NoError(t, f.s.CreateUser(f.ctx, dam.User{ID: f.id(), Email: email, Role: dam.RoleViewer, CreatedAt: f.tick()}, nil))
		}
		_, _, err := f.s.UserByKeyHash(f.ctx, nil)
		requireKind(t, dam.NotFound, err)
	}},
	{"Duplicates", func(t *testing.T, f *fixture) {
		u := dam.User{ID: f.id(), Email: "Bob@Example.com", Role: dam.RoleOwner, CreatedAt: f.tick()}
		require.NoError(t, f.s.CreateUser(f.ctx, u, f.key("k1")))
		for _, tc := range []struct {
			name string
			u    dam.User
			key  string
		}{
			{"same id", dam.User{ID: u.ID, Email: "other@example.com", Role: dam.RoleViewer}, "k2"},
			{"same email other case", dam.User{ID: f.id(), Email: "bob@example.COM", Role: dam.RoleViewer}, "k3"},
			{"same key", dam.User{ID: f.id(), Email: "carl@example.com", Role: dam.RoleViewer}, "k1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				requireKind(t, dam.AlreadyExists, f.s.CreateUser(f.ctx, tc.u, f.key(tc.key)))
			})
		}
		us, err := f.s.Users(f.ctx)
		require.NoError(t, err)
		assert.Len(t, us, 1, "refused users are not stored")
	}},
	{"NotFound", func(t *testing.T, f *fixture) {
		_, err := f.s.User(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
		_, _, err = f.s.UserByKeyHash(f.ctx, []byte("nobody"))
		requireKind(t, dam.NotFound, err)
	}},
	{"ListInIDOrder", func(t *testing.T, f *fixture) {
		var want []dam.User
		for _, name := range []string{"zed", "amy", "kim"} {
			u := dam.User{ID: f.id(), Email: name + "@example.com", Name: name, Role: dam.RoleViewer, CreatedAt: f.tick()}
			require.NoError(t, f.s.CreateUser(f.ctx, u, f.key(name)))
			want = append(want, u)
		}
		got, err := f.s.Users(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}},
	{"InvalidInput", func(t *testing.T, f *fixture) {
		requireKind(t, dam.Invalid, f.s.CreateUser(f.ctx, dam.User{Email: "x@example.com"}, nil))
		requireKind(t, dam.Invalid, f.s.CreateUser(f.ctx, dam.User{ID: f.id()}, nil))
		requireKind(t, dam.Invalid, f.s.CreateUser(f.ctx, dam.User{ID: f.id(), Email: "y@example.com"}, &dam.APIKey{ID: f.id()}))
		requireKind(t, dam.Invalid, f.s.AddAPIKey(f.ctx, dam.APIKey{ID: f.id(), UserID: f.id()}))
	}},
	{"Keys", func(t *testing.T, f *fixture) {
		u := f.user("kay@example.com", dam.RoleEditor, false)
		first, err := f.s.APIKeys(f.ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, first, 1)
		second := *f.key("second")
		second.UserID, second.Name = u.ID, "laptop"
		require.NoError(t, f.s.AddAPIKey(f.ctx, second))
		requireKind(t, dam.AlreadyExists, f.s.AddAPIKey(f.ctx, dam.APIKey{ID: f.id(), UserID: u.ID, Hash: second.Hash, CreatedAt: f.tick()}))
		requireKind(t, dam.NotFound, f.s.AddAPIKey(f.ctx, dam.APIKey{ID: f.id(), UserID: f.id(), Hash: []byte("x"), CreatedAt: f.tick()}))
		ks, err := f.s.APIKeys(f.ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, ks, 2)
		assert.Equal(t, "laptop", ks[1].Name)
		got, err := f.s.APIKey(f.ctx, second.ID)
		require.NoError(t, err)
		assert.Equal(t, second, got)

		used := f.tick()
		require.NoError(t, f.s.TouchAPIKey(f.ctx, second.ID, used, time.Minute))
		require.NoError(t, f.s.TouchAPIKey(f.ctx, second.ID, used.Add(time.Second), time.Minute))
		got, err = f.s.APIKey(f.ctx, second.ID)
		require.NoError(t, err)
		require.NotNil(t, got.LastUsedAt)
		assert.Equal(t, used, *got.LastUsedAt, "a second use within every is not written")

		at := f.tick()
		require.NoError(t, f.s.RevokeAPIKey(f.ctx, second.ID, at))
		requireKind(t, dam.Conflict, f.s.RevokeAPIKey(f.ctx, second.ID, at))
		requireKind(t, dam.NotFound, f.s.RevokeAPIKey(f.ctx, f.id(), at))
		_, _, err = f.s.UserByKeyHash(f.ctx, second.Hash)
		requireKind(t, dam.NotFound, err)
		_, _, err = f.s.UserByKeyHash(f.ctx, first[0].Hash)
		require.NoError(t, err, "revoking one key leaves the others")
		_, err = f.s.APIKey(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
	}},
	{"UpdateAndDelete", func(t *testing.T, f *fixture) {
		admin := f.user("admin@example.com", dam.RoleOwner, true)
		ed := f.user("ed@example.com", dam.RoleEditor, false)
		ed.Name, ed.Role, ed.Domains = "Ed", dam.RoleViewer, []string{"b"}
		off := f.tick()
		ed.DisabledAt = &off
		require.NoError(t, f.s.UpdateUser(f.ctx, ed))
		got, err := f.s.User(f.ctx, ed.ID)
		require.NoError(t, err)
		assert.Equal(t, ed, got)
		requireKind(t, dam.NotFound, f.s.UpdateUser(f.ctx, dam.User{ID: f.id(), Role: dam.RoleViewer}))

		// The last enabled admin owner stays, whichever way it would go.
		for name, change := range map[string]func(u *dam.User){
			"disabled":  func(u *dam.User) { u.DisabledAt = &off },
			"demoted":   func(u *dam.User) { u.Role = dam.RoleEditor },
			"not admin": func(u *dam.User) { u.Admin = false },
		} {
			t.Run(name, func(t *testing.T) {
				u := admin
				change(&u)
				requireKind(t, dam.FailedPrecondition, f.s.UpdateUser(f.ctx, u))
				got, err := f.s.User(f.ctx, admin.ID)
				require.NoError(t, err)
				assert.Equal(t, admin, got, "a refused change changes nothing")
			})
		}
		requireKind(t, dam.FailedPrecondition, f.s.DeleteUser(f.ctx, admin.ID))

		other := f.user("other@example.com", dam.RoleOwner, true)
		require.NoError(t, f.s.DeleteUser(f.ctx, admin.ID), "another admin is left")
		_, err = f.s.User(f.ctx, admin.ID)
		requireKind(t, dam.NotFound, err)
		ks, err := f.s.APIKeys(f.ctx, admin.ID)
		require.NoError(t, err)
		assert.Empty(t, ks, "a deleted user's keys go with it")
		requireKind(t, dam.NotFound, f.s.DeleteUser(f.ctx, admin.ID))
		require.NoError(t, f.s.DeleteUser(f.ctx, ed.ID))
		_, err = f.s.User(f.ctx, other.ID)
		require.NoError(t, err)
	}},
}

// key is a fresh key with the given hash, to store with a user.
func (f *fixture) key(hash string) *dam.APIKey {
	return &dam.APIKey{ID: f.id(), Name: "first", Hash: []byte(hash), CreatedAt: f.tick()}
}

// user stores a user with one key and returns it.
func (f *fixture) user(email string, role dam.Role, admin bool) dam.User {
	f.t.Helper()
	u := dam.User{ID: f.id(), Email: email, Role: role, Domains: []string{f.domain}, Admin: admin, CreatedAt: f.tick()}
	require.NoError(f.t, f.s.CreateUser(f.ctx, u, f.key("hash-of-"+email)))
	return u
}
