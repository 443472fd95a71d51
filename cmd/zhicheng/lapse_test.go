package main

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// R-CAL-02: serve lapses what the review deadline overtook, on its own, by the services'
// clock: the demo's submitted application (its plan's unit review ends 36 days from today)
// lapses once the clock passes that, with one audit entry by the system; the sweeper stops
// with the server.
func TestR_CAL_02_serveLapsesOverdue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var shift atomic.Int64 // added to the real clock
	m := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, passwordCost: cheap, lapseEvery: 20 * time.Millisecond,
		clock: func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }}
	if err := m.Open(ctx); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })

	var app model.Application
	read := func() {
		t.Helper()
		err := m.DB.View(ctx, func(q *store.Q) error {
			c, err := q.CredentialsByLogin(ctx, "applicant2", "")
			if err != nil {
				return err
			}
			apps, err := q.ApplicationsOf(ctx, c.UserID)
			if err != nil || len(apps) != 1 {
				t.Fatalf("applicant2's applications: %d %v", len(apps), err)
			}
			app = apps[0]
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // several sweeps before the deadline
	if read(); app.Status != model.StatusSubmitted {
		t.Fatalf("before the deadline: %s", app.Status)
	}
	shift.Store(int64(40 * 24 * time.Hour))
	for deadline := time.Now().Add(10 * time.Second); app.Status != model.StatusLapsed; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not lapsed after the deadline: %s", app.Status)
		}
		read()
	}
	time.Sleep(100 * time.Millisecond) // more sweeps: nothing twice
	events, err := m.Services.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "application", ObjectID: app.ID})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Action == "application.lapse" {
			n++
			if e.ActorID != 0 || e.ActorName != "系统" || e.FromState != "submitted" || e.ToState != "lapsed" {
				t.Errorf("lapse entry: %+v", e)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d lapse entries, want 1", n)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}
