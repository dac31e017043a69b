package damweb

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Handler).peopleRoutes) }

// peopleRoutes are the owners' pages about the library's users: who they
// are, their role, domains and keys; invite, change, disable and delete.
func (h *Handler) peopleRoutes() []route {
	return []route{
		{"GET", "/people", true, h.peoplePage},
		{"POST", "/people", true, h.addPerson},
		{"GET", "/people/{id}", true, h.personPage},
		{"POST", "/people/{id}", true, h.editPerson},
		{"POST", "/people/{id}/status", true, h.setPersonStatus},
		{"POST", "/people/{id}/delete", true, h.deletePerson},
		{"POST", "/people/{id}/link", true, h.sendPersonLink},
		{"POST", "/people/{id}/keys", true, h.createPersonKey},
		{"POST", "/people/{id}/keys/revoke", true, h.revokePersonKey},
	}
}

// roleChoices are the roles an owner gives, in the order the form offers.
var roleChoices = []dam.Role{dam.RoleViewer, dam.RoleEditor, dam.RoleOwner}

// peopleRow is one user in the list.
type peopleRow struct {
	dam.User
	URL  string
	Self bool
}

// peopleData is the people page's.
type peopleData struct {
	Rows       []peopleRow
	Roles      []dam.Role
	IsAdmin    bool
	CanInvite  bool   // the library sends email: invitations go by link
	Domains    string // the new person's domains, as the form starts
	NewKey     string // a key just made for NewKeyFor, shown this once
	NewKeyFor  string
	NewKeyName string
}

func (h *Handler) peoplePage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPeople(w, r, http.StatusOK, "", "", "")
}

// renderPeople renders the list; newKey, when set, is the first key of a
// person just created, shown once (never put in a cookie or a URL).
func (h *Handler) renderPeople(w http.ResponseWriter, r *http.Request, status int, newKey, newKeyFor, newKeyName string) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	users, err := h.lib.Users(ctx)
	if err != nil {
		return err
	}
	d := peopleData{Roles: roleChoices, IsAdmin: me.IsAdmin(), CanInvite: len(h.lib.Options().Notifiers) > 0,
		Domains: strings.Join(me.Domains, ", "), NewKey: newKey, NewKeyFor: newKeyFor, NewKeyName: newKeyName}
	for _, u := range users {
		d.Rows = append(d.Rows, peopleRow{User: u, URL: "/people/" + url.PathEscape(u.ID), Self: u.ID == me.UserID})
	}
	slices.SortFunc(d.Rows, func(a, b peopleRow) int { return strings.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email)) })
	return h.render(w, r, status, "people", "People", "people", d)
}

// newUserFromForm reads the add-a-person form.
func newUserFromForm(f url.Values) dam.NewUser {
	return dam.NewUser{Email: strings.TrimSpace(f.Get("email")), Name: f.Get("name"), Role: dam.Role(f.Get("role")),
		Domains: splitList(f.Get("domains")), Admin: f.Get("admin") != ""}
}

// addPerson creates a user: invited by email (they sign in by link), or
// with an API key shown once on the page.
func (h *Handler) addPerson(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	nu := newUserFromForm(r.PostForm)
	switch r.PostForm.Get("how") {
	case "invite":
		u, err := h.lib.InviteUser(ctx, nu)
		if u.ID != "" && err != nil {
			return redirect(w, r, "/people/"+url.PathEscape(u.ID), u.Email+" was added, but the sign-in link could not be sent: "+
				dam.ErrorMessage(err)+". Send it again from this page.")
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/people/"+url.PathEscape(u.ID), u.Email+" was added and has a sign-in link in their mailbox.")
	case "key":
		nu.KeyName = "first key"
		u, key, err := h.lib.CreateUser(ctx, nu)
		if err != nil {
			return err
		}
		return h.renderPeople(w, r, http.StatusOK, key, u.Email, nu.KeyName)
	}
	return dam.E("damweb.addPerson", dam.Invalid, "choose to invite by email or to create with an API key")
}

// personData is a person's page.
type personData struct {
	User       dam.User
	URL        string
	Self       bool
	IsAdmin    bool
	CanInvite  bool
	Roles      []dam.Role
	Domains    string
	Keys       []dam.APIKey
	LiveKeys   int
	NewKey     string
	NewKeyName string
	ReadOnly   string // why the actor may look but not change
}

func (h *Handler) personPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPerson(w, r, http.StatusOK, "", "")
}

