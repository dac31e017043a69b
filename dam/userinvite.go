package dam

import "context"

// InviteUser adds a user without an API key and emails them a one-time
// sign-in link (SendSignInLink): they sign in by link, and make keys
// later if they need them. Owners invite into their own domains, admins
// into any, as with CreateUser. A library that sends no email cannot
// invite (FailedPrecondition: create the user with a key instead). When
// the user is made but the link cannot be sent, InviteUser returns both
// the user and the error: they can ask for a link on the sign-in page.
func (l *Library) InviteUser(ctx context.Context, nu NewUser) (User, error) {
	const op = "dam.InviteUser"
	actor, err := actorFor(ctx, op)
	if err != nil {
		return User{}, err
	}
	if !actor.IsOwner() {
		return User{}, E(op, PermissionDenied, "only owners create users")
	}
	if len(l.opts.Notifiers) == 0 {
		return User{}, E(op, FailedPrecondition, "this library sends no email: create the user with an API key instead")
	}
	if _, ok := l.opts.Links.(SignInLinks); !ok {
		return User{}, E(op, FailedPrecondition, "the host gave no sign-in page (Options.Links has no SignIn): create the user with an API key instead")
	}
	u, _, err := l.createUser(ctx, op, nu, false)
	if err != nil {
		return User{}, err
	}
	if err := l.SendSignInLink(ctx, u.Email); err != nil {
		return u, err
	}
	return u, nil
}
