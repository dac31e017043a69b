package dam

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/damkit/damkit/share"
)

// EmailOptions tune an EmailNotifier. The zero value is usable.
type EmailOptions struct {
	// From is the sender, "addr" or "Name <addr>". Default: the URL's
	// ?from= parameter, else "damkit@localhost".
	From string
	// Timeout bounds one whole delivery (dial to QUIT). Default 30s.
	Timeout time.Duration
	// ProductName names the sender when From has no display name, and
	// signs the footer. Default "damkit".
	ProductName string
	// LocalName is the name sent with EHLO and the domain of Message-IDs.
	// Default "localhost".
	LocalName string
	// Logger receives the messages of a log: notifier. Default
	// slog.Default(): a log: notifier exists to be read.
	Logger *slog.Logger
	// Templates, when set, is a directory of email templates replacing
	// the built-in ones per notification kind (see EmailData).
	Templates string
}

// Which transport security an EmailNotifier uses.
const (
	tlsAuto     = ""         // STARTTLS when the server offers it
	tlsNone     = "none"     // plain text, never upgrade
	tlsStartTLS = "starttls" // STARTTLS required
	tlsImplicit = "tls"      // TLS from the first byte (smtps)
)

// maxSubjectRunes keeps the encoded Subject header well below the
// 998-octet line limit of RFC 5322.
const maxSubjectRunes = 200

// maxNameRunes bounds a recipient's display name likewise: encoded, a
// 1,300-byte name made a To line an SMTP server refused (found by
// FuzzEmailNotifierHeaders; headers are also folded, foldHeader).
const maxNameRunes = 100

// EmailNotifier sends each Message as one multipart email (plain text and
// HTML) over SMTP, or, for development, writes it to the log or to a
// directory (see NewEmailNotifier). It keeps no connection open between
// messages, so it is safe for concurrent use.
type EmailNotifier struct {
	sink       emailSink // log: and file:; nil for SMTP
	addr       string    // host:port
	host       string
	user, pass string
	hasAuth    bool
	security   string
	skipVerify bool
	from       mail.Address
	timeout    time.Duration
	product    string
	localName  string
	templates  *emailTemplates // nil: the built-in templates
}

// NewEmailNotifier returns a Notifier that delivers through the SMTP
// server named by smtpURL, or to a development sink that needs no mail
// server (like the console email backends of web frameworks):
//
//	smtp://[user:pass@]host[:port][?from=addr&tls=none|starttls|tls&insecure_skip_verify=1]
//	smtps://[user:pass@]host[:port][?from=addr]
//	log:[?from=addr]          each message, text and link, as one record of Options.Logger
//	file:DIR[?from=addr]      each message as DIR/<time>-<random>.eml (file:/abs or file:rel)
//
// Without tls=, STARTTLS is used when the server offers it. The default
// port is 25 (587 with tls=starttls, 465 with smtps:// or tls=tls).
// Credentials are sent with AUTH PLAIN, which net/smtp only allows over
// TLS or to localhost. insecure_skip_verify=1 accepts any server
// certificate and is meant for tests with self-signed certificates.
func NewEmailNotifier(smtpURL string, opts *EmailOptions) (*EmailNotifier, error) {
	const op = "dam.NewEmailNotifier"
	var o EmailOptions
	if opts != nil {
		o = *opts
	}
	u, err := url.Parse(smtpURL)
	if err != nil {
		// url.Error repeats the URL, password included: say less.
		return nil, E(op, Invalid, "malformed SMTP URL")
	}
	n := &EmailNotifier{timeout: o.Timeout, product: o.ProductName, localName: o.LocalName}
	if o.Templates != "" {
		if n.templates, err = loadEmailTemplates(o.Templates); err != nil {
			return nil, E(op, Invalid, "email templates: %v", err)
		}
	}
	q := u.Query()
	switch u.Scheme {
	case "log", "file":
		if n.sink, err = newEmailSink(u, o.Logger); err != nil {
			return nil, E(op, Invalid, "%v", err)
		}
	case "smtp":
		n.security = q.Get("tls")
		switch n.security {
		case tlsAuto, tlsNone, tlsStartTLS, tlsImplicit:
		default:
			return nil, E(op, Invalid, "SMTP URL: tls=%q: want none, starttls or tls", n.security)
		}
	case "smtps":
		if t := q.Get("tls"); t != "" && t != tlsImplicit {
			return nil, E(op, Invalid, "SMTP URL: smtps:// always uses implicit TLS, not tls=%q", t)
		}
		n.security = tlsImplicit
	default:
		return nil, E(op, Invalid, "SMTP URL: scheme %q: want smtp, smtps, log or file", u.Scheme)
	}
	if n.sink == nil {
		if err := n.smtpServer(u); err != nil {
			return nil, E(op, Invalid, "%v", err)
		}
	}

	from := o.From
	if from == "" {
		from = q.Get("from")
	}
	if from == "" {
		from = "damkit@localhost"
	}
	if hasControl(from) {
		return nil, E(op, Invalid, "sender address contains control characters")
	}
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return nil, E(op, Invalid, "sender address %q: %v", from, err)
	}
	if n.product == "" {
		n.product = "damkit"
	}
	if fa.Name == "" {
		fa.Name = n.product
	}
	n.from = *fa
	if n.timeout <= 0 {
		n.timeout = 30 * time.Second
	}
	if n.localName == "" {
		n.localName = "localhost"
	}
	if hasControl(n.localName) || strings.ContainsAny(n.localName, " <>@") {
		return nil, E(op, Invalid, "local name %q is not a host name", n.localName)
	}
	return n, nil
}

