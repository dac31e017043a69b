package dam_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/sqlstore"
)

func on(b bool) *bool { return &b }

// byKind indexes preferences by kind.
func byKind(ps []dam.NotificationPreference) map[dam.PreferenceKind]dam.NotificationPreference {
	out := map[dam.PreferenceKind]dam.NotificationPreference{}
	for _, p := range ps {
		out[p.Kind] = p
	}
	return out
}

// userID is the user a context acts as.
func userID(t *testing.T, ctx context.Context) string {
	t.Helper()
	a, ok := dam.ActorFrom(ctx)
	require.True(t, ok)
	return a.UserID
}

// setEmailDefault changes the owners' default for one kind.
func (f *fixture) setEmailDefault(t *testing.T, k dam.PreferenceKind, v bool) {
	t.Helper()
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.EmailNotifications[k] = v
	_, err = f.lib.UpdateSettings(f.owner, s)
	require.NoError(t, err)
}

func TestPreferenceKindOf(t *testing.T) {
	tests := []struct {
		message string
		want    dam.PreferenceKind
	}{
		{dam.NotifyRequestReceived, dam.PrefRequestReceived},
		{dam.NotifyRequestApproved, dam.PrefRequestDecided},
		{dam.NotifyRequestDenied, dam.PrefRequestDecided},
		{dam.NotifyShareInvitation, dam.PrefShareInvitation},
		{dam.NotifyShareExpiring, dam.PrefShareExpiring},
		{dam.NotifyShareExpired, dam.PrefShareExpiring},
		{dam.NotifyArchiveReady, dam.PrefArchiveReady},
		{dam.NotifyArchiveFailed, dam.PrefArchiveReady},
		{dam.NotifyArchiveEmpty, dam.PrefArchiveReady},
		{"something_new", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			got, ok := dam.PreferenceKindOf(tt.message)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.want != "", ok)
			if ok {
				assert.Contains(t, got.MessageKinds(), tt.message, "the kind lists the messages it covers")
			}
		})
	}
	for _, k := range dam.PreferenceKinds() {
		assert.True(t, k.Valid(), k)
	}
	assert.False(t, dam.PreferenceKind("request_approved").Valid(), "a message kind is not a preference kind")
	assert.Nil(t, dam.PreferenceKind("nope").MessageKinds())
}

func TestNotificationPreferencesDefaultsAndChoices(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)

	ps, err := f.lib.NotificationPreferences(viewer)
	require.NoError(t, err)
	require.Len(t, ps, len(dam.PreferenceKinds()))
	for i, p := range ps {
		assert.Equal(t, dam.PreferenceKinds()[i], p.Kind, "in the order of PreferenceKinds")
		assert.Nil(t, p.Choice, "%s: no choice yet", p.Kind)
		assert.True(t, p.LibraryDefault, "%s: email is on by default", p.Kind)
		assert.True(t, p.Effective, p.Kind)
		assert.Equal(t, p.Kind.MessageKinds(), p.MessageKinds)
	}

	ps, err = f.lib.SetNotificationPreferences(viewer, map[dam.PreferenceKind]*bool{
		dam.PrefRequestDecided: on(false), dam.PrefArchiveReady: on(true)})
	require.NoError(t, err)
	got := byKind(ps)
	assert.Equal(t, on(false), got[dam.PrefRequestDecided].Choice)
	assert.False(t, got[dam.PrefRequestDecided].Effective, "the user's false wins over the default")
	assert.True(t, got[dam.PrefRequestDecided].LibraryDefault)
	assert.Equal(t, on(true), got[dam.PrefArchiveReady].Choice)

	f.setEmailDefault(t, dam.PrefArchiveReady, false)
	f.setEmailDefault(t, dam.PrefShareExpiring, false)
	ps, err = f.lib.NotificationPreferences(viewer)
	require.NoError(t, err)
	got = byKind(ps)
	assert.Equal(t, dam.NotificationPreference{Kind: dam.PrefArchiveReady, MessageKinds: []string{dam.NotifyArchiveReady, dam.NotifyArchiveFailed, dam.NotifyArchiveEmpty},
		Choice: on(true), LibraryDefault: false, Effective: true}, got[dam.PrefArchiveReady], "the user's true wins over the owners' false")
	assert.Equal(t, dam.NotificationPreference{Kind: dam.PrefShareExpiring, MessageKinds: []string{dam.NotifyShareExpiring, dam.NotifyShareExpired},
		Choice: nil, LibraryDefault: false, Effective: false}, got[dam.PrefShareExpiring], "no choice follows the owners")

	mine, err := f.lib.NotificationPreferences(f.owner)
	require.NoError(t, err)
	assert.Nil(t, byKind(mine)[dam.PrefRequestDecided].Choice, "choices are per user")
	assert.True(t, byKind(mine)[dam.PrefRequestDecided].Effective)

	ps, err = f.lib.SetNotificationPreferences(viewer, map[dam.PreferenceKind]*bool{dam.PrefArchiveReady: nil})
	require.NoError(t, err)
	got = byKind(ps)
	assert.Nil(t, got[dam.PrefArchiveReady].Choice, "nil clears the choice")
	assert.False(t, got[dam.PrefArchiveReady].Effective, "and the owners' default applies again")
	assert.Equal(t, on(false), got[dam.PrefRequestDecided].Choice, "kinds not named keep their choice")

	same, err := f.lib.SetNotificationPreferences(viewer, nil)
	require.NoError(t, err)
	assert.Equal(t, ps, same, "no choices change nothing")
}

