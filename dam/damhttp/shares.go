package damhttp

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

func init() { routeSets = append(routeSets, (*Server).shareRoutes) }

// ShareLink is where a guest opens a share: /s/{token}.
func (b links) ShareLink(token string) string { return string(b) + "/s/" + url.PathEscape(token) }

// Limits of the guest routes. Failed guesses (a token that opens no
// share) are counted per client address: 60 at once, then 2 a second.
// Guessing a 256-bit token is hopeless anyway; this keeps scanners from
// costing the store a query per guess. Traffic with a valid link is
// counted per link, apart: 1,500 requests at once, then 20 a second, so a
// guest who opens a 500-asset share and fetches every preview and every
// asset one by one (1,001 requests) never waits, while one leaked link
// cannot flood the server.
const (
	guestRate      = 2
	guestBurst     = 60
	guestMaxKeys   = 10000
	guestLinkRate  = 20
	guestLinkBurst = 1500
)

// shareRoutes are the sharer's API and the guests' routes. Guest routes
// carry the share token in the URL instead of an API key, check the share
// on every request, and are rate-limited per client address.
func (s *Server) shareRoutes() []route {
	g := &guestRoutes{s: s}
	return []route{
		{"POST", "/api/v1/shares", true, s.createShare},
		{"GET", "/api/v1/shares", true, s.listShares},
		{"GET", "/api/v1/shares/{id}", true, s.getShare},
		{"PATCH", "/api/v1/shares/{id}", true, s.editShare},
		{"DELETE", "/api/v1/shares/{id}", true, s.deleteShare},
		{"POST", "/api/v1/shares/{id}/assets", true, s.addShareAssets},
		{"DELETE", "/api/v1/shares/{id}/assets", true, s.removeShareAssets},
		{"POST", "/api/v1/shares/{id}/guests", true, s.inviteGuests},
		{"DELETE", "/api/v1/shares/{id}/guests/{guest}", true, s.removeGuest},
		{"GET", "/s/{token}", false, s.forPeople(g.limited(g.viewOrPage))},
		{"GET", "/s/{token}/assets/{id}", false, s.forPeople(g.limited(g.download))},
		{"GET", "/s/{token}/download", false, s.forPeople(g.limited(g.archive))},
	}
}

