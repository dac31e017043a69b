package dam

import "time"

// User is a person (or a script) with API keys and a role on the library.
type User struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Domains    []string   `json:"domains"`
	Admin      bool       `json:"admin"`                 // administers the whole library (owners only; see reach.go)
	DisabledAt *time.Time `json:"disabled_at,omitempty"` // a disabled user's keys and sessions are refused
	CreatedAt  time.Time  `json:"created_at"`
}

// Actor returns the actor that acts as u.
func (u User) Actor() Actor {
	return Actor{Kind: ActorUser, UserID: u.ID, Email: u.Email, Role: u.Role, Domains: u.Domains,
		Admin: u.Admin && u.Role == RoleOwner}
}

// APIKey is one of a user's API keys. The key itself is shown once, when
// it is made; only its hash is stored.
type APIKey struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	Hash       []byte     `json:"-"` // HashAPIKey of the key, as the store keeps it
}
