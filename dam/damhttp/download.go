package damhttp

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// download streams an original with its sniffed type as an attachment, or
// (?profile=NAME) its rendition in an export profile, rendered or served
// from the cache under the same policy decision. http.ServeContent handles
// Range, If-Range and conditional requests against the strong ETag (derived
// from the content hash, and the profile's hash for a rendition).
func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	profile := q.Get("profile")
	n := 0
	if v := q.Get("version"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return dam.E("damhttp.download", dam.Invalid, "version must be a positive integer")
		}
		if profile != "" && profile != dam.ProfileOriginal {
			return dam.E("damhttp.download", dam.Invalid, "export profiles render the current version: leave out version or profile")
		}
	}
	var d *dam.Download
	var err error
	if profile == "" || profile == dam.ProfileOriginal {
		d, err = s.lib.Open(r.Context(), r.PathValue("id"), n)
	} else {
		d, err = s.lib.OpenRendition(r.Context(), r.PathValue("id"), profile)
	}
	if err != nil {
		return withRetryAfter(w, err)
	}
	defer d.Close()
	if d.SignedURL != "" {
		// The policy allowed it: the bucket serves the bytes directly.
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, d.SignedURL, http.StatusFound)
		return nil
	}
	s.serveDownload(w, r, d, false)
	return nil
}

// serveDownload writes an open original or rendition: as an attachment, or
// inline for previews of the image types browsers display safely.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request, d *dam.Download, inline bool) {
	h := w.Header()
	h.Set("Content-Type", d.Version.MediaType)
	name := d.Asset.Name
	if d.IsRendition() {
		name = dam.RenditionFilename(name, d.Version.MediaType)
	}
	disposition := attachment(name)
	if inline && inlineSafe(d.Version.MediaType) {
		disposition = "inline" + strings.TrimPrefix(disposition, "attachment")
	}
	h.Set("Content-Disposition", disposition)
	h.Set("ETag", d.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	// Even if a browser rendered it, hostile HTML or SVG gets no script and no origin.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	http.ServeContent(&deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), d: s.opts.WriteTimeout},
		r, "", d.Version.CreatedAt, d)
}

// inlineSafe lists the raster types a preview may show inline.
func inlineSafe(mediaType string) bool {
	switch mediaType {
	case "image/jpeg", "image/png", "image/gif":
		return true
	}
	return false
}

// deadlineWriter pushes the connection's write deadline forward as bytes go
// out, so a download of any length completes while a stalled reader is cut
// off after one timeout.
type deadlineWriter struct {
	http.ResponseWriter
	rc   *http.ResponseController
	d    time.Duration
	last time.Time
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if now := time.Now(); now.Sub(w.last) > time.Second {
		_ = w.rc.SetWriteDeadline(now.Add(w.d))
		w.last = now
	}
	return w.ResponseWriter.Write(p)
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// attachment builds an RFC 6266 Content-Disposition: a plain-ASCII fallback
// filename plus the exact UTF-8 name in filename*. Nothing from the name can
// end the header or inject another parameter.
func attachment(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || r > 0x7e:
			ascii.WriteByte('_')
		case r == '"' || r == '\\' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	fallback := ascii.String()
	if strings.Trim(fallback, "_. ") == "" {
		fallback = "download"
	}
	enc := url.PathEscape(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name))
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + enc
}
