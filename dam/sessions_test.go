package dam_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// signInLinks sends sign-in links to a fixed page.
type signInLinks struct{}

func (signInLinks) AssetDownload(id string) string { return "http://dam.test/assets/" + id }
func (signInLinks) RequestsDashboard() string      { return "http://dam.test/requests" }
func (signInLinks) Inbox() string                  { return "http://dam.test/notifications" }
func (signInLinks) SignIn(secret string) string    { return "http://dam.test/signin/link?token=" + secret }

func TestSessionWithKey(t *testing.T) {
	f := newFixture(t, nil)
	_, key, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "ed@example.com", Role: dam.RoleEditor})
	require.NoError(t, err)

	_, _, err = f.lib.SignInWithKey(t.Context(), "dk_not-a-key-of-anyone-here", "test")
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err))

	secret, s, err := f.lib.SignInWithKey(t.Context(), "  "+key+"\n", "Firefox/140")
	require.NoError(t, err, "pasted keys keep their surrounding space")
	assert.Equal(t, "key", s.Method)
	a, got, err := f.lib.SessionActor(t.Context(), secret)
	require.NoError(t, err)
	assert.Equal(t, "ed@example.com", a.Email)
	assert.Equal(t, dam.RoleEditor, a.Role)
	assert.Equal(t, s.ID, got.ID)

	ctx := dam.WithActor(t.Context(), a)
	list, err := f.lib.Sessions(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "Firefox/140", list[0].UserAgent)

	require.NoError(t, f.lib.SignOut(t.Context(), secret))
	_, _, err = f.lib.SessionActor(t.Context(), secret)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "a signed-out session is gone")
	require.NoError(t, f.lib.SignOut(t.Context(), secret), "signing out twice is fine")
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t, &dam.Options{SessionIdle: time.Hour, SessionMaxAge: 3 * time.Hour})
	_, key, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "v@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	secret, _, err := f.lib.SignInWithKey(t.Context(), key, "")
	require.NoError(t, err)

	// Used every 50 minutes it stays alive until its absolute end.
	for range 3 {
		f.clock.t = f.clock.t.Add(50 * time.Minute)
		_, _, err = f.lib.SessionActor(t.Context(), secret)
		require.NoError(t, err)
	}
	f.clock.t = f.clock.t.Add(35 * time.Minute) // 3h05 after sign-in
	_, _, err = f.lib.SessionActor(t.Context(), secret)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "past the absolute end")

	idle, _, err := f.lib.SignInWithKey(t.Context(), key, "")
	require.NoError(t, err)
	f.clock.t = f.clock.t.Add(61 * time.Minute)
	_, _, err = f.lib.SessionActor(t.Context(), idle)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "idle too long")

	_, err = f.lib.Sweep(t.Context())
	require.NoError(t, err)
	a, err := f.lib.Authenticate(t.Context(), key)
	require.NoError(t, err)
	list, err := f.lib.Sessions(dam.WithActor(t.Context(), a.Actor()))
	require.NoError(t, err)
	assert.Empty(t, list, "the sweep removed both ended sessions")
}

func TestRevokeSessionsOnlyOwn(t *testing.T) {
	f := newFixture(t, nil)
	_, keyA, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "a@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	_, keyB, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "b@example.com", Role: dam.RoleViewer})
	require.NoError(t, err)
	a1, _, err := f.lib.SignInWithKey(t.Context(), keyA, "laptop")
	require.NoError(t, err)
	a2, _, err := f.lib.SignInWithKey(t.Context(), keyA, "phone")
	require.NoError(t, err)
	b1, sb, err := f.lib.SignInWithKey(t.Context(), keyB, "")
	require.NoError(t, err)

	actorA, _, err := f.lib.SessionActor(t.Context(), a1)
	require.NoError(t, err)
	ctxA := dam.WithActor(t.Context(), actorA)
	n, err := f.lib.RevokeSessions(ctxA, []string{sb.ID})
	require.NoError(t, err)
	assert.Zero(t, n, "another user's session id revokes nothing")
	_, _, err = f.lib.SessionActor(t.Context(), b1)
	require.NoError(t, err)

	_, err = f.lib.RevokeSessions(ctxA, []string{"../x"})
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	_, sa3, err := f.lib.SignInWithKey(t.Context(), keyA, "tablet")
	require.NoError(t, err)
	n, err = f.lib.RevokeOtherSessions(ctxA, sa3.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "sign out everywhere else")
	for _, s := range []string{a1, a2} {
		_, _, err = f.lib.SessionActor(t.Context(), s)
		assert.Equal(t, dam.Unauthenticated, kindOf(t, err))
	}
	left, err := f.lib.Sessions(ctxA)
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, sa3.ID, left[0].ID, "the kept one stays")
	n, err = f.lib.RevokeOtherSessions(ctxA, sa3.ID)
	require.NoError(t, err)
	assert.Zero(t, n, "no others: nothing ends, the kept one least of all")
	_, _, err = f.lib.SessionActor(t.Context(), b1)
	require.NoError(t, err, "another user's sessions are untouched")
	_, err = f.lib.RevokeOtherSessions(ctxA, "")
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	a4, _, err := f.lib.SignInWithKey(t.Context(), keyA, "laptop")
	require.NoError(t, err)
	n, err = f.lib.RevokeSessions(ctxA, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "sign out everywhere")
	_, _, err = f.lib.SessionActor(t.Context(), a4)
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err))
	left, err = f.lib.Sessions(ctxA)
	require.NoError(t, err)
	assert.Empty(t, left)
}

