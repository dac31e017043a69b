package damhttp

import (
	"net/http"
	"time"

	"github.com/damkit/damkit/dam"
)

type userBody struct {
	Email   string   `json:"email"`
	Name    string   `json:"name"`
	Role    dam.Role `json:"role"`
	Domains []string `json:"domains"`
	Admin   bool     `json:"admin"`
}

// createdUser is the only answer that ever carries an API key.
type createdUser struct {
	dam.User
	APIKey string `json:"api_key"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var b userBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	u, key, err := s.lib.CreateUser(r.Context(), dam.NewUser{Email: b.Email, Name: b.Name, Role: b.Role, Domains: b.Domains, Admin: b.Admin})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdUser{User: u, APIKey: key})
	return nil
}

// listUsers lists the users an owner reaches; with ?q= it looks people up
// for sharing (owners and editors), answering only their ID, name and email.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if q := r.URL.Query(); q.Has("q") {
		limit, err := queryLimit(r)
		if err != nil {
			return err
		}
		refs, err := s.lib.FindUsers(r.Context(), q.Get("q"), limit)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, newPage(refs, ""))
		return nil
	}
	us, err := s.lib.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(us, ""))
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	a, _ := dam.ActorFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"id": a.UserID, "email": a.Email, "role": a.Role, "domains": a.Domains, "admin": a.IsAdmin()})
	return nil
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	format, err := eventFormat(r)
	if err != nil {
		return err
	}
	eq := dam.EventQuery{AssetID: q.Get("asset"), ActorID: q.Get("actor"), Action: dam.EventAction(q.Get("action")),
		Cursor: q.Get("cursor")}
	for name, t := range map[string]*time.Time{"since": &eq.Since, "until": &eq.Until} {
		if v := q.Get(name); v != "" {
			if *t, err = parseTime(name, v); err != nil {
				return err
			}
		}
	}
	if format != "json" {
		if q.Has("limit") {
			return dam.E("damhttp.listEvents", dam.Invalid, "limit pages the JSON listing; a %s export streams every event selected", format)
		}
		return s.exportEvents(w, r, format, eq)
	}
	if eq.Limit, err = queryLimit(r); err != nil {
		return err
	}
	es, next, err := s.lib.Events(r.Context(), eq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(es, next))
	return nil
}
