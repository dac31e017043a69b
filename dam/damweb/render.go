package damweb

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pagePolicy lets pages load scripts, styles and images from their own
// origin only: no inline script or style, no frames, forms post home.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// pageSet holds one template per page, each parsed with the shared layout
// and partials, and the content hashes of the static files (their URLs
// carry the hash, so they can be cached for good).
type pageSet struct {
	pages  map[string]*template.Template
	hashes map[string]string
}

func loadPages() *pageSet {
	ps := &pageSet{pages: map[string]*template.Template{}, hashes: map[string]string{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ps.hashes[path.Base(p)] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		panic(err)
	}
	base := template.Must(template.New("").Funcs(ps.funcs()).ParseFS(templateFiles, "templates/_*.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		name := path.Base(n)
		if strings.HasPrefix(name, "_") {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFiles, n))
		ps.pages[strings.TrimSuffix(name, ".html")] = t
	}
	return ps
}

func (ps *pageSet) funcs() template.FuncMap {
	return template.FuncMap{
		"static": func(name string) string { return "/static/" + name + "?v=" + ps.hashes[name] },
		"bytes":  humanBytes,
		"date":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
		"when":   func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"join":   strings.Join,
		"query":  url.QueryEscape,
		"path":   url.PathEscape,
		"initial": func(s string) string {
			for _, r := range s {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
	}
}

// humanBytes says a size as people read it: 1.4 MB.
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// view is what the layout needs on every page; Data is the page's own.
type view struct {
	Title    string
	Library  string
	Section  string // the menu entry to mark as current
	Me       dam.Actor
	SignedIn bool
	Unread   int // unread notifications (100 means "99+")
	Pending  int // owners: requests waiting for a decision (100 means "99+")
	Flash    string
	Query    string // the search box's value
	Data     any
}

// render writes page name with data under the shared layout.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, section string, data any) error {
	t, ok := h.pages.pages[name]
	if !ok {
		return dam.E("damweb.render", dam.Internal, "no page template %q", name)
	}
	v := view{Title: title, Library: h.opts.LibraryName, Section: section, Data: data, Flash: takeFlash(w, r),
		Query: r.URL.Query().Get("q")}
	if a, ok := dam.ActorFrom(r.Context()); ok && a.Kind == dam.ActorUser {
		v.Me, v.SignedIn = a, true
		if ns, _, err := h.lib.Inbox(r.Context(), true, "", 100); err == nil {
			v.Unread = len(ns)
		}
		if a.IsOwner() && h.receivesRequests(r, a) {
			if n, err := h.lib.PendingRequestCount(r.Context(), 100); err == nil {
				v.Pending = n
			}
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return dam.E("damweb.render", dam.Internal, "page %s: %v", name, err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// problem is the data of the error page.
type problem struct {
	Status  int
	Heading string
	Message string
	SignIn  string // a sign-in link when the session ended
	Ask     string // the asset's page, where a refused download can be requested
}

// renderError answers a failed request with a page in plain words.
// Internal errors are logged with their detail and shown as a generic
// message; an object out of reach reads exactly as an absent one (dam
// already answers NotFound for both).
func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, err error) {
	kind := dam.KindOf(err)
	status := httpdam.StatusOf(kind)
	p := problem{Status: status, Message: dam.ErrorMessage(err)}
	switch kind {
	case dam.NotFound:
		p.Heading = "Not found"
	case dam.Unauthenticated:
		p.Heading, p.SignIn = "Please sign in", "/signin?next="+url.QueryEscape(r.URL.RequestURI())
		if r.Method != http.MethodGet {
			p.SignIn = "/signin"
		}
	case dam.PermissionDenied, dam.NeedsRequest, dam.LicenceRequired:
		p.Heading = "Not allowed"
		if id := r.PathValue("id"); kind == dam.NeedsRequest && id != "" && strings.HasPrefix(r.URL.Path, "/assets/") {
			p.Ask = "/assets/" + url.PathEscape(id)
		}
	case dam.Invalid, dam.TooLarge:
		p.Heading = "That did not work"
	case dam.ResourceExhausted:
		p.Heading = "Too many at once"
		httpdam.SetRetryAfter(w, err)
	default:
		p.Heading = "Something went wrong"
	}
	if status >= 500 {
		h.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Message = "Something went wrong on our side. Please try again in a moment."
	}
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"code":%q,"message":%q}}`, kind.String(), p.Message)
		return
	}
	if rerr := h.render(w, r, status, "problem", p.Heading, "", p); rerr != nil {
		http.Error(w, p.Message, status)
	}
}

// Flash messages say what a form post did on the page it redirects to.
const flashCookie = "damkit_flash"

func setFlash(w http.ResponseWriter, msg string) {
	if len(msg) > 300 {
		msg = msg[:300]
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	return msg
}

// redirect answers a form post with 303 to the page that shows its result.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		setFlash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// localPath keeps a "next" address on this site: a path, never a scheme,
// host or protocol-relative "//" address.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return fallback
	}
	return next
}

func init() { routeSets = append(routeSets, (*Handler).staticRoutes) }

func (h *Handler) staticRoutes() []route {
	return []route{{"GET", "/static/{name}", false, h.static}, {"GET", "/favicon.ico", false, h.favicon}}
}

// favicon answers the browsers that ask /favicon.ico of a page that names
// no icon (the guest and portal pages served beside these ones) with the
// library's icon, rather than a 404 in their console.
func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) error {
	b, err := staticFiles.ReadFile("static/icon.svg")
	if err != nil {
		return dam.E("damweb.favicon", dam.Internal, "%v", err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/svg+xml")
	hd.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	return nil
}

// static serves the embedded CSS and scripts; their URLs carry a content
// hash, so a matching request may be cached for a year.
func (h *Handler) static(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		return dam.E("damweb.static", dam.NotFound, "no such file")
	}
	hd := w.Header()
	switch path.Ext(name) {
	case ".css":
		hd.Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		hd.Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		hd.Set("Content-Type", "image/svg+xml")
	}
	if r.URL.Query().Get("v") == h.pages.hashes[name] {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	hd.Set("ETag", `"`+h.pages.hashes[name]+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	return nil
}

// plural says a count with its noun: "1 request", "3 requests".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// count is plural for nouns that take an s: "1 asset", "3 assets".
func count(n int, noun string) string { return plural(n, noun, noun+"s") }

// receivesRequests reports whether an owner is among those the settings
// send download requests to: only they get the menu's pending count.
func (h *Handler) receivesRequests(r *http.Request, a dam.Actor) bool {
	st, err := h.lib.Settings(r.Context())
	return err == nil && !slices.Contains(st.Deselected, a.UserID)
}
