package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/jobs"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

type fakeNotifier struct {
	mu   sync.Mutex
	fail int // fail this many calls first
	got  []jobs.Message
	sent chan struct{}
}

func (f *fakeNotifier) Notify(ctx context.Context, m jobs.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("relay down")
	}
	f.got = append(f.got, m)
	select {
	case f.sent <- struct{}{}:
	default:
	}
	return nil
}

func enqueue(t *testing.T, db *store.DB, m jobs.Message) {
	t.Helper()
	if err := db.Update(context.Background(), func(q *store.Q) error { return jobs.Notify(context.Background(), q, m) }); err != nil {
		t.Fatal(err)
	}
}

func TestWorkerDelivers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := &fakeNotifier{sent: make(chan struct{}, 1)}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			(&jobs.Worker{DB: db, Notifier: f, Poll: 10 * time.Millisecond}).Run(ctx)
		}()
		want := jobs.Message{UserID: 42, Subject: "职称申报状态更新", Body: "您的职称申报状态已更新为：单位公示中"}
		enqueue(t, db, want)
		select {
		case <-f.sent:
		case <-time.After(5 * time.Second):
			t.Fatal("not delivered")
		}
		cancel()
		<-done
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.got) != 1 || f.got[0] != want {
			t.Fatalf("delivered %+v", f.got)
		}
		js, err := db.Jobs(context.Background(), jobs.KindNotify)
		if err != nil || len(js) != 1 || js[0].DoneAt.IsZero() {
			t.Fatalf("jobs: %+v %v", js, err)
		}
	})
}

func TestWorkerRetriesLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		f := &fakeNotifier{fail: 1, sent: make(chan struct{}, 1)}
		w := &jobs.Worker{DB: db, Notifier: f}
		enqueue(t, db, jobs.Message{UserID: 1, Subject: "a", Body: "first"})
		enqueue(t, db, jobs.Message{UserID: 2, Subject: "b", Body: "second"})

		// The first fails and steps aside; the second is not held up behind it.
		for i := range 2 {
			if ran, err := w.RunOne(ctx); !ran || err != nil {
				t.Fatalf("run %d: %v %v", i, ran, err)
			}
		}
		if ran, _ := w.RunOne(ctx); ran {
			t.Fatal("the failed job ran again before its backoff")
		}
		now = now.Add(store.JobBackoff(1))
		if ran, err := w.RunOne(ctx); !ran || err != nil {
			t.Fatalf("retry: %v %v", ran, err)
		}
		if len(f.got) != 2 || f.got[0].UserID != 2 || f.got[1].UserID != 1 {
			t.Fatalf("delivered %+v", f.got)
		}
		js, _ := db.Jobs(ctx, jobs.KindNotify)
		if js[0].Attempts != 2 || js[0].DoneAt.IsZero() || js[1].Attempts != 1 {
			t.Fatalf("jobs: %+v", js)
		}
	})
}

func TestLogNotifier(t *testing.T) {
	if err := (jobs.LogNotifier{}).Notify(context.Background(), jobs.Message{UserID: 1}); err != nil {
		t.Fatal(err)
	}
	// Without an address the SMTP notifier skips the user instead of retrying for ever.
	n := &jobs.SMTPNotifier{Host: "127.0.0.1", Port: 1, From: "zc@example.org",
		Lookup: func(context.Context, int64) (string, error) { return "", nil }}
	if err := n.Notify(context.Background(), jobs.Message{UserID: 1}); err != nil {
		t.Fatal(err)
	}
}
