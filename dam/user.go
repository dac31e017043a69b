package dam

import "time"

// User is a person (or a script) with an API key and a role on the library.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Domains   []string  `json:"domains"`
	CreatedAt time.Time `json:"created_at"`
}

// Actor returns the actor that acts as u.
func (u User) Actor() Actor {
	return Actor{Kind: ActorUser, UserID: u.ID, Email: u.Email, Role: u.Role, Domains: u.Domains}
}
