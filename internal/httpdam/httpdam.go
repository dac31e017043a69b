// Package httpdam is what dam/damhttp (the JSON API) and dam/damweb (the
// pages) share without importing each other: how a host plugs in its own
// identity, how error kinds map to HTTP status codes, and how an original
// or a rendition is streamed to a client.
package httpdam

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Authenticate resolves a request to the actor it acts for. Hosts set it
// on damhttp.Options and damweb.Options to use their own sessions, OIDC or
// a reverse proxy's header; an error's dam.Kind (usually Unauthenticated)
// decides the answer.
type Authenticate func(*http.Request) (dam.Actor, error)

// StatusOf is the one place that maps error kinds to HTTP status codes.
func StatusOf(k dam.Kind) int {
	switch k {
	case dam.Invalid:
		return http.StatusBadRequest
	case dam.NotFound:
		return http.StatusNotFound
	case dam.AlreadyExists, dam.Conflict:
		return http.StatusConflict
	case dam.PermissionDenied, dam.NeedsRequest, dam.LicenceRequired:
		return http.StatusForbidden
	case dam.Unauthenticated:
		return http.StatusUnauthorized
	case dam.FailedPrecondition:
		return http.StatusPreconditionFailed
	case dam.Gone:
		return http.StatusGone
	case dam.TooLarge:
		return http.StatusRequestEntityTooLarge
	case dam.ResourceExhausted:
		return http.StatusTooManyRequests
	case dam.Canceled:
		return 499 // client closed request (nginx's convention)
	}
	return http.StatusInternalServerError
}

