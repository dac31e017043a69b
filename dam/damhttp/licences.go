package damhttp

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).licenceRoutes) }

// licenceRoutes are the owners' licence API, where licences are set, and
// the accept calls of users, share guests and portal visitors.
func (s *Server) licenceRoutes() []route {
	g := &guestRoutes{s: s}
	p := &portalRoutes{s: s}
	return []route{
		{"GET", "/api/v1/licences", true, s.listLicences},
		{"POST", "/api/v1/licences", true, s.createLicence},
		{"GET", "/api/v1/licences/{id}", true, s.getLicence},
		{"PATCH", "/api/v1/licences/{id}", true, s.updateLicence},
		{"DELETE", "/api/v1/licences/{id}", true, s.deleteLicence},
		{"GET", "/api/v1/licences/{id}/versions/{version}", true, s.getLicenceVersion},
		{"POST", "/api/v1/licences/{id}/accept", true, s.acceptLicence},
		{"PUT", "/api/v1/folders/{id}/licence", true, s.setFolderLicence},
		{"PUT", "/api/v1/assets/{id}/licence", true, s.setAssetLicence},
		{"POST", "/s/{token}/licences/{id}/accept", false, s.forPeople(g.limited(g.acceptLicence))},
		{"POST", "/p/{slug}/access/{token}/licences/{id}/accept", false, s.forPeople(p.limited(p.acceptLicence))},
	}
}

func (s *Server) listLicences(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.lib.Licences(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ls})
	return nil
}

type licenceBody struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

func (s *Server) createLicence(w http.ResponseWriter, r *http.Request) error {
	var b licenceBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	l, err := s.lib.CreateLicence(r.Context(), b.Title, b.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) getLicence(w http.ResponseWriter, r *http.Request) error {
	l, err := s.lib.Licence(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) updateLicence(w http.ResponseWriter, r *http.Request) error {
	var p dam.LicencePatch
	if err := s.readJSON(r, w, &p); err != nil {
		return err
	}
	l, err := s.lib.UpdateLicence(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) deleteLicence(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteLicence(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getLicenceVersion(w http.ResponseWriter, r *http.Request) error {
	v, err := licenceVersion(r.PathValue("version"))
	if err != nil {
		return err
	}
	l, err := s.lib.LicenceVersion(r.Context(), r.PathValue("id"), v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

// licenceVersion reads a version number from outside.
func licenceVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || len(s) > 9 {
		return 0, dam.E("damhttp.licence", dam.Invalid, "version must be a positive number")
	}
	return v, nil
}

type acceptBody struct {
	Version int `json:"version"`
}

func (s *Server) acceptLicence(w http.ResponseWriter, r *http.Request) error {
	var b acceptBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	a, err := s.lib.AcceptLicence(r.Context(), r.PathValue("id"), b.Version)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// licenceSetting sets a folder's or an asset's licence: a licence ID,
// "none", or "" to inherit. The field is required, so that an empty body
// never clears a licence by accident.
type licenceSetting struct {
	Licence *string `json:"licence"`
}

func (s *Server) readLicenceSetting(w http.ResponseWriter, r *http.Request) (string, error) {
	var b licenceSetting
	if err := s.readJSON(r, w, &b); err != nil {
		return "", err
	}
	if b.Licence == nil {
		return "", dam.E("damhttp.licence", dam.Invalid, `licence is required: a licence ID, "none", or "" to inherit`)
	}
	return *b.Licence, nil
}

func (s *Server) setFolderLicence(w http.ResponseWriter, r *http.Request) error {
	licence, err := s.readLicenceSetting(w, r)
	if err != nil {
		return err
	}
	f, err := s.lib.SetFolderLicence(r.Context(), r.PathValue("id"), licence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) setAssetLicence(w http.ResponseWriter, r *http.Request) error {
	licence, err := s.readLicenceSetting(w, r)
	if err != nil {
		return err
	}
	a, err := s.lib.SetAssetLicence(r.Context(), r.PathValue("id"), licence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// acceptedVersion reads the version a guest or visitor accepts: a JSON
// body from API clients, the hidden field of the page's form from
// browsers.
func (s *Server) acceptedVersion(w http.ResponseWriter, r *http.Request) (int, error) {
	if !isForm(r) {
		var b acceptBody
		err := s.readJSON(r, w, &b)
		return b.Version, err
	}
	if err := readForm(w, r); err != nil {
		return 0, err
	}
	return licenceVersion(r.PostForm.Get("version"))
}

// accepted answers an acceptance: JSON for API clients, back to the page
// (now with its download buttons) for browsers.
func accepted(w http.ResponseWriter, r *http.Request, a dam.LicenceAcceptance, back string) {
	if isForm(r) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (g *guestRoutes) acceptLicence(w http.ResponseWriter, r *http.Request) error {
	v, err := g.s.acceptedVersion(w, r)
	if err != nil {
		return err
	}
	a, err := g.s.lib.AcceptLicence(r.Context(), r.PathValue("id"), v)
	if err != nil {
		return err
	}
	accepted(w, r, a, "/s/"+url.PathEscape(r.PathValue("token")))
	return nil
}

func (p *portalRoutes) acceptLicence(w http.ResponseWriter, r *http.Request) error {
	v, err := p.s.acceptedVersion(w, r)
	if err != nil {
		return err
	}
	slug, token := r.PathValue("slug"), r.PathValue("token")
	a, err := p.s.lib.PortalAcceptLicence(r.Context(), slug, token, r.PathValue("id"), v)
	if err != nil {
		return err
	}
	accepted(w, r, a, "/p/"+url.PathEscape(slug)+"/access/"+url.PathEscape(token))
	return nil
}

// licenceHint tells a client refused with licence_required what to accept
// and where: the accept path of the route the refusal came through.
type licenceHint struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version int    `json:"version"`
	Read    string `json:"read,omitempty"` // where users read the text; guests and visitors have it in their page's JSON
	Accept  struct {
		Method string         `json:"method"`
		Path   string         `json:"path"`
		Body   map[string]int `json:"body"`
	} `json:"accept"`
}

// licenceHints builds the hints for the licences a LicenceError names.
func licenceHints(r *http.Request, le *dam.LicenceError) []licenceHint {
	out := make([]licenceHint, len(le.Licences))
	for i, l := range le.Licences {
		h := licenceHint{ID: l.ID, Title: l.Title, Version: l.Version}
		h.Accept.Method, h.Accept.Body = "POST", map[string]int{"version": l.Version}
		id := url.PathEscape(l.ID)
		switch parts := strings.Split(r.URL.Path, "/"); {
		case len(parts) > 2 && parts[1] == "s":
			h.Accept.Path = "/s/" + url.PathEscape(parts[2]) + "/licences/" + id + "/accept"
		case len(parts) > 4 && parts[1] == "p" && parts[3] == "access":
			h.Accept.Path = "/p/" + url.PathEscape(parts[2]) + "/access/" + url.PathEscape(parts[4]) + "/licences/" + id + "/accept"
		case len(parts) > 2 && parts[1] == "p":
			// Anonymous visitors accept with the download itself.
			h.Accept.Method, h.Accept.Body = "GET", nil
			h.Accept.Path = r.URL.Path + "?accept_licence=" + url.QueryEscape(l.ID) + "&version=" + strconv.Itoa(l.Version)
		default:
			h.Read = "/api/v1/licences/" + id
			h.Accept.Path = "/api/v1/licences/" + id + "/accept"
		}
		out[i] = h
	}
	return out
}
