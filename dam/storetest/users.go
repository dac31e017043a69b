package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var userTests = []test{
	{"RoundTrip", func(t *testing.T, f *fixture) {
		u := dam.User{ID: f.id(), Email: "ann@example.com", Name: "Ann", Role: dam.RoleEditor,
			Domains: []string{"default", "marketing"}, CreatedAt: f.tick()}
		require.NoError(t, f.s.CreateUser(f.ctx, u, []byte("hash-of-ann")))
		got, err := f.s.User(f.ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, got)
		got, err = f.s.UserByKeyHash(f.ctx, []byte("hash-of-ann"))
		require.NoError(t, err)
		assert.Equal(t, u, got)
	}},
	{"WithoutKey", func(t *testing.T, f *fixture) {
		for _, email := range []string{"a@example.com", "b@example.com"} {
			require.NoError(t, f.s.CreateUser(f.ctx, dam.User{ID: f.id(), Email: email, Role: dam.RoleViewer, CreatedAt: f.tick()}, nil))
		}
		_, err := f.s.UserByKeyHash(f.ctx, nil)
		requireKind(t, dam.NotFound, err)
	}},
	{"Duplicates", func(t *testing.T, f *fixture) {
		u := dam.User{ID: f.id(), Email: "Bob@Example.com", Role: dam.RoleOwner, CreatedAt: f.tick()}
		require.NoError(t, f.s.CreateUser(f.ctx, u, []byte("k1")))
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
				requireKind(t, dam.AlreadyExists, f.s.CreateUser(f.ctx, tc.u, []byte(tc.key)))
			})
		}
		us, err := f.s.Users(f.ctx)
		require.NoError(t, err)
		assert.Len(t, us, 1, "refused users are not stored")
	}},
	{"NotFound", func(t *testing.T, f *fixture) {
		_, err := f.s.User(f.ctx, f.id())
		requireKind(t, dam.NotFound, err)
		_, err = f.s.UserByKeyHash(f.ctx, []byte("nobody"))
		requireKind(t, dam.NotFound, err)
	}},
	{"ListInIDOrder", func(t *testing.T, f *fixture) {
		var want []dam.User
		for _, name := range []string{"zed", "amy", "kim"} {
			u := dam.User{ID: f.id(), Email: name + "@example.com", Name: name, Role: dam.RoleViewer, CreatedAt: f.tick()}
			require.NoError(t, f.s.CreateUser(f.ctx, u, []byte(name)))
			want = append(want, u)
		}
		got, err := f.s.Users(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}},
	{"InvalidInput", func(t *testing.T, f *fixture) {
		requireKind(t, dam.Invalid, f.s.CreateUser(f.ctx, dam.User{Email: "x@example.com"}, nil))
		requireKind(t, dam.Invalid, f.s.CreateUser(f.ctx, dam.User{ID: f.id()}, nil))
	}},
}
