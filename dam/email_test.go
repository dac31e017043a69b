package dam_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
	"github.com/damkit/damkit/internal/smtptest"
)

// received is one message as the test SMTP server saw it.
type received = smtptest.Message

// smtpSink is a real SMTP server on 127.0.0.1 that keeps what it receives.
type smtpSink = smtptest.Sink

func startSMTP(t testing.TB, configure func(*smtpSink)) *smtpSink {
	return smtptest.Start(t, configure)
}

func serveSMTP(configure func(*smtpSink)) (*smtpSink, func(), error) {
	return smtptest.Serve(configure)
}

// parsedEmail is a received message decoded the way a mail client would.
type parsedEmail struct {
	Header mail.Header
	Text   string
	HTML   string
}

func parseEmail(t testing.TB, data []byte) parsedEmail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	require.NoError(t, err)
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/alternative", mediaType)
	out := parsedEmail{Header: msg.Header}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.Equal(t, "quoted-printable", p.Header.Get("Content-Transfer-Encoding"))
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		require.NoError(t, err)
		// Mail uses CRLF line ends; compare with Go's "\n".
		text := strings.ReplaceAll(string(body), "\r\n", "\n")
		switch p.Header.Get("Content-Type") {
		case "text/plain; charset=utf-8":
			out.Text = text
		case "text/html; charset=utf-8":
			out.HTML = text
		default:
			t.Fatalf("unexpected part %q", p.Header.Get("Content-Type"))
		}
	}
	require.NotEmpty(t, out.Text, "text/plain part")
	require.NotEmpty(t, out.HTML, "text/html part")
	return out
}

func decodeHeader(t testing.TB, v string) string {
	t.Helper()
	s, err := new(mime.WordDecoder).DecodeHeader(v)
	require.NoError(t, err)
	return s
}

func sendOne(t *testing.T, m dam.Message) (received, parsedEmail) {
	t.Helper()
	sink := startSMTP(t, nil)
	n, err := dam.NewEmailNotifier(sink.URL+"?from=assets@example.com", nil)
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), m))
	got := sink.Received()
	require.Len(t, got, 1)
	return got[0], parseEmail(t, got[0].Data)
}

func TestEmailNotifierSendsBothParts(t *testing.T) {
	longLine := strings.TrimSpace(strings.Repeat("Ünïcödé text that goes on ", 20))
	m := dam.Message{
		Kind:    "request_approved",
		To:      dam.Recipient{UserID: "u1", Email: "ada@example.com", Name: "Ada Lovelace"},
		Subject: "Your download request was approved ✓",
		Text:    "Your request for 3 assets was approved.\n" + longLine,
		Link:    "https://dam.example.com/api/v1/downloads/job1?token=a&b=c",
		Details: []dam.Detail{
			{Label: "Assets", Value: "logo.png, banner.jpg, manual.pdf"},
			{Label: "Message", Value: "Use them for the Q3 campaign only."},
			{Label: "Expires", Value: "2026-12-01 12:00 UTC"},
		},
	}
	env, e := sendOne(t, m)

	assert.Equal(t, "assets@example.com", env.From)
	assert.Equal(t, []string{"ada@example.com"}, env.To)

	from, err := e.Header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Name: "damkit", Address: "assets@example.com"}}, from)
	to, err := e.Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Name: "Ada Lovelace", Address: "ada@example.com"}}, to)
	assert.Equal(t, m.Subject, decodeHeader(t, e.Header.Get("Subject")))
	_, err = e.Header.Date()
	assert.NoError(t, err)
	assert.Regexp(t, `^<[0-9a-f]{32}@localhost>$`, e.Header.Get("Message-ID"))
	assert.Equal(t, "1.0", e.Header.Get("MIME-Version"))

	assert.Contains(t, e.Text, "Your request for 3 assets was approved.")
	assert.Contains(t, e.Text, longLine, "long UTF-8 lines survive quoted-printable")
	assert.Contains(t, e.Text, "Assets: logo.png, banner.jpg, manual.pdf\n")
	assert.Contains(t, e.Text, "Message: Use them for the Q3 campaign only.\n")
	assert.Contains(t, e.Text, "Expires: 2026-12-01 12:00 UTC\n")
	assert.Contains(t, e.Text, "\n"+m.Link+"\n", "link on its own line")

	assert.Contains(t, e.HTML, `<a href="https://dam.example.com/api/v1/downloads/job1?token=a&amp;b=c"`)
	assert.Contains(t, e.HTML, "Use them for the Q3 campaign only.")
	assert.Contains(t, e.HTML, longLine)

	for _, line := range strings.Split(string(env.Data), "\r\n") {
		assert.LessOrEqual(t, len(line), 998, "RFC 5322 line limit")
	}
}

