package dam

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Users' lifecycle: change a user's role, domains or admin power, disable
// or delete them, and manage API keys as their own resource. Who may touch
// whom follows the reach rule (reach.go): owners manage the users of their
// domains, admins any user; only admins touch an admin. The library never
// loses its last enabled admin owner (the store refuses, FailedPrecondition).

// Usage events of users and keys.
const (
	EventUserEdit   EventAction = "user_edit"
	EventUserDelete EventAction = "user_delete"
	EventKeyCreate  EventAction = "key_create"
	EventKeyRevoke  EventAction = "key_revoke"
)

// maxLiveKeys bounds the live API keys of one user.
const maxLiveKeys = 20

// UserPatch changes a user; nil fields stay.
type UserPatch struct {
	Name     *string   `json:"name"`
	Role     *Role     `json:"role"`
	Domains  *[]string `json:"domains"`
	Admin    *bool     `json:"admin"`
	Disabled *bool     `json:"disabled"` // a disabled user's keys and sessions are refused at once
}

// UserRef is what a user looking for people to share with sees of another
// user.
type UserRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// managedUser returns the owner of ctx and a user it manages: one in its
// reach (NotFound otherwise, as an absent user), and an admin only for an
// admin.
func (l *Library) managedUser(ctx context.Context, op, id string) (Actor, User, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, User{}, err
	}
	if !actor.IsOwner() {
		return Actor{}, User{}, E(op, PermissionDenied, "only owners manage users")
	}
	if !validID(id) {
		return Actor{}, User{}, absent(op, "user", id)
	}
	u, err := l.store.User(ctx, id)
	if KindOf(err) == NotFound || err == nil && !actor.reachesUser(u) {
		return Actor{}, User{}, absent(op, "user", id)
	}
	if err != nil {
		return Actor{}, User{}, wrap(op, Internal, err)
	}
	if u.Admin && !actor.IsAdmin() {
		return Actor{}, User{}, E(op, PermissionDenied, "only administrators change an administrator")
	}
	return actor, u, nil
}

// User returns one user (owners, for the users they reach; anyone, for
// themselves).
func (l *Library) User(ctx context.Context, id string) (User, error) {
	const op = "dam.User"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return User{}, err
	}
	if id != actor.UserID && !actor.IsOwner() {
		return User{}, E(op, PermissionDenied, "only owners look at other users")
	}
	if !validID(id) {
		return User{}, absent(op, "user", id)
	}
	u, err := l.store.User(ctx, id)
	if KindOf(err) == NotFound || err == nil && !actor.reachesUser(u) {
		return User{}, absent(op, "user", id)
	}
	return u, wrap(op, Internal, err)
}

// UpdateUser changes a user's name, role, domains, admin power or whether
// they are disabled. Owners give only their own domains; only admins give
// or take the admin power, which only owners hold.
func (l *Library) UpdateUser(ctx context.Context, id string, p UserPatch) (User, error) {
	const op = "dam.UpdateUser"
	actor, u, err := l.managedUser(ctx, op, id)
	if err != nil {
		return User{}, err
	}
	if p.Name != nil {
		u.Name = cleanText(*p.Name, 200)
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.Domains != nil {
		u.Domains = uniq(*p.Domains)
	}
	if err := checkRoleDomains(op, u.Role, u.Domains); err != nil {
		return User{}, err
	}
	if p.Domains != nil {
		if err := checkUserPowers(op, actor, u.Domains, u.Role, false); err != nil {
			return User{}, err
		}
	}
	if p.Admin != nil && *p.Admin != u.Admin {
		if !actor.IsAdmin() {
			return User{}, E(op, PermissionDenied, "only administrators make or unmake administrators")
		}
		if *p.Admin && u.Role != RoleOwner {
			return User{}, E(op, Invalid, "only owners can be administrators")
		}
		u.Admin = *p.Admin
	}
	if u.Role != RoleOwner {
		u.Admin = false // the power is an owner's
	}
	if p.Disabled != nil {
		switch {
		case *p.Disabled && u.DisabledAt == nil:
			now := l.now().UTC()
			u.DisabledAt = &now
		case !*p.Disabled:
			u.DisabledAt = nil
		}
	}
	err = l.store.UpdateUser(ctx, u)
	l.auth.forget()
	if err != nil {
		return User{}, wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventUserEdit, Detail: "user " + u.ID + " " + userSummary(u)})
	return u, nil
}

func userSummary(u User) string {
	s := string(u.Role) + " of " + strings.Join(u.Domains, ",")
	if u.Admin {
		s += ", admin"
	}
	if u.DisabledAt != nil {
		s += ", disabled"
	}
	return s
}

// DeleteUser removes a user and their keys. What they made (assets,
// shares, requests) stays; their sessions end.
func (l *Library) DeleteUser(ctx context.Context, id string) error {
	const op = "dam.DeleteUser"
	actor, u, err := l.managedUser(ctx, op, id)
	if err != nil {
		return err
	}
	err = l.store.DeleteUser(ctx, u.ID)
	l.auth.forget()
	if err != nil {
		return wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventUserDelete, Detail: "user " + u.ID + " " + u.Email})
	return nil
}

