package main

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/dam/damhttp"
	"github.com/damkit/damkit/dam/damweb"
)

// newHandler serves the JSON API (and the guest and portal pages, which
// live with it) beside the web interface for the library's own users:
// /api/, /s/, /p/ and /healthz go to damhttp, everything else to damweb.
func newHandler(lib *dam.Library, log *slog.Logger, base string) http.Handler {
	api := damhttp.New(lib, &damhttp.Options{Logger: log})
	web := damweb.New(lib, &damweb.Options{Logger: log, BaseURL: base})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/s/") || strings.HasPrefix(p, "/p/") || p == "/healthz" {
			api.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})
}
