package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
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

// LogNotifier writes each message to the log: the default, until users have an address.
type LogNotifier struct{ Log *slog.Logger }

func (n LogNotifier) Notify(ctx context.Context, m Message) error {
	log := n.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "notification", "user_id", m.UserID, "subject", m.Subject, "body", m.Body)
	return nil
}

// SMTPNotifier sends each message by mail. Users have no e-mail column yet (only phones), so
// the address comes from Lookup; a user without one is skipped and logged, not retried.
// An e-mail (or SMS by phone) field on users is future work.
type SMTPNotifier struct {
	Host     string
	Port     int
	From     string
	User     string // empty: no authentication
	Password string
	Lookup   func(ctx context.Context, userID int64) (address string, ok bool)
	Log      *slog.Logger
	Timeout  time.Duration // dial timeout; default 10 s
}

func (n *SMTPNotifier) Notify(ctx context.Context, m Message) error {
	addr, ok := "", false
	if n.Lookup != nil {
		addr, ok = n.Lookup(ctx, m.UserID)
	}
	if !ok || addr == "" {
		log := n.Log
		if log == nil {
			log = slog.Default()
		}
		log.WarnContext(ctx, "notification not mailed: user has no e-mail address", "user_id", m.UserID, "subject", m.Subject)
		return nil
	}
	if strings.ContainsAny(addr+n.From, "\r\n") {
		return fmt.Errorf("mail to user %d: invalid address", m.UserID)
	}
	hostport := net.JoinHostPort(n.Host, strconv.Itoa(n.Port))
	timeout := n.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return fmt.Errorf("mail to user %d: %w", m.UserID, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, n.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail to user %d: %w", m.UserID, err)
	}
	defer c.Close()
	if err := n.send(c, addr, m); err != nil {
		return fmt.Errorf("mail to user %d: %w", m.UserID, err)
	}
	return nil
}

func (n *SMTPNotifier) send(c *smtp.Client, to string, m Message) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(nil); err != nil {
			return err
		}
	}
	if n.User != "" {
		// PlainAuth refuses to send the password over an unencrypted non-local connection.
		if err := c.Auth(smtp.PlainAuth("", n.User, n.Password, n.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(n.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	subject := mime.BEncoding.Encode("UTF-8", strings.ReplaceAll(m.Subject, "\n", " "))
	fmt.Fprintf(w, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		n.From, to, subject, strings.ReplaceAll(m.Body, "\n", "\r\n"))
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
