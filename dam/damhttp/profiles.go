package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Server).profileRoutes) }

// profileRoutes are the export profiles and the previews rendered with them.
func (s *Server) profileRoutes() []route {
	return []route{
		{"POST", "/api/v1/profiles", true, s.createProfile},
		{"GET", "/api/v1/profiles", true, s.listProfiles},
		{"GET", "/api/v1/profiles/{name}", true, s.getProfile},
		{"PUT", "/api/v1/profiles/{name}", true, s.putProfile},
		{"DELETE", "/api/v1/profiles/{name}", true, s.deleteProfile},
		{"GET", "/api/v1/assets/{id}/preview", true, s.preview},
	}
}

// maxProfileBody admits a watermark image of dam.MaxWatermarkImage bytes
// in base64 plus the other fields.
const maxProfileBody = dam.MaxWatermarkImage*4/3 + 64<<10

// profileInput is what clients send: a dam.Profile (its audit fields, if
// sent, are ignored: the library sets them).
type profileInput = dam.Profile

// profileJSON is a profile as served: with its compact string form.
type profileJSON struct {
	dam.Profile
	Spec string `json:"spec"`
}

func profileOut(p dam.Profile) profileJSON { return profileJSON{Profile: p, Spec: p.Spec()} }

// readProfile decodes a profile body, allowing room for a watermark image.
func (s *Server) readProfile(r *http.Request, w http.ResponseWriter) (profileInput, error) {
	var in profileInput
	err := decodeJSON(w, r, max(s.opts.MaxJSONBody, maxProfileBody), &in)
	return in, err
}

func (s *Server) createProfile(w http.ResponseWriter, r *http.Request) error {
	in, err := s.readProfile(r, w)
	if err != nil {
		return err
	}
	p, err := s.lib.CreateProfile(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/profiles/"+p.Name)
	writeJSON(w, http.StatusCreated, profileOut(p))
	return nil
}

func (s *Server) listProfiles(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.lib.Profiles(r.Context())
	if err != nil {
		return err
	}
	out := make([]profileJSON, len(ps))
	for i, p := range ps {
		out[i] = profileOut(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.lib.Profile(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profileOut(p))
	return nil
}

// putProfile replaces a profile's recipe; the body's name, if any, must be
// the one in the path (profiles are not renamed).
func (s *Server) putProfile(w http.ResponseWriter, r *http.Request) error {
	in, err := s.readProfile(r, w)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	if in.Name != "" && in.Name != name {
		return dam.E("damhttp.putProfile", dam.Invalid, "profiles are not renamed: the body names %.70q, the path %.70q", in.Name, name)
	}
	in.Name = name
	p, err := s.lib.UpdateProfile(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profileOut(p))
	return nil
}

func (s *Server) deleteProfile(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteProfile(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// preview serves an image for display (inline), watermarked where the
// policy says so: in a profile, or a custom rendition (httpdam.Profile).
func (s *Server) preview(w http.ResponseWriter, r *http.Request) error {
	profile, err := httpdam.Profile(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := s.lib.OpenPreview(r.Context(), r.PathValue("id"), profile)
	if err != nil {
		return err
	}
	defer d.Close()
	s.serveDownload(w, r, d, true)
	return nil
}
