package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhicheng/internal/model"
)

// BlacklistEntry is one person on the blacklist (R-ELG-04), with personal data encrypted by
// the caller.
type BlacklistEntry struct {
	ID             int64
	IDNumberIndex  string
	IDNumberEnc    []byte
	IDNumberMasked string
	Name           string
	Reason         string
	Source         string
	PlanID         int64
	OrgID          int64
	Start, Until   time.Time
	Lifted         time.Time
	LiftReason     string
	CreatedBy      int64
	Created        time.Time
}

// AddBlacklist inserts an entry.
func (q *Q) AddBlacklist(ctx context.Context, e BlacklistEntry) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `INSERT INTO blacklist (id_number_idx, id_number_enc, id_number_masked, name, reason, source, plan_id, org_id, start_ms, until_ms, created_by, created_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		e.IDNumberIndex, e.IDNumberEnc, e.IDNumberMasked, e.Name, e.Reason, e.Source, nullID(e.PlanID), nullID(e.OrgID),
		ms(e.Start), ms(e.Until), nullID(e.CreatedBy), ms(q.now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add blacklist entry: %w", err)
	}
	return id, nil
}

// LiftBlacklist ends an entry early (for example when the decision was overturned).
func (q *Q) LiftBlacklist(ctx context.Context, id int64, reason string) error {
	res, err := q.q.ExecContext(ctx, `UPDATE blacklist SET lifted_at_ms = $1, lift_reason = $2 WHERE id = $3 AND lifted_at_ms = 0`, ms(q.now), reason, id)
	if err != nil {
		return fmt.Errorf("lift blacklist entry %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("blacklist entry %d: %w", id, model.ErrNotFound)
	}
	return nil
}

const blacklistColumns = `id, id_number_idx, id_number_masked, name, reason, source, COALESCE(plan_id, 0), COALESCE(org_id, 0),
	start_ms, until_ms, lifted_at_ms, lift_reason, COALESCE(created_by, 0), created_at_ms`

func scanBlacklist(row interface{ Scan(...any) error }) (BlacklistEntry, error) {
	var e BlacklistEntry
	var start, until, lifted, created int64
	err := row.Scan(&e.ID, &e.IDNumberIndex, &e.IDNumberMasked, &e.Name, &e.Reason, &e.Source, &e.PlanID, &e.OrgID,
		&start, &until, &lifted, &e.LiftReason, &e.CreatedBy, &created)
	e.Start, e.Until, e.Lifted, e.Created = fromMS(start), fromMS(until), fromMS(lifted), fromMS(created)
	return e, err
}

// BlacklistFor returns the entries of one person (by ID-number blind index), in force or not.
func (q *Q) BlacklistFor(ctx context.Context, idIndex string) ([]BlacklistEntry, error) {
	return q.blacklist(ctx, `WHERE id_number_idx = $1 ORDER BY until_ms DESC`, idIndex)
}

// Blacklist lists every entry, newest first.
func (q *Q) Blacklist(ctx context.Context) ([]BlacklistEntry, error) {
	return q.blacklist(ctx, `ORDER BY id DESC`)
}

// BlacklistEntry returns one entry.
func (q *Q) BlacklistEntry(ctx context.Context, id int64) (BlacklistEntry, error) {
	e, err := scanBlacklist(q.q.QueryRowContext(ctx, `SELECT `+blacklistColumns+` FROM blacklist WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("blacklist entry %d: %w", id, model.ErrNotFound)
	}
	return e, err
}

func (q *Q) blacklist(ctx context.Context, tail string, args ...any) ([]BlacklistEntry, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+blacklistColumns+` FROM blacklist `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read blacklist: %w", err)
	}
	defer rows.Close()
	var out []BlacklistEntry
	for rows.Next() {
		e, err := scanBlacklist(rows)
		if err != nil {
			return nil, fmt.Errorf("scan blacklist: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastDay is the last instant inside the term: Until is exclusive, people read the date
// of the last day ("期限至").
func (e BlacklistEntry) LastDay() time.Time { return e.Until.Add(-time.Millisecond) }
