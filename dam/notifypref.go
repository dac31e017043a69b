package dam

import (
	"context"
	"time"
)

// PreferenceKind names a kind of event for which each user chooses whether
// email is sent (reference page 004, "My Preferences"). The in-app inbox
// always gets the item: a preference only governs the Notifiers (email).
// One preference kind may cover several message kinds: a requester wants
// to hear how a request was decided, either way, or not at all.
type PreferenceKind string

// The preference kinds, a closed list (see PreferenceKinds).
const (
	// PrefRequestReceived: an owner is asked to approve a download.
	PrefRequestReceived PreferenceKind = "request_received"
	// PrefRequestDecided: a requester's request was approved or denied.
	PrefRequestDecided PreferenceKind = "request_decided"
	// PrefShareInvitation: a user was invited as a guest of a share.
	PrefShareInvitation PreferenceKind = "share_invitation"
	// PrefShareExpiring: a sharer's share is about to expire, or has.
	PrefShareExpiring PreferenceKind = "share_expiring"
	// PrefArchiveReady: a background download is ready, or failed.
	PrefArchiveReady PreferenceKind = "archive_ready"
)

// preferenceCovers lists, per preference kind, the message kinds (Message.Kind)
// it governs, in the order of PreferenceKinds.
var preferenceCovers = []struct {
	kind     PreferenceKind
	messages []string
}{
	{PrefRequestReceived, []string{NotifyRequestReceived}},
	{PrefRequestDecided, []string{NotifyRequestApproved, NotifyRequestDenied}},
	{PrefShareInvitation, []string{NotifyShareInvitation}},
	{PrefShareExpiring, []string{NotifyShareExpiring, NotifyShareExpired}},
	{PrefArchiveReady, []string{NotifyArchiveReady, NotifyArchiveFailed, NotifyArchiveEmpty}},
}

// PreferenceKinds returns every preference kind, in the order a
// preferences page lists them. The list is closed: other kinds are refused.
func PreferenceKinds() []PreferenceKind {
	out := make([]PreferenceKind, len(preferenceCovers))
	for i, c := range preferenceCovers {
		out[i] = c.kind
	}
	return out
}

// Valid reports whether k is one of PreferenceKinds.
func (k PreferenceKind) Valid() bool { return k.MessageKinds() != nil }

// MessageKinds returns the message kinds k governs (nil for an unknown k).
func (k PreferenceKind) MessageKinds() []string {
	for _, c := range preferenceCovers {
		if c.kind == k {
			return append([]string(nil), c.messages...)
		}
	}
	return nil
}

// PreferenceKindOf returns the preference kind that governs messages of
// messageKind. ok is false for a message kind no preference governs: such
// messages always go to every Notifier.
func PreferenceKindOf(messageKind string) (k PreferenceKind, ok bool) {
	for _, c := range preferenceCovers {
		for _, m := range c.messages {
			if m == messageKind {
				return c.kind, true
			}
		}
	}
	return "", false
}

// NotificationPreference is one user's email setting for one kind of event.
type NotificationPreference struct {
	Kind PreferenceKind `json:"kind"`
	// MessageKinds are the message (and inbox item) kinds Kind governs.
	MessageKinds []string `json:"message_kinds"`
	// Choice is the user's own choice; nil follows LibraryDefault.
	Choice *bool `json:"choice"`
	// LibraryDefault is the owners' default (Settings.EmailNotifications).
	LibraryDefault bool `json:"library_default"`
	// Effective says whether email is sent: Choice when set, else LibraryDefault.
	Effective bool `json:"effective"`
}

// EmailByDefault reports the owners' default for k: whether users who made
// no choice of their own are emailed. A kind missing from
// EmailNotifications (settings saved before the kind existed) is emailed,
// the behaviour before preferences existed.
func (s Settings) EmailByDefault(k PreferenceKind) bool {
	on, ok := s.EmailNotifications[k]
	return on || !ok
}

// completeEmailDefaults returns m with every preference kind present,
// missing ones true, so that settings read and saved show every kind.
func completeEmailDefaults(m map[PreferenceKind]bool) map[PreferenceKind]bool {
	out := make(map[PreferenceKind]bool, len(preferenceCovers))
	for _, c := range preferenceCovers {
		on, ok := m[c.kind]
		out[c.kind] = on || !ok
	}
	return out
}

// checkEmailDefaults refuses unknown kinds in the owners' defaults.
func checkEmailDefaults(op string, m map[PreferenceKind]bool) error {
	for k := range m {
		if !k.Valid() {
			return E(op, Invalid, "email_notifications: unknown kind %.40q (want one of %v)", k, PreferenceKinds())
		}
	}
	return nil
}

// NotificationPrefStore keeps users' own choices of whether notifications
// reach them by email. A user without a row for a kind follows the library
// default (Settings.EmailNotifications).
type NotificationPrefStore interface {
	// NotificationPrefs returns the choices of the given users, by user ID
	// then kind. Users and kinds without a choice are absent.
	NotificationPrefs(ctx context.Context, userIDs []string) (map[string]map[PreferenceKind]bool, error)
	// SetNotificationPrefs sets (non-nil) or clears (nil) choices of one
	// user, all in one transaction; kinds not in choices are left alone.
	SetNotificationPrefs(ctx context.Context, userID string, choices map[PreferenceKind]*bool, at time.Time) error
}
