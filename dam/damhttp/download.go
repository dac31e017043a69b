package damhttp

import (
	"net/http"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/httpdam"
)

// download streams an original with its sniffed type as an attachment, or
// (?profile=NAME) its rendition in an export profile, or (?w=&h=&fit=
// &format=&quality=&dpi=&colorspace=) a custom rendition within the
// library's bounds, rendered or served from the cache under the same
// policy decision. http.ServeContent handles
// Range, If-Range and conditional requests against the strong ETag (derived
// from the content hash, and the profile's hash for a rendition).
func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	profile, err := httpdam.Profile(q)
	if err != nil {
		return err
	}
	n, err := httpdam.Version(q, profile)
	if err != nil {
		return err
	}
	var d *dam.Download
	if profile == "" || profile == dam.ProfileOriginal {
		d, err = s.lib.Open(r.Context(), r.PathValue("id"), n)
	} else {
		d, err = s.lib.OpenRendition(r.Context(), r.PathValue("id"), profile)
	}
	if err != nil {
		return err
	}
	defer d.Close()
	if d.SignedURL != "" {
		// The policy allowed it: the bucket serves the bytes directly.
		// No body: http.Redirect's little HTML page is for browsers.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Location", d.SignedURL)
		w.WriteHeader(http.StatusFound)
		return nil
	}
	s.serveDownload(w, r, d, false)
	return nil
}

// serveDownload writes an open original or rendition (internal/httpdam).
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, d *dam.Download, inline bool) {
	httpdam.ServeDownload(w, r, d, inline, s.opts.WriteTimeout)
}

// attachment builds a Content-Disposition (internal/httpdam).
func attachment(name string) string { return httpdam.Attachment(name) }
