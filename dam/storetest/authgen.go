package storetest

import (
	"testing"

	"github.com/damkit/damkit/dam"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authGenerationTests check that every change that can end or narrow an
// authentication, or change an access rule (folders, settings, licences,
// acceptances), moves CacheGeneration, and that reads, touches and other
// writes do not (processes caching actors and rules rely on both).
var authGenerationTests = []test{
	{"MovesOnRevocations", func(t *testing.T, f *fixture) {
		admin := f.user("admin@example.com", dam.RoleOwner, true)
		ed := f.user("ed@example.com", dam.RoleEditor, false)
		second := dam.APIKey{ID: f.id(), UserID: ed.ID, Name: "second", Hash: []byte("second-key"), CreatedAt: f.tick()}
		require.NoError(t, f.s.AddAPIKey(f.ctx, second))
		sess := f.session(ed.ID, "ed-secret")
		f.session(ed.ID, "ed-other-secret")

		gen := func() int64 {
			t.Helper()
			g, err := f.s.CacheGeneration(f.ctx)
			require.NoError(t, err)
			return g
		}
		last := gen()
		for _, tc := range []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"read a user and a key", func() error {
				_, _, err := f.s.UserByKeyHash(f.ctx, []byte("second-key"))
				return err
			}, false},
			{"touch a key", func() error { return f.s.TouchAPIKey(f.ctx, second.ID, f.tick(), 0) }, false},
			{"touch a session", func() error { return f.s.TouchSession(f.ctx, sess.ID, f.tick()) }, false},
			{"add a key", func() error {
				return f.s.AddAPIKey(f.ctx, dam.APIKey{ID: f.id(), UserID: ed.ID, Name: "third", Hash: []byte("third-key"), CreatedAt: f.tick()})
			}, false},
			{"revoke a key", func() error { return f.s.RevokeAPIKey(f.ctx, second.ID, f.tick()) }, true},
			{"update a user", func() error {
				u := ed
				u.Role = dam.RoleViewer
				return f.s.UpdateUser(f.ctx, u)
			}, true},
			{"delete one session", func() error {
				_, err := f.s.DeleteSessions(f.ctx, ed.ID, []string{sess.ID})
				return err
			}, true},
			{"delete no session", func() error {
				_, err := f.s.DeleteSessions(f.ctx, admin.ID, nil)
				return err
			}, false},
			{"delete every session of a user", func() error {
				_, err := f.s.DeleteSessions(f.ctx, ed.ID, nil)
				return err
			}, true},
			{"delete a user", func() error { return f.s.DeleteUser(f.ctx, ed.ID) }, true},
		} {
			require.NoError(t, tc.do(), tc.name)
			g := gen()
			if tc.moves {
				assert.NotEqual(t, last, g, "%s moves the generation", tc.name)
			} else {
				assert.Equal(t, last, g, "%s leaves the generation", tc.name)
			}
			last = g
		}
	}},
	{"MovesOnAccessRules", func(t *testing.T, f *fixture) {
		gen := func() int64 {
			t.Helper()
			g, err := f.s.CacheGeneration(f.ctx)
			require.NoError(t, err)
			return g
		}
		var parent, child dam.Folder
		lic := f.licence("Press")
		last := gen()
		for _, tc := range []struct {
			name  string
			do    func() error
			moves bool
		}{
			{"create a folder", func() error { parent = f.folder("", "Parent"); return nil }, true},
			{"create another", func() error { child = f.folder("", "Child"); return nil }, true},
			{"rename a folder", func() error { return f.s.RenameFolder(f.ctx, child.ID, "Renamed", f.tick()) }, false},
			{"move a folder", func() error { return f.s.MoveFolder(f.ctx, child.ID, parent.ID, f.tick()) }, true},
			{"protect a folder", func() error { return f.s.SetFolderProtection(f.ctx, parent.ID, dam.Protected, f.tick()) }, true},
			{"create a licence", func() error { return f.s.CreateLicence(f.ctx, lic) }, true},
			{"set a folder's licence", func() error { return f.s.SetFolderLicence(f.ctx, parent.ID, lic.ID, f.tick()) }, true},
			{"accept a licence", func() error {
				return f.s.AcceptLicence(f.ctx, dam.LicenceAcceptance{Actor: "u2", LicenceID: lic.ID, Version: 1, AcceptedAt: f.tick()})
			}, true},
			{"update a licence", func() error {
				l := lic
				l.Text, l.Version, l.UpdatedAt = "new terms", 2, f.tick()
				return f.s.UpdateLicence(f.ctx, l, 1)
			}, true},
			{"unset the folder's licence", func() error { return f.s.SetFolderLicence(f.ctx, parent.ID, "", f.tick()) }, true},
			{"delete a licence", func() error { return f.s.DeleteLicence(f.ctx, lic.ID) }, true},
			{"put the settings", func() error {
				st, err := f.s.Settings(f.ctx)
				if err != nil {
					return err
				}
				st.ShowWatermarks = !st.ShowWatermarks
				return f.s.PutSettings(f.ctx, st)
			}, true},
			{"create an asset", func() error { return f.s.CreateAsset(f.ctx, f.newAsset(parent.ID, "a.jpg")) }, false},
			{"append an event", func() error {
				return f.s.AppendEvents(f.ctx, dam.Event{ID: f.id(), Time: f.tick(), ActorID: "u1", Action: dam.EventDownload})
			}, false},
			{"delete a folder", func() error { return f.s.DeleteFolder(f.ctx, child.ID) }, true},
			{"create a profile", func() error { return f.s.CreateProfile(f.ctx, f.profile("print")) }, true},
			{"read it", func() error { _, err := f.s.Profile(f.ctx, "print"); return err }, false},
			{"update it", func() error {
				p := f.profile("print")
				p.Width = 2048
				return f.s.UpdateProfile(f.ctx, p)
			}, true},
			{"delete it", func() error { return f.s.DeleteProfile(f.ctx, "print") }, true},
		} {
			require.NoError(t, tc.do(), tc.name)
			g := gen()
			if tc.moves {
				assert.NotEqual(t, last, g, "%s moves the generation", tc.name)
			} else {
				assert.Equal(t, last, g, "%s leaves the generation", tc.name)
			}
			last = g
		}
	}},
	{"RefusedChangeLeavesIt", func(t *testing.T, f *fixture) {
		admin := f.user("admin@example.com", dam.RoleOwner, true)
		before, err := f.s.CacheGeneration(f.ctx)
		require.NoError(t, err)
		u := admin
		u.Admin = false
		requireKind(t, dam.FailedPrecondition, f.s.UpdateUser(f.ctx, u), "the last admin stays")
		requireKind(t, dam.NotFound, f.s.RevokeAPIKey(f.ctx, f.id(), f.tick()))
		after, err := f.s.CacheGeneration(f.ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after, "a change rolled back does not move it")
	}},
}
