package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

func TestJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })

		// Enqueued in a transaction that rolls back: no job.
		boom := errors.New("boom")
		err := db.Update(ctx, func(q *store.Q) error {
			if _, err := q.Enqueue(ctx, "notify", map[string]int{"user_id": 1}, time.Time{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("update: %v", err)
		}
		if js, err := db.Jobs(ctx, ""); err != nil || len(js) != 0 {
			t.Fatalf("after rollback: %v, %v", js, err)
		}
		if _, ok, err := db.ClaimJob(ctx, time.Minute); err != nil || ok {
			t.Fatalf("claim empty queue: %v %v", ok, err)
		}

		var id int64
		if err := db.Update(ctx, func(q *store.Q) (err error) {
			id, err = q.Enqueue(ctx, "notify", map[string]int{"user_id": 7}, time.Time{})
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// Two workers claim at once: exactly one gets the job.
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				j, ok, err := db.ClaimJob(ctx, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					got++
					mu.Unlock()
					if j.ID != id || j.Kind != "notify" || j.Attempts != 1 || string(j.Payload) != `{"user_id":7}` {
						t.Errorf("claimed %+v", j)
					}
				}
			}()
		}
		wg.Wait()
		if got != 1 {
			t.Fatalf("claimed %d times, want 1", got)
		}

		// Failed: hidden until the backoff has passed.
		if failed, err := db.RetryJob(ctx, id, errors.New("relay down")); err != nil || failed {
			t.Fatalf("retry: %v %v", failed, err)
		}
		if _, ok, _ := db.ClaimJob(ctx, time.Minute); ok {
			t.Fatal("claimed before the backoff")
		}
		now = now.Add(store.JobBackoff(1))
		j, ok, err := db.ClaimJob(ctx, time.Minute)
		if err != nil || !ok || j.Attempts != 2 {
			t.Fatalf("claim after backoff: %+v %v %v", j, ok, err)
		}
		// A lease that runs out (a dead worker) frees the job for another.
		now = now.Add(time.Minute)
		if j, ok, _ = db.ClaimJob(ctx, time.Minute); !ok || j.Attempts != 3 {
			t.Fatalf("claim after lease: %+v %v", j, ok)
		}
		if err := db.JobDone(ctx, id); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		if _, ok, _ := db.ClaimJob(ctx, time.Minute); ok {
			t.Fatal("claimed a done job")
		}
		js, err := db.Jobs(ctx, "notify")
		if err != nil || len(js) != 1 || js[0].DoneAt.IsZero() || js[0].LastError != "" {
			t.Fatalf("jobs: %+v %v", js, err)
		}

		// Gives up after JobMaxAttempts, keeping the row and its error.
		if err := db.Update(ctx, func(q *store.Q) (err error) {
			id, err = q.Enqueue(ctx, "notify", "x", time.Time{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= store.JobMaxAttempts; i++ {
			j, ok, err := db.ClaimJob(ctx, time.Minute)
			if err != nil || !ok || j.ID != id {
				t.Fatalf("attempt %d: %+v %v %v", i, j, ok, err)
			}
			failed, err := db.RetryJob(ctx, id, errors.New("still down"))
			if err != nil || failed != (i == store.JobMaxAttempts) {
				t.Fatalf("attempt %d: failed=%v %v", i, failed, err)
			}
			now = now.Add(time.Hour)
		}
		if _, ok, _ := db.ClaimJob(ctx, time.Minute); ok {
			t.Fatal("claimed a failed job")
		}
		js, _ = db.Jobs(ctx, "notify")
		if last := js[len(js)-1]; last.FailedAt.IsZero() || last.LastError != "still down" || last.Attempts != store.JobMaxAttempts {
			t.Fatalf("failed job: %+v", last)
		}
	})
}

func TestJobBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 4: 80 * time.Second, 9: 2560 * time.Second, 10: time.Hour, 30: time.Hour} {
		if got := store.JobBackoff(n); got != want {
			t.Errorf("JobBackoff(%d) = %v, want %v", n, got, want)
		}
	}
}
