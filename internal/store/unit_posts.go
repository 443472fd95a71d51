package store

import (
	"context"
	"fmt"
	"strings"

	"zhicheng/internal/model"
)

// AppStage is where one application is: its status and, for a returned one, the stage it
// was returned from (a department's return keeps the unit's recommendation).
type AppStage struct {
	ID           int64
	Status       model.AppStatus
	ReturnedFrom model.AppStatus
}

// UnitAppStages lists the submitted applications of a unit in a plan with the given scope and
// one of the level codes, with their stages: what the grassroots senior quota (R-ELG-09)
// counts, the service deciding which stages hold a post. Scope and level are the form's,
// copied to their columns with every save (migration 0007).
func (q *Q) UnitAppStages(ctx context.Context, orgID, planID int64, scope model.Scope, levelCodes []string) ([]AppStage, error) {
	if len(levelCodes) == 0 {
		return nil, nil
	}
	args := []any{orgID, planID, string(scope)}
	var ph []string
	for _, c := range levelCodes {
		args = append(args, c)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := q.q.QueryContext(ctx, `SELECT a.id, a.status, COALESCE(r.returned_from_status, '')
		FROM applications a LEFT JOIN application_review r ON r.application_id = a.id
		WHERE a.org_id = $1 AND a.plan_id = $2 AND a.status <> 'draft'
		AND a.scope = $3 AND a.level_code IN (`+strings.Join(ph, ", ")+`)
		ORDER BY a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list applications of org %d in plan %d by scope: %w", orgID, planID, err)
	}
	defer rows.Close()
	var out []AppStage
	for rows.Next() {
		var s AppStage
		var status, from string
		if err := rows.Scan(&s.ID, &status, &from); err != nil {
			return nil, fmt.Errorf("scan application stage: %w", err)
		}
		s.Status, s.ReturnedFrom = model.AppStatus(status), model.AppStatus(from)
		out = append(out, s)
	}
	return out, rows.Err()
}
