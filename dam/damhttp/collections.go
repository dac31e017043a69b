package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

type collectionBody struct {
	Name           *string `json:"name"`
	DefaultProfile *string `json:"default_profile"`
}

func (s *Server) createCollection(w http.ResponseWriter, r *http.Request) error {
	var b collectionBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	var name, profile string
	if b.Name != nil {
		name = *b.Name
	}
	if b.DefaultProfile != nil {
		profile = *b.DefaultProfile
	}
	c, err := s.lib.CreateCollection(r.Context(), name, profile)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) listCollections(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.lib.Collections(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newPage(cs, ""))
	return nil
}

func (s *Server) getCollection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.lib.Collection(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) editCollection(w http.ResponseWriter, r *http.Request) error {
	var b collectionBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	c, err := s.lib.UpdateCollection(r.Context(), r.PathValue("id"), b.Name, b.DefaultProfile)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteCollection(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteCollection(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type itemsBody struct {
	Items []dam.CollectionItem `json:"items"`
}

func (s *Server) addItems(w http.ResponseWriter, r *http.Request) error {
	var b itemsBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	c, err := s.lib.AddToCollection(r.Context(), r.PathValue("id"), b.Items)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// removeItems takes the assets named by repeated ?asset= parameters out.
func (s *Server) removeItems(w http.ResponseWriter, r *http.Request) error {
	c, err := s.lib.RemoveFromCollection(r.Context(), r.PathValue("id"), r.URL.Query()["asset"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