func TestEmailNotifierEscapesHTML(t *testing.T) {
	m := dam.Message{
		To:      dam.Recipient{Email: "owner@example.com", Name: "Owner"},
		Subject: "New download request",
		Text:    `Mallory <script>alert("text")</script> asks for an asset.`,
		Link:    "https://dam.example.com/requests",
		Details: []dam.Detail{{Label: "Reason", Value: `<script>alert(1)</script> & "quotes"`}},
	}
	_, e := sendOne(t, m)
	assert.NotContains(t, e.HTML, "<script>")
	assert.Contains(t, e.HTML, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;")
	assert.Contains(t, e.HTML, "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;")
	assert.Contains(t, e.Text, `Reason: <script>alert(1)</script> & "quotes"`, "plain text is shown as is")
}

func TestEmailNotifierDropsUnsafeLinks(t *testing.T) {
	for _, link := range []string{
		"javascript:alert(1)",
		"JavaScript:alert(1)",
		"data:text/html,<b>x</b>",
		"/relative/path",
		"ftp://example.com/file",
		"https://exa\nmple.com/",
	} {
		t.Run(link, func(t *testing.T) {
			_, e := sendOne(t, dam.Message{
				To: dam.Recipient{Email: "a@example.com"}, Subject: "s", Text: "body", Link: link,
			})
			assert.NotContains(t, e.HTML, "<a ")
			assert.NotContains(t, e.HTML, "alert")
			assert.NotContains(t, e.Text, "alert")
			assert.NotContains(t, e.Text, "relative")
			assert.Contains(t, e.Text, "body")
		})
	}
}

func TestEmailNotifierHeaderInjection(t *testing.T) {
	wantKeys := []string{"Auto-Submitted", "Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To"}
	tests := []struct {
		name    string
		to      dam.Recipient
		subject string
		details []dam.Detail
	}{
		{
			name:    "subject",
			to:      dam.Recipient{Email: "ada@example.com", Name: "Ada"},
			subject: "Hello\r\nBcc: victim@example.com",
		},
		{
			name:    "subject LF only",
			to:      dam.Recipient{Email: "ada@example.com", Name: "Ada"},
			subject: "Hello\nBcc: victim@example.com\n\nforged body",
		},
		{
			name:    "name",
			to:      dam.Recipient{Email: "ada@example.com", Name: "Ada\r\nBcc: victim@example.com"},
			subject: "Hello",
		},
		{
			name:    "detail",
			to:      dam.Recipient{Email: "ada@example.com", Name: "Ada"},
			subject: "Hello",
			details: []dam.Detail{{Label: "Reason\r\n", Value: "x\r\nBcc: victim@example.com"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, e := sendOne(t, dam.Message{To: tt.to, Subject: tt.subject, Text: "body", Details: tt.details})
			assert.Equal(t, []string{"ada@example.com"}, env.To, "exactly one envelope recipient")

			var keys []string
			for k := range e.Header {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			assert.Equal(t, wantKeys, keys)
			for k, v := range e.Header {
				assert.Len(t, v, 1, "header %s appears once", k)
			}
			to, err := e.Header.AddressList("To")
			require.NoError(t, err)
			require.Len(t, to, 1)
			assert.Equal(t, "ada@example.com", to[0].Address)
			assert.NotContains(t, to[0].Name, "\n")
			subject := decodeHeader(t, e.Header.Get("Subject"))
			assert.NotContains(t, subject, "\n")
			assert.NotContains(t, subject, "\r")
		})
	}
}

func TestEmailNotifierRefusesBadRecipient(t *testing.T) {
	sink := startSMTP(t, nil)
	n, err := dam.NewEmailNotifier(sink.URL, nil)
	require.NoError(t, err)
	for _, email := range []string{
		"not an address",
		"ada@example.com\r\nBcc: victim@example.com",
		"ada@example.com, victim@example.com",
		"Eve <eve@example.com>",
		"ada@",
	} {
		t.Run(email, func(t *testing.T) {
			err := n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: email}, Subject: "s", Text: "t"})
			require.Error(t, err)
			assert.Equal(t, dam.Invalid, dam.KindOf(err))
		})
	}
	assert.Zero(t, sink.Conns(), "refused before any connection")
	assert.Empty(t, sink.Received())
}

