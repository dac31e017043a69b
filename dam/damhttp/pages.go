package damhttp

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Pages for people: a guest opens /s/{token} from an email, in a browser.
// Browsers (Accept naming text/html) get a plain server-rendered HTML page
// and HTML error pages; API clients keep the JSON. The pages load nothing
// from elsewhere and run no script: the only style is inline, allowed by
// its hash in a strict Content-Security-Policy.

//go:embed templates/*.html templates/page.css
var pageFiles embed.FS

var (
	pageCSS       = mustReadPage("templates/page.css")
	pageCSP       = pagePolicy(pageCSS)
	pageTemplates = template.Must(template.ParseFS(pageFiles, "templates/*.html"))
)

func mustReadPage(name string) string {
	b, err := pageFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// pagePolicy allows images from the page's own origin and the one inline
// style sheet, and nothing else: no script, no frames, no forms.
func pagePolicy(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

func init() { routeSets = append(routeSets, (*Server).pageRoutes) }

func (s *Server) pageRoutes() []route {
	p := &guestRoutes{s: s}
	return []route{
		{"GET", "/s/{token}/assets/{id}/preview", false, s.forPeople(p.limited(p.preview))},
	}
}

// acceptsHTML reports whether the client is a browser asking for a page.
func acceptsHTML(r *http.Request) bool {
	return strings.Contains(strings.ToLower(r.Header.Get("Accept")), "text/html")
}

// sentTracker notes whether a handler began its response.
type sentTracker struct {
	http.ResponseWriter
	sent bool
}

func (w *sentTracker) WriteHeader(code int) { w.sent = true; w.ResponseWriter.WriteHeader(code) }
func (w *sentTracker) Write(p []byte) (int, error) {
	w.sent = true
	return w.ResponseWriter.Write(p)
}
func (w *sentTracker) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// forPeople answers a browser's failed request with an HTML page instead
// of the JSON error; other clients get h's answer unchanged.
func (s *Server) forPeople(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !acceptsHTML(r) {
			return h(w, r)
		}
		tw := &sentTracker{ResponseWriter: w}
		err := h(tw, r)
		if err == nil || tw.sent {
			return err
		}
		s.writeProblemPage(w, r, err)
		return nil
	}
}

// viewOrPage answers /s/{token}: the share's page for browsers, its JSON
// for API clients.
func (g *guestRoutes) viewOrPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Add("Vary", "Accept")
	if acceptsHTML(r) {
		return g.page(w, r)
	}
	return g.view(w, r)
}

// pageBase is what every page's layout needs.
type pageBase struct {
	PageTitle string
	CSS       template.CSS
	// Refresh, when not 0, reloads the page every so many seconds in a
	// browser that runs no script (a download inbox while it moves).
	Refresh int
}

type sharePage struct {
	pageBase
	Title, Description, SharedBy, Profile string
	Expires, ExpiresISO                   string
	DownloadAll                           string // "" while a licence waits for acceptance, or view-only
	// Background asks for the ZIP as a background download (a form
	// posting to it), Downloads is the guest's download inbox; the ZIP
	// link is left out when the share is past the synchronous limits.
	Background, Downloads string
	ViewOnly              bool
	DownloadsLeft         *int
	Assets                []pageAsset
	Licences              []pageLicence
}

type pageAsset struct {
	Name, Kind, Size  string
	Download, Preview string // Preview is "" for assets shown with an icon
	// Video is the MP4 preview a <video> plays (Preview its poster), "" for
	// assets that are not videos or are seen watermarked.
	Video string
	// Profile is the export profile the file is delivered in, when it is
	// the asset's own (a shared collection's; "" for the original or the
	// share's profile, which the page says once).
	Profile string
	// Licence is the title of a licence to accept before Download works;
	// AcceptLicence and LicenceVersion, for anonymous portal visitors, are
	// what the download form sends along to accept it with the download.
	Licence        string
	AcceptLicence  string
	LicenceVersion int
}

// pageLicence is a licence shown on a page, with the form that accepts it
// (Accept "" when the visitor cannot accept it apart from a download).
type pageLicence struct {
	ID, Title, Text, Accept string
	Version                 int
	Pending, Accepted       bool
}

// pageLicences lists the licences of a guest's or visitor's view, pending
// first, each with its accept form under base.
func pageLicences(ls []dam.Licence, as []dam.SharedAsset, base string) []pageLicence {
	pending, accepted := map[string]bool{}, map[string]bool{}
	for _, a := range as {
		pending[a.Licence] = pending[a.Licence] || a.LicencePending
		accepted[a.Licence] = accepted[a.Licence] || a.LicenceAccepted
	}
	var out []pageLicence
	for _, l := range ls {
		pl := pageLicence{ID: l.ID, Title: l.Title, Text: l.Text, Version: l.Version, Pending: pending[l.ID], Accepted: accepted[l.ID]}
		if base != "" {
			pl.Accept = base + "/licences/" + url.PathEscape(l.ID) + "/accept"
		}
		out = append(out, pl)
	}
	slices.SortStableFunc(out, func(a, b pageLicence) int {
		switch {
		case a.Pending == b.Pending:
			return 0
		case a.Pending:
			return -1
		}
		return 1
	})
	return out
}

