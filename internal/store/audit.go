package store

import (
	"context"
	"fmt"

	"zhicheng/internal/audit"
	"zhicheng/internal/model"
)

// Audit appends e to the hash chain in the caller's transaction, so the entry exists if and
// only if the change it records does (R-FLOW-12). Writers serialise on the chain's head row.
func (q *Q) Audit(ctx context.Context, e model.AuditEvent) (model.AuditEvent, error) {
	var head audit.Head
	err := q.q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`+q.forUpdate()).Scan(&head.LastID, &head.LastHash)
	if err != nil {
		return e, fmt.Errorf("lock audit head: %w", err)
	}
	e.ID, e.PrevHash = head.LastID+1, head.LastHash
	if e.At.IsZero() {
		e.At = q.now
	}
	e.Hash = audit.Hash(e)
	_, err = q.q.ExecContext(ctx, `INSERT INTO audit_log
		(id, at_ms, actor_id, actor_name, org_id, action, object_type, object_id, from_state, to_state, reason, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.ID, ms(e.At), nullID(e.ActorID), e.ActorName, nullID(e.OrgID), e.Action, e.ObjectType, e.ObjectID,
		e.FromState, e.ToState, e.Reason, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return e, fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	if _, err := q.q.ExecContext(ctx, `UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1`, e.ID, e.Hash); err != nil {
		return e, fmt.Errorf("advance audit head: %w", err)
	}
	return e, nil
}

const auditColumns = "id, at_ms, COALESCE(actor_id, 0), actor_name, COALESCE(org_id, 0), action, object_type, object_id, from_state, to_state, reason, detail, prev_hash, hash"

func scanAudit(row interface{ Scan(...any) error }) (model.AuditEvent, error) {
	var e model.AuditEvent
	var at int64
	err := row.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.OrgID, &e.Action, &e.ObjectType, &e.ObjectID, &e.FromState, &e.ToState, &e.Reason, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = fromMS(at)
	return e, err
}

// AuditFilter selects audit entries; zero fields do not filter.
type AuditFilter struct {
	ObjectType string
	ObjectID   int64
	OrgID      int64
	BeforeID   int64 // keyset paging: entries with id < BeforeID
	Limit      int
}

// AuditEvents lists entries newest first.
func (q *Q) AuditEvents(ctx context.Context, f AuditFilter) ([]model.AuditEvent, error) {
	where, args := "1 = 1", []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != 0 {
		add("object_id = $%d", f.ObjectID)
	}
	if f.OrgID != 0 {
		add("org_id = $%d", f.OrgID)
	}
	if f.BeforeID != 0 {
		add("id < $%d", f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := q.q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+where+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("scan audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain in id order and returns what does not hold, with the
// number of rows checked and the head (to be written down outside the system: whoever
// rewrites the whole chain cannot also change a copy of the head kept elsewhere).
func (db *DB) VerifyAudit(ctx context.Context) ([]audit.Problem, int64, audit.Head, error) {
	var v audit.Verifier
	var head audit.Head
	err := db.View(ctx, func(q *Q) error {
		if err := q.q.QueryRowContext(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&head.LastID, &head.LastHash); err != nil {
			return fmt.Errorf("read audit head: %w", err)
		}
		rows, err := q.q.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY id`)
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				return fmt.Errorf("scan audit: %w", err)
			}
			v.Add(e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, head, err
	}
	return v.Finish(head), v.Rows(), head, nil
}
