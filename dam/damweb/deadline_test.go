package damweb

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestStalledUploadIsCutOff: an upload whose sender stops sending holds
// its connection for one ReadTimeout, not for ever (the reference server
// has no whole-request timeout, so that long uploads can finish).
func TestStalledUploadIsCutOff(t *testing.T) {
	s := newSite(t, nil)
	srv := httptest.NewServer(New(s.lib, &Options{ReadTimeout: 300 * time.Millisecond}))
	t.Cleanup(srv.Close)
	b := s.signIn(t, "editor")
	u, _ := url.Parse(s.srv.URL)
	var cookie string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			cookie = c.Value
		}
	}
	require.NotEmpty(t, cookie)

	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	const boundary = "XyZ"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\nthe first bytes, then nothing"
	_, err = fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: %s\r\nCookie: %s=%s\r\nContent-Type: multipart/form-data; boundary=%s\r\n"+
		"Content-Length: 10000000\r\n\r\n%s", u.Host, sessionCookie, cookie, boundary, head)
	require.NoError(t, err)
	// A guard against a hang, not a timing assertion: the server must end
	// the exchange on its own long before this.
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(60*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		resp.Body.Close()
		require.GreaterOrEqual(t, resp.StatusCode, 400, "a stalled upload is not a success")
		return
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the stalled upload open: %v", err)
	}
}
