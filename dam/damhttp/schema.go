package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).schemaRoutes) }

// schemaRoutes read and replace the library's metadata schema.
func (s *Server) schemaRoutes() []route {
	return []route{
		{"GET", "/api/v1/metadata-schema", true, s.getSchema},
		{"PUT", "/api/v1/metadata-schema", true, s.putSchema},
	}
}

func (s *Server) getSchema(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.lib.MetadataSchema(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ms)
	return nil
}

// schemaBody is what PUT takes: every field, in order, and the version
// the change applies to.
type schemaBody struct {
	Version *int              `json:"version"`
	Fields  []dam.SchemaField `json:"fields"`
}

func (s *Server) putSchema(w http.ResponseWriter, r *http.Request) error {
	var b schemaBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	if b.Version == nil {
		return dam.E("damhttp.putSchema", dam.Invalid, "version is required: the version of the schema the change applies to (GET it first)")
	}
	ms, err := s.lib.SetMetadataSchema(r.Context(), dam.MetadataSchema{Version: *b.Version, Fields: b.Fields})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ms)
	return nil
}
