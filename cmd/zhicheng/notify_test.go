package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"zhicheng/internal/jobs"
	"zhicheng/internal/jobs/smtptest"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// With --smtp, the running server mails a queued notification to the address the user
// set, read and decrypted from the store: the wiring of the notifier's lookup.
func TestServeMailsNotifications(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	m := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), passwordCost: cheap,
		SMTP: net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port)), SMTPFrom: "职称系统 <zhicheng@example.gov.cn>"}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })

	ctx, sys := context.Background(), model.SystemActor("test")
	office, err := m.Services.Orgs.Create(ctx, sys, model.Org{Kind: model.OrgOffice, Code: "OFF", Name: "职改办"})
	if err != nil {
		t.Fatal(err)
	}
	uid, err := m.Services.Accounts.CreateUser(ctx, sys, service.UserInput{OrgID: office, Username: "zhangsan", Name: "张三",
		IDNumber: "11010519491231002X", Phone: "13800001234", Email: "zhangsan@example.com", Password: "Good#Pass1", Roles: []model.Role{model.RoleHandler}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.DB.Update(ctx, func(q *store.Q) error {
		return jobs.Notify(ctx, q, jobs.Message{UserID: uid, Subject: "职称申报状态更新", Body: "您的职称申报状态已更新为：单位公示中"})
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Received():
	case <-time.After(15 * time.Second): // the worker looks every 2 s
		t.Fatal("no message reached the SMTP server")
	}
	if msgs := srv.Messages(); len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "zhangsan@example.com" || msgs[0].From != "zhicheng@example.gov.cn" {
		t.Fatalf("messages: %+v", msgs)
	}
}

// A sender that is not an address stops the start, rather than every mail failing later.
func TestNotifierConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []Config{
		{SMTP: "mail.example.org", SMTPFrom: "zhicheng@example.org"},
		{SMTP: "mail.example.org:25", SMTPFrom: ""},
		{SMTP: "mail.example.org:25", SMTPFrom: "职称系统"},
	} {
		if _, err := c.notifier(log, nil); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if n, err := (&Config{}).notifier(log, nil); err != nil {
		t.Fatal(err)
	} else if _, ok := n.(jobs.LogNotifier); !ok {
		t.Fatalf("without --smtp: %T", n)
	}
	c := Config{SMTP: "mail.example.org:587", SMTPFrom: "职称系统 <zhicheng@example.org>"}
	if n, err := c.notifier(log, nil); err != nil {
		t.Fatal(err)
	} else if s, ok := n.(*jobs.SMTPNotifier); !ok || s.Host != "mail.example.org" || s.Port != 587 {
		t.Fatalf("with --smtp: %#v", n)
	}
}