func TestEmailNotifierSkipsRecipientWithoutEmail(t *testing.T) {
	sink := startSMTP(t, nil)
	n, err := dam.NewEmailNotifier(sink.URL, nil)
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), dam.Message{To: dam.Recipient{UserID: "u1", Name: "No Mail"}, Subject: "s"}))
	assert.Zero(t, sink.Conns())
}

func TestEmailNotifierCanceled(t *testing.T) {
	t.Run("before sending", func(t *testing.T) {
		sink := startSMTP(t, nil)
		n, err := dam.NewEmailNotifier(sink.URL, nil)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err = n.Notify(ctx, dam.Message{To: dam.Recipient{Email: "a@example.com"}, Subject: "s"})
		require.Error(t, err)
		assert.Equal(t, dam.Canceled, dam.KindOf(err))
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, sink.Received())
	})
	t.Run("server never greets", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { _ = ln.Close() })
		ctx, cancel := context.WithCancel(t.Context())
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err == nil {
				accepted <- c
				cancel() // the client now waits for a greeting that never comes
			}
		}()
		n, err := dam.NewEmailNotifier("smtp://"+ln.Addr().String(), nil)
		require.NoError(t, err)
		err = n.Notify(ctx, dam.Message{To: dam.Recipient{Email: "a@example.com"}, Subject: "s"})
		require.Error(t, err)
		assert.Equal(t, dam.Canceled, dam.KindOf(err))
		c := <-accepted
		_ = c.Close()
	})
}

func TestEmailNotifierAuth(t *testing.T) {
	sink := startSMTP(t, func(s *smtpSink) { s.Users = map[string]string{"mailer": "s3cret p@ss"} })
	addr := strings.TrimPrefix(sink.URL, "smtp://")
	msg := dam.Message{To: dam.Recipient{Email: "a@example.com"}, Subject: "s", Text: "t"}

	n, err := dam.NewEmailNotifier("smtp://mailer:s3cret%20p%40ss@"+addr+"?from=bot@example.com", nil)
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), msg))
	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, "mailer", got[0].User)
	assert.Equal(t, "bot@example.com", got[0].From)

	bad, err := dam.NewEmailNotifier("smtp://mailer:wrong@"+addr, nil)
	require.NoError(t, err)
	err = bad.Notify(t.Context(), msg)
	require.Error(t, err)
	assert.Equal(t, dam.Internal, dam.KindOf(err))
	assert.NotContains(t, err.Error(), "wrong", "the password is not echoed")

	anon, err := dam.NewEmailNotifier(sink.URL, nil)
	require.NoError(t, err)
	err = anon.Notify(t.Context(), msg)
	require.Error(t, err)
	assert.Equal(t, dam.Internal, dam.KindOf(err))
	assert.Len(t, sink.Received(), 1)
}

