package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).notificationPrefRoutes) }

// notificationPrefRoutes are each user's own email preferences ("My
// Preferences", reference page 004). The owners' defaults are part of the
// settings (email_notifications in PUT /api/v1/settings).
func (s *Server) notificationPrefRoutes() []route {
	return []route{
		{"GET", "/api/v1/me/notification-preferences", true, s.getNotificationPrefs},
		{"PUT", "/api/v1/me/notification-preferences", true, s.putNotificationPrefs},
	}
}

// notificationPrefsBody is the answer of both routes.
type notificationPrefsBody struct {
	Preferences []dam.NotificationPreference `json:"preferences"`
}

func (s *Server) getNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.lib.NotificationPreferences(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationPrefsBody{Preferences: ps})
	return nil
}

// notificationChoicesBody changes choices: a kind set to true or false is
// the user's choice, null clears it (the owners' default applies), and
// kinds left out keep their current choice.
type notificationChoicesBody struct {
	Choices map[dam.PreferenceKind]*bool `json:"choices"`
}

func (s *Server) putNotificationPrefs(w http.ResponseWriter, r *http.Request) error {
	var b notificationChoicesBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	ps, err := s.lib.SetNotificationPreferences(r.Context(), b.Choices)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notificationPrefsBody{Preferences: ps})
	return nil
}
