package damhttp

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// Options tunes the HTTP layer; zero values are sane defaults.
type Options struct {
	MaxJSONBody  int64         // bytes of a JSON request body; default 1 MiB
	WriteTimeout time.Duration // per-write deadline of long responses; default 60 s
	ReadTimeout  time.Duration // per-read deadline of uploads; default 60 s
	Logger       *slog.Logger  // nil discards
	// Authenticate, when set, resolves every authenticated route's actor
	// instead of the built-in "Authorization: Bearer <API key>" (a host's
	// own sessions, OIDC, a reverse proxy's header). dam/damweb takes the
	// same hook, so one identity serves the API and the pages.
	Authenticate httpdam.Authenticate
}

// Server is the reference HTTP API of a Library (an http.Handler).
type Server struct {
	lib  *dam.Library
	opts Options
	log  *slog.Logger
	mux  *http.ServeMux
	// guessLimit counts failed guesses (share tokens, portal links) per
	// client address; linkLimit counts the requests of each valid share
	// link (shares.go), portalLimit those of each address on a portal
	// (portals.go).
	guessLimit, linkLimit, portalLimit *dam.GuestLimiter
}

// New returns the HTTP API of lib.
func New(lib *dam.Library, opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxJSONBody <= 0 {
		o.MaxJSONBody = 1 << 20
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 60 * time.Second
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = 60 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{lib: lib, opts: o, log: o.Logger, mux: http.NewServeMux(),
		guessLimit:  dam.NewGuestLimiter(guestRate, guestBurst, guestMaxKeys),
		linkLimit:   dam.NewGuestLimiter(guestLinkRate, guestLinkBurst, guestMaxKeys),
		portalLimit: dam.NewGuestLimiter(guestLinkRate, guestLinkBurst, guestMaxKeys)}
	s.routes()
	return s
}

// handlerFunc is a handler that returns its error for writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the routing table; the OpenAPI test checks that
// every route is documented.
type route struct {
	method, pattern string
	auth            bool
	h               handlerFunc
}

func (s *Server) routes() {
	for _, rt := range s.table() {
		h := s.wrap(rt)
		s.mux.Handle(rt.method+" "+rt.pattern, h)
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, dam.E("damhttp", dam.NotFound, "no such endpoint: %s %s", r.Method, logPath(r)))
	})
}

// routeSets are the route groups of the API, one per area; each file adds
// its group in an init function, so areas do not edit each other's files.
var routeSets = []func(*Server) []route{(*Server).coreRoutes}

// table is the whole routing table, in a stable order.
func (s *Server) table() []route {
	var all []route
	for _, set := range routeSets {
		all = append(all, set(s)...)
	}
	return all
}

