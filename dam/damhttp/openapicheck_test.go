package damhttp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam/damhttp"
)

// The OpenAPI document must tell the truth. Every server the HTTP tests
// start is wrapped in checkedByOpenAPI: each request and its answer are
// validated against the document the server serves (kin-openapi's
// openapi3filter), and any mismatch fails the test that made the request.
// A request the document refuses must not succeed; an answer must have a
// documented status (each error status listed by the operation, not left
// to "default"), a documented Content-Type, and a body that matches the
// schema.

// openAPIChecker validates requests and answers against the served document.
type openAPIChecker struct {
	doc    *openapi3.T
	router routers.Router
}

// servedChecker loads the document from GET /api/v1/openapi.json once.
var servedChecker = sync.OnceValues(func() (*openAPIChecker, error) {
	rec := httptest.NewRecorder()
	damhttp.New(nil, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	doc.Servers = nil // match paths whatever the test server's address
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &openAPIChecker{doc: doc, router: router}, nil
})

// openAPIStats counts what the checker saw in this test binary.
var openAPIStats struct {
	pairs atomic.Int64
	ops   sync.Map // "METHOD /path/{template}" → struct{}
}

// errorStatuses are the answers every operation lists where they apply:
// leaving them to "default" tells a client nothing.
var errorStatuses = []int{400, 401, 403, 404, 409, 410, 412, 413, 416, 429}

// checkedByOpenAPI wraps h so that every request and answer through it is
// validated; the mismatches fail t when it ends.
func checkedByOpenAPI(t testing.TB, h http.Handler) http.Handler {
	c, err := servedChecker()
	require.NoError(t, err, "the served OpenAPI document")
	var mu sync.Mutex
	found := map[string]int{}
	var order []string
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, k := range order {
			t.Errorf("OpenAPI document and server disagree (%d×): %s", found[k], k)
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody := &cappedBuffer{max: 4 << 20}
		if r.Body != nil {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, reqBody), r.Body}
		}
		// The validator sees the request as it arrived.
		seen := r.Clone(r.Context())
		rec := &recordingWriter{ResponseWriter: w, body: cappedBuffer{max: 4 << 20}}
		h.ServeHTTP(rec, r)
		if problem := c.check(seen, reqBody, rec); problem != "" {
			mu.Lock()
			if found[problem] == 0 {
				order = append(order, problem)
			}
			found[problem]++
			mu.Unlock()
		}
	})
}

// check validates one pair; it returns the problem, or "".
func (c *openAPIChecker) check(r *http.Request, reqBody *cappedBuffer, rec *recordingWriter) string {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return "" // not an operation, and the server says so
		}
		return fmt.Sprintf("%s %s is not in the document but answered %d", r.Method, r.URL.Path, status)
	}
	op := r.Method + " " + route.Path
	openAPIStats.pairs.Add(1)
	openAPIStats.ops.Store(op, struct{}{})
	ctx := context.Background()
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: false}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	r.Body = io.NopCloser(bytes.NewReader(reqBody.Bytes()))
	if problem := requestContentProblem(route, r, reqBody); problem != "" {
		if status < 400 {
			return fmt.Sprintf("%s answered %d to a request the document refuses: %s", op, status, problem)
		}
		opts.ExcludeRequestBody = true
	}
	if rb := route.Operation.RequestBody; rb != nil && rb.Value != nil {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); reqBody.over || !decodable(mt) {
			opts.ExcludeRequestBody = true // checked above: type only
		}
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && status < 400 {
		return fmt.Sprintf("%s answered %d to a request the document refuses: %s", op, status, firstLine(err))
	}
	opts.ExcludeRequestBody = false
	if status >= 400 && slices.Contains(errorStatuses, status) && route.Operation.Responses.Status(status) == nil {
		return fmt.Sprintf("%s answered %d, which the operation does not list", op, status)
	}
	respOpts := *opts
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: rec.Header(), Options: &respOpts}
	if problem := contentProblem(route, status, rec); problem != "" {
		return op + ": " + problem
	}
	if !isJSON(rec.Header().Get("Content-Type")) || rec.body.over {
		respOpts.ExcludeResponseBody = true // checked above: type only
	}
	out.SetBodyBytes(rec.body.Bytes())
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Sprintf("%s answered %d (%s): %s", op, status, rec.Header().Get("Content-Type"), firstLine(err))
	}
	return ""
}

