package damhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Input that cannot be parsed is refused, never ignored: every parser of
// request input lives here, and each failure is a 400 naming the field
// (or the header) and what it should be.

// readJSON decodes a bounded JSON object body into v.
func (s *Server) readJSON(r *http.Request, w http.ResponseWriter, v any) error {
	return decodeJSON(w, r, s.opts.MaxJSONBody, v)
}

// decodeJSON decodes a JSON body of at most limit bytes into v. The body
// must be declared application/json and be one JSON object: null, another
// kind of value, unknown fields, a value of the wrong type and trailing
// data are refused with a message naming the problem.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return dam.E("damhttp.readJSON", dam.Invalid, "reading the body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &dam.Error{Op: "damhttp.readJSON", Kind: dam.Invalid, Err: errEmptyBody}
	}
	if err := strictObject(data, v); err != nil {
		return dam.E("damhttp.readJSON", dam.Invalid, "bad JSON body: %s", err)
	}
	return nil
}

// strictObject decodes data, which must be exactly one JSON object whose
// fields are all fields of v, into v; the error says what is wrong in
// words a client understands.
func strictObject(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return errors.New(jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more data after the JSON object")
	}
	if raw[0] != '{' {
		return fmt.Errorf("expected a JSON object, got %s", jsonKind(raw))
	}
	obj := json.NewDecoder(bytes.NewReader(raw))
	obj.DisallowUnknownFields()
	if err := obj.Decode(v); err != nil {
		return errors.New(jsonProblem(err))
	}
	return nil
}

// errEmptyBody is the error of a JSON body with nothing in it; routes
// whose body is optional take it as no body.
var errEmptyBody = errors.New("the body is empty: send a JSON object")

// requireJSON refuses a body declared as anything but application/json. A body without a Content-Type is read as JSON, as
// clients built on plain HTTP libraries have always sent it. curl's -d
// declares application/x-www-form-urlencoded, so the message says how to
// send JSON with curl.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return nil
	}
	return dam.E("damhttp.readJSON", dam.Invalid,
		"Content-Type must be application/json, not %.60q (curl: --json '{...}' instead of -d)", ct)
}

// jsonProblem describes a decoding error without the decoder's Go types.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return fmt.Sprintf("expected %s, got %s", jsonTypeName(te.Type), te.Value)
		}
		return fmt.Sprintf("field %q: expected %s, got %s", te.Field, jsonTypeName(te.Type), te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("not JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	case errors.Is(err, io.EOF):
		return "no JSON value"
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown field " + f
	}
	return msg
}

// jsonTypeName names the JSON type that decodes into t.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number of 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another type"
}

// jsonKind names the kind of a raw JSON value.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// queryBool reads a boolean query parameter: absent or empty is false;
// otherwise true/false or 1/0, and anything else is refused.
func queryBool(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	switch strings.ToLower(v) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, dam.E("damhttp", dam.Invalid, "%s must be true or false (or 1 or 0), not %.20q", name, v)
}

// mediaKinds are the values of ?kind=.
var mediaKinds = []dam.MediaKind{dam.MediaImage, dam.MediaVideo, dam.MediaAudio, dam.MediaDocument, dam.MediaOther}

// queryKind reads ?kind=: absent is any kind, an unknown one is refused
// (it would match nothing, and look like an empty library).
func queryKind(v string) (dam.MediaKind, error) {
	if v == "" || slices.Contains(mediaKinds, dam.MediaKind(v)) {
		return dam.MediaKind(v), nil
	}
	return "", dam.E("damhttp", dam.Invalid, "kind must be image, video, audio, document or other, not %.20q", v)
}

// parseTime reads an RFC 3339 time given in the named parameter or field.
func parseTime(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, dam.E("damhttp", dam.Invalid,
			"%s must be an RFC 3339 time such as 2030-01-31T18:00:00Z, not %.40q", name, v)
	}
	return t, nil
}

// queryLimit reads ?limit=, a positive number; absent is 0 (the default).
func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, dam.E("damhttp", dam.Invalid, "limit must be a positive integer")
	}
	return n, nil
}
