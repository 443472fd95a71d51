// Package jobs runs zhicheng's durable background jobs: rows of the jobs table, enqueued
// in the transaction of the change that causes them (store.Q.Enqueue) and run by a worker
// in every instance, so a request never waits for a mail server and a crash loses nothing.
package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"zhicheng/internal/store"
)

// KindNotify is a job whose payload is a Message.
const KindNotify = "notify"

// Notify enqueues msg in the caller's transaction.
func Notify(ctx context.Context, q *store.Q, msg Message) error {
	_, err := q.Enqueue(ctx, KindNotify, msg, time.Time{})
	return err
}

// NotifyOnce enqueues msg to be delivered after delay, unless a message with the same key
// is still waiting to be delivered: that one then stands for this too (store.EnqueueOnce).
func NotifyOnce(ctx context.Context, q *store.Q, key string, msg Message, delay time.Duration) error {
	_, err := q.EnqueueOnce(ctx, KindNotify, key, msg, q.Now().Add(delay))
	return err
}

// Worker claims due jobs and runs them.
type Worker struct {
	DB       *store.DB
	Notifier Notifier
	Log      *slog.Logger
	Poll     time.Duration // between looks at an empty queue; default 2 s
	Lease    time.Duration // how long a claimed job is hidden from other workers; default 1 min
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	poll := w.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			ran, err := w.RunOne(ctx)
			if err != nil && ctx.Err() == nil {
				w.log().Warn("job queue", "err", err)
			}
			if !ran || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOne claims and runs one due job; ran is false if none was due.
func (w *Worker) RunOne(ctx context.Context) (ran bool, err error) {
	lease := w.Lease
	if lease <= 0 {
		lease = time.Minute
	}
	j, ok, err := w.DB.ClaimJob(ctx, lease)
	if err != nil || !ok {
		return false, err
	}
	// The job gets most of its lease, so that it ends before another worker may take it.
	jctx, cancel := context.WithTimeout(ctx, lease*3/4)
	runErr := w.run(jctx, j)
	cancel()
	// Record the outcome even if ctx is ending (shutdown), so the job is not redone needlessly.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if runErr == nil {
		return true, w.DB.JobDone(rctx, j.ID)
	}
	failed, err := w.DB.RetryJob(rctx, j.ID, runErr)
	if failed {
		w.log().Error("job failed for good", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
	} else {
		w.log().Warn("job failed; will retry", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
	}
	return true, err
}

func (w *Worker) run(ctx context.Context, j store.Job) error {
	switch j.Kind {
	case KindNotify:
		var m Message
		if err := json.Unmarshal(j.Payload, &m); err != nil {
			return fmt.Errorf("notify payload: %w", err)
		}
		n := w.Notifier
		if n == nil {
			n = LogNotifier{Log: w.Log}
		}
		return n.Notify(ctx, m)
	}
	return fmt.Errorf("unknown job kind %q", j.Kind)
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}
