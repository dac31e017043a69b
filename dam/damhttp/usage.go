package damhttp

import "net/http"

func init() { routeSets = append(routeSets, (*Server).usageRoutes) }

// usageRoutes summarise the usage log per share and per portal.
func (s *Server) usageRoutes() []route {
	return []route{
		{"GET", "/api/v1/shares/{id}/usage", true, s.shareUsage},
		{"GET", "/api/v1/portals/{id}/usage", true, s.portalUsage},
	}
}

func (s *Server) shareUsage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.lib.ShareUsage(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) portalUsage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.lib.PortalUsage(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
