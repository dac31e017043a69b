package dam_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

func TestInviteUser(t *testing.T) {
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=dam@example.com", nil)
	require.NoError(t, err)
	f := newFixture(t, &dam.Options{Notifiers: []dam.Notifier{mailer}, Links: signInLinks{}})

	u, err := f.lib.InviteUser(f.owner, dam.NewUser{Email: "nina@example.com", Name: "Nina", Role: dam.RoleEditor})
	require.NoError(t, err)
	assert.Equal(t, dam.RoleEditor, u.Role)
	assert.Equal(t, []string{dam.DefaultDomain}, u.Domains)
	keys, err := f.lib.APIKeys(f.owner, u.ID)
	require.NoError(t, err)
	assert.Empty(t, keys, "an invited user has no key: they sign in by link")

	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, []string{"nina@example.com"}, got[0].To)
	link := regexp.MustCompile(`token=(dl_[A-Za-z0-9_-]+)`).FindStringSubmatch(parseEmail(t, got[0].Data).Text)
	require.NotNil(t, link)
	secret, _, err := f.lib.SignInWithLink(t.Context(), link[1], "Firefox")
	require.NoError(t, err)
	a, _, err := f.lib.SessionActor(t.Context(), secret)
	require.NoError(t, err)
	assert.Equal(t, u.ID, a.UserID)

	for _, tc := range []struct {
		name string
		nu   func() dam.NewUser
		kind dam.Kind
	}{
		{"taken address", func() dam.NewUser { return dam.NewUser{Email: "NINA@example.com", Role: dam.RoleViewer} }, dam.AlreadyExists},
		{"bad address", func() dam.NewUser { return dam.NewUser{Email: "nina", Role: dam.RoleViewer} }, dam.Invalid},
		{"bad role", func() dam.NewUser { return dam.NewUser{Email: "x@example.com", Role: "boss"} }, dam.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.lib.InviteUser(f.owner, tc.nu())
			assert.Equal(t, tc.kind, dam.KindOf(err))
		})
	}
	editor := dam.WithActor(f.owner, u.Actor())
	_, err = f.lib.InviteUser(editor, dam.NewUser{Email: "y@example.com", Role: dam.RoleViewer})
	assert.Equal(t, dam.PermissionDenied, dam.KindOf(err), "only owners invite")
	assert.Len(t, sink.Received(), 1, "refused invitations send nothing")

	noMail := newFixture(t, nil)
	_, err = noMail.lib.InviteUser(noMail.owner, dam.NewUser{Email: "z@example.com", Role: dam.RoleViewer})
	assert.Equal(t, dam.FailedPrecondition, dam.KindOf(err))
	assert.Contains(t, dam.ErrorMessage(err), "create the user with an API key instead")
	users, err := noMail.lib.Users(noMail.owner)
	require.NoError(t, err)
	assert.Len(t, users, 1, "nobody was created")
}
