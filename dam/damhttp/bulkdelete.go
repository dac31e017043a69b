package damhttp

import (
	"net/http"
)

func init() { routeSets = append(routeSets, (*Server).bulkDeleteRoutes) }

// bulkDeleteRoutes move many assets to the trash in one call.
func (s *Server) bulkDeleteRoutes() []route {
	return []route{
		{"POST", "/api/v1/assets/delete", true, s.bulkDelete},
	}
}

type bulkDeleteBody struct {
	IDs []string `json:"ids"`
}

// bulkDelete trashes every asset named, or none (dam.Library.DeleteAssets):
// 204 when all went, else the error of the first that could not and
// nothing changed.
func (s *Server) bulkDelete(w http.ResponseWriter, r *http.Request) error {
	var b bulkDeleteBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	if err := s.lib.DeleteAssets(r.Context(), b.IDs); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