func (s *Server) coreRoutes() []route {
	return []route{
		{"GET", "/healthz", false, s.health},
		{"GET", "/api/v1/openapi.json", false, s.openAPI},
		{"POST", "/api/v1/users", true, s.createUser},
		{"GET", "/api/v1/users", true, s.listUsers},
		{"GET", "/api/v1/me", true, s.me},
		{"POST", "/api/v1/assets", true, s.upload},
		{"GET", "/api/v1/assets", true, s.listAssets},
		{"PATCH", "/api/v1/assets", true, s.bulkEdit},
		{"GET", "/api/v1/assets/{id}", true, s.getAsset},
		{"PATCH", "/api/v1/assets/{id}", true, s.editAsset},
		{"DELETE", "/api/v1/assets/{id}", true, s.deleteAsset},
		{"POST", "/api/v1/assets/{id}/versions", true, s.addVersion},
		{"GET", "/api/v1/assets/{id}/versions", true, s.listVersions},
		{"DELETE", "/api/v1/assets/{id}/versions/{n}", true, s.deleteVersion},
		{"POST", "/api/v1/assets/{id}/clone", true, s.clone},
		{"POST", "/api/v1/assets/{id}/notes", true, s.addNote},
		{"GET", "/api/v1/assets/{id}/notes", true, s.listNotes},
		{"GET", "/api/v1/assets/{id}/download", true, s.download},
		{"GET", "/api/v1/trash", true, s.listTrash},
		{"POST", "/api/v1/trash/{id}/restore", true, s.restore},
		{"POST", "/api/v1/folders", true, s.createFolder},
		{"GET", "/api/v1/folders", true, s.listFolders},
		{"GET", "/api/v1/folders/{id}", true, s.getFolder},
		{"PATCH", "/api/v1/folders/{id}", true, s.editFolder},
		{"DELETE", "/api/v1/folders/{id}", true, s.deleteFolder},
		{"POST", "/api/v1/collections", true, s.createCollection},
		{"GET", "/api/v1/collections", true, s.listCollections},
		{"GET", "/api/v1/collections/{id}", true, s.getCollection},
		{"PATCH", "/api/v1/collections/{id}", true, s.editCollection},
		{"DELETE", "/api/v1/collections/{id}", true, s.deleteCollection},
		{"POST", "/api/v1/collections/{id}/items", true, s.addItems},
		{"DELETE", "/api/v1/collections/{id}/items", true, s.removeItems},
		{"GET", "/api/v1/events", true, s.listEvents},
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// wrap adds authentication, panic recovery and access logging to a route.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &httpdam.StatusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "handler panic", "path", logPath(r), "panic", p)
				if sw.Status == 0 {
					s.writeError(sw, r, dam.E("damhttp", dam.Internal, "panic: %v", p))
				}
			}
			s.log.InfoContext(r.Context(), "request", "method", r.Method, "path", logPath(r),
				"status", sw.Status, "bytes", sw.Bytes, "dur", time.Since(start).Round(time.Microsecond))
		}()
		if rt.auth {
			ctx, err := s.authenticate(r)
			if err != nil {
				s.writeError(sw, r, err)
				return
			}
			r = r.WithContext(ctx)
		}
		if err := rt.h(sw, r); err != nil {
			if sw.Status != 0 {
				// Headers are gone: abort the connection so a truncated body
				// never looks complete to the client.
				s.log.WarnContext(r.Context(), "response failed midway", "path", logPath(r), "err", err)
				panic(http.ErrAbortHandler)
			}
			s.writeError(sw, r, err)
		}
	})
}

// logPath is the request path as logs may show it: share tokens and
// portal visitors' links are credentials, so /s/{token}/... is logged as
// /s/<token>/... and /p/{slug}/access/{token}/... as
// /p/{slug}/access/<token>/....
func logPath(r *http.Request) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/s/"); ok {
		return "/s/<token>" + tailAfterToken(rest)
	}
	if rest, ok := strings.CutPrefix(p, "/p/"); ok {
		if slug, after, ok := strings.Cut(rest, "/access/"); ok && !strings.Contains(slug, "/") {
			return "/p/" + slug + "/access/<token>" + tailAfterToken(after)
		}
	}
	return p
}

// tailAfterToken is what follows the first path segment (the token).
func tailAfterToken(rest string) string {
	if _, tail, ok := strings.Cut(rest, "/"); ok {
		return "/" + tail
	}
	return ""
}

// authenticate resolves the request's actor: the host's Authenticate, or
// the bearer API key.
func (s *Server) authenticate(r *http.Request) (context.Context, error) {
	if s.opts.Authenticate != nil {
		a, err := s.opts.Authenticate(r)
		if err != nil {
			return nil, err
		}
		return dam.WithActor(r.Context(), a), nil
	}
	h := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || key == "" {
		return nil, dam.E("damhttp", dam.Unauthenticated, "missing Authorization: Bearer <API key>")
	}
	u, err := s.lib.Authenticate(r.Context(), strings.TrimSpace(key))
	if err != nil {
		return nil, err
	}
	return dam.WithActor(r.Context(), u.Actor()), nil
}

// health answers liveness and lists the rendition engines, so an operator
// sees which media get previews (an engine whose tool is missing is absent).
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "engines": s.lib.Engines()})
	return nil
}
