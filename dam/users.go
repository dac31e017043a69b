package dam

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"time"

	"github.com/damkit/damkit/share"
)

// keyPrefix marks damkit API keys so that leaked ones are easy to spot.
const keyPrefix = "dk_"

// maxKeyName bounds the name of an API key.
const maxKeyName = 100

// keyTouchEvery is how often a key's last-used time is written at most.
const keyTouchEvery = time.Minute

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
	// Admin makes an owner an administrator of the whole library (see
	// reach.go). Only admins give it. The first user of a library is an
	// admin whatever this says.
	Admin   bool
	APIKey  string // default: a fresh random key
	KeyName string // default: "first key"
}

// CreateUser adds a user and returns it with its API key, shown only now.
// Owners create users in their own domains, admins in any; the very first
// user (bootstrap) is an admin owner.
func (l *Library) CreateUser(ctx context.Context, nu NewUser) (User, string, error) {
	return l.createUser(ctx, "dam.CreateUser", nu, true)
}

// createUser adds a user, with a first API key when withKey (returned) or
// with none.
func (l *Library) createUser(ctx context.Context, op string, nu NewUser, withKey bool) (User, string, error) {
	users, err := l.store.Users(ctx)
	if err != nil {
		return User{}, "", wrap(op, Internal, err)
	}
	domains := nu.Domains
	if len(domains) == 0 {
		domains = []string{DefaultDomain}
	}
	if len(users) > 0 {
		actor, err := actorFor(ctx, op)
		if err != nil {
			return User{}, "", err
		}
		if !actor.IsOwner() {
			return User{}, "", E(op, PermissionDenied, "only owners create users")
		}
		if err := checkUserPowers(op, actor, domains, nu.Role, nu.Admin); err != nil {
			return User{}, "", err
		}
	} else if nu.Role != RoleOwner {
		return User{}, "", E(op, FailedPrecondition, "the first user must be an owner")
	} else {
		nu.Admin = true
	}
	addr, err := share.ParseAddress(nu.Email)
	if err != nil || addr != nu.Email {
		return User{}, "", E(op, Invalid, "email %.80q is not a valid address", nu.Email)
	}
	if err := checkRoleDomains(op, nu.Role, domains); err != nil {
		return User{}, "", err
	}
	key := nu.APIKey
	if !withKey {
		key = ""
	} else if key == "" {
		key = NewAPIKey()
	} else if len(key) < 20 || len(key) > 200 {
		return User{}, "", E(op, Invalid, "an API key must be 20 to 200 characters")
	}
	name := cleanText(nu.KeyName, maxKeyName)
	if name == "" {
		name = "first key"
	}
	now := l.now().UTC()
	u := User{ID: NewID(now), Email: addr, Name: cleanText(nu.Name, 200), Role: nu.Role,
		Domains: uniq(domains), Admin: nu.Admin, CreatedAt: now}
	var k *APIKey
	if withKey {
		k = &APIKey{ID: NewID(now), UserID: u.ID, Name: name, CreatedAt: now, Hash: HashAPIKey(key)}
	}
	if err := l.store.CreateUser(ctx, u, k); err != nil {
		return User{}, "", wrap(op, Internal, err)
	}
	return u, key, nil
}

// uniq returns ss without repeats, in their first order.
func uniq(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// checkRoleDomains validates a role and a list of domains.
func checkRoleDomains(op string, role Role, domains []string) error {
	if !role.Valid() {
		return E(op, Invalid, "role must be owner, editor or viewer")
	}
	if len(domains) == 0 || len(domains) > 100 {
		return E(op, Invalid, "a user belongs to 1 to 100 domains")
	}
	for _, d := range domains {
		if !profileName.MatchString(d) {
			return E(op, Invalid, "domain %.70q must be 1-64 lowercase letters, digits, - or _", d)
		}
	}
	return nil
}

// checkUserPowers checks that actor may give a user these domains, role
// and admin flag: owners give only their own domains, and only admins make
// admins (of owners).
func checkUserPowers(op string, actor Actor, domains []string, role Role, admin bool) error {
	if admin && !actor.IsAdmin() {
		return E(op, PermissionDenied, "only administrators make administrators")
	}
	if admin && role != RoleOwner {
		return E(op, Invalid, "only owners can be administrators")
	}
	if actor.IsAdmin() {
		return nil
	}
	for _, d := range domains {
		if !actor.InDomain(d) {
			return E(op, PermissionDenied, "you are not an owner of domain %.70q: only its owners and administrators give it", d)
		}
	}
	return nil
}

// Authenticate returns the user an API key belongs to (Unauthenticated
// for an unknown, revoked or disabled user's key: the answer never says
// whether a user exists).
func (l *Library) Authenticate(ctx context.Context, key string) (User, error) {
	const op = "dam.Authenticate"
	none := E(op, Unauthenticated, "invalid API key")
	if len(key) < 20 || len(key) > 200 {
		return User{}, none
	}
	h := sha256.Sum256([]byte(key))
	var u User
	var k APIKey
	epoch := l.auth.sync(ctx, l.store)
	if e, ok := l.auth.key(h); ok {
		// The caller owns what it gets: the cache keeps its own domains.
		u, k = e.user, e.key
		u.Domains = slices.Clone(u.Domains)
	} else {
		var err error
		u, k, err = l.store.UserByKeyHash(ctx, h[:])
		if KindOf(err) == NotFound {
			return User{}, none
		}
		if err != nil {
			return User{}, wrap(op, Internal, err)
		}
		if u.DisabledAt != nil {
			return User{}, none
		}
		l.auth.putKey(epoch, h, u, k)
	}
	now := l.now().UTC()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchEvery {
		if err := l.store.TouchAPIKey(ctx, k.ID, now, keyTouchEvery); err != nil {
			l.log.Warn("recording an API key's use failed", "key", k.ID, "err", err)
		} else {
			l.auth.touchedKey(h, now)
		}
	}
	return u, nil
}

// Users lists the users the actor reaches (owners only): an admin sees
// every user, an owner those of its domains.
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
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	return slices.DeleteFunc(us, func(u User) bool { return !actor.reachesUser(u) }), nil
}

// Events lists the usage log the actor reaches (reach.go): owners see the
// events about their domains' assets and their users, others their own.
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
	if q.Reach, err = l.eventReach(ctx, op, actor); err != nil {
		return nil, "", err
	}
	es, next, err := l.store.Events(ctx, q)
	if err != nil {
		return nil, "", wrap(op, Internal, err)
	}
	// A page may hold fewer events than asked for: next still goes on.
	if es, err = l.siftEvents(ctx, op, actor, es); err != nil {
		return nil, "", err
	}
	return es, next, nil
}