func TestEmailNotifierRecipientRejected(t *testing.T) {
	sink := startSMTP(t, func(s *smtpSink) { s.RejectRcpt = true })
	n, err := dam.NewEmailNotifier(sink.URL, nil)
	require.NoError(t, err)
	err = n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "nobody@example.com"}, Subject: "s"})
	require.Error(t, err)
	assert.Equal(t, dam.Internal, dam.KindOf(err))
	assert.Contains(t, err.Error(), "550")
	assert.Empty(t, sink.Received())
}

func TestEmailNotifierStartTLSRequired(t *testing.T) {
	sink := startSMTP(t, nil) // plain server: offers no STARTTLS
	n, err := dam.NewEmailNotifier(sink.URL+"?tls=starttls", nil)
	require.NoError(t, err)
	err = n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "a@example.com"}, Subject: "s"})
	require.Error(t, err)
	assert.Equal(t, dam.Internal, dam.KindOf(err))
	assert.Contains(t, err.Error(), "STARTTLS")
	assert.Empty(t, sink.Received())
}

// selfSignedTLS makes a server certificate for 127.0.0.1 at test time.
func selfSignedTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: bigOne,
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

var bigOne = new(big.Int).SetInt64(1)

func TestEmailNotifierTLS(t *testing.T) {
	cfg := selfSignedTLS(t)
	msg := dam.Message{To: dam.Recipient{Email: "a@example.com"}, Subject: "s", Text: "over TLS"}
	tests := []struct {
		name     string
		implicit bool
		query    string
	}{
		{name: "STARTTLS offered", query: "?insecure_skip_verify=1"},
		{name: "STARTTLS required", query: "?tls=starttls&insecure_skip_verify=1"},
		{name: "implicit TLS", implicit: true, query: "?insecure_skip_verify=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := startSMTP(t, func(s *smtpSink) {
				s.TLS, s.Implicit = cfg, tt.implicit
				s.Users = map[string]string{"mailer": "pw"}
			})
			withAuth := strings.Replace(sink.URL, "://", "://mailer:pw@", 1)
			n, err := dam.NewEmailNotifier(withAuth+tt.query, nil)
			require.NoError(t, err)
			require.NoError(t, n.Notify(t.Context(), msg))
			got := sink.Received()
			require.Len(t, got, 1)
			assert.Equal(t, "mailer", got[0].User)
			assert.Contains(t, parseEmail(t, got[0].Data).Text, "over TLS")

			// Without insecure_skip_verify the self-signed certificate is refused.
			strict, err := dam.NewEmailNotifier(withAuth, nil)
			require.NoError(t, err)
			err = strict.Notify(t.Context(), msg)
			require.Error(t, err)
			assert.Equal(t, dam.Internal, dam.KindOf(err))
			assert.Len(t, sink.Received(), 1)
		})
	}
}

func TestNewEmailNotifierRejectsBadConfig(t *testing.T) {
	tests := []struct {
		url  string
		opts *dam.EmailOptions
	}{
		{url: "http://mail.example.com"},
		{url: "smtp://"},
		{url: "smtp://mail.example.com:99999"},
		{url: "smtp://mail.example.com?tls=maybe"},
		{url: "smtps://mail.example.com?tls=none"},
		{url: "smtp://mail.example.com?insecure_skip_verify=perhaps"},
		{url: "smtp://mail.example.com?from=not-an-address"},
		{url: "smtp://mail.example.com", opts: &dam.EmailOptions{From: "a@example.com\r\nBcc: b@example.com"}},
		{url: "smtp://mail.example.com", opts: &dam.EmailOptions{LocalName: "evil\r\nhost"}},
		{url: "smtp://user:pa ss@[::1"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := dam.NewEmailNotifier(tt.url, tt.opts)
			require.Error(t, err)
			assert.Equal(t, dam.Invalid, dam.KindOf(err))
			assert.NotContains(t, err.Error(), "pa ss", "the password is not echoed")
		})
	}
}