func TestNotificationPreferencesRefusals(t *testing.T) {
	f := newFixture(t, nil)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer)
	guest := dam.WithActor(t.Context(), dam.Actor{Kind: dam.ActorGuest, UserID: userID(t, viewer), Email: "viewer@example.com"})
	tests := []struct {
		name    string
		ctx     context.Context
		choices map[dam.PreferenceKind]*bool
		kind    dam.Kind
		msg     string
	}{
		{"unknown kind", viewer, map[dam.PreferenceKind]*bool{"newsletter": on(false)}, dam.Invalid, `unknown notification kind "newsletter"`},
		{"a message kind", viewer, map[dam.PreferenceKind]*bool{"request_approved": on(false)}, dam.Invalid, "request_decided"},
		{"no actor", t.Context(), map[dam.PreferenceKind]*bool{dam.PrefArchiveReady: on(false)}, dam.Unauthenticated, ""},
		{"a share guest", guest, map[dam.PreferenceKind]*bool{dam.PrefArchiveReady: on(false)}, dam.Unauthenticated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.lib.SetNotificationPreferences(tt.ctx, tt.choices)
			require.Equal(t, tt.kind, kindOf(t, err), "%v", err)
			assert.Contains(t, dam.ErrorMessage(err), tt.msg)
		})
	}
	_, err := f.lib.NotificationPreferences(guest)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err))
	ps, err := f.lib.NotificationPreferences(viewer)
	require.NoError(t, err)
	for _, p := range ps {
		assert.Nil(t, p.Choice, "a refused call changes nothing")
	}

	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	s.EmailNotifications["newsletter"] = false
	_, err = f.lib.UpdateSettings(f.owner, s)
	assert.Equal(t, dam.Invalid, kindOf(t, err))
	assert.Contains(t, dam.ErrorMessage(err), `email_notifications: unknown kind "newsletter"`)
}

func TestSettingsEmailDefaultsAreComplete(t *testing.T) {
	f := newFixture(t, nil)
	all := func(v bool) map[dam.PreferenceKind]bool {
		m := map[dam.PreferenceKind]bool{}
		for _, k := range dam.PreferenceKinds() {
			m[k] = v
		}
		return m
	}
	s, err := f.lib.Settings(f.owner)
	require.NoError(t, err)
	assert.Equal(t, all(true), s.EmailNotifications, "a fresh library emails everything")

	s, err = f.lib.UpdateSettings(f.owner, dam.Settings{EmailNotifications: map[dam.PreferenceKind]bool{dam.PrefRequestReceived: false}})
	require.NoError(t, err)
	want := all(true)
	want[dam.PrefRequestReceived] = false
	assert.Equal(t, want, s.EmailNotifications, "kinds left out are on")
	s, err = f.lib.Settings(f.owner)
	require.NoError(t, err)
	assert.Equal(t, want, s.EmailNotifications)

	s, err = f.lib.UpdateSettings(f.owner, dam.Settings{})
	require.NoError(t, err)
	assert.Equal(t, all(true), s.EmailNotifications, "no map at all is all on")
}

