package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).userLifeRoutes) }

// userLifeRoutes change, disable and delete users, and manage API keys.
func (s *Server) userLifeRoutes() []route {
	return []route{
		{"GET", "/api/v1/users/{id}", true, s.getUser},
		{"PATCH", "/api/v1/users/{id}", true, s.patchUser},
		{"DELETE", "/api/v1/users/{id}", true, s.deleteUser},
		{"GET", "/api/v1/users/{id}/keys", true, s.listKeys},
		{"POST", "/api/v1/users/{id}/keys", true, s.createKey},
		{"DELETE", "/api/v1/keys/{id}", true, s.revokeKey},
	}
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.lib.User(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) error {
	var p dam.UserPatch
	if err := s.readJSON(r, w, &p); err != nil {
		return err
	}
	u, err := s.lib.UpdateUser(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteUser(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.lib.APIKeys(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(ks, ""))
	return nil
}

type keyBody struct {
	Name string `json:"name"`
}

// createdKey is, with createdUser, the only answer that carries a key.
type createdKey struct {
	dam.APIKey
	Key string `json:"api_key"`
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	var b keyBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	k, secret, err := s.lib.CreateAPIKey(r.Context(), r.PathValue("id"), b.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, createdKey{APIKey: k, Key: secret})
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) error {
	k, err := s.lib.RevokeAPIKey(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}
