package httpdam

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeContent is http.ServeContent (Range, If-Range, conditional
// requests) on a writer whose deadline moves forward as bytes go out, with
// one change: a Range that cannot be served is answered, like every other
// error, with the JSON error body and a 416, not http.ServeContent's
// text/plain line. Content-Range ("bytes */<size>") stays.
func ServeContent(w http.ResponseWriter, r *http.Request, modtime time.Time, content io.ReadSeeker, writeTimeout time.Duration) {
	http.ServeContent(&rangeErrorWriter{ResponseWriter: DeadlineWriter(w, writeTimeout)}, r, "", modtime, content)
}

// RangeNotSatisfiableCode is the error code of a 416 answer.
const RangeNotSatisfiableCode = "range_not_satisfiable"

// rangeErrorWriter replaces the body of a 416 answer with a JSON error.
type rangeErrorWriter struct {
	http.ResponseWriter
	replaced bool
}

func (w *rangeErrorWriter) WriteHeader(code int) {
	if code != http.StatusRequestedRangeNotSatisfiable || w.replaced {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replaced = true
	msg := "the Range header is not valid: bytes=<first>-<last>, within the content"
	if size, ok := strings.CutPrefix(w.Header().Get("Content-Range"), "bytes */"); ok {
		msg = "the requested range does not overlap the content, which has " + size + " bytes"
	}
	body, _ := json.Marshal(map[string]map[string]string{"error": {"code": RangeNotSatisfiableCode, "message": msg}})
	body = append(body, '\n')
	h := w.Header()
	h.Del("Content-Disposition") // the answer is the error, not the file
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.ResponseWriter.WriteHeader(code)
	_, _ = w.ResponseWriter.Write(body)
}

// Write drops http.ServeContent's own text once the JSON error is sent.
func (w *rangeErrorWriter) Write(p []byte) (int, error) {
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// ReadFrom keeps the connection's ReadFrom (sendfile) within reach of
// http.ServeContent's copy.
func (w *rangeErrorWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.replaced {
		return io.Copy(io.Discard, src)
	}
	if n, ok, err := writeMem(w.ResponseWriter, src); ok {
		return n, err
	}
	return io.Copy(w.ResponseWriter, src)
}

func (w *rangeErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
