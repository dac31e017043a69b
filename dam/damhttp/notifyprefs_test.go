package damhttp_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// prefsPath is the caller's own notification preferences.
const prefsPath = "/api/v1/me/notification-preferences"

// prefs reads the caller's preferences, by kind.
func (a *api) prefs(method string, in any) map[dam.PreferenceKind]dam.NotificationPreference {
	a.t.Helper()
	var b struct {
		Preferences []dam.NotificationPreference `json:"preferences"`
	}
	a.json(method, prefsPath, in, 200, &b)
	require.Len(a.t, b.Preferences, len(dam.PreferenceKinds()))
	out := map[dam.PreferenceKind]dam.NotificationPreference{}
	for i, p := range b.Preferences {
		assert.Equal(a.t, dam.PreferenceKinds()[i], p.Kind, "listed in a stable order")
		out[p.Kind] = p
	}
	return out
}

func TestNotificationPreferencesAPI(t *testing.T) {
	c := newAPI(t, nil)
	v := c.viewer()

	resp, raw := v.do("GET", prefsPath, nil, nil)
	require.Equal(t, 200, resp.StatusCode, string(raw))
	assert.Contains(t, string(raw), `{"kind":"request_decided","message_kinds":["request_approved","request_denied"],"choice":null,"library_default":true,"effective":true}`,
		"an unset choice is null")
	for k, p := range v.prefs("GET", nil) {
		assert.Nil(t, p.Choice, k)
		assert.True(t, p.Effective, k)
	}

	got := v.prefs("PUT", map[string]any{"choices": map[string]any{"request_decided": false, "archive_ready": true}})
	require.NotNil(t, got[dam.PrefRequestDecided].Choice)
	assert.False(t, *got[dam.PrefRequestDecided].Choice)
	assert.False(t, got[dam.PrefRequestDecided].Effective)
	assert.True(t, got[dam.PrefArchiveReady].Effective)
	assert.Nil(t, got[dam.PrefShareInvitation].Choice, "kinds left out are unchanged")

	// The owners' default: in the settings, fields left out keep their value.
	var st map[string]any
	c.json("PUT", "/api/v1/settings", map[string]any{"email_notifications": map[string]bool{"archive_ready": false, "share_expiring": false}}, 200, &st)
	assert.Equal(t, map[string]any{"request_received": true, "request_decided": true, "share_invitation": true,
		"share_expiring": false, "archive_ready": false}, st["email_notifications"], "every kind is listed")
	c.json("PUT", "/api/v1/settings", map[string]any{"email_notifications": map[string]bool{"share_expiring": true}}, 200, &st)
	assert.Equal(t, false, st["email_notifications"].(map[string]any)["archive_ready"], "kinds left out keep their default")
	c.json("GET", "/api/v1/settings", nil, 200, &st)
	assert.Equal(t, true, st["email_notifications"].(map[string]any)["share_expiring"])

	got = v.prefs("GET", nil)
	ar := got[dam.PrefArchiveReady]
	require.NotNil(t, ar.Choice)
	assert.True(t, *ar.Choice)
	assert.False(t, ar.LibraryDefault)
	assert.True(t, ar.Effective, "the viewer's true wins over the owners' false")

	got = v.prefs("PUT", map[string]any{"choices": map[string]any{"archive_ready": nil}})
	assert.Nil(t, got[dam.PrefArchiveReady].Choice, "null clears the choice")
	assert.False(t, got[dam.PrefArchiveReady].Effective, "and the owners' default applies")
	assert.False(t, got[dam.PrefRequestDecided].Effective, "the other choice stays")

	mine := c.prefs("GET", nil)
	assert.Nil(t, mine[dam.PrefRequestDecided].Choice, "each user has their own")
}

func TestNotificationPreferencesAPIRefusals(t *testing.T) {
	c := newAPI(t, nil)
	v := c.viewer()
	tests := []struct {
		name   string
		client *api
		method string
		path   string
		body   string
		status int
		code   string
		msg    string
	}{
		{"unknown kind", v, "PUT", prefsPath, `{"choices":{"newsletter":false}}`, 400, "invalid", `unknown notification kind "newsletter"`},
		{"a message kind", v, "PUT", prefsPath, `{"choices":{"request_denied":false}}`, 400, "invalid", "request_decided"},
		{"choices not wrapped", v, "PUT", prefsPath, `{"request_received":false}`, 400, "invalid", "unknown field"},
		{"not a boolean", v, "PUT", prefsPath, `{"choices":{"archive_ready":"yes"}}`, 400, "invalid", "bad JSON"},
		{"no key", c.as(""), "GET", prefsPath, ``, 401, "unauthenticated", ""},
		{"bad key", c.as("nope"), "PUT", prefsPath, `{"choices":{}}`, 401, "unauthenticated", ""},
		{"unknown default", c, "PUT", "/api/v1/settings", `{"email_notifications":{"newsletter":false}}`, 400, "invalid", "email_notifications"},
		{"defaults by a viewer", v, "PUT", "/api/v1/settings", `{"email_notifications":{"archive_ready":false}}`, 403, "permission_denied", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := tt.client.do(tt.method, tt.path, strings.NewReader(tt.body), map[string]string{"Content-Type": "application/json"})
			e := tt.client.wantError(resp, b, tt.status, tt.code)
			assert.Contains(t, e.Error.Message, tt.msg)
		})
	}
	for k, p := range v.prefs("GET", nil) {
		assert.Nil(t, p.Choice, "%s: a refused call changes nothing", k)
		assert.True(t, p.LibraryDefault, k)
	}
	var st struct {
		EmailNotifications map[string]bool `json:"email_notifications"`
	}
	c.json("GET", "/api/v1/settings", nil, 200, &st)
	assert.Len(t, st.EmailNotifications, len(dam.PreferenceKinds()))
	b, err := json.Marshal(st.EmailNotifications)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "false", "the refused defaults were not saved")
}