// licenceTitle returns the title of the licence a asset waits for, "".
func licenceTitle(ls []dam.Licence, a dam.SharedAsset) string {
	if !a.LicencePending {
		return ""
	}
	for _, l := range ls {
		if l.ID == a.Licence {
			return l.Title
		}
	}
	return a.Licence
}

func (g *guestRoutes) page(w http.ResponseWriter, r *http.Request) error {
	v, err := g.s.lib.GuestShare(r.Context())
	if err != nil {
		return err
	}
	by, err := g.s.lib.GuestSharer(r.Context())
	if err != nil {
		return err
	}
	base := "/s/" + url.PathEscape(r.PathValue("token"))
	p := sharePage{
		pageBase:    pageBase{PageTitle: v.Title + " \u2013 shared files", CSS: template.CSS(pageCSS)},
		Title:       v.Title,
		Description: v.Description,
		SharedBy:    by,
		Profile:     v.Profile,
		Expires:     v.ExpiresAt.UTC().Format("Monday 2 January 2006, 15:04 MST"),
		ExpiresISO:  v.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z"),
		DownloadAll: base + "/download",
		Licences:    pageLicences(v.Licences, v.Assets, base),
		ViewOnly:    v.ViewOnly, DownloadsLeft: v.DownloadsLeft,
	}
	noDownloads := v.ViewOnly || v.DownloadsLeft != nil && *v.DownloadsLeft == 0
	if !v.ViewOnly {
		p.Downloads = base + "/downloads"
	}
	if noDownloads {
		p.DownloadAll = ""
	} else {
		p.Background = base + "/downloads"
		if g.s.lib.TooLargeToStream(v.Assets) {
			p.DownloadAll = ""
		}
	}
	for _, a := range v.Assets {
		dl := base + "/assets/" + url.PathEscape(a.ID)
		pa := pageAsset{Name: a.Name, Kind: string(a.Kind), Download: dl, Size: humanSize(a.Size), Licence: licenceTitle(v.Licences, a)}
		if noDownloads {
			pa.Download, pa.Licence = "", "" // the policy refuses these downloads anyway: offer none
		}
		if pa.Licence != "" {
			p.DownloadAll, p.Background = "", ""
		}
		if a.Profile != "" {
			pa.Size, pa.Profile = "Original "+pa.Size, a.Profile
		}
		if g.s.lib.Previewable(a.MediaType) {
			pa.Preview = dl + "/preview"
		}
		if g.s.lib.PlaysVideo(a.MediaType) {
			pa.Video = dl + "/preview?as=video"
		}
		p.Assets = append(p.Assets, pa)
	}
	g.s.writePage(formPolicy{w}, http.StatusOK, "share", p)
	return nil
}

// preview serves a guest's thumbnail inline, or with ?as=video the MP4
// preview of a video (Range requests answered, for the <video> player).
func (g *guestRoutes) preview(w http.ResponseWriter, r *http.Request) error {
	open := g.s.lib.GuestPreview
	if video, err := previewAs(r); err != nil {
		return err
	} else if video {
		open = g.s.lib.GuestVideo
	}
	d, err := open(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer d.Close()
	g.s.serveDownload(w, r, d, true)
	return nil
}

type problemPage struct {
	pageBase
	Heading, Message string
}

// writeProblemPage is the HTML form of an error. Every not-found is the
// same page, so it never tells an unknown link from an expired, disabled
// or revoked one.
func (s *Server) writeProblemPage(w http.ResponseWriter, r *http.Request, err error) {
	kind := dam.KindOf(err)
	status := statusOf(kind)
	p := problemPage{pageBase: pageBase{CSS: template.CSS(pageCSS)}}
	switch {
	case kind == dam.NotFound:
		p.Heading = "This link is no longer valid"
		p.Message = "The link may have expired or been turned off. Ask the person who sent it to you for a new one."
	case kind == dam.ResourceExhausted:
		p.Heading = "Too many attempts"
		p.Message = "Please wait a little, then try again."
	case status == http.StatusInternalServerError:
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", logPath(r), "err", err)
		p.Heading = "Something went wrong"
		p.Message = "This page cannot be shown right now. Please try again later."
	default:
		p.Heading = "This cannot be downloaded"
		p.Message = dam.ErrorMessage(err)
	}
	p.PageTitle = p.Heading
	s.writePage(w, status, "problem", p)
}

// writePage renders a page whole before sending it, so a template error
// is a clean 500 rather than half a page.
func (s *Server) writePage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("rendering a page failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// humanSize writes a byte count the way people read it: "2.4 MB".
func humanSize(n int64) string {
	if n < 1000 {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n)
	for _, unit := range []string{"kB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 999.5 || unit == "TB" {
			if f < 10 {
				return fmt.Sprintf("%.1f %s", f, unit)
			}
			return fmt.Sprintf("%.0f %s", f, unit)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// previewAs reads a preview route's ?as= parameter: "video" asks for the
// MP4 preview of a video, nothing for the still image.
func previewAs(r *http.Request) (bool, error) {
	switch as := r.URL.Query().Get("as"); as {
	case "":
		return false, nil
	case "video":
		return true, nil
	default:
		return false, dam.E("damhttp.preview", dam.Invalid, "as must be video or absent (got %.20q)", as)
	}
}
