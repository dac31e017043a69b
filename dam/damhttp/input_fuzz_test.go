package damhttp

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/damkit/damkit/dam"
)

// FuzzStrictObject feeds arbitrary JSON bodies to the decoder every API
// route uses, with the share body (embedded struct, pointers, slices, times)
// and the batch decision body as targets: it must never panic, and a
// refusal must read as a client's problem, not as Go's types.
func FuzzStrictObject(f *testing.F) {
	for _, s := range []string{
		`{"asset_ids":["a"],"validity_days":7,"recipients":["x@example.com"]}`,
		`{"decisions":[{"request_id":"r","approve":true,"message":"ok"}]}`,
		`{"days":1,"validity_days":2}`, `[]`, `null`, `{"a":1}`, `{"asset_ids":"a"}`,
		`{"expires_at":"2026-13-01T00:00:00Z"}`, `{} {}`, `{"decisions":[{"approve":"yes"}]}`,
		"{\"title\":\"\xff\"}", `{"validity_days":1e400}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sb shareBody
		checkRefusal(t, strictObject(data, &sb))
		var db decisionsBody
		checkRefusal(t, strictObject(data, &db))
	})
}

func checkRefusal(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, leak := range []string{"damhttp.", "dam.", "json: ", "reflect", "struct {"} {
		if strings.Contains(msg, leak) {
			t.Fatalf("refusal %q shows Go internals (%q)", msg, leak)
		}
	}
}

// FuzzUploadSource feeds arbitrary multipart bodies and boundaries to the
// upload parser and reads the file to its end, as storage would: it must
// never panic, read no text field past its bound, and fail only with the
// kinds a client is told about (400 or 413).
func FuzzUploadSource(f *testing.F) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("title", "Summer")
	mw.WriteField("keywords", "a,b")
	fw, _ := mw.CreateFormFile("file", "a.txt")
	fw.Write([]byte("hello"))
	mw.Close()
	f.Add(b.Bytes(), mw.Boundary())
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nhi\r\n--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nlate\r\n--x--\r\n"), "x")
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"k\":\"v\"}\r\n--x--\r\n"), "x")
	f.Add([]byte("--x\r\n\r\n"), "x")
	s := &Server{}
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r := httptest.NewRequest("POST", "/api/v1/assets", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=\""+strings.ReplaceAll(boundary, `"`, ``)+"\"")
		src, _, err := s.uploadSource(r, uploadFields)
		if err == nil {
			_, err = io.Copy(io.Discard, src)
		}
		if err != nil {
			if k := dam.KindOf(err); k != dam.Invalid && k != dam.TooLarge {
				t.Fatalf("refusal of kind %v: %v", k, err)
			}
		}
	})
}
