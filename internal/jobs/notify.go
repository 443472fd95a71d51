package jobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/pii"
)

// Message is one notification to a user.
type Message struct {
	UserID  int64  `json:"user_id"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Notifier delivers a message. An error makes the job retry later.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// LogNotifier writes each message to the log: the default when no mail relay is set.
type LogNotifier struct{ Log *slog.Logger }

func (n LogNotifier) Notify(ctx context.Context, m Message) error {
	log := n.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notification", "user_id", m.UserID, "subject", m.Subject, "body", m.Body)
	return nil
}

// SMTPNotifier sends each message by mail to the address Lookup gives for the user. A user
// without an address is skipped and logged, not retried: they chose not to be mailed, and
// retrying would not change that. Any other failure (relay down, 4xx) is returned, so the
// job is retried later.
type SMTPNotifier struct {
	Host     string
	Port     int
	From     string // a plain address or "名称 <address>"
	User     string // empty: no authentication
	Password string
	// Lookup returns the user's address in clear, "" when they have none; an error (the
	// database is away) retries the job.
	Lookup  func(ctx context.Context, userID int64) (string, error)
	Log     *slog.Logger
	Timeout time.Duration // dial timeout; default 10 s
}

func (n *SMTPNotifier) Notify(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(n.From)
	if err != nil {
		return fmt.Errorf("mail to user %d: sender %q: %w", m.UserID, n.From, err)
	}
	addr := ""
	if n.Lookup != nil {
		if addr, err = n.Lookup(ctx, m.UserID); err != nil {
			return fmt.Errorf("mail to user %d: %w", m.UserID, err)
		}
	}
	if addr == "" {
		log := n.Log
		if log == nil {
			log = slog.Default()
		}
		log.WarnContext(ctx, "notification not mailed: user has no e-mail address", "user_id", m.UserID, "subject", m.Subject)
		return nil
	}
	if err := n.deliver(ctx, from, addr, m); err != nil {
		// The relay's reply may quote the address, and this error is logged and kept in the
		// jobs table, where personal data appears masked only (R-SEC-01).
		return fmt.Errorf("mail to user %d: %s", m.UserID, strings.ReplaceAll(err.Error(), addr, pii.MaskEmail(addr)))
	}
	return nil
}

func (n *SMTPNotifier) deliver(ctx context.Context, from *mail.Address, to string, m Message) error {
	if strings.ContainsAny(to, "\r\n") {
		return errors.New("invalid address")
	}
	msg, err := compose(from, to, m, time.Now())
	if err != nil {
		return err
	}
	timeout := n.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(n.Host, strconv.Itoa(n.Port)))
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, n.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	return n.send(c, from.Address, to, msg)
}

func (n *SMTPNotifier) send(c *smtp.Client, from, to string, msg []byte) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: n.Host}); err != nil {
			return err
		}
	}
	if n.User != "" {
		// PlainAuth refuses to send the password over an unencrypted non-local connection.
		if err := c.Auth(smtp.PlainAuth("", n.User, n.Password, n.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	// The relay has accepted the message: a failed QUIT must not make the job send it again.
	c.Quit()
	return nil
}

// compose writes the message: UTF-8 text, the subject as an RFC 2047 encoded word, the body
// in base64 (so that no relay has to carry 8-bit data), and the Date and Message-ID that
// relays and spam filters expect of a well-formed message.
func compose(from *mail.Address, to string, m Message, now time.Time) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("message id: %w", err)
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	subject := strings.Join(strings.Fields(m.Subject), " ") // one line: a newline would end the header
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", (&mail.Address{Address: to}).String())
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	text := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n") // text/plain lines end in CRLF
	body := base64.StdEncoding.EncodeToString([]byte(text))
	for len(body) > 76 { // RFC 2045: encoded lines of at most 76 characters
		b.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	b.WriteString(body + "\r\n")
	return b.Bytes(), nil
}