func (h *Handler) renderPerson(w http.ResponseWriter, r *http.Request, status int, newKey, newKeyName string) error {
	ctx := r.Context()
	me := actorOf(ctx)
	if !me.IsOwner() {
		return h.noPage(w, r)
	}
	u, err := h.lib.User(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := personData{User: u, URL: "/people/" + url.PathEscape(u.ID), Self: u.ID == me.UserID, IsAdmin: me.IsAdmin(),
		CanInvite: len(h.lib.Options().Notifiers) > 0, Roles: roleChoices, Domains: strings.Join(u.Domains, ", "),
		NewKey: newKey, NewKeyName: newKeyName}
	// dam decides who manages whom: an owner who may not (an administrator,
	// for an owner who is not one) reads the page without its forms.
	d.Keys, err = h.lib.APIKeys(ctx, u.ID)
	switch {
	case dam.KindOf(err) == dam.PermissionDenied:
		d.ReadOnly = dam.ErrorMessage(err)
	case err != nil:
		return err
	}
	for _, k := range d.Keys {
		if k.RevokedAt == nil {
			d.LiveKeys++
		}
	}
	title := u.Email
	if u.Name != "" {
		title = u.Name
	}
	return h.render(w, r, status, "person", title, "people", d)
}

// editPerson saves a person's name, role and domains, and the admin power
// when an administrator sends it.
func (h *Handler) editPerson(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	var p dam.UserPatch
	if _, ok := f["name"]; ok {
		p.Name = ptr(f.Get("name"))
	}
	if _, ok := f["role"]; ok {
		p.Role = ptr(dam.Role(f.Get("role")))
	}
	if _, ok := f["domains"]; ok {
		p.Domains = ptr(splitList(f.Get("domains")))
	}
	if f.Get("admin_shown") != "" {
		p.Admin = ptr(f.Get("admin") != "")
	}
	u, err := h.lib.UpdateUser(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+url.PathEscape(u.ID), "Saved.")
}

// setPersonStatus disables a person (their keys and sessions stop working
// at once) or enables them again.
func (h *Handler) setPersonStatus(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var off bool
	switch r.PostForm.Get("disabled") {
	case "1":
		off = true
	case "0":
	default:
		return dam.E("damweb.setPersonStatus", dam.Invalid, "choose to disable or to enable")
	}
	u, err := h.lib.UpdateUser(r.Context(), r.PathValue("id"), dam.UserPatch{Disabled: &off})
	if err != nil {
		return err
	}
	msg := u.Email + " is enabled again."
	if off {
		msg = u.Email + " is disabled: their keys and sessions no longer work."
	}
	return redirect(w, r, "/people/"+url.PathEscape(u.ID), msg)
}

func (h *Handler) deletePerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	u, err := h.lib.User(ctx, id)
	if err != nil {
		return err
	}
	if err := h.lib.DeleteUser(ctx, id); err != nil {
		return err
	}
	return redirect(w, r, "/people", u.Email+" was deleted; what they made stays.")
}

// sendPersonLink emails a person a one-time sign-in link again.
func (h *Handler) sendPersonLink(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.lib.User(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.lib.SendSignInLink(ctx, u.Email); err != nil {
		return err
	}
	return redirect(w, r, "/people/"+url.PathEscape(u.ID), "A sign-in link is on its way to "+u.Email+".")
}

// createPersonKey makes an API key for a person and shows it once.
func (h *Handler) createPersonKey(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	k, secret, err := h.lib.CreateAPIKey(r.Context(), r.PathValue("id"), r.PostForm.Get("name"))
	if err != nil {
		return err
	}
	return h.renderPerson(w, r, http.StatusOK, secret, k.Name)
}

// revokePersonKey ends one of a person's keys.
func (h *Handler) revokePersonKey(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	k, err := h.lib.RevokeAPIKey(r.Context(), r.PostForm.Get("key"))
	if err != nil {
		return err
	}
	return redirect(w, r, "/people/"+url.PathEscape(k.UserID)+"#keys-h", "Key “"+k.Name+"” revoked: it no longer works.")
}