// smtpServer reads the server, port, credentials and TLS settings of an
// smtp:// or smtps:// URL (n.security is already set).
func (n *EmailNotifier) smtpServer(u *url.URL) error {
	n.host = u.Hostname()
	if n.host == "" {
		return errors.New("SMTP URL: no host")
	}
	port := u.Port()
	if port == "" {
		switch n.security {
		case tlsImplicit:
			port = "465"
		case tlsStartTLS:
			port = "587"
		default:
			port = "25"
		}
	} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return fmt.Errorf("SMTP URL: bad port %q", port)
	}
	n.addr = net.JoinHostPort(n.host, port)
	if u.User != nil {
		n.hasAuth = true
		n.user = u.User.Username()
		n.pass, _ = u.User.Password()
	}
	if v := u.Query().Get("insecure_skip_verify"); v != "" {
		var err error
		if n.skipVerify, err = strconv.ParseBool(v); err != nil {
			return fmt.Errorf("SMTP URL: insecure_skip_verify=%q is not a boolean", v)
		}
	}
	return nil
}

// Notify sends m to m.To.Email. A recipient without an email address is
// skipped: not every user has one. The recipient is validated before any
// connection is made (Kind Invalid); failures of the SMTP conversation are
// Kind Internal, and a cancelled or expired ctx is Kind Canceled.
func (n *EmailNotifier) Notify(ctx context.Context, m Message) error {
	const op = "dam.EmailNotifier.Notify"
	if strings.TrimSpace(m.To.Email) == "" {
		return nil
	}
	to, err := recipientAddress(m.To)
	if err != nil {
		return &Error{Op: op, Kind: Invalid, Err: err}
	}
	body, err := n.compose(m, to)
	if err != nil {
		return &Error{Op: op, Kind: Internal, Err: err}
	}
	send := n.send
	if n.sink != nil {
		send = func(ctx context.Context, _ string, body []byte) error { return n.sink.deliver(ctx, n, m, to, body) }
	}
	if err := send(ctx, to.Address, body); err != nil {
		if ctx.Err() != nil {
			return &Error{Op: op, Kind: Canceled, Err: errors.Join(ctx.Err(), err)}
		}
		return &Error{Op: op, Kind: Internal, Err: err}
	}
	return nil
}

