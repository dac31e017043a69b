package damhttp

import (
	"net/http"
	"strconv"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).versionRoutes) }

// versionRoutes act on one version of an asset.
func (s *Server) versionRoutes() []route {
	return []route{
		{"POST", "/api/v1/assets/{id}/versions/{n}/restore", true, s.restoreVersion},
	}
}

// restoreVersion makes an earlier version current again (a new version
// with its bytes and file metadata) and answers the asset.
func (s *Server) restoreVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return dam.E("damhttp", dam.NotFound, "version %.20q not found", r.PathValue("n"))
	}
	a, err := s.lib.RestoreVersion(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}
