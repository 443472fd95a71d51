package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// ReviewRow is one line of a reviewer's list: what a list shows and nothing personal beyond
// the applicant's name (no ID number, no phone, R-SEC-01).
type ReviewRow struct {
	ID            int64
	PlanID        int64
	OrgID         int64
	OrgName       string
	ApplicantName string
	LevelCode     string
	AppType       model.AppType
	Scope         model.Scope
	Specialty     string
	Status        model.AppStatus
	Updated       time.Time
	Version       int64
	Submissions   int
	DeptReturns   int
	ChainLevel    int
	PublicityFrom time.Time
	PublicityEnd  time.Time
	FraudProposed bool
}

// ReviewQuery selects the rows of one reviewer's list. Exactly one of UnitID, DeptID and
// Office says whose list it is; the other fields filter (zero: no filter).
type ReviewQuery struct {
	UnitID int64 // a unit's applications (never drafts)
	DeptID int64 // applications waiting at this department's level of their chain (holder_dept_id)
	Office bool  // every submitted application

	PlanID    int64
	OrgID     int64 // the applying unit, in the department's and the office's lists
	Statuses  []model.AppStatus
	OrFraud   bool // also rows with a pending fraud proposal, whatever their status
	LevelCode string
	AppType   model.AppType
	Scope     model.Scope

	// Keyset paging, newest first: rows strictly before (BeforeUpdated, BeforeID).
	BeforeUpdated time.Time
	BeforeID      int64
	Limit         int
}

// ReviewRows lists applications for a reviewer, newest change first.
func (q *Q) ReviewRows(ctx context.Context, rq ReviewQuery) ([]ReviewRow, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	switch {
	case rq.UnitID != 0:
		where = append(where, "a.org_id = "+arg(rq.UnitID), "a.status <> 'draft'")
	case rq.DeptID != 0:
		where = append(where, "a.holder_dept_id = "+arg(rq.DeptID))
	case rq.Office:
		where = append(where, "a.status <> 'draft'")
	default:
		return nil, fmt.Errorf("review rows: no list owner")
	}
	if rq.PlanID != 0 {
		where = append(where, "a.plan_id = "+arg(rq.PlanID))
	}
	if len(rq.Statuses) > 0 {
		var ph []string
		for _, s := range rq.Statuses {
			ph = append(ph, arg(string(s)))
		}
		cond := "a.status IN (" + strings.Join(ph, ", ") + ")"
		if rq.OrFraud {
			cond = "(" + cond + " OR r.fraud_proposed = " + q.boolLit(true) + ")"
		}
		where = append(where, cond)
	}
	if rq.OrgID != 0 {
		where = append(where, "a.org_id = "+arg(rq.OrgID))
	}
	if rq.LevelCode != "" {
		where = append(where, "a.level_code = "+arg(rq.LevelCode))
	}
	if rq.AppType != "" {
		where = append(where, "a.app_type = "+arg(string(rq.AppType)))
	}
	if rq.Scope != "" {
		where = append(where, "a.scope = "+arg(string(rq.Scope)))
	}
	if !rq.BeforeUpdated.IsZero() {
		t := arg(ms(rq.BeforeUpdated))
		where = append(where, "(a.updated_at_ms < "+t+" OR (a.updated_at_ms = "+t+" AND a.id < "+arg(rq.BeforeID)+"))")
	}
	if rq.Limit <= 0 || rq.Limit > 200 {
		rq.Limit = 50
	}
	query := `SELECT a.id, a.plan_id, a.org_id, o.name, u.name, a.level_code, a.app_type, a.scope, a.specialty,
		a.status, a.updated_at_ms, a.version, a.submissions, COALESCE(r.dept_returns, 0), COALESCE(r.chain_level, 0),
		COALESCE(r.publicity_start_ms, 0), COALESCE(r.publicity_end_ms, 0), r.fraud_proposed
		FROM applications a JOIN orgs o ON o.id = a.org_id JOIN users u ON u.id = a.applicant_id
		LEFT JOIN application_review r ON r.application_id = a.id
		WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY a.updated_at_ms DESC, a.id DESC LIMIT %d`, rq.Limit)
	rows, err := q.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list applications for review: %w", err)
	}
	defer rows.Close()
	var out []ReviewRow
	for rows.Next() {
		var r ReviewRow
		var typ, scope, status string
		var updated, pubFrom, pubEnd int64
		var fraud sql.NullBool
		if err := rows.Scan(&r.ID, &r.PlanID, &r.OrgID, &r.OrgName, &r.ApplicantName, &r.LevelCode, &typ, &scope, &r.Specialty,
			&status, &updated, &r.Version, &r.Submissions, &r.DeptReturns, &r.ChainLevel, &pubFrom, &pubEnd, &fraud); err != nil {
			return nil, fmt.Errorf("scan review row: %w", err)
		}
		r.AppType, r.Scope, r.Status = model.AppType(typ), model.Scope(scope), model.AppStatus(status)
		r.Updated, r.PublicityFrom, r.PublicityEnd, r.FraudProposed = fromMS(updated), fromMS(pubFrom), fromMS(pubEnd), fraud.Bool
		out = append(out, r)
	}
	return out, rows.Err()
}

func (q *Q) boolLit(b bool) string {
	switch {
	case q.dialect == Postgres && b:
		return "TRUE"
	case q.dialect == Postgres:
		return "FALSE"
	case b:
		return "1"
	}
	return "0"
}