// recipientAddress accepts a bare address only ("a@b.example", not
// "Eve <a@b.example>"), so that the Email field can never smuggle a
// display name or a second address.
func recipientAddress(r Recipient) (*mail.Address, error) {
	email := strings.TrimSpace(r.Email)
	if hasControl(email) {
		return nil, errors.New("recipient email contains control characters")
	}
	addr, err := share.ParseAddress(email)
	if err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	name := headerText(r.Name)
	if rs := []rune(name); len(rs) > maxNameRunes {
		name = string(rs[:maxNameRunes-1]) + "…"
	}
	return &mail.Address{Name: name, Address: addr}, nil
}

// send holds one SMTP conversation. The connection's deadline is the
// earlier of ctx's and Timeout, and cancelling ctx unblocks it at once.
func (n *EmailNotifier) send(ctx context.Context, to string, body []byte) error {
	deadline := time.Now().Add(n.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", n.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", n.addr, err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	tlsConfig := &tls.Config{ServerName: n.host, InsecureSkipVerify: n.skipVerify, MinVersion: tls.VersionTLS12}
	if n.security == tlsImplicit {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("TLS handshake with %s: %w", n.addr, err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, n.host)
	if err != nil {
		return fmt.Errorf("SMTP greeting from %s: %w", n.addr, err)
	}
	defer c.Close()
	if err := c.Hello(n.localName); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if n.security == tlsStartTLS || n.security == tlsAuto {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		} else if n.security == tlsStartTLS {
			return fmt.Errorf("SMTP server %s does not offer STARTTLS", n.addr)
		}
	}
	if n.hasAuth {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("SMTP server %s does not offer AUTH", n.addr)
		}
		if err := c.Auth(smtp.PlainAuth("", n.user, n.pass, n.host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(n.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("QUIT: %w", err)
	}
	return nil
}

// compose renders the whole RFC 5322 message: headers, then a
// multipart/alternative body with a text and an HTML part, both
// quoted-printable so long lines and UTF-8 travel safely.
func (n *EmailNotifier) compose(m Message, to *mail.Address) ([]byte, error) {
	view := n.view(m)
	var text, html bytes.Buffer
	if err := n.templates.renderText(&text, view); err != nil {
		return nil, err
	}
	if err := n.templates.renderHTML(&html, view); err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct {
		contentType string
		content     []byte
	}{
		{"text/plain; charset=utf-8", text.Bytes()},
		{"text/html; charset=utf-8", html.Bytes()},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.contentType},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw)
		if _, err := qw.Write(part.content); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}

	id, err := n.messageID()
	if err != nil {
		return nil, err
	}
	headers := []struct{ key, value string }{
		{"From", addressHeader(&n.from)},
		{"To", addressHeader(to)},
		{"Subject", mime.QEncoding.Encode("utf-8", view.Subject)},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"Message-ID", id},
		{"MIME-Version", "1.0"},
		{"Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})},
		{"Auto-Submitted", "auto-generated"},
	}
	for _, h := range headers {
		// Every value above is built from cleaned or encoded text; this
		// check is the last line of defence against a new header line.
		if strings.ContainsAny(h.value, "\r\n") {
			return nil, fmt.Errorf("header %s would contain a line break", h.key)
		}
		buf.WriteString(foldHeader(h.key, h.value))
	}
	buf.WriteString("\r\n")
	buf.Write(body.Bytes())
	return buf.Bytes(), nil
}

func (n *EmailNotifier) messageID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "<" + hex.EncodeToString(b[:]) + "@" + n.localName + ">", nil
}

// emailView is what both templates render: cleaned text and a link that
// is known to be http or https, or empty.
type emailView struct {
	Kind    string
	Subject string
	Lines   []string
	Details []Detail
	Link    string
	Product string
}

