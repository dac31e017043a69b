package storetest

import (
	"crypto/sha256"
	"sync"
	"testing"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func secretHash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// session stores a session of userID whose secret is secret.
func (f *fixture) session(userID, secret string) dam.Session {
	now := f.tick()
	s := dam.Session{ID: f.id(), UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(24 * time.Hour), UserAgent: "Firefox", Method: "key"}
	require.NoError(f.t, f.s.CreateSession(f.ctx, s, secretHash(secret)))
	return s
}

// sessionTests check sessions and one-time sign-in links.
var sessionTests = []test{
	{"CreateFindTouch", func(t *testing.T, f *fixture) {
		s := f.session("u1", "secret-1")
		got, err := f.s.SessionByHash(f.ctx, secretHash("secret-1"))
		require.NoError(t, err)
		assert.Equal(t, s, got)
		_, err = f.s.SessionByHash(f.ctx, secretHash("secret-2"))
		assert.Equal(t, dam.NotFound, dam.KindOf(err))

		later := f.tick().Add(time.Hour)
		require.NoError(t, f.s.TouchSession(f.ctx, s.ID, later))
		require.NoError(t, f.s.TouchSession(f.ctx, s.ID, s.CreatedAt), "an older touch is ignored")
		got, err = f.s.SessionByHash(f.ctx, secretHash("secret-1"))
		require.NoError(t, err)
		assert.Equal(t, later, got.LastSeenAt)
	}},
	{"ListAndDeleteOnlyOwn", func(t *testing.T, f *fixture) {
		a1 := f.session("u1", "a1")
		a2 := f.session("u1", "a2")
		b1 := f.session("u2", "b1")
		list, err := f.s.Sessions(f.ctx, "u1")
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, []string{a2.ID, a1.ID}, []string{list[0].ID, list[1].ID}, "newest first")

		n, err := f.s.DeleteSessions(f.ctx, "u1", []string{b1.ID})
		require.NoError(t, err)
		assert.Zero(t, n, "another user's session is not deleted")
		_, err = f.s.SessionByHash(f.ctx, secretHash("b1"))
		require.NoError(t, err)

		n, err = f.s.DeleteSessions(f.ctx, "u1", []string{a1.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, err = f.s.SessionByHash(f.ctx, secretHash("a1"))
		assert.Equal(t, dam.NotFound, dam.KindOf(err))

		f.session("u1", "a3")
		n, err = f.s.DeleteSessions(f.ctx, "u1", nil)
		require.NoError(t, err)
		assert.Equal(t, 2, n, "no ids: all of the user's sessions")
		list, err = f.s.Sessions(f.ctx, "u2")
		require.NoError(t, err)
		assert.Len(t, list, 1)
	}},
	{"StaleSessionsSwept", func(t *testing.T, f *fixture) {
		expired := f.session("u1", "old") // used, but past its absolute end
		f.session("u1", "idle")           // unused since its start
		busy := f.session("u1", "busy")   // used just now
		now := f.tick()
		require.NoError(t, f.s.TouchSession(f.ctx, busy.ID, now))
		require.NoError(t, f.s.TouchSession(f.ctx, expired.ID, now))

		n, err := f.s.DeleteStaleSessions(f.ctx, now, now.Add(-time.Microsecond))
		require.NoError(t, err)
		assert.Equal(t, 1, n, "only the idle session")
		n, err = f.s.DeleteStaleSessions(f.ctx, expired.ExpiresAt, now.Add(-time.Microsecond))
		require.NoError(t, err)
		assert.Equal(t, 1, n, "then the one past its end (busy started later)")
		list, err := f.s.Sessions(f.ctx, "u1")
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, busy.ID, list[0].ID)
	}},
	{"SignInLinkWorksOnce", func(t *testing.T, f *fixture) {
		exp := f.tick().Add(15 * time.Minute)
		require.NoError(t, f.s.CreateSignInLink(f.ctx, secretHash("link"), "u1", exp))
		_, err := f.s.UseSignInLink(f.ctx, secretHash("other"), f.tick())
		assert.Equal(t, dam.NotFound, dam.KindOf(err))
		user, err := f.s.UseSignInLink(f.ctx, secretHash("link"), f.tick())
		require.NoError(t, err)
		assert.Equal(t, "u1", user)
		_, err = f.s.UseSignInLink(f.ctx, secretHash("link"), f.tick())
		assert.Equal(t, dam.NotFound, dam.KindOf(err), "a used link is spent")

		require.NoError(t, f.s.CreateSignInLink(f.ctx, secretHash("late"), "u1", exp))
		_, err = f.s.UseSignInLink(f.ctx, secretHash("late"), exp)
		assert.Equal(t, dam.NotFound, dam.KindOf(err), "expired at its expiry")
	}},
	{"SignInLinkRaceHasOneWinner", func(t *testing.T, f *fixture) {
		require.NoError(t, f.s.CreateSignInLink(f.ctx, secretHash("race"), "u1", f.tick().Add(time.Hour)))
		at := f.tick()
		var wg sync.WaitGroup
		wins := make(chan string, 8)
		for range 8 {
			wg.Go(func() {
				if u, err := f.s.UseSignInLink(f.ctx, secretHash("race"), at); err == nil {
					wins <- u
				} else {
					assert.Equal(t, dam.NotFound, dam.KindOf(err))
				}
			})
		}
		wg.Wait()
		close(wins)
		assert.Len(t, wins, 1)
	}},
	{"UserByEmailIgnoresCase", func(t *testing.T, f *fixture) {
		u := dam.User{ID: f.id(), Email: "Ana@Example.com", Name: "Ana", Role: dam.RoleViewer,
			Domains: []string{dam.DefaultDomain}, CreatedAt: f.tick()}
		require.NoError(t, f.s.CreateUser(f.ctx, u, nil))
		got, err := f.s.UserByEmail(f.ctx, "ana@example.COM")
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		_, err = f.s.UserByEmail(f.ctx, "bob@example.com")
		assert.Equal(t, dam.NotFound, dam.KindOf(err))
	}},
}
