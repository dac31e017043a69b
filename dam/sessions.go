package dam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/damkit/damkit/share"
)

// Sessions of the web interface (dam/damweb). A person signs in by pasting
// an API key or by a one-time link sent by email; either way the result
// is a session: a random secret the browser keeps in a cookie, and a row
// in the store keyed by its hash. Sessions end after Options.SessionIdle
// without use or Options.SessionMaxAge after sign-in, whichever is first,
// and their user can list and revoke them.

// Sign-in events in the usage log.
const (
	EventSignIn  EventAction = "sign_in"
	EventSignOut EventAction = "sign_out"
)

// NotifySignInLink is the kind of the message carrying a sign-in link. It
// never goes to the in-app inbox: the link is a credential.
const NotifySignInLink = "sign_in_link"

// SignInLinks is implemented by a Links that knows where a one-time
// sign-in link lands (damweb.Links does).
type SignInLinks interface {
	SignIn(secret string) string
}

// sessionTouchEvery bounds the writes a busy session causes: LastSeenAt
// moves at most this often.
const sessionTouchEvery = time.Minute

// newSecret returns a random 256-bit secret with a recognisable prefix.
func newSecret(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// validSecret bounds what is hashed and looked up.
func validSecret(s, prefix string) bool {
	return strings.HasPrefix(s, prefix) && len(s) >= len(prefix)+40 && len(s) <= len(prefix)+64
}

// SignInWithKey starts a session for the user of an API key. userAgent is
// kept so the user can tell their sessions apart. It returns the session's
// secret (for the cookie) and the session.
func (l *Library) SignInWithKey(ctx context.Context, key, userAgent string) (string, Session, error) {
	const op = "dam.SignInWithKey"
	u, err := l.Authenticate(ctx, strings.TrimSpace(key))
	if err != nil {
		return "", Session{}, err
	}
	return l.startSession(ctx, op, u, userAgent, "key")
}

// SendSignInLink emails a one-time sign-in link to the user with this
// address. The answer is the same whether or not such a user exists, so
// the form cannot be used to find out who has an account; without any
// Notifier (no email) it is FailedPrecondition.
func (l *Library) SendSignInLink(ctx context.Context, email string) error {
	const op = "dam.SendSignInLink"
	if len(l.opts.Notifiers) == 0 {
		return E(op, FailedPrecondition, "this library sends no email: sign in with an API key")
	}
	email = strings.TrimSpace(email)
	if _, err := share.ParseAddress(email); err != nil {
		return E(op, Invalid, "%.80q is not an email address", email)
	}
	u, err := l.store.UserByEmail(ctx, email)
	if KindOf(err) == NotFound {
		l.log.Debug("sign-in link asked for an unknown address")
		return nil
	}
	if err != nil {
		return wrap(op, Internal, err)
	}
	sl, ok := l.opts.Links.(SignInLinks)
	if !ok {
		return E(op, FailedPrecondition, "the host gave no sign-in page (Options.Links has no SignIn)")
	}
	secret := newSecret("dl_")
	now := l.now().UTC()
	if err := l.store.CreateSignInLink(ctx, HashAPIKey(secret), u.ID, now.Add(l.opts.SignInLinkTTL)); err != nil {
		return wrap(op, Internal, err)
	}
	m := Message{Kind: NotifySignInLink, To: Recipient{Email: u.Email, Name: u.Name},
		Subject: "Your sign-in link",
		Text: "Open this link to sign in to the library. It works once, within " +
			humanDuration(l.opts.SignInLinkTTL) + ". If you did not ask for it, ignore this message.",
		Link: sl.SignIn(secret)}
	// Straight to the notifiers: the inbox keeps no credentials, and the
	// notification preferences do not apply to signing in.
	for _, n := range l.opts.Notifiers {
		if err := n.Notify(context.WithoutCancel(ctx), m); err != nil {
			l.log.Error("sending a sign-in link failed", "err", err)
			return E(op, Internal, "the sign-in link could not be sent")
		}
	}
	return nil
}

// SignInWithLink redeems a one-time sign-in link (once, before it
// expires) and starts a session.
func (l *Library) SignInWithLink(ctx context.Context, secret, userAgent string) (string, Session, error) {
	const op = "dam.SignInWithLink"
	invalid := E(op, Unauthenticated, "this sign-in link is not valid any more: ask for a new one")
	if !validSecret(secret, "dl_") {
		return "", Session{}, invalid
	}
	userID, err := l.store.UseSignInLink(ctx, HashAPIKey(secret), l.now().UTC())
	if KindOf(err) == NotFound {
		return "", Session{}, invalid
	}
	if err != nil {
		return "", Session{}, wrap(op, Internal, err)
	}
	u, err := l.store.User(ctx, userID)
	if err != nil || u.DisabledAt != nil {
		return "", Session{}, invalid
	}
	return l.startSession(ctx, op, u, userAgent, "email")
}

func (l *Library) startSession(ctx context.Context, op string, u User, userAgent, method string) (string, Session, error) {
	now := l.now().UTC()
	secret := newSecret("ds_")
	s := Session{ID: NewID(now), UserID: u.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(l.opts.SessionMaxAge), UserAgent: cleanText(userAgent, 200), Method: method}
	if err := l.store.CreateSession(ctx, s, HashAPIKey(secret)); err != nil {
		return "", Session{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: u.ID, Action: EventSignIn, Detail: method})
	return secret, s, nil
}

// SessionActor returns the actor of a session's secret, as the user is now
// (a changed role or domains apply at once). An unknown, revoked, expired
// or idle session is Unauthenticated.
func (l *Library) SessionActor(ctx context.Context, secret string) (Actor, Session, error) {
	const op = "dam.SessionActor"
	ended := E(op, Unauthenticated, "your session has ended: sign in again")
	if !validSecret(secret, "ds_") {
		return Actor{}, Session{}, ended
	}
	h := sha256.Sum256([]byte(secret))
	now := l.now().UTC()
	live := func(s Session) bool {
		return now.Before(s.ExpiresAt) && now.Before(s.LastSeenAt.Add(l.opts.SessionIdle))
	}
	epoch := l.auth.sync(ctx, l.store)
	var s Session
	var actor Actor
	if e, ok := l.auth.session(h); ok && live(e.session) {
		s, actor = e.session, e.actor
		actor.Domains = slices.Clone(actor.Domains) // the cache keeps its own
	} else {
		if ok {
			// Ended here; another process may have seen it since.
			l.auth.dropSession(h)
		}
		var err error
		s, err = l.store.SessionByHash(ctx, h[:])
		if KindOf(err) == NotFound {
			return Actor{}, Session{}, ended
		}
		if err != nil {
			return Actor{}, Session{}, wrap(op, Internal, err)
		}
		if !live(s) {
			return Actor{}, Session{}, ended
		}
		u, err := l.store.User(ctx, s.UserID)
		if KindOf(err) == NotFound || err == nil && u.DisabledAt != nil {
			return Actor{}, Session{}, ended
		}
		if err != nil {
			return Actor{}, Session{}, wrap(op, Internal, err)
		}
		actor = u.Actor()
		l.auth.putSession(epoch, h, s, actor)
	}
	if now.Sub(s.LastSeenAt) >= sessionTouchEvery {
		if err := l.store.TouchSession(ctx, s.ID, now); err != nil {
			l.log.Warn("touching a session failed", "err", err)
		} else {
			s.LastSeenAt = now
			l.auth.putSession(epoch, h, s, actor)
		}
	}
	return actor, s, nil
}

// Sessions lists the calling user's own sessions, newest first.
func (l *Library) Sessions(ctx context.Context) ([]Session, error) {
	const op = "dam.Sessions"
	a, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	ss, err := l.store.Sessions(ctx, a.UserID)
	return ss, wrap(op, Internal, err)
}

// RevokeSessions ends the calling user's sessions with the given IDs, or
// all of them when ids is empty. IDs of other users' sessions are ignored
// (they are not the caller's to see). It returns how many ended.
func (l *Library) RevokeSessions(ctx context.Context, ids []string) (int, error) {
	const op = "dam.RevokeSessions"
	a, err := actorFor(ctx, op)
	if err != nil {
		return 0, err
	}
	if len(ids) > maxPageSize {
		return 0, E(op, Invalid, "at most %d sessions at once", maxPageSize)
	}
	for _, id := range ids {
		if !validID(id) {
			return 0, E(op, Invalid, "bad session id %.40q", id)
		}
	}
	n, err := l.store.DeleteSessions(ctx, a.UserID, ids)
	l.auth.forget()
	return n, wrap(op, Internal, err)
}

// RevokeOtherSessions ends every session of the calling user except keep
// (the one in use: "sign out everywhere else"). It returns how many ended.
func (l *Library) RevokeOtherSessions(ctx context.Context, keep string) (int, error) {
	const op = "dam.RevokeOtherSessions"
	a, err := actorFor(ctx, op)
	if err != nil {
		return 0, err
	}
	if !validID(keep) {
		return 0, E(op, Invalid, "bad session id %.40q", keep)
	}
	ss, err := l.store.Sessions(ctx, a.UserID)
	if err != nil {
		return 0, wrap(op, Internal, err)
	}
	var others []string
	for _, s := range ss {
		if s.ID != keep {
			others = append(others, s.ID)
		}
	}
	if len(others) == 0 {
		return 0, nil // an empty list would mean every session
	}
	n, err := l.store.DeleteSessions(ctx, a.UserID, others)
	l.auth.forget()
	return n, wrap(op, Internal, err)
}

// SignOut ends the session of this secret. Signing out of a session that
// already ended is not an error.
func (l *Library) SignOut(ctx context.Context, secret string) error {
	const op = "dam.SignOut"
	if !validSecret(secret, "ds_") {
		return nil
	}
	s, err := l.store.SessionByHash(ctx, HashAPIKey(secret))
	if KindOf(err) == NotFound {
		return nil
	}
	if err != nil {
		return wrap(op, Internal, err)
	}
	_, err = l.store.DeleteSessions(ctx, s.UserID, []string{s.ID})
	l.auth.forget()
	if err != nil {
		return wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: s.UserID, Action: EventSignOut})
	return nil
}

