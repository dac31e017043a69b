package dam

import (
	"context"
	"slices"
)

// Role is a user's role on the library.
type Role string

// The roles of library users.
const (
	RoleOwner  Role = "owner"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleEditor || r == RoleViewer }

// ActorKind says how the actor got in.
type ActorKind string

// The kinds of actors: library users, guests of a share, and email-only
// visitors of a portal.
const (
	ActorUser    ActorKind = "user"
	ActorGuest   ActorKind = "guest"
	ActorVisitor ActorKind = "visitor"
)

// DefaultDomain is the domain of assets and users created without one.
const DefaultDomain = "default"

// Actor is the identity on whose behalf an operation runs. It is explicit:
// the library never guesses who is calling.
type Actor struct {
	Kind    ActorKind
	UserID  string
	Email   string
	Role    Role
	Domains []string // organisational units whose assets the actor sees
	// Admin is the power to administer the whole library (see reach.go):
	// users of every domain and what belongs to no domain. Only owners
	// hold it.
	Admin bool
}

// InDomain reports whether the actor sees assets of domain d.
func (a Actor) InDomain(d string) bool { return slices.Contains(a.Domains, d) }

// IsOwner reports whether the actor is an owner of its domains.
func (a Actor) IsOwner() bool { return a.Kind == ActorUser && a.Role == RoleOwner }

// CanEdit reports whether the actor may change assets (owners and editors).
func (a Actor) CanEdit() bool {
	return a.Kind == ActorUser && (a.Role == RoleOwner || a.Role == RoleEditor)
}

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor carried by ctx, if any.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// actorFor returns the user actor of ctx or an Unauthenticated error.
func actorFor(ctx context.Context, op string) (Actor, error) {
	a, ok := ActorFrom(ctx)
	if !ok || a.Kind != ActorUser || a.UserID == "" {
		return Actor{}, E(op, Unauthenticated, "no authenticated user")
	}
	return a, nil
}
