package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// OverdueApp is an application a closed window has overtaken (R-CAL-02), as the sweeper
// needs it: where it is, and the version to lapse it at, so that a reviewer's change made
// since the listing wins and the sweeper skips it.
type OverdueApp struct {
	ID      int64
	PlanID  int64
	Status  model.AppStatus
	Version int64
}

// OverdueApplications lists, lowest id first, the applications in one of statuses whose
// plan's window of kind k ended at or before now, leaving out those with a fraud proposal
// pending (the office decides them first, R-FLOW-11). The list is not paged: a sweep lapses
// what it returns, so it holds what one pass of the deadline overtook, and next time only
// what was skipped. The status index (applications_status_updated) finds the candidates —
// open applications are few next to ended ones — and the plan window's key (plan_id, kind)
// checks each.
func (q *Q) OverdueApplications(ctx context.Context, k model.WindowKind, statuses []model.AppStatus, now time.Time) ([]OverdueApp, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := []any{string(k), ms(now)}
	ph := make([]string, len(statuses))
	for i, s := range statuses {
		args = append(args, string(s))
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	// "IS NOT TRUE" reads a missing review row (NULL) as no proposal, on both engines.
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.plan_id, a.status, a.version
		FROM applications a
		JOIN plan_windows w ON w.plan_id = a.plan_id AND w.kind = $1
		LEFT JOIN application_review r ON r.application_id = a.id
		WHERE a.status IN (`+strings.Join(ph, ", ")+`) AND w.end_ms <= $2 AND r.fraud_proposed IS NOT TRUE
		ORDER BY a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list applications overdue by %s: %w", k, err)
	}
	defer rows.Close()
	var out []OverdueApp
	for rows.Next() {
		var o OverdueApp
		var status string
		if err := rows.Scan(&o.ID, &o.PlanID, &status, &o.Version); err != nil {
			return nil, fmt.Errorf("scan overdue application: %w", err)
		}
		o.Status = model.AppStatus(status)
		out = append(out, o)
	}
	return out, rows.Err()
}