// sweepSessions deletes ended sessions (part of Sweep).
func (l *Library) sweepSessions(ctx context.Context, now time.Time) (int, error) {
	return l.store.DeleteStaleSessions(ctx, now, now.Add(-l.opts.SessionIdle))
}

// humanDuration says a duration as people do: "15 minutes", "2 hours".
func humanDuration(d time.Duration) string {
	n, unit := max(1, int(d/time.Minute)), "minute"
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		n, unit = int(d/(24*time.Hour)), "day"
	case d >= time.Hour && d%time.Hour == 0:
		n, unit = int(d/time.Hour), "hour"
	}
	return fmt.Sprintf("%d %s%s", n, unit, plural(n))
}

// SignInLinkFor makes a one-time sign-in link for a user without sending
// it, for the host itself: a new server prints one for its first owner.
// It is not an operation for actors (no caller may mint links for others
// through it) and needs Options.Links to implement SignInLinks.
func (l *Library) SignInLinkFor(ctx context.Context, userID string) (string, error) {
	const op = "dam.SignInLinkFor"
	sl, ok := l.opts.Links.(SignInLinks)
	if !ok {
		return "", E(op, FailedPrecondition, "the host gave no sign-in page (Options.Links has no SignIn)")
	}
	u, err := l.store.User(ctx, userID)
	if err != nil {
		return "", wrap(op, NotFound, err)
	}
	secret := newSecret("dl_")
	if err := l.store.CreateSignInLink(ctx, HashAPIKey(secret), u.ID, l.now().UTC().Add(l.opts.SignInLinkTTL)); err != nil {
		return "", wrap(op, Internal, err)
	}
	return sl.SignIn(secret), nil
}
