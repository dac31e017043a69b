package dam

import (
	"context"
	"time"
)

// Session is a browser signed in as a library user. The secret the browser
// holds (a cookie) is never stored: the store keeps its SHA-256, so a copy
// of the database signs nobody in. ID is a public handle that lists and
// revokes the session without revealing the secret.
type Session struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	// ExpiresAt is the absolute end; a session unused for Options.SessionIdle
	// ends earlier.
	ExpiresAt time.Time `json:"expires_at"`
	UserAgent string    `json:"user_agent"`
	// Method is how the user signed in: "key" or "email".
	Method string `json:"method"`
}

// SessionStore keeps sessions and one-time sign-in links, both by the hash
// of their secret, so that every process sharing the store sees the same
// sessions and a revocation takes effect everywhere at once.
type SessionStore interface {
	// CreateSession inserts s with the hash of its secret.
	CreateSession(ctx context.Context, s Session, secretHash []byte) error
	// SessionByHash returns the session whose secret hashes to secretHash
	// (NotFound when there is none, including a revoked one).
	SessionByHash(ctx context.Context, secretHash []byte) (Session, error)
	// TouchSession moves a session's LastSeenAt forward to at.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// Sessions lists a user's sessions, newest first.
	Sessions(ctx context.Context, userID string) ([]Session, error)
	// DeleteSessions removes the user's sessions with the given IDs (all of
	// the user's sessions when ids is empty) and returns how many went.
	// Sessions of other users are never touched.
	DeleteSessions(ctx context.Context, userID string, ids []string) (int, error)
	// DeleteStaleSessions removes sessions that ended before now: expired
	// (ExpiresAt before now) or unused since idleBefore.
	DeleteStaleSessions(ctx context.Context, now, idleBefore time.Time) (int, error)
	// CreateSignInLink stores a one-time sign-in secret's hash for a user.
	CreateSignInLink(ctx context.Context, secretHash []byte, userID string, expires time.Time) error
	// UseSignInLink marks the link used, compare-and-set: only an unused,
	// unexpired link succeeds (once), returning its user; every other case
	// is NotFound.
	UseSignInLink(ctx context.Context, secretHash []byte, at time.Time) (string, error)
	// UserByEmail returns the user with this email, compared without case.
	UserByEmail(ctx context.Context, email string) (User, error)
}