// requestContentProblem checks a request body's Content-Type against the
// operation's. As the document says, a JSON body may come without a
// Content-Type: the request is then checked as application/json.
func requestContentProblem(route *routers.Route, r *http.Request, body *cappedBuffer) string {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil || body.n == 0 {
		return ""
	}
	ct := r.Header.Get("Content-Type")
	content := rb.Value.Content
	if ct == "" && content.Get("application/json") != nil {
		r.Header.Set("Content-Type", "application/json")
		return ""
	}
	if content.Get(ct) == nil {
		return fmt.Sprintf("a body sent as %q; the document says %s", ct, strings.Join(slices.Sorted(mapKeys(content)), ", "))
	}
	return ""
}

// decodable reports whether openapi3filter decodes bodies of media type
// mt to check them against a schema; others are checked by type only.
func decodable(mt string) bool {
	return isJSON(mt) || mt == "multipart/form-data" || mt == "application/x-www-form-urlencoded"
}

// contentProblem checks the answer's Content-Type against the documented
// content of its status (openapi3filter checks it only with the body).
func contentProblem(route *routers.Route, status int, rec *recordingWriter) string {
	ref := route.Operation.Responses.Status(status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return fmt.Sprintf("answered %d, which is not documented", status)
	}
	ct := rec.Header().Get("Content-Type")
	content := ref.Value.Content
	switch {
	case len(content) == 0 && rec.body.n > 0 && status != http.StatusPartialContent:
		return fmt.Sprintf("answered %d with a %s body the document does not describe", status, ct)
	case len(content) > 0 && rec.body.n > 0 && content.Get(ct) == nil:
		return fmt.Sprintf("answered %d as %q; the document says %s", status, ct, strings.Join(slices.Sorted(mapKeys(content)), ", "))
	}
	return ""
}

func mapKeys(c openapi3.Content) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range c {
			if !yield(k) {
				return
			}
		}
	}
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func firstLine(err error) string {
	var me openapi3.MultiError
	if errors.As(err, &me) && len(me) > 0 {
		err = me[0]
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// cappedBuffer keeps up to max bytes and notes whether more went by.
type cappedBuffer struct {
	bytes.Buffer
	max  int
	n    int64
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	b.n += int64(len(p))
	if room := b.max - b.Len(); room < len(p) {
		b.over = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// recordingWriter passes an answer through and keeps its status and body.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   cappedBuffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	_, _ = w.body.Write(p[:n])
	return n, err
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// TestMain reports, with -v, what the OpenAPI checker saw.
func TestMain(m *testing.M) {
	code := m.Run()
	if testing.Verbose() {
		var ops []string
		openAPIStats.ops.Range(func(k, _ any) bool { ops = append(ops, k.(string)); return true })
		sort.Strings(ops)
		documented := 0
		if c, err := servedChecker(); err == nil {
			for _, item := range c.doc.Paths.Map() {
				documented += len(item.Operations())
			}
		}
		fmt.Printf("openapi check: %d request/response pairs, %d distinct operations of %d documented\n",
			openAPIStats.pairs.Load(), len(ops), documented)
		if c, err := servedChecker(); err == nil {
			for path, item := range c.doc.Paths.Map() {
				for method := range item.Operations() {
					if _, ok := openAPIStats.ops.Load(method + " " + path); !ok {
						fmt.Printf("openapi check: not exercised: %s %s\n", method, path)
					}
				}
			}
		}
	}
	os.Exit(code)
}
