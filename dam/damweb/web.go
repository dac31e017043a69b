// Package damweb is the web interface of a dam.Library for the people who
// use it: sign in, browse and search the library, open an asset, upload,
// select many and act on them, collections, the trash, the downloads
// inbox, notifications and their own account.
//
// Pages are rendered on the server from embedded html/template files and
// work without JavaScript for reading and for every form; small plain-JS
// modules (embedded too, no build step) add drag-and-drop upload with
// progress, shift-click selection and live job progress. A handler parses
// the request, calls one dam method and renders: the rules live in dam.
//
// Identity is the built-in sign-in (an API key pasted once, or a one-time
// link sent by email) backed by dam sessions in an HttpOnly, SameSite=Lax
// cookie, unless the host sets Options.Authenticate, the hook
// dam/damhttp takes too. Cross-site writes are refused with
// http.CrossOriginProtection, and the Content-Security-Policy allows no
// inline script or style.
package damweb

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// Options tunes the web interface; zero values are sane defaults.
type Options struct {
	// Authenticate, when set, replaces the built-in sign-in: every page
	// asks it for the actor (the same hook as damhttp.Options).
	Authenticate httpdam.Authenticate
	// BaseURL is the public URL of the site (for Secure cookies on
	// https). "" means the request's own scheme decides.
	BaseURL string
	// LibraryName is shown in the header and page titles (default "damkit").
	LibraryName string
	// WriteTimeout is the per-write deadline of long downloads, and
	// ReadTimeout the per-read deadline of uploads (default 60 s each): a
	// transfer of any length goes on while bytes flow.
	WriteTimeout time.Duration
	ReadTimeout  time.Duration
	// MaxFormBody bounds a form post that is not an upload (default 1 MiB).
	MaxFormBody int64
	Logger      *slog.Logger // nil discards
}

// Handler serves the pages; build it with New.
type Handler struct {
	lib    *dam.Library
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	pages  *pageSet
	signIn *dam.GuestLimiter // sign-in attempts per client address
	secure bool              // cookies carry Secure
	root   http.Handler
}

// New returns the web interface of lib.
func New(lib *dam.Library, opts *Options) *Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LibraryName == "" {
		o.LibraryName = "damkit"
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 60 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 60 * time.Second
	}
	if o.MaxFormBody <= 0 {
		o.MaxFormBody = 1 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{lib: lib, opts: o, log: o.Logger, mux: http.NewServeMux(), pages: loadPages(),
		signIn: dam.NewGuestLimiter(float64(time.Second)/float64(signInEvery), signInBurst, 10000), secure: strings.HasPrefix(o.BaseURL, "https://")}
	for _, rt := range h.table() {
		h.mux.Handle(rt.method+" "+rt.pattern, h.wrap(rt))
	}
	h.mux.Handle("/", h.wrap(route{"", "/", false, func(w http.ResponseWriter, r *http.Request) error {
		return dam.E("damweb", dam.NotFound, "there is no page at this address")
	}}))
	// Writes from other sites are refused before any handler runs (Go's
	// Sec-Fetch-Site / Origin check); SameSite=Lax cookies are the second
	// line.
	h.root = http.NewCrossOriginProtection().Handler(h.mux)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.root.ServeHTTP(w, r) }

// handlerFunc is a page handler that returns its error for the error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the routing table. auth routes need a signed-in
// user; the authorization tests walk this table.
type route struct {
	method, pattern string
	auth            bool
	h               handlerFunc
}

// routeSets are the route groups, one per area; each file adds its own in
// an init function so areas do not edit each other's files.
var routeSets []func(*Handler) []route

// table is the whole routing table, in a stable order.
func (h *Handler) table() []route {
	var all []route
	for _, set := range routeSets {
		all = append(all, set(h)...)
	}
	return all
}

// Routes lists the method and pattern of every page route, for tests and
// for hosts that mount the handler beside others.
func (h *Handler) Routes() []string {
	var out []string
	for _, rt := range h.table() {
		out = append(out, rt.method+" "+rt.pattern)
	}
	return out
}

// wrap adds security headers, panic recovery, authentication and the
// error page to a route.
func (h *Handler) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &httpdam.StatusWriter{ResponseWriter: w}
		hd := w.Header()
		hd.Set("Content-Security-Policy", pagePolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				h.log.ErrorContext(r.Context(), "page panic", "path", r.URL.Path, "panic", p)
				if sw.Status == 0 {
					h.renderError(sw, r, dam.E("damweb", dam.Internal, "panic: %v", p))
				}
			}
			h.log.InfoContext(r.Context(), "page", "method", r.Method, "path", r.URL.Path,
				"status", sw.Status, "bytes", sw.Bytes, "dur", time.Since(start).Round(time.Microsecond))
		}()
		if rt.auth {
			a, err := h.actor(r)
			if err != nil {
				if dam.KindOf(err) == dam.Unauthenticated && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
					!wantsJSON(r) {
					http.Redirect(sw, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				h.renderError(sw, r, err)
				return
			}
			r = r.WithContext(dam.WithActor(r.Context(), a))
		}
		if r.Method == http.MethodPost && r.Body != nil {
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				r.Body = http.MaxBytesReader(sw, r.Body, h.opts.MaxFormBody)
			}
			// Uploads can be long: no whole-request timeout, but a sender
			// that stalls is cut off after one ReadTimeout.
			r.Body = httpdam.DeadlineReader(sw, r.Body, h.opts.ReadTimeout)
		}
		if err := rt.h(sw, r); err != nil {
			if sw.Status != 0 {
				h.log.WarnContext(r.Context(), "response failed midway", "path", r.URL.Path, "err", err)
				panic(http.ErrAbortHandler)
			}
			h.renderError(sw, r, err)
		}
	})
}

// actor resolves the request's identity: the host's hook, or the session
// cookie.
func (h *Handler) actor(r *http.Request) (dam.Actor, error) {
	if h.opts.Authenticate != nil {
		return h.opts.Authenticate(r)
	}
	a, _, err := h.session(r)
	return a, err
}

// wantsJSON reports whether a script (not a person) asked; such callers
// get the status code instead of a redirect to the sign-in page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// actorOf returns the signed-in actor of a request that passed wrap.
func actorOf(ctx context.Context) dam.Actor {
	a, _ := dam.ActorFrom(ctx)
	return a
}