// TestSettingsSavedBeforeEmailDefaults reads settings documents written
// before email_notifications existed (or with it null): every kind is on.
func TestSettingsSavedBeforeEmailDefaults(t *testing.T) {
	for _, doc := range []string{
		`{"protect_by_default":true,"grant_validity":3600000000000,"deselected_recipients":[],"not_downloadable_kinds":[]}`,
		`{"protect_by_default":true,"grant_validity":3600000000000,"email_notifications":null}`,
		`{"protect_by_default":true,"grant_validity":3600000000000,"email_notifications":{"archive_ready":false}}`,
	} {
		t.Run(doc, func(t *testing.T) {
			f := newFixture(t, nil)
			st, ok := f.lib.Store().(*sqlstore.Store)
			require.True(t, ok)
			_, err := st.DB().ExecContext(t.Context(), "INSERT INTO settings (id, data) VALUES (1, ?)", doc)
			require.NoError(t, err)
			s, err := f.lib.Settings(f.owner)
			require.NoError(t, err)
			assert.True(t, s.ProtectByDefault, "the document was read")
			for _, k := range dam.PreferenceKinds() {
				want := !strings.Contains(doc, `"`+string(k)+`":false`)
				assert.Equal(t, want, s.EmailNotifications[k], k)
				assert.Equal(t, want, s.EmailByDefault(k), k)
			}
			ps, err := f.lib.NotificationPreferences(f.owner)
			require.NoError(t, err)
			for _, p := range ps {
				assert.Equal(t, s.EmailNotifications[p.Kind], p.Effective, p.Kind)
			}
		})
	}
}

// emailFixture is a library whose notifications also go to a real SMTP
// server, with a second owner and a protected asset.
type emailFixture struct {
	*fixture
	sink   *smtpSink
	owner2 context.Context
	asset  dam.Asset
}

func newEmailFixture(t *testing.T) *emailFixture {
	t.Helper()
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Notifiers: []dam.Notifier{mailer}, Links: testLinks{}})
	ef := &emailFixture{fixture: f, sink: sink, owner2: f.user(t, "owner2@example.com", dam.RoleOwner, dam.DefaultDomain)}
	ef.asset = f.upload(t, f.owner, "logo.txt", "our logo")
	_, err = f.lib.SetAssetProtection(f.owner, ef.asset.ID, dam.Protected)
	require.NoError(t, err)
	return ef
}

// inboxKinds lists the kinds in a user's inbox, oldest first.
func (f *fixture) inboxKinds(t *testing.T, ctx context.Context) []string {
	t.Helper()
	ns, _, err := f.lib.Inbox(ctx, false, "", 0)
	require.NoError(t, err)
	var out []string
	for i := len(ns) - 1; i >= 0; i-- {
		out = append(out, ns[i].Kind)
	}
	return out
}

func (f *emailFixture) request(t *testing.T, ctx context.Context) dam.Request {
	t.Helper()
	res, err := f.lib.RequestDownload(ctx, dam.NewRequest{AssetIDs: []string{f.asset.ID}, Reason: "press"})
	require.NoError(t, err)
	require.Len(t, res.Requests, 1)
	return res.Requests[0]
}