func (n *EmailNotifier) view(m Message) emailView {
	v := emailView{
		Kind:    m.Kind,
		Subject: headerText(m.Subject),
		Link:    safeLink(m.Link),
		Product: n.product,
	}
	if r := []rune(v.Subject); len(r) > maxSubjectRunes {
		v.Subject = string(r[:maxSubjectRunes-1]) + "…"
	}
	text := strings.ReplaceAll(bodyText(m.Text), "\r\n", "\n")
	if text != "" {
		v.Lines = strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n")
	}
	for _, d := range m.Details {
		v.Details = append(v.Details, Detail{Label: headerText(d.Label), Value: headerText(d.Value)})
	}
	return v
}

// textTemplate writes the plain-text part: the text, each detail as
// "Label: Value", then the link on its own line.
func textTemplate(w io.Writer, v emailView) error {
	var b strings.Builder
	for _, l := range v.Lines {
		b.WriteString(l + "\n")
	}
	if len(v.Details) > 0 {
		b.WriteString("\n")
		for _, d := range v.Details {
			b.WriteString(d.Label + ": " + d.Value + "\n")
		}
	}
	if v.Link != "" {
		b.WriteString("\n" + v.Link + "\n")
	}
	b.WriteString("\n-- \n" + v.Product + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

var emailHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; color: #222; line-height: 1.5;">
<div style="max-width: 600px; margin: 0 auto; padding: 16px;">
{{- range .Lines}}
<p style="margin: 0 0 8px 0;">{{.}}</p>
{{- end}}
{{- if .Details}}
<table style="border-collapse: collapse; margin: 16px 0;">
{{- range .Details}}
<tr><td style="padding: 4px 12px 4px 0; color: #666;">{{.Label}}</td><td style="padding: 4px 0;">{{.Value}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .Link}}
<p style="margin: 24px 0;"><a href="{{.Link}}" style="background: #2563eb; color: #fff; padding: 10px 18px; border-radius: 4px; text-decoration: none; display: inline-block;">Open</a></p>
<p style="font-size: 12px; color: #666;">Or copy this address: {{.Link}}</p>
{{- end}}
<p style="font-size: 12px; color: #999; margin-top: 32px;">{{.Product}}</p>
</div>
</body>
</html>
`))

// safeLink returns raw when it is an absolute http or https URL and ""
// otherwise, so javascript:, data: and relative links are never offered.
func safeLink(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || hasControl(raw) {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return ""
	}
	return u.String()
}

// headerText turns s into one line: control characters (CR and LF
// included) become spaces, runs of spaces collapse.
// addressHeader is a.String(), except that a display name holding anything
// but printable ASCII is B-encoded: net/mail Q-encodes it and leaves
// characters a phrase may not hold (a backslash beside "é": RFC 2047 5(3)),
// and a reader, net/mail's own included, then refuses the whole address
// (found by FuzzEmailNotifierHeaders).
func addressHeader(a *mail.Address) string {
	printable := !strings.ContainsFunc(a.Name, func(r rune) bool { return r < ' ' || r > '~' })
	if a.Name == "" || printable {
		return a.String()
	}
	name := mime.BEncoding.Encode("utf-8", strings.ToValidUTF8(a.Name, "\uFFFD"))
	return name + " " + (&mail.Address{Address: a.Address}).String()
}

// foldHeader returns the header line key: value, folded at its spaces so
// that no line passes 78 characters where a space allows (RFC 5322 2.2.3;
// encoded words are at most 75 characters, separated by spaces).
func foldHeader(key, value string) string {
	const limit = 78
	var b strings.Builder
	b.WriteString(key + ":")
	line := len(key) + 1
	for i, w := range strings.Split(value, " ") {
		if i > 0 && line+1+len(w) > limit && w != "" {
			b.WriteString("\r\n")
			line = 0
		}
		b.WriteString(" " + w)
		line += 1 + len(w)
	}
	b.WriteString("\r\n")
	return b.String()
}

func headerText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// bodyText keeps line breaks and tabs but drops other control characters.
func bodyText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}
