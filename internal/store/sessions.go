package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions is an scs session store on either engine. scs ships separate stores for
// sqlite3 (with `?` placeholders and a cgo driver) and pgx (needing a pgxpool); one small
// store over our own handle serves both engines and keeps sessions in the same database,
// so every instance behind a load balancer sees every session.
type Sessions struct{ db *DB }

// Sessions returns the session store.
func (db *DB) Sessions() *Sessions { return &Sessions{db} }

// FindCtx returns the data of an unexpired session.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.readRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry_ms > $2`, token, ms(s.db.now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx saves a session.
func (s *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry_ms) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry_ms = excluded.expiry_ms`, token, b, ms(expiry))
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx variants when present.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes expired sessions and old login attempts; run it periodically.
func (db *DB) DeleteExpired(ctx context.Context, keepAttempts time.Duration) error {
	now := db.now()
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expiry_ms <= $1`, ms(now)); err != nil {
		return fmt.Errorf("delete expired sessions: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_attempts WHERE at_ms < $1`, ms(now.Add(-keepAttempts))); err != nil {
		return fmt.Errorf("delete old login attempts: %w", err)
	}
	return nil
}
