package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhicheng/internal/model"
)

// APIToken is a named credential for the JSON API; only its hash is stored.
type APIToken struct {
	ID       int64
	UserID   int64
	Name     string
	Created  time.Time
	Expires  time.Time
	LastUsed time.Time
	Revoked  bool
}

// CreateToken stores a token hash.
func (q *Q) CreateToken(ctx context.Context, userID int64, name, hash string, expires time.Time) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		userID, name, hash, ms(q.now), ms(expires)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create api token: %w", err)
	}
	return id, nil
}

// TokenUser returns the user of a live token and marks it used.
func (q *Q) TokenUser(ctx context.Context, hash string) (int64, error) {
	var id, user int64
	err := q.q.QueryRowContext(ctx, `SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked = FALSE AND expires_at_ms > $2`, hash, ms(q.now)).Scan(&id, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("api token: %w", model.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find api token: %w", err)
	}
	return user, nil
}

// TouchToken records that a token was used (best effort, outside the request's reads).
func (db *DB) TouchToken(ctx context.Context, hash string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_ms = $1 WHERE token_hash = $2`, ms(db.now()), hash)
	if err != nil {
		return fmt.Errorf("touch api token: %w", err)
	}
	return nil
}

// Tokens lists a user's tokens.
func (q *Q) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT id, user_id, name, created_at_ms, expires_at_ms, last_used_ms, revoked FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, e, l int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &e, &l, &t.Revoked); err != nil {
			return nil, fmt.Errorf("scan api token: %w", err)
		}
		t.Created, t.Expires, t.LastUsed = fromMS(c), fromMS(e), fromMS(l)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token of userID.
func (q *Q) RevokeToken(ctx context.Context, userID, id int64) error {
	res, err := q.q.ExecContext(ctx, `UPDATE api_tokens SET revoked = TRUE WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("revoke api token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("api token %d: %w", id, model.ErrNotFound)
	}
	return nil
}