// FindUsers looks up the users an owner or editor may share with, by a
// part of their name or email: enabled users in the actor's reach, at most
// limit (default and cap 20), and only their ID, name and email.
func (l *Library) FindUsers(ctx context.Context, q string, limit int) ([]UserRef, error) {
	const op = "dam.FindUsers"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return nil, err
	}
	if !actor.CanEdit() {
		return nil, E(op, PermissionDenied, "only owners and editors look users up")
	}
	q = strings.ToLower(strings.TrimSpace(q))
	if len(q) > 200 {
		return nil, E(op, Invalid, "q is longer than 200 bytes")
	}
	if limit <= 0 || limit > 20 {
		limit = 20
	}
	us, err := l.store.Users(ctx)
	if err != nil {
		return nil, wrap(op, Internal, err)
	}
	out := []UserRef{}
	for _, u := range us {
		if u.DisabledAt != nil || !actor.reachesUser(u) {
			continue
		}
		if strings.Contains(strings.ToLower(u.Email), q) || strings.Contains(strings.ToLower(u.Name), q) {
			out = append(out, UserRef{ID: u.ID, Name: u.Name, Email: u.Email})
		}
	}
	slices.SortFunc(out, func(a, b UserRef) int { return cmp.Compare(a.Email, b.Email) })
	return out[:min(len(out), limit)], nil
}

// keyHolder returns the actor of ctx and the user whose keys it manages:
// itself, or a user it manages as an owner.
func (l *Library) keyHolder(ctx context.Context, op, userID string) (Actor, User, error) {
	actor, err := actorFor(ctx, op)
	if err != nil {
		return Actor{}, User{}, err
	}
	if userID == actor.UserID {
		u, err := l.store.User(ctx, userID)
		return actor, u, wrap(op, Internal, err)
	}
	return l.managedUser(ctx, op, userID)
}

// APIKeys lists a user's keys, revoked ones included (never the keys
// themselves): users see their own, owners those of the users they manage.
func (l *Library) APIKeys(ctx context.Context, userID string) ([]APIKey, error) {
	const op = "dam.APIKeys"
	_, u, err := l.keyHolder(ctx, op, userID)
	if err != nil {
		return nil, err
	}
	ks, err := l.store.APIKeys(ctx, u.ID)
	return ks, wrap(op, Internal, err)
}

// CreateAPIKey makes another key for a user and returns it, shown only
// now. A user has at most 20 live keys.
func (l *Library) CreateAPIKey(ctx context.Context, userID, name string) (APIKey, string, error) {
	const op = "dam.CreateAPIKey"
	actor, u, err := l.keyHolder(ctx, op, userID)
	if err != nil {
		return APIKey{}, "", err
	}
	name = cleanText(name, maxKeyName+1)
	if len([]rune(name)) > maxKeyName {
		return APIKey{}, "", E(op, Invalid, "a key's name is at most %d characters", maxKeyName)
	}
	if name == "" {
		return APIKey{}, "", E(op, Invalid, "give the key a name, to tell it apart when revoking it")
	}
	ks, err := l.store.APIKeys(ctx, u.ID)
	if err != nil {
		return APIKey{}, "", wrap(op, Internal, err)
	}
	live := 0
	for _, k := range ks {
		if k.RevokedAt == nil {
			live++
		}
	}
	if live >= maxLiveKeys {
		return APIKey{}, "", E(op, ResourceExhausted, "user %s has %d live keys, the most there may be: revoke one first", u.ID, live)
	}
	secret := NewAPIKey()
	now := l.now().UTC()
	k := APIKey{ID: NewID(now), UserID: u.ID, Name: name, CreatedAt: now, Hash: HashAPIKey(secret)}
	if err := l.store.AddAPIKey(ctx, k); err != nil {
		return APIKey{}, "", wrap(op, Internal, err)
	}
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventKeyCreate, Detail: "user " + u.ID + " key " + k.ID})
	return k, secret, nil
}

// RevokeAPIKey ends a key at once: its next request is refused. Users
// revoke their own keys, owners those of the users they manage.
func (l *Library) RevokeAPIKey(ctx context.Context, id string) (APIKey, error) {
	const op = "dam.RevokeAPIKey"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return APIKey{}, err
	}
	if !validID(id) {
		return APIKey{}, absent(op, "API key", id)
	}
	k, err := l.store.APIKey(ctx, id)
	if KindOf(err) == NotFound {
		return APIKey{}, absent(op, "API key", id)
	}
	if err != nil {
		return APIKey{}, wrap(op, Internal, err)
	}
	// Another user's key is none of a non-owner's business: absent.
	if _, _, err := l.keyHolder(ctx, op, k.UserID); err != nil {
		if KindOf(err) == NotFound || !actor.IsOwner() {
			return APIKey{}, absent(op, "API key", id)
		}
		return APIKey{}, err
	}
	now := l.now().UTC()
	err = l.store.RevokeAPIKey(ctx, id, now)
	l.auth.forget()
	if err != nil {
		return APIKey{}, wrap(op, Internal, err)
	}
	k.RevokedAt = &now
	l.record(ctx, Event{ActorID: actor.UserID, Action: EventKeyRevoke, Detail: "user " + k.UserID + " key " + k.ID})
	return k, nil
}