func TestEmailNotifierOptions(t *testing.T) {
	sink := startSMTP(t, nil)
	n, err := dam.NewEmailNotifier(sink.URL+"?from=ignored@example.com", &dam.EmailOptions{
		From:        "Brand Team <brand@example.com>",
		ProductName: "Acme Assets",
		LocalName:   "mail.acme.test",
	})
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "ada@example.com"}, Subject: "s", Text: "t"}))
	got := sink.Received()
	require.Len(t, got, 1)
	assert.Equal(t, "brand@example.com", got[0].From)
	e := parseEmail(t, got[0].Data)
	from, err := e.Header.AddressList("From")
	require.NoError(t, err)
	assert.Equal(t, []*mail.Address{{Name: "Brand Team", Address: "brand@example.com"}}, from)
	assert.Regexp(t, `@mail\.acme\.test>$`, e.Header.Get("Message-ID"))
	assert.Contains(t, e.Text, "Acme Assets")
	assert.Contains(t, e.HTML, "Acme Assets")
}

// Hosts add email next to the in-app inbox by passing an EmailNotifier.
// Here the SMTP server is one started by the example itself.
func ExampleNewEmailNotifier() {
	sink, stop, err := serveSMTP(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	n, err := dam.NewEmailNotifier(sink.URL+"?from=assets@example.com", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = n.Notify(context.Background(), dam.Message{
		Kind:    "request_approved",
		To:      dam.Recipient{Email: "ada@example.com", Name: "Ada"},
		Subject: "Your download is ready",
		Text:    "Your request was approved.",
		Link:    "https://dam.example.com/d/abc",
		Details: []dam.Detail{{Label: "Message", Value: "Enjoy"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	m := sink.Received()[0]
	msg, _ := mail.ReadMessage(bytes.NewReader(m.Data))
	fmt.Println(m.From, "->", m.To)
	fmt.Println(msg.Header.Get("Subject"))
	// Output:
	// assets@example.com -> [ada@example.com]
	// Your download is ready
}

// FuzzEmailNotifierHeaders sends fuzzed names, subjects, addresses and
// details through a real SMTP conversation: whatever they hold, the
// message keeps its fixed header set and its single recipient.
func FuzzEmailNotifierHeaders(f *testing.F) {
	f.Add("Ada", "ada@example.com", "Hello", "Reason", "x", "https://example.com/")
	f.Add("Ada\r\nBcc: v@example.com", "ada@example.com", "Hi\r\nBcc: v@example.com", "a\nb", "c\rd", "javascript:alert(1)")
	f.Add("Zoë \"Q\" <x>", "zoe@example.com", "=?utf-8?q?Bcc:_v@example.com?=", "", "", "")
	f.Add("", "a@b", "\x00\x7f", "\u2028", "\u0085", "http://[::1]/")
	f.Add("", strings.Repeat("a", 200)+"@example.com", "s", "", "", "") // a relay refuses the RCPT line
	wantKeys := []string{"Auto-Submitted", "Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To"}
	sink := startSMTP(f, nil)
	n, err := dam.NewEmailNotifier(sink.URL, nil)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, name, email, subject, label, value, link string) {
		before := len(sink.Received())
		err := n.Notify(t.Context(), dam.Message{
			To:      dam.Recipient{Email: email, Name: name},
			Subject: subject, Text: value, Link: link,
			Details: []dam.Detail{{Label: label, Value: value}},
		})
		if err != nil {
			require.Equal(t, dam.Invalid, dam.KindOf(err), "%v", err)
			return
		}
		got := sink.Received()
		if strings.TrimSpace(email) == "" {
			require.Len(t, got, before)
			return
		}
		require.Len(t, got, before+1)
		m := got[len(got)-1]
		require.Len(t, m.To, 1)
		e := parseEmail(t, m.Data)
		keys := make([]string, 0, len(e.Header))
		for k := range e.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		require.Equal(t, wantKeys, keys)
		to, err := e.Header.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1)
		require.Equal(t, m.To[0], to[0].Address)
	})
}
