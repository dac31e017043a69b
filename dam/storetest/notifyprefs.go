package storetest

import (
	"fmt"
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// notificationPrefTests check users' email choices per preference kind.
var notificationPrefTests = []test{
	{"NoneUntilSet", func(t *testing.T, f *fixture) {
		got, err := f.s.NotificationPrefs(f.ctx, []string{"u1", "u2"})
		require.NoError(t, err)
		assert.Empty(t, got, "users without choices are absent")
		got, err = f.s.NotificationPrefs(f.ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	}},
	{"SetChangeClear", func(t *testing.T, f *fixture) {
		require.NoError(t, f.s.SetNotificationPrefs(f.ctx, "u1", map[dam.PreferenceKind]*bool{
			dam.PrefRequestReceived: ptr(false), dam.PrefArchiveReady: ptr(true)}, f.tick()))
		require.NoError(t, f.s.SetNotificationPrefs(f.ctx, "u2", map[dam.PreferenceKind]*bool{
			dam.PrefRequestReceived: ptr(true)}, f.tick()))
		got, err := f.s.NotificationPrefs(f.ctx, []string{"u1", "u2", "u3"})
		require.NoError(t, err)
		assert.Equal(t, map[string]map[dam.PreferenceKind]bool{
			"u1": {dam.PrefRequestReceived: false, dam.PrefArchiveReady: true},
			"u2": {dam.PrefRequestReceived: true},
		}, got)

		require.NoError(t, f.s.SetNotificationPrefs(f.ctx, "u1", map[dam.PreferenceKind]*bool{
			dam.PrefRequestReceived: ptr(true), dam.PrefArchiveReady: nil, dam.PrefShareExpiring: nil}, f.tick()),
			"clearing a kind never set is fine")
		got, err = f.s.NotificationPrefs(f.ctx, []string{"u1"})
		require.NoError(t, err)
		assert.Equal(t, map[string]map[dam.PreferenceKind]bool{"u1": {dam.PrefRequestReceived: true}}, got,
			"a changed choice replaces, a cleared one is gone, and only the asked-for users come back")

		require.NoError(t, f.s.SetNotificationPrefs(f.ctx, "u1", map[dam.PreferenceKind]*bool{dam.PrefRequestReceived: nil}, f.tick()))
		got, err = f.s.NotificationPrefs(f.ctx, []string{"u1", "u2"})
		require.NoError(t, err)
		assert.Equal(t, map[string]map[dam.PreferenceKind]bool{"u2": {dam.PrefRequestReceived: true}}, got)
	}},
	{"LibraryDefaultsRoundTrip", func(t *testing.T, f *fixture) {
		st := dam.DefaultSettings()
		for _, k := range dam.PreferenceKinds() {
			assert.True(t, st.EmailNotifications[k], "a fresh library emails %s", k)
		}
		st.EmailNotifications[dam.PrefRequestReceived] = false
		st.EmailNotifications[dam.PrefArchiveReady] = false
		st.UpdatedBy, st.UpdatedAt = "o1", f.tick()
		require.NoError(t, f.s.PutSettings(f.ctx, st))
		got, err := f.s.Settings(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, st, got)
	}},
	{"ManyUsersInOneCall", func(t *testing.T, f *fixture) {
		// More users than fit one IN list of a cautious implementation.
		var users []string
		want := map[string]map[dam.PreferenceKind]bool{}
		for i := range 1200 {
			u := fmt.Sprintf("u%04d", i)
			users = append(users, u)
			if i%7 == 0 {
				on := i%2 == 0
				require.NoError(t, f.s.SetNotificationPrefs(f.ctx, u, map[dam.PreferenceKind]*bool{dam.PrefShareInvitation: &on}, f.now))
				want[u] = map[dam.PreferenceKind]bool{dam.PrefShareInvitation: on}
			}
		}
		got, err := f.s.NotificationPrefs(f.ctx, users)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}},
}
