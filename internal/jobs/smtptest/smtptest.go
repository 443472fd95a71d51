// Package smtptest runs a real SMTP server in the test process (github.com/emersion/go-smtp
// on a loopback port), so that tests of mail delivery speak the protocol to something
// that checks it. It records every message it accepts and can be told to refuse
// recipients with a temporary (4xx) error, as a greylisting or overloaded relay does.
package smtptest

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// Message is one accepted message, as it came over the wire.
type Message struct {
	From string
	To   []string
	Data []byte // headers and body, CRLF line ends, dot-stuffing removed
}

// Server is a running test SMTP server.
type Server struct {
	Host string
	Port int

	mu       sync.Mutex
	msgs     []Message
	fail     *smtp.SMTPError
	received chan struct{}
}

// Start listens on 127.0.0.1 and serves until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{received: make(chan struct{}, 100)}
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = addr.IP.String(), addr.Port
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "smtptest.localhost"
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Received receives a value for each accepted message.
func (s *Server) Received() <-chan struct{} { return s.received }

// FailRecipients makes the server refuse every recipient with the given code (such as
// 451) and message; code 0 accepts them again.
func (s *Server) FailRecipients(code int, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = nil
	if code != 0 {
		s.fail = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 3, 0}, Message: message}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.fail != nil {
		return x.s.fail
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, Message{From: x.from, To: x.to, Data: b})
	x.s.mu.Unlock()
	select {
	case x.s.received <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset() { x.from, x.to = "", nil }

func (x *session) Logout() error { return nil }