// ServeDownload writes an open original or rendition: as an attachment, or
// inline for the raster types browsers display safely when inline is set.
// http.ServeContent answers Range, If-Range and conditional requests
// against the strong ETag. writeTimeout is the per-write deadline that
// moves forward as bytes go out. A read that fails once the response has
// begun (dam cuts a download whose access was withdrawn) aborts the
// connection with http.ErrAbortHandler.
func ServeDownload(w http.ResponseWriter, r *http.Request, d *dam.Download, inline bool, writeTimeout time.Duration) {
	h := w.Header()
	h.Set("Content-Type", d.Version.MediaType)
	name := d.Asset.Name
	if d.IsRendition() {
		name = dam.RenditionFilename(name, d.Version.MediaType)
	}
	disposition := Attachment(name)
	if inline && InlineSafe(d.Version.MediaType) {
		disposition = "inline" + strings.TrimPrefix(disposition, "attachment")
	}
	h.Set("Content-Disposition", disposition)
	h.Set("ETag", d.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	// Even if a browser rendered it, hostile HTML or SVG gets no script and no origin.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	}
	var content io.ReadSeeker = d
	if b := d.Bytes(); b != nil {
		// Bytes in memory (a small rendition): written whole (memcontent.go).
		content = newMemContent(b)
	} else if f := d.File(); f != nil {
		// A local file: http.ServeContent copies it with sendfile, through
		// the writers' ReadFrom down to the connection.
		content = f
	}
	ServeContent(w, r, d.Version.CreatedAt, content, writeTimeout)
	if err := d.ReadError(); err != nil {
		// Headers and part of the body are gone (access was withdrawn
		// midway, or the bucket failed): abort the connection, so the
		// client sees a truncated transfer, never a short body that
		// passes for the whole file. The servers' handlers let it through.
		panic(http.ErrAbortHandler)
	}
}

// InlineSafe lists the raster and video types a preview may show inline
// (never SVG or HTML, which carry scripts).
func InlineSafe(mediaType string) bool {
	switch mediaType {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm":
		return true
	}
	return false
}

// extValue percent-encodes s as an RFC 8187 ext-value's value-chars:
// every byte but the attr-chars (letters, digits and !#$&+-.^_`|~).
func extValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// DeadlineWriter returns w with its connection's write deadline pushed d
// forward as bytes go out, for long streams.
func DeadlineWriter(w http.ResponseWriter, d time.Duration) http.ResponseWriter {
	return &deadlineWriter{ResponseWriter: w, rc: http.NewResponseController(w), d: d}
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

// ReadFrom copies src to the connection in chunks of deadlineChunk bytes,
// moving the deadline before each, so that a file (src an *os.File, or
// an io.LimitedReader of one, as http.ServeContent passes) goes out with
// sendfile.
func (w *deadlineWriter) ReadFrom(src io.Reader) (int64, error) {
	inner, left := src, int64(-1)
	lr, limited := src.(*io.LimitedReader)
	if limited {
		inner, left = lr.R, lr.N
	}
	var total int64
	for {
		want := int64(deadlineChunk)
		if limited {
			want = min(want, left)
		}
		if want <= 0 {
			return total, nil
		}
		now := time.Now()
		_ = w.rc.SetWriteDeadline(now.Add(w.d))
		w.last = now
		n, err := io.Copy(w.ResponseWriter, &io.LimitedReader{R: inner, N: want})
		total += n
		if limited {
			left -= n
			lr.N = left
		}
		if err != nil || n < want {
			return total, err
		}
	}
}

// deadlineChunk is how many bytes deadlineWriter.ReadFrom sends under one
// write deadline.
const deadlineChunk = 4 << 20

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// DeadlineReader returns body with the connection's read deadline pushed
// d forward as bytes arrive: an upload of any length completes while a
// stalled sender is cut off after one timeout.
func DeadlineReader(w http.ResponseWriter, body io.ReadCloser, d time.Duration) io.ReadCloser {
	return &deadlineReader{ReadCloser: body, rc: http.NewResponseController(w), d: d}
}

type deadlineReader struct {
	io.ReadCloser
	rc   *http.ResponseController
	d    time.Duration
	last time.Time
}

func (r *deadlineReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.Sub(r.last) > time.Second {
		_ = r.rc.SetReadDeadline(now.Add(r.d))
		r.last = now
	}
	return r.ReadCloser.Read(p)
}

// StatusWriter remembers the status and size of a response for the
// request log, and whether headers have been sent (Status != 0).
type StatusWriter struct {
	http.ResponseWriter
	Status int
	Bytes  int64
}

func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Write(p []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.Bytes += int64(n)
	return n, err
}

// ReadFrom passes src on to the connection's ReadFrom (sendfile for a
// file), counting the bytes.
func (w *StatusWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	n, err := io.Copy(w.ResponseWriter, src)
	w.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Attachment builds an RFC 6266 Content-Disposition: a plain-ASCII fallback
// filename plus the exact UTF-8 name in filename*. Nothing from the name can
// end the header or inject another parameter.
func Attachment(name string) string {
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
	enc := extValue(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name))
	return `attachment; filename="` + fallback + `"; filename*=UTF-8''` + enc
}

// ServePart sends a part of a download job (a ZIP, or a single original)
// as an attachment with http.ServeContent: exact Content-Length, strong
// ETag, Range and If-Range. The X-Damkit-* headers name the job, the part
// and how many assets were skipped. It returns the first read error of
// the part: headers are gone by then, so the caller aborts the connection
// and a truncated body never passes for a whole one.
func ServePart(w http.ResponseWriter, r *http.Request, p *dam.Part, writeTimeout time.Duration) error {
	h := w.Header()
	h.Set("Content-Type", p.MediaType)
	h.Set("Content-Disposition", Attachment(p.Name))
	h.Set("ETag", p.ETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	h.Set("X-Damkit-Job", p.Job.ID)
	h.Set("X-Damkit-Part", strconv.Itoa(p.Number)+"/"+strconv.Itoa(len(p.Job.Parts)))
	h.Set("X-Damkit-Skipped", strconv.Itoa(len(p.Job.Skipped)))
	ServeContent(w, r, p.ModTime, p, writeTimeout)
	return p.ReadError()
}

// SetRetryAfter tells a client refused for load (429) when to come back:
// dam.RetryAfter of err (when the limit refills or a download slot should
// free) in whole seconds rounded up, at least one. A Retry-After already
// set is kept.
func SetRetryAfter(w http.ResponseWriter, err error) {
	if w.Header().Get("Retry-After") != "" {
		return
	}
	w.Header().Set("Retry-After", strconv.FormatInt(RetrySeconds(dam.RetryAfter(err)), 10))
}

// RetrySeconds is wait in whole seconds rounded up, at least one.
func RetrySeconds(wait time.Duration) int64 {
	return max(1, int64((wait+time.Second-1)/time.Second))
}
