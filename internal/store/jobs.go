package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Job is one durable background job, as claimed by a worker.
type Job struct {
	ID       int64
	Kind     string
	Payload  []byte // JSON
	Attempts int    // including the current one
}

// JobMaxAttempts is how many times a job runs before it is marked failed (its row stays).
const JobMaxAttempts = 10

// JobBackoff is the wait before the next attempt after the n-th failed one: 10 s doubling,
// capped at an hour.
func JobBackoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Enqueue adds a job to run at runAt (zero: now) in the caller's transaction, so that it
// exists exactly when the change that caused it commits.
func (q *Q) Enqueue(ctx context.Context, kind string, payload any, runAt time.Time) (int64, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	if runAt.IsZero() {
		runAt = q.now
	}
	var id int64
	err = q.q.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, run_at_ms, created_at_ms) VALUES ($1, $2, $3, $4) RETURNING id`,
		kind, string(b), ms(runAt), ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return id, nil
}

// EnqueueOnce is Enqueue for a job that stands for any number of events: it is not added
// while a job with the same key is pending (not done, not failed), and added reports whether
// it was. The pending job covers the new event, so its message must not name one event.
func (q *Q) EnqueueOnce(ctx context.Context, kind, key string, payload any, runAt time.Time) (added bool, err error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	if runAt.IsZero() {
		runAt = q.now
	}
	var id int64
	err = q.q.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, run_at_ms, created_at_ms, once_key) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING RETURNING id`, kind, string(b), ms(runAt), ms(q.now), key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // a pending job with this key covers it
	}
	if err != nil {
		return false, fmt.Errorf("enqueue %s once as %q: %w", kind, key, err)
	}
	return true, nil
}

// ClaimJob takes one due job for lease: it counts an attempt and hides the job from other
// workers until the lease ends (a worker that dies mid-job loses it to another after the
// lease). ok is false when nothing is due. The claim is one statement: on PostgreSQL the
// inner SELECT skips rows another instance is claiming (FOR UPDATE SKIP LOCKED); SQLite has
// one writer, so the statement is already exclusive.
func (db *DB) ClaimJob(ctx context.Context, lease time.Duration) (Job, bool, error) {
	now := db.now()
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var j Job
	var payload string
	err := db.write.QueryRowContext(ctx, `UPDATE jobs SET attempts = attempts + 1, locked_until_ms = $1
		WHERE id = (SELECT id FROM jobs
			WHERE done_at_ms = 0 AND failed_at_ms = 0 AND run_at_ms <= $2 AND locked_until_ms <= $2
			ORDER BY run_at_ms, id LIMIT 1`+lock+`)
		RETURNING id, kind, payload, attempts`, ms(now.Add(lease)), ms(now)).Scan(&j.ID, &j.Kind, &payload, &j.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, false, nil
	}
	if err != nil {
		return Job{}, false, fmt.Errorf("claim job: %w", err)
	}
	j.Payload = []byte(payload)
	return j, true, nil
}

// JobDone marks a claimed job done.
func (db *DB) JobDone(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE jobs SET done_at_ms = $1, locked_until_ms = 0, last_error = '' WHERE id = $2`,
		ms(db.now()), id); err != nil {
		return fmt.Errorf("finish job %d: %w", id, err)
	}
	return nil
}

// RetryJob records a failed attempt of a claimed job: it runs again after JobBackoff, or,
// after JobMaxAttempts, is marked failed (the row is kept, with the last error). failed
// reports the latter.
func (db *DB) RetryJob(ctx context.Context, id int64, cause error) (failed bool, err error) {
	now := db.now()
	var attempts int
	if err := db.write.QueryRowContext(ctx, `SELECT attempts FROM jobs WHERE id = $1`, id).Scan(&attempts); err != nil {
		return false, fmt.Errorf("retry job %d: %w", id, err)
	}
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	if attempts >= JobMaxAttempts {
		_, err = db.write.ExecContext(ctx, `UPDATE jobs SET failed_at_ms = $1, locked_until_ms = 0, last_error = $2 WHERE id = $3`, ms(now), msg, id)
		failed = true
	} else {
		_, err = db.write.ExecContext(ctx, `UPDATE jobs SET run_at_ms = $1, locked_until_ms = 0, last_error = $2 WHERE id = $3`,
			ms(now.Add(JobBackoff(attempts))), msg, id)
	}
	if err != nil {
		return false, fmt.Errorf("retry job %d: %w", id, err)
	}
	return failed, nil
}

// JobState is a job's row, for tests and operators.
type JobState struct {
	Job
	RunAt, DoneAt, FailedAt time.Time
	LastError               string
}

// Jobs lists every job of kind (all kinds if empty), oldest first.
func (db *DB) Jobs(ctx context.Context, kind string) ([]JobState, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, payload, attempts, run_at_ms, done_at_ms, failed_at_ms, last_error
		FROM jobs WHERE $1 = '' OR kind = $1 ORDER BY id`, kind)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []JobState
	for rows.Next() {
		var s JobState
		var payload string
		var run, done, failed int64
		if err := rows.Scan(&s.ID, &s.Kind, &payload, &s.Attempts, &run, &done, &failed, &s.LastError); err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		s.Payload, s.RunAt, s.DoneAt, s.FailedAt = []byte(payload), fromMS(run), fromMS(done), fromMS(failed)
		out = append(out, s)
	}
	return out, rows.Err()
}
