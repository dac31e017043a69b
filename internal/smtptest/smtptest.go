// Package smtptest is a real SMTP server on 127.0.0.1 for tests (go-smtp,
// with optional AUTH PLAIN, STARTTLS or implicit TLS, and refusals), so
// that mail leaves through a real SMTP conversation and tests read what
// arrived.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// Message is one message as the test SMTP server saw it.
type Message struct {
	From string
	To   []string
	Data []byte
	User string // authenticated user, if any
}

// Sink is a real SMTP server on 127.0.0.1 that keeps what it receives.
type Sink struct {
	URL string // smtp://127.0.0.1:port

	mu       sync.Mutex
	messages []Message
	conns    atomic.Int32

	RejectRcpt bool              // answer 550 to every RCPT
	Users      map[string]string // when set, AUTH PLAIN is required
	TLS        *tls.Config       // when set, STARTTLS is offered
	Implicit   bool              // with TLS: TLS from the first byte (smtps)
}

// Start starts a sink for the test and stops it when the test ends;
// configure, when not nil, sets its options first.
func Start(t testing.TB, configure func(*Sink)) *Sink {
	t.Helper()
	sink, stop, err := Serve(configure)
	require.NoError(t, err)
	t.Cleanup(stop)
	return sink
}

// Serve starts a sink and returns the function that stops it.
func Serve(configure func(*Sink)) (*Sink, func(), error) {
	sink := &Sink{}
	if configure != nil {
		configure(sink)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: sink}, nil
	}))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	sink.URL = "smtp://" + ln.Addr().String()
	if sink.Implicit {
		ln = tls.NewListener(ln, sink.TLS)
		sink.URL = "smtps://" + ln.Addr().String()
	} else {
		srv.TLSConfig = sink.TLS
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(countingListener{ln, &sink.conns})
	}()
	return sink, func() {
		// Close the listener too: Serve may not have registered it yet.
		_ = ln.Close()
		_ = srv.Close()
		<-done
	}, nil
}

// Received returns the messages received so far, in order.
func (s *Sink) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

type countingListener struct {
	net.Listener
	n *atomic.Int32
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

type sinkSession struct {
	sink *Sink
	cur  Message
}

func (s *sinkSession) AuthMechanisms() []string {
	if s.sink.Users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if want, ok := s.sink.Users[user]; !ok || want != pass {
			return errors.New("bad credentials")
		}
		s.cur.User = user
		return nil
	}), nil
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.sink.Users != nil && s.cur.User == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.sink.RejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.sink.mu.Lock()
	s.sink.messages = append(s.sink.messages, s.cur)
	s.sink.mu.Unlock()
	s.cur = Message{User: s.cur.User}
	return nil
}

func (s *sinkSession) Reset()        { s.cur = Message{User: s.cur.User} }
func (s *sinkSession) Logout() error { return nil }

// Conns counts the connections the sink accepted.
func (s *Sink) Conns() int32 { return s.conns.Load() }

// SentTo counts the messages received for addr.
func (s *Sink) SentTo(addr string) int {
	n := 0
	for _, m := range s.Received() {
		for _, to := range m.To {
			if to == addr {
				n++
			}
		}
	}
	return n
}