func TestSignInLinkByEmail(t *testing.T) {
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Notifiers: []dam.Notifier{mailer}, Links: signInLinks{}, SignInLinkTTL: 10 * time.Minute})
	_, _, err = f.lib.CreateUser(f.owner, dam.NewUser{Email: "Ana@Example.com", Role: dam.RoleViewer})
	require.NoError(t, err)

	require.NoError(t, f.lib.SendSignInLink(t.Context(), "nobody@example.com"), "unknown addresses get the same answer")
	assert.Empty(t, sink.Received(), "but no mail")
	err = f.lib.SendSignInLink(t.Context(), "not an address")
	assert.Equal(t, dam.Invalid, kindOf(t, err))

	require.NoError(t, f.lib.SendSignInLink(t.Context(), "ana@example.com"))
	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, []string{"Ana@Example.com"}, got[0].To)
	mail := parseEmail(t, got[0].Data)
	assert.Contains(t, mail.Text, "10 minutes")
	link := regexp.MustCompile(`token=(dl_[A-Za-z0-9_-]+)`).FindStringSubmatch(mail.Text)
	require.NotNil(t, link, mail.Text)

	inbox, _, err := f.lib.Inbox(f.owner, false, "", 0)
	require.NoError(t, err)
	assert.Empty(t, inbox, "the credential never lands in an inbox")

	secret, s, err := f.lib.SignInWithLink(t.Context(), link[1], "Safari")
	require.NoError(t, err)
	assert.Equal(t, "email", s.Method)
	a, _, err := f.lib.SessionActor(t.Context(), secret)
	require.NoError(t, err)
	assert.Equal(t, "Ana@Example.com", a.Email)

	_, _, err = f.lib.SignInWithLink(t.Context(), link[1], "Safari")
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "a link works once")

	require.NoError(t, f.lib.SendSignInLink(t.Context(), "ana@example.com"))
	late := regexp.MustCompile(`token=(dl_[A-Za-z0-9_-]+)`).FindStringSubmatch(parseEmail(t, sink.Received()[1].Data).Text)
	require.NotNil(t, late)
	f.clock.t = f.clock.t.Add(11 * time.Minute)
	_, _, err = f.lib.SignInWithLink(t.Context(), late[1], "")
	assert.Equal(t, dam.Unauthenticated, kindOf(t, err), "an expired link fails")
}

func TestSignInLinkWithoutMail(t *testing.T) {
	f := newFixture(t, nil)
	err := f.lib.SendSignInLink(t.Context(), "owner@example.com")
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err))
}

func TestSignInLinkFor(t *testing.T) {
	f := newFixture(t, &dam.Options{Links: signInLinks{}})
	u, _, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: "new@example.com", Role: dam.RoleOwner})
	require.NoError(t, err)
	link, err := f.lib.SignInLinkFor(t.Context(), u.ID)
	require.NoError(t, err)
	m := regexp.MustCompile(`token=(dl_[A-Za-z0-9_-]+)$`).FindStringSubmatch(link)
	require.NotNil(t, m, link)
	secret, _, err := f.lib.SignInWithLink(t.Context(), m[1], "")
	require.NoError(t, err)
	a, _, err := f.lib.SessionActor(t.Context(), secret)
	require.NoError(t, err)
	assert.Equal(t, u.ID, a.UserID)

	_, err = f.lib.SignInLinkFor(t.Context(), "01zzzzzzzzzzzzzzzzzzzzzzzz")
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = newFixture(t, nil).lib.SignInLinkFor(t.Context(), u.ID)
	assert.Equal(t, dam.FailedPrecondition, kindOf(t, err), "without a sign-in page there is no link")
}
