package dam

import "context"

// NotificationPreferences returns the actor's email preferences, one per
// preference kind: their own choice, the owners' default and the effect.
// Every user has them, whatever their role.
func (l *Library) NotificationPreferences(ctx context.Context) ([]NotificationPreference, error) {
	const op = "dam.NotificationPreferences"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	return l.notificationPreferences(ctx, op, actor.UserID)
}

// SetNotificationPreferences changes the actor's email preferences: true
// or false sets their choice for a kind, nil clears it (the owners' default
// applies again), and kinds not in choices keep their current choice. It
// returns the preferences as NotificationPreferences does.
func (l *Library) SetNotificationPreferences(ctx context.Context, choices map[PreferenceKind]*bool) ([]NotificationPreference, error) {
	const op = "dam.SetNotificationPreferences"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	for k := range choices {
		if !k.Valid() {
			return nil, E(op, Invalid, "unknown notification kind %.40q (want one of %v)", k, PreferenceKinds())
		}
	}
	if len(choices) > 0 {
		if err := l.store.SetNotificationPrefs(ctx, actor.UserID, choices, l.now().UTC()); err != nil {
			return nil, wrap(op, Internal, err)
		}
	}
	return l.notificationPreferences(ctx, op, actor.UserID)
}

func (l *Library) notificationPreferences(ctx context.Context, op, userID string) ([]NotificationPreference, error) {
	s, err := l.store.Settings(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	prefs, err := l.store.NotificationPrefs(ctx, []string{userID})
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	mine := prefs[userID]
	out := make([]NotificationPreference, 0, len(preferenceCovers))
	for _, k := range PreferenceKinds() {
		p := NotificationPreference{Kind: k, MessageKinds: k.MessageKinds(), LibraryDefault: s.EmailByDefault(k)}
		p.Effective = p.LibraryDefault
		if on, ok := mine[k]; ok {
			p.Choice, p.Effective = &on, on
		}
		out = append(out, p)
	}
	return out, nil
}

// emailMuted reports, per message, whether its recipient chose (or the
// owners' default says) that this kind of message not be sent outside the
// inbox. Only library users have preferences: a message to someone known
// by email alone (a guest, a portal visitor) is never muted, nor is a
// message of a kind no preference governs. It reads the settings and the
// preferences of every recipient in the batch with one query each.
//
// When they cannot be read, nothing is muted: a notification someone did
// not want is a smaller harm than one they needed and never got (fail open).
func (l *Library) emailMuted(ctx context.Context, ms []Message) []bool {
	var users []string
	seen := map[string]bool{}
	for _, m := range ms {
		if _, ok := PreferenceKindOf(m.Kind); ok && m.To.UserID != "" && !seen[m.To.UserID] {
			seen[m.To.UserID] = true
			users = append(users, m.To.UserID)
		}
	}
	if len(users) == 0 {
		return nil
	}
	s, err := l.store.Settings(ctx)
	if err != nil {
		l.log.Error("reading the email defaults failed; sending anyway", "err", err)
		return nil
	}
	prefs, err := l.store.NotificationPrefs(ctx, users)
	if err != nil {
		l.log.Error("reading notification preferences failed; sending anyway", "err", err)
		return nil
	}
	muted := make([]bool, len(ms))
	for i, m := range ms {
		k, ok := PreferenceKindOf(m.Kind)
		if !ok || m.To.UserID == "" {
			continue
		}
		on, set := prefs[m.To.UserID][k]
		if !set {
			on = s.EmailByDefault(k)
		}
		if !on {
			muted[i] = true
			l.log.Debug("not sent outside the inbox: the recipient's notification preferences turn it off",
				"kind", m.Kind, "user", m.To.UserID)
		}
	}
	return muted
}
