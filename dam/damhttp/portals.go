package damhttp

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

func init() { routeSets = append(routeSets, (*Server).portalRoutes) }

// PortalAccess is where a portal visitor opens the signed link their email
// carries: /p/{slug}/access/{token}.
func (b links) PortalAccess(slug, token string) string {
	return string(b) + "/p/" + url.PathEscape(slug) + "/access/" + url.PathEscape(token)
}

// Limits of the public portal routes. Requests are counted per client
// address (10 at once, then one every 6 seconds) and per email address (3
// at once, then one every 10 minutes): a visitor asking again after a
// denial is fine, flooding owners' inboxes or a stranger's mailbox is not.
// Link and download routes are counted like share links (limited).
const (
	portalRequestRate  = 1.0 / 6
	portalRequestBurst = 10
	portalEmailRate    = 1.0 / 600
	portalEmailBurst   = 3
)

// portalRoutes serve the owners' portal API and the visitors' /p/ routes;
// the limiters live as long as the Server's routing table.
type portalRoutes struct {
	s        *Server
	requests *dam.GuestLimiter // POST /p/{slug}/requests per client address
	emails   *dam.GuestLimiter // POST /p/{slug}/requests per email address
}

func (s *Server) portalRoutes() []route {
	p := &portalRoutes{s: s,
		requests: dam.NewGuestLimiter(portalRequestRate, portalRequestBurst, guestMaxKeys),
		emails:   dam.NewGuestLimiter(portalEmailRate, portalEmailBurst, guestMaxKeys)}
	return []route{
		{"POST", "/api/v1/portals", true, s.createPortal},
		{"GET", "/api/v1/portals", true, s.listPortals},
		{"GET", "/api/v1/portals/{id}", true, s.getPortal},
		{"PUT", "/api/v1/portals/{id}", true, s.updatePortal},
		{"DELETE", "/api/v1/portals/{id}", true, s.deletePortal},
		{"GET", "/p/{slug}", false, s.forPeople(p.limited(p.viewOrPage))},
		{"GET", "/p/{slug}/assets/{id}", false, p.limited(p.openDownload)},
		{"POST", "/p/{slug}/requests", false, s.forPeople(p.requestOrForm)},
		{"GET", "/p/{slug}/access/{token}", false, s.forPeople(p.limited(p.accessOrPage))},
		{"GET", "/p/{slug}/access/{token}/assets/{id}", false, p.limited(p.download)},
		{"GET", "/p/{slug}/assets/{id}/preview", false, s.forPeople(p.limited(p.thumb))},
		{"GET", "/p/{slug}/access/{token}/assets/{id}/preview", false, s.forPeople(p.limited(p.thumb))},
	}
}

