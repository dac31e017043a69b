package dam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/mail"
	"strings"
)

// keyPrefix marks damkit API keys so that leaked ones are easy to spot.
const keyPrefix = "dk_"

// NewAPIKey returns a fresh random API key (256 bits).
func NewAPIKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashAPIKey is how keys are stored: they carry 256 bits of entropy, so a
// plain SHA-256 is enough (no password stretching needed) and lets the
// store look a key up by its hash.
func HashAPIKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// NewUser describes a user to create.
type NewUser struct {
	Email   string
	Name    string
	Role    Role
	Domains []string // default: the default domain
	APIKey  string   // default: a fresh random key
}

// CreateUser adds a user and returns it with its API key, shown only now.
// Only owners create users, except for the very first one (bootstrap).
func (l *Library) CreateUser(ctx context.Context, nu NewUser) (User, string, error) {
	const op = "dam.CreateUser"
	users, err := l.store.Users(ctx)
	if err != nil {
		return User{}, "", wrap(op, Internal, err)
	}
	if len(users) > 0 {
		actor, err := actorFor(ctx, op)
		if err != nil {
			return User{}, "", err
		}
		if !actor.IsOwner() {
			return User{}, "", E(op, PermissionDenied, "only owners create users")
		}
	} else if nu.Role != RoleOwner {
		return User{}, "", E(op, FailedPrecondition, "the first user must be an owner")
	}
	addr, err := mail.ParseAddress(nu.Email)
	if err != nil || addr.Address != strings.TrimSpace(nu.Email) || len(nu.Email) > 254 {
		return User{}, "", E(op, Invalid, "email %.80q is not a valid address", nu.Email)
	}
	if !nu.Role.Valid() {
		return User{}, "", E(op, Invalid, "role must be owner, editor or viewer")
	}
	domains := nu.Domains
	if len(domains) == 0 {
		domains = []string{DefaultDomain}
	}
	for _, d := range domains {
		if !profileName.MatchString(d) {
			return User{}, "", E(op, Invalid, "domain %.70q must be 1-64 lowercase letters, digits, - or _", d)
		}
	}
	key := nu.APIKey
	if key == "" {
		key = NewAPIKey()
	} else if len(key) < 20 || len(key) > 200 {
		return User{}, "", E(op, Invalid, "an API key must be 20 to 200 characters")
	}
	now := l.now().UTC()
	u := User{ID: NewID(now), Email: addr.Address, Name: cleanText(nu.Name, 200), Role: nu.Role,
		Domains: domains, CreatedAt: now}
	if err := l.store.CreateUser(ctx, u, HashAPIKey(key)); err != nil {
		return User{}, "", wrap(op, Internal, err)
	}
	return u, key, nil
}

// Authenticate returns the user an API key belongs to (Unauthenticated
// for an unknown key: the answer never says whether a user exists).
func (l *Library) Authenticate(ctx context.Context, key string) (User, error) {
	const op = "dam.Authenticate"
	if len(key) < 20 || len(key) > 200 {
		return User{}, E(op, Unauthenticated, "invalid API key")
	}
	u, err := l.store.UserByKeyHash(ctx, HashAPIKey(key))
	if KindOf(err) == NotFound {
		return User{}, E(op, Unauthenticated, "invalid API key")
	}
	if err != nil {
		return User{}, wrap(op, Internal, err)
	}
	return u, nil
}

// Users lists the library's users (owners only).
func (l *Library) Users(ctx context.Context) ([]User, error) {
	const op = "dam.Users"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if !actor.IsOwner() {
		return nil, E(op, PermissionDenied, "only owners list users")
	}
	us, err := l.store.Users(ctx)
	return us, wrap(op, Internal, err)
}

// Events lists the usage log. Owners see everything; others see their own
// events only.
func (l *Library) Events(ctx context.Context, q EventQuery) ([]Event, string, error) {
	const op = "dam.Events"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, "", err
	}
	if !actor.IsOwner() {
		q.ActorID = actor.UserID
	}
	if q.AssetID != "" && !validID(q.AssetID) {
		return nil, "", E(op, Invalid, "bad asset id")
	}
	if q.Limit, err = l.page(op, q.Cursor, q.Limit); err != nil {
		return nil, "", err
	}
	es, next, err := l.store.Events(ctx, q)
	return es, next, wrap(op, Internal, err)
}
