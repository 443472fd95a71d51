package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhicheng/internal/model"
)

// Entrustment is a central unit's entrustment letter for one plan (R-ELG-05).
type Entrustment struct {
	ID             int64
	OrgID          int64
	PlanID         int64
	LetterSHA256   string
	LetterName     string
	LetterSize     int64
	Status         string // pending | approved | refused
	Note           string
	SubmittedBy    int64
	Submitted      time.Time
	DecidedBy      int64
	Decided        time.Time
	DecisionReason string
	Version        int64
}

// Entrustment statuses.
const (
	EntrustPending  = "pending"
	EntrustApproved = "approved"
	EntrustRefused  = "refused"
)

// SubmitEntrustment stores a letter for (org, plan), replacing a refused or pending one;
// an approved letter stays (the caller refuses that case with a message).
func (q *Q) SubmitEntrustment(ctx context.Context, e Entrustment) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO entrustments (org_id, plan_id, letter_sha256, letter_name, letter_size, status, note, submitted_by, submitted_at_ms)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)
		ON CONFLICT (org_id, plan_id) DO UPDATE SET letter_sha256 = excluded.letter_sha256, letter_name = excluded.letter_name,
			letter_size = excluded.letter_size, status = 'pending', note = excluded.note, submitted_by = excluded.submitted_by,
			submitted_at_ms = excluded.submitted_at_ms, decided_by = NULL, decided_at_ms = 0, decision_reason = '', version = entrustments.version + 1
		RETURNING id`,
		e.OrgID, e.PlanID, e.LetterSHA256, e.LetterName, e.LetterSize, e.Note, e.SubmittedBy, ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("submit entrustment: %w", err)
	}
	return id, nil
}

// DecideEntrustment approves or refuses a pending letter at version v.
func (q *Q) DecideEntrustment(ctx context.Context, id, v int64, status string, by int64, reason string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE entrustments SET status = $1, decided_by = $2, decided_at_ms = $3, decision_reason = $4, version = version + 1
		WHERE id = $5 AND version = $6 AND status = 'pending'`, status, by, ms(q.now), reason, id, v)
	if err != nil {
		return fmt.Errorf("decide entrustment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("decide entrustment %d: %w", id, model.ErrConflict)
	}
	return nil
}

const entrustColumns = `id, org_id, plan_id, letter_sha256, letter_name, letter_size, status, note, submitted_by, submitted_at_ms,
	COALESCE(decided_by, 0), decided_at_ms, decision_reason, version`

func scanEntrustment(row interface{ Scan(...any) error }) (Entrustment, error) {
	var e Entrustment
	var sub, dec int64
	err := row.Scan(&e.ID, &e.OrgID, &e.PlanID, &e.LetterSHA256, &e.LetterName, &e.LetterSize, &e.Status, &e.Note, &e.SubmittedBy, &sub,
		&e.DecidedBy, &dec, &e.DecisionReason, &e.Version)
	e.Submitted, e.Decided = fromMS(sub), fromMS(dec)
	return e, err
}

// Entrustment returns one letter.
func (q *Q) Entrustment(ctx context.Context, id int64) (Entrustment, error) {
	e, err := scanEntrustment(q.q.QueryRowContext(ctx, `SELECT `+entrustColumns+` FROM entrustments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("entrustment %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("read entrustment %d: %w", id, err)
	}
	return e, nil
}

// EntrustmentFor returns the letter of (org, plan).
func (q *Q) EntrustmentFor(ctx context.Context, orgID, planID int64) (Entrustment, error) {
	e, err := scanEntrustment(q.q.QueryRowContext(ctx, `SELECT `+entrustColumns+` FROM entrustments WHERE org_id = $1 AND plan_id = $2`, orgID, planID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("entrustment of org %d for plan %d: %w", orgID, planID, model.ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("read entrustment: %w", err)
	}
	return e, nil
}

// Entrustments lists letters, of one organisation if orgID is not 0, newest first.
func (q *Q) Entrustments(ctx context.Context, orgID int64) ([]Entrustment, error) {
	where, args := "", []any{}
	if orgID != 0 {
		where, args = "WHERE org_id = $1", []any{orgID}
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+entrustColumns+` FROM entrustments `+where+` ORDER BY submitted_at_ms DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list entrustments: %w", err)
	}
	defer rows.Close()
	var out []Entrustment
	for rows.Next() {
		e, err := scanEntrustment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan entrustment: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountEntrustmentsSubmitted counts letters for a plan submitted in [from, to).
func (q *Q) CountEntrustmentsSubmitted(ctx context.Context, planID int64, from, to time.Time) (int, error) {
	var n int
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM entrustments WHERE plan_id = $1 AND submitted_at_ms >= $2 AND submitted_at_ms < $3`, planID, ms(from), ms(to)).Scan(&n)
	return n, err
}

// DeleteEntrustmentsSubmitted deletes letters for a plan submitted in [from, to) (test-period reset).
func (q *Q) DeleteEntrustmentsSubmitted(ctx context.Context, planID int64, from, to time.Time) (int64, error) {
	res, err := q.q.ExecContext(ctx, `DELETE FROM entrustments WHERE plan_id = $1 AND submitted_at_ms >= $2 AND submitted_at_ms < $3`, planID, ms(from), ms(to))
	if err != nil {
		return 0, fmt.Errorf("purge entrustments of plan %d: %w", planID, err)
	}
	return res.RowsAffected()
}

// CountStaffRoles counts role grants that the test-period reset clears.
func (q *Q) CountStaffRoles(ctx context.Context, roles []model.Role) (int, error) {
	n := 0
	for _, r := range roles {
		var c int
		if err := q.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles WHERE role = $1`, string(r)).Scan(&c); err != nil {
			return 0, fmt.Errorf("count %s roles: %w", r, err)
		}
		n += c
	}
	return n, nil
}

// ClearRoles revokes every grant of the given roles from every account.
func (q *Q) ClearRoles(ctx context.Context, roles []model.Role) (int64, error) {
	var total int64
	for _, r := range roles {
		res, err := q.q.ExecContext(ctx, `DELETE FROM user_roles WHERE role = $1`, string(r))
		if err != nil {
			return 0, fmt.Errorf("clear %s roles: %w", r, err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
