package jobs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/auth"
	"zhicheng/internal/jobs"
	"zhicheng/internal/jobs/smtptest"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// These tests deliver through a real SMTP server in the test process, to addresses the
// services stored encrypted, exactly as cmd/zhicheng wires it.

const (
	sender  = "职称系统 <zhicheng@example.gov.cn>"
	address = "zhangsan@example.com"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// mailFixture makes an office with two accounts: one with an e-mail address, one without.
func mailFixture(t *testing.T, db *store.DB) (svc *service.Services, withMail, without int64) {
	t.Helper()
	ctx, sys := context.Background(), model.SystemActor("test")
	keys, err := pii.NewKeys(bytes.Repeat([]byte{7}, pii.MasterSize))
	if err != nil {
		t.Fatal(err)
	}
	svc = service.New(service.Deps{DB: db, Keys: keys, Password: auth.Params{Memory: 1024, Time: 1, Threads: 1}, Log: quiet})
	office, err := svc.Orgs.Create(ctx, sys, model.Org{Kind: model.OrgOffice, Code: "OFF", Name: "职改办"})
	if err != nil {
		t.Fatal(err)
	}
	user := func(username, idNumber, email string) int64 {
		id, err := svc.Accounts.CreateUser(ctx, sys, service.UserInput{OrgID: office, Username: username, Name: "张三",
			IDNumber: idNumber, Phone: "13800001234", Email: email, Password: "Good#Pass1", Roles: []model.Role{model.RoleHandler}})
		if err != nil {
			t.Fatalf("create %s: %v", username, err)
		}
		return id
	}
	return svc, user("zhangsan", "11010519491231002X", address), user("lisi", "62010219850315001X", "")
}

func smtpWorker(db *store.DB, svc *service.Services, srv *smtptest.Server) *jobs.Worker {
	n := &jobs.SMTPNotifier{Host: srv.Host, Port: srv.Port, From: sender, Lookup: svc.Accounts.MailAddress, Log: quiet}
	return &jobs.Worker{DB: db, Notifier: n, Log: quiet}
}

func onlyJob(t *testing.T, db *store.DB) store.JobState {
	t.Helper()
	js, err := db.Jobs(context.Background(), jobs.KindNotify)
	if err != nil || len(js) != 1 {
		t.Fatalf("jobs: %+v %v", js, err)
	}
	return js[0]
}

// The worker mails the notification to the decrypted address, once, as a well-formed
// MIME message whose Chinese subject and body decode back to what was enqueued.
func TestSMTPNotifierDeliversToStoredAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, uid, _ := mailFixture(t, db)
		srv := smtptest.Start(t)
		want := jobs.Message{UserID: uid, Subject: "职称申报状态更新", Body: "您的职称申报状态已更新为：单位公示中\n请登录系统查看。"}
		enqueue(t, db, want)
		if ran, err := smtpWorker(db, svc, srv).RunOne(ctx); !ran || err != nil {
			t.Fatalf("run: %v %v", ran, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server received %d messages, want 1", len(msgs))
		}
		got := msgs[0]
		if got.From != "zhicheng@example.gov.cn" || len(got.To) != 1 || got.To[0] != address {
			t.Fatalf("envelope: from %q to %q", got.From, got.To)
		}
		for _, c := range got.Data {
			if c >= 0x80 {
				t.Fatal("message is not 7-bit: every relay must be able to carry it")
			}
		}
		m, err := mail.ReadMessage(bytes.NewReader(got.Data))
		if err != nil {
			t.Fatal(err)
		}
		h := m.Header
		if subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil || subject != want.Subject {
			t.Errorf("subject %q decodes to %q, %v", h.Get("Subject"), subject, err)
		}
		if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Name != "职称系统" || from.Address != "zhicheng@example.gov.cn" {
			t.Errorf("From: %q → %+v %v", h.Get("From"), from, err)
		}
		if to, err := mail.ParseAddress(h.Get("To")); err != nil || to.Address != address {
			t.Errorf("To: %q → %+v %v", h.Get("To"), to, err)
		}
		if d, err := h.Date(); err != nil || time.Since(d).Abs() > time.Minute {
			t.Errorf("Date: %q → %v %v", h.Get("Date"), d, err)
		}
		if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.gov\.cn>$`).MatchString(id) {
			t.Errorf("Message-ID: %q", id)
		}
		if ct, params, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || ct != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
			t.Errorf("Content-Type: %q", h.Get("Content-Type"))
		}
		if h.Get("MIME-Version") != "1.0" || h.Get("Content-Transfer-Encoding") != "base64" {
			t.Errorf("MIME headers: %v", h)
		}
		body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
		if err != nil || string(body) != strings.ReplaceAll(want.Body, "\n", "\r\n") {
			t.Errorf("body decodes to %q, %v", body, err)
		}
		if j := onlyJob(t, db); j.DoneAt.IsZero() || j.Attempts != 1 {
			t.Fatalf("job: %+v", j)
		}
	})
}

// A temporary refusal (451) makes the job retry after its backoff, and it is then mailed
// exactly once. The relay's reply quotes the address; what is kept and logged masks it.
func TestSMTPNotifierRetriesTemporaryFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		svc, uid, _ := mailFixture(t, db)
		srv := smtptest.Start(t)
		srv.FailRecipients(451, "<"+address+"> greylisted, try again later")
		w := smtpWorker(db, svc, srv)
		enqueue(t, db, jobs.Message{UserID: uid, Subject: "职称申报已提交", Body: "您的职称申报已提交，等待单位审核"})

		if ran, err := w.RunOne(ctx); !ran || err != nil {
			t.Fatalf("run: %v %v", ran, err)
		}
		j := onlyJob(t, db)
		if !j.DoneAt.IsZero() || !j.FailedAt.IsZero() || j.Attempts != 1 || !strings.Contains(j.LastError, "451") {
			t.Fatalf("after a 451 the job must wait for a retry: %+v", j)
		}
		if strings.Contains(j.LastError, address) || !strings.Contains(j.LastError, pii.MaskEmail(address)) {
			t.Fatalf("last error must hold the masked address only: %q", j.LastError)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("refused, yet %d messages stored", n)
		}
		if ran, _ := w.RunOne(ctx); ran {
			t.Fatal("retried before its backoff")
		}

		srv.FailRecipients(0, "")
		now = now.Add(store.JobBackoff(1))
		if ran, err := w.RunOne(ctx); !ran || err != nil {
			t.Fatalf("retry: %v %v", ran, err)
		}
		if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != address {
			t.Fatalf("after the retry: %+v", msgs)
		}
		if j := onlyJob(t, db); j.DoneAt.IsZero() || j.Attempts != 2 {
			t.Fatalf("job: %+v", j)
		}
	})
}

// A user without an address is skipped: the job is done, nothing is sent, nothing retried.
func TestSMTPNotifierSkipsUserWithoutAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		svc, _, without := mailFixture(t, db)
		srv := smtptest.Start(t)
		w := smtpWorker(db, svc, srv)
		enqueue(t, db, jobs.Message{UserID: without, Subject: "职称申报状态更新", Body: "x"})
		if ran, err := w.RunOne(ctx); !ran || err != nil {
			t.Fatalf("run: %v %v", ran, err)
		}
		now = now.Add(time.Hour)
		if ran, _ := w.RunOne(ctx); ran {
			t.Fatal("a skipped notification ran again")
		}
		if j := onlyJob(t, db); j.DoneAt.IsZero() || j.Attempts != 1 {
			t.Fatalf("job: %+v", j)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages sent to a user without an address", n)
		}
	})
}