func (s *Server) createShare(w http.ResponseWriter, r *http.Request) error {
	var b shareBody
	if err := s.readJSON(r, w, &b); err != nil {
		return err
	}
	ns, err := b.newShare("damhttp.createShare")
	if err != nil {
		return err
	}
	v, err := s.lib.CreateShare(r.Context(), ns)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) listShares(w http.ResponseWriter, r *http.Request) error {
	vs, err := s.lib.Shares(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": vs})
	return nil
}

func (s *Server) getShare(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lib.Share(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) editShare(w http.ResponseWriter, r *http.Request) error {
	var p dam.SharePatch
	if err := s.readJSON(r, w, &p); err != nil {
		return err
	}
	v, err := s.lib.EditShare(r.Context(), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) deleteShare(w http.ResponseWriter, r *http.Request) error {
	if err := s.lib.DeleteShare(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) addShareAssets(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		AssetIDs []string `json:"asset_ids"`
	}
	if err := s.readJSON(r, w, &body); err != nil {
		return err
	}
	v, err := s.lib.AddShareAssets(r.Context(), r.PathValue("id"), body.AssetIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) removeShareAssets(w http.ResponseWriter, r *http.Request) error {
	ids := r.URL.Query()["asset"]
	if len(ids) == 0 {
		return dam.E("damhttp.removeShareAssets", dam.Invalid, "name the assets to remove with ?asset=ID (repeatable)")
	}
	v, err := s.lib.RemoveShareAssets(r.Context(), r.PathValue("id"), ids)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) inviteGuests(w http.ResponseWriter, r *http.Request) error {
	var in dam.Invitees
	if err := s.readJSON(r, w, &in); err != nil {
		return err
	}
	v, err := s.lib.InviteGuests(r.Context(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) removeGuest(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lib.RemoveGuest(r.Context(), r.PathValue("id"), r.PathValue("guest"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// guestRoutes serve /s/{token}; the limits live on the Server
// (guessLimit, linkLimit), shared by every guest route.
type guestRoutes struct {
	s *Server
}

// clientAddress is the key attempts are counted under: the connection's
// IP. A host behind a proxy rewrites RemoteAddr before the handler (for
// example with a middleware that trusts its own proxy's header).
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limited refuses a client address whose failed guesses are spent (429),
// resolves the token into a guest context for h (every request checks the
// share again), counts a token that opens nothing as a failed guess, and
// counts a valid one against its link's own budget.
func (g *guestRoutes) limited(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		const op = "damhttp.guest"
		addr, now := clientAddress(r), g.s.lib.Now()
		if wait := g.s.guessLimit.Wait(addr, now); wait > 0 {
			return tooManyAttempts(op, wait)
		}
		w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
		r, err := g.guestKey(w, r)
		var ctx context.Context
		var sh *dam.Share
		if err == nil {
			ctx, sh, err = g.s.lib.GuestActor(r.Context(), r.PathValue("token"))
		}
		if dam.KindOf(err) == dam.NotFound {
			g.s.guessLimit.Take(addr, now)
		}
		if passwordRequired(err) && acceptsHTML(r) && r.Method == http.MethodGet {
			g.askPassword(w, r, "")
			return nil
		}
		if err != nil {
			return err
		}
		guest, _ := dam.ActorFrom(ctx)
		if ok, wait := g.s.linkLimit.Take(sh.ID+" "+guest.Email, now); !ok {
			return exhausted(op, wait, "too many requests on this link: wait "+waitText(wait)+" and try again")
		}
		return h(w, r.WithContext(ctx))
	}
}

// tooManyAttempts refuses a client address whose failed attempts are spent.
func tooManyAttempts(op string, wait time.Duration) error {
	return exhausted(op, wait, "too many failed attempts from your address: wait "+waitText(wait)+" and try again")
}

// guestAsset is a shared asset with where to download it.
type guestAsset struct {
	dam.SharedAsset
	DownloadURL string `json:"download_url"`
}

type guestShare struct {
	dam.GuestView
	Assets         []guestAsset `json:"assets"`
	DownloadAllURL string       `json:"download_all_url"`
	// DownloadsURL is the guest's download inbox: POST there for a
	// background ZIP when the share is past what download_all_url streams.
	DownloadsURL string `json:"downloads_url"`
}

func (g *guestRoutes) view(w http.ResponseWriter, r *http.Request) error {
	v, err := g.s.lib.GuestShare(r.Context())
	if err != nil {
		return err
	}
	base := "/s/" + url.PathEscape(r.PathValue("token"))
	out := guestShare{GuestView: v, Assets: make([]guestAsset, len(v.Assets)), DownloadAllURL: base + "/download",
		DownloadsURL: base + "/downloads"}
	for i, a := range v.Assets {
		out.Assets[i] = guestAsset{SharedAsset: a, DownloadURL: base + "/assets/" + url.PathEscape(a.ID)}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (g *guestRoutes) download(w http.ResponseWriter, r *http.Request) error {
	profile, err := httpdam.Profile(r.URL.Query())
	if err != nil {
		return err
	}
	d, err := g.s.lib.GuestOpen(r.Context(), r.PathValue("id"), profile)
	if err != nil {
		return err
	}
	defer d.Close()
	g.s.serveDownload(w, r, d, false)
	return nil
}

func (g *guestRoutes) archive(w http.ResponseWriter, r *http.Request) error {
	p, err := g.s.lib.GuestArchive(r.Context())
	if err != nil {
		return err
	}
	defer p.Close()
	h := w.Header()
	h.Set("Content-Type", p.MediaType)
	h.Set("Content-Disposition", attachment(p.Name))
	h.Set("ETag", p.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	httpdam.ServeContent(w, r, p.ModTime, p, g.s.opts.WriteTimeout)
	return p.ReadError()
}
