package store

import (
	"context"
	"fmt"
	"time"
)

// RecordLogin notes one login attempt for a subject (a login name or a client address).
func (q *Q) RecordLogin(ctx context.Context, subject string, ok bool) error {
	if _, err := q.q.ExecContext(ctx, `INSERT INTO login_attempts (subject, at_ms, ok) VALUES ($1, $2, $3)`, subject, ms(q.now), ok); err != nil {
		return fmt.Errorf("record login attempt: %w", err)
	}
	return nil
}

// FailedLogins counts failures of subject since the later of `since` and its last success.
func (q *Q) FailedLogins(ctx context.Context, subject string, since time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE subject = $1 AND ok = FALSE AND at_ms >= $2
		AND at_ms > COALESCE((SELECT MAX(at_ms) FROM login_attempts WHERE subject = $1 AND ok = TRUE), 0)`,
		subject, ms(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count failed logins: %w", err)
	}
	return n, nil
}
