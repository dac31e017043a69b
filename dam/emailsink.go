package dam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// emailSink delivers a composed message somewhere other than an SMTP
// server: the development sinks behind log: and file: URLs.
type emailSink interface {
	deliver(ctx context.Context, n *EmailNotifier, m Message, to *mail.Address, body []byte) error
}

// newEmailSink reads a log: or file: URL.
func newEmailSink(u *url.URL, logger *slog.Logger) (emailSink, error) {
	switch u.Scheme {
	case "log":
		if u.Opaque != "" || u.Host != "" || u.Path != "" {
			return nil, fmt.Errorf("mail URL %q: log: takes no path (log: or log:?from=addr)", u.Redacted())
		}
		if logger == nil {
			logger = slog.Default()
		}
		return logSink{log: logger}, nil
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("mail URL: file: names a local directory, not host %q", u.Host)
		}
		dir := u.Opaque // file:rel/dir
		if dir == "" {
			dir = u.Path // file:/abs/dir, file:///abs/dir
		}
		if dir == "" {
			return nil, errors.New("mail URL: file: needs a directory, e.g. file:/tmp/damkit-mail")
		}
		dir = filepath.FromSlash(dir)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("mail directory: %w", err)
		}
		return fileSink{dir: dir}, nil
	}
	return nil, fmt.Errorf("mail URL: scheme %q is not a sink", u.Scheme)
}

// logSink writes each message as one log record at level Info ("email",
// with kind, to, subject, link and the plain-text body), for a developer
// reading the server's output.
type logSink struct{ log *slog.Logger }

func (s logSink) deliver(ctx context.Context, n *EmailNotifier, m Message, to *mail.Address, _ []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v := n.view(m)
	var text strings.Builder
	if err := textTemplate(&text, v); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "email", "kind", m.Kind, "from", n.from.String(), "to", to.String(),
		"subject", v.Subject, "link", v.Link, "text", text.String())
	return nil
}

// fileSink writes each message, exactly as it would be sent, to its own
// .eml file (which mail clients open) in a directory. File names sort in
// the order messages were written: <UTC time>-<random>.eml. A message
// with a link carries it once more, unencoded, in an X-Damkit-Link header
// first, so a script can pick it out with grep without decoding the
// quoted-printable body. Files appear whole (written aside, then renamed), readable by the owner only.
type fileSink struct{ dir string }

func (s fileSink) deliver(ctx context.Context, n *EmailNotifier, m Message, _ *mail.Address, body []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var rnd [4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return err
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(rnd[:]) + ".eml"
	if link := n.view(m).Link; link != "" {
		body = append([]byte("X-Damkit-Link: "+link+"\r\n"), body...)
	}
	tmp, err := os.CreateTemp(s.dir, ".writing-*.eml.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(body)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), filepath.Join(s.dir, name))
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return werr
	}
	return nil
}
