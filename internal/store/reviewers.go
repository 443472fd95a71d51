package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ReviewerIDs lists the enabled accounts of an organisation that hold a reviewer role
// (经办人 or 审核领导): whom to tell that an application is waiting for the organisation.
func (q *Q) ReviewerIDs(ctx context.Context, orgID int64) ([]int64, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = $1 AND r.role IN ('handler', 'leader') AND u.disabled = `+q.boolLit(false)+` ORDER BY u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list reviewers of org %d: %w", orgID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan reviewer: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OfficeID is the title-reform office's organisation (the first of kind office), 0 when
// there is none yet.
func (q *Q) OfficeID(ctx context.Context) (int64, error) {
	var id int64
	err := q.q.QueryRowContext(ctx, `SELECT id FROM orgs WHERE kind = 'office' ORDER BY id LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find the office: %w", err)
	}
	return id, nil
}
