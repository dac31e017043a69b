package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Server).portalZipRoutes) }

// portalZipRoutes serve a portal visitor everything they may download as
// one ZIP, through their signed link.
func (s *Server) portalZipRoutes() []route {
	p := &portalRoutes{s: s}
	return []route{
		{"GET", "/p/{slug}/access/{token}/download", false, s.forPeople(p.limited(p.archive))},
	}
}

func (p *portalRoutes) archive(w http.ResponseWriter, r *http.Request) error {
	a, err := p.s.lib.PortalArchive(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return visitorRefusal(r, err)
	}
	defer a.Close()
	h := w.Header()
	h.Set("Content-Type", a.MediaType)
	h.Set("Content-Disposition", attachment(a.Name))
	h.Set("ETag", a.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	h.Set("Referrer-Policy", "no-referrer")
	httpdam.ServeContent(w, r, a.ModTime, a, p.s.opts.WriteTimeout)
	return a.ReadError()
}