// TestNotificationPreferencesEmail runs requests through a real SMTP
// server: a choice turns email off or on, never the inbox.
func TestNotificationPreferencesEmail(t *testing.T) {
	f := newEmailFixture(t)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
	viewer2 := f.user(t, "viewer2@example.com", dam.RoleViewer, dam.DefaultDomain)

	_, err := f.lib.SetNotificationPreferences(f.owner2, map[dam.PreferenceKind]*bool{dam.PrefRequestReceived: on(false)})
	require.NoError(t, err)
	r1 := f.request(t, viewer)
	assert.Equal(t, []string{dam.NotifyRequestReceived}, f.inboxKinds(t, f.owner))
	assert.Equal(t, []string{dam.NotifyRequestReceived}, f.inboxKinds(t, f.owner2), "the inbox always gets the item")
	assert.Equal(t, 1, f.sink.SentTo("owner@example.com"))
	assert.Equal(t, 0, f.sink.SentTo("owner2@example.com"), "owner2 turned request_received email off")

	// The owners turn decision email off for everyone; viewer2 wants it anyway.
	f.setEmailDefault(t, dam.PrefRequestDecided, false)
	_, err = f.lib.SetNotificationPreferences(viewer2, map[dam.PreferenceKind]*bool{dam.PrefRequestDecided: on(true)})
	require.NoError(t, err)
	r2 := f.request(t, viewer2)
	assert.Equal(t, 2, f.sink.SentTo("owner@example.com"))
	assert.Equal(t, 0, f.sink.SentTo("owner2@example.com"))

	out, err := f.lib.Decide(f.owner, []dam.Decision{{RequestID: r1.ID, Approve: true}, {RequestID: r2.ID, Message: "not now"}})
	require.NoError(t, err)
	for _, o := range out {
		require.Nil(t, o.Error)
	}
	assert.Equal(t, []string{dam.NotifyRequestApproved}, f.inboxKinds(t, viewer))
	assert.Equal(t, 0, f.sink.SentTo("viewer@example.com"), "the owners' default is off and viewer made no choice")
	assert.Equal(t, []string{dam.NotifyRequestDenied}, f.inboxKinds(t, viewer2))
	assert.Equal(t, 1, f.sink.SentTo("viewer2@example.com"), "viewer2's true wins over the owners' false, for a denial too")

	// owner2 clears the choice: the owners' default (on) applies again.
	_, err = f.lib.SetNotificationPreferences(f.owner2, map[dam.PreferenceKind]*bool{dam.PrefRequestReceived: nil})
	require.NoError(t, err)
	f.request(t, viewer2)
	assert.Equal(t, 1, f.sink.SentTo("owner2@example.com"))
	assert.Equal(t, 5, len(f.sink.Received()), "nothing else was sent")
}

// TestNotificationPreferencesSpareOutsiders: people known only by email
// have no preferences, so the owners' defaults never silence them.
func TestNotificationPreferencesSpareOutsiders(t *testing.T) {
	t.Run("share guests", func(t *testing.T) {
		f := newShareFixture(t)
		viewer := f.user(t, "viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
		f.setEmailDefault(t, dam.PrefShareInvitation, false)
		f.create(t, dam.NewShare{Guests: "ana@example.org", UserIDs: []string{userID(t, viewer)}})
		assert.Equal(t, 1, f.sink.SentTo("ana@example.org"), "a guest by email is always emailed")
		assert.Equal(t, 0, f.sink.SentTo("viewer@example.com"), "a user follows the owners' default")
		assert.Equal(t, []string{dam.NotifyShareInvitation}, f.inboxKinds(t, viewer))
	})
	t.Run("portal visitors", func(t *testing.T) {
		pf := newPortalFixture(t, dam.PortalRequest)
		pf.setEmailDefault(t, dam.PrefRequestDecided, false)
		res, err := pf.lib.RequestPortalDownload(t.Context(), "press-kit", dam.VisitorRequest{Email: "vi@example.org", AssetIDs: []string{pf.a.ID}})
		require.NoError(t, err)
		_, err = pf.lib.Decide(pf.owner, []dam.Decision{{RequestID: res.Requests[0].ID, Approve: true}})
		require.NoError(t, err)
		assert.Len(t, pf.mailTo(t, "vi@example.org"), 1, "a visitor is always emailed")
	})
}

// TestNotificationPreferencesFailOpen: when preferences cannot be read,
// email goes out as if nobody had turned it off.
func TestNotificationPreferencesFailOpen(t *testing.T) {
	f := newEmailFixture(t)
	viewer := f.user(t, "viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
	_, err := f.lib.SetNotificationPreferences(f.owner2, map[dam.PreferenceKind]*bool{dam.PrefRequestReceived: on(false)})
	require.NoError(t, err)
	st, ok := f.lib.Store().(*sqlstore.Store)
	require.True(t, ok)
	_, err = st.DB().ExecContext(t.Context(), "DROP TABLE notification_prefs")
	require.NoError(t, err)

	f.request(t, viewer)
	assert.Equal(t, []string{dam.NotifyRequestReceived}, f.inboxKinds(t, f.owner2))
	assert.Equal(t, 1, f.sink.SentTo("owner2@example.com"), "sent despite the choice nobody could read")
	_, err = f.lib.NotificationPreferences(f.owner2)
	assert.Equal(t, dam.Internal, kindOf(t, err), "the preferences page, though, reports the failure")
}