func (s *Server) createPortal(w http.ResponseWriter, r *http.Request) error {
	var np dam.NewPortal
	if err := s.readJSON(r, w, &np); err != nil {
		return err
	}
	v, err := s.lib.CreatePortal(r.Context(), np)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listPortals(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.lib.Portals(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": vs})
	return nil
}

func (s *Server) getPortal(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lib.Portal(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) updatePortal(w http.ResponseWriter, r *http.Request) error {
	var np dam.NewPortal
	if err := s.readJSON(r, w, &np); err != nil {
		return err
	}
	v, err := s.lib.UpdatePortal(r.Context(), r.PathValue("id"), np)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) deletePortal(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeletePortal(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func tooMany(wait time.Duration, what string) error {
	return exhausted("damhttp.portal", wait, "too many "+what+": wait "+waitText(wait)+" and try again")
}

// limited refuses a client address whose failed guesses (an unknown
// portal, link or asset: NotFound) are spent, counts the request against
// the address's budget on this portal (1,500 at once, then 20 a second,
// like a share link: a visitor downloading a whole portal one asset at a
// time never waits), and counts a NotFound answer as a failed guess.
func (p *portalRoutes) limited(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		const op = "damhttp.portal"
		addr, now := clientAddress(r), p.s.lib.Now()
		if wait := p.s.guessLimit.Wait(addr, now); wait > 0 {
			return tooManyAttempts(op, wait)
		}
		// The slug is the visitor's to choose: keyed by its hash, a key
		// stays small however long the slug.
		sum := sha256.Sum256([]byte(r.PathValue("slug")))
		if ok, wait := p.s.portalLimit.Take(addr+" "+hex.EncodeToString(sum[:12]), now); !ok {
			return tooMany(wait, "requests on this portal from your address")
		}
		w.Header().Set("Referrer-Policy", "no-referrer") // a signed link is in the URL
		w.Header().Set("Cache-Control", "no-store")
		err := h(w, r)
		if dam.KindOf(err) == dam.NotFound {
			p.s.guessLimit.Take(addr, now)
		}
		return err
	}
}

// portalAsset is a portal asset with where to download it, when the
// visitor may.
type portalAsset struct {
	dam.PortalAsset
	DownloadURL string `json:"download_url,omitempty"`
}

type portalPage struct {
	dam.PortalView
	Assets     []portalAsset `json:"assets"`
	RequestURL string        `json:"request_url,omitempty"`
}

// portalJSON adds download URLs under base to a view.
func portalJSON(v dam.PortalView, base string) portalPage {
	out := portalPage{PortalView: v, Assets: make([]portalAsset, len(v.Assets))}
	for i, a := range v.Assets {
		out.Assets[i] = portalAsset{PortalAsset: a}
		if a.Downloadable {
			out.Assets[i].DownloadURL = base + "/assets/" + url.PathEscape(a.ID)
		}
	}
	if v.Mode == dam.PortalRequest || v.Mode == dam.PortalAutoApprove {
		out.RequestURL = "/p/" + url.PathEscape(v.Slug) + "/requests"
	}
	return out
}

func (p *portalRoutes) view(w http.ResponseWriter, r *http.Request) error {
	v, err := p.s.lib.PortalPage(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, portalJSON(v, "/p/"+url.PathEscape(v.Slug)))
	return nil
}

func (p *portalRoutes) openDownload(w http.ResponseWriter, r *http.Request) error {
	slug, id := r.PathValue("slug"), r.PathValue("id")
	var d *dam.Download
	var err error
	if q := r.URL.Query(); q.Has("accept_licence") {
		v, verr := licenceVersion(q.Get("version"))
		if verr != nil {
			return verr
		}
		d, err = p.s.lib.PortalOpenAccepting(r.Context(), slug, id, q.Get("accept_licence"), v)
	} else {
		d, err = p.s.lib.PortalOpen(r.Context(), slug, "", id)
	}
	if err != nil {
		return visitorRefusal(r, err)
	}
	defer d.Close()
	p.s.serveDownload(w, r, d, false)
	return nil
}

func (p *portalRoutes) request(w http.ResponseWriter, r *http.Request) error {
	if ok, wait := p.requests.Take(clientAddress(r), p.s.lib.Now()); !ok {
		return tooMany(wait, "requests from your address")
	}
	var vr dam.VisitorRequest
	if err := p.s.readJSON(r, w, &vr); err != nil {
		return err
	}
	if ok, wait := p.emails.Take(strings.ToLower(strings.TrimSpace(vr.Email)), p.s.lib.Now()); !ok {
		return tooMany(wait, "requests for this email address")
	}
	res, err := p.s.lib.RequestPortalDownload(r.Context(), r.PathValue("slug"), vr)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, requestResult(res))
	return nil
}

func (p *portalRoutes) access(w http.ResponseWriter, r *http.Request) error {
	v, err := p.s.lib.PortalAccess(r.Context(), r.PathValue("slug"), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, portalJSON(v, "/p/"+url.PathEscape(v.Slug)+"/access/"+url.PathEscape(r.PathValue("token"))))
	return nil
}

func (p *portalRoutes) download(w http.ResponseWriter, r *http.Request) error {
	d, err := p.s.lib.PortalOpen(r.Context(), r.PathValue("slug"), r.PathValue("token"), r.PathValue("id"))
	if err != nil {
		return visitorRefusal(r, err)
	}
	defer d.Close()
	p.s.serveDownload(w, r, d, false)
	return nil
}

// thumb serves a portal asset's thumbnail inline; the token is "" on the
// anonymous page.
func (p *portalRoutes) thumb(w http.ResponseWriter, r *http.Request) error {
	open := p.s.lib.PortalThumb
	if video, err := previewAs(r); err != nil {
		return err
	} else if video {
		open = p.s.lib.PortalVideo
	}
	d, err := open(r.Context(), r.PathValue("slug"), r.PathValue("token"), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer d.Close()
	p.s.serveDownload(w, r, d, true)
	return nil
}

// visitorRefusal points a visitor refused for want of a grant at the
// portal's request form, not at the users' request API.
func visitorRefusal(r *http.Request, err error) error {
	if dam.KindOf(err) != dam.NeedsRequest {
		return err
	}
	return dam.E("damhttp.portal", dam.NeedsRequest, "ask for access first: POST /p/%s/requests with your email address",
		url.PathEscape(r.PathValue("slug")))
}
