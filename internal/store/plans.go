package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhicheng/internal/model"
)

// planDefinition is the JSON column of a plan: everything but identity, windows and bookkeeping.
type planDefinition struct {
	Levels      []model.Level   `json:"levels"`
	Specialties []string        `json:"specialties"`
	Scopes      []model.Scope   `json:"scopes"`
	AppTypes    []model.AppType `json:"app_types"`
	Policy      model.Policy    `json:"policy"`
}

func encodePlan(p model.Plan) (string, error) {
	b, err := json.Marshal(planDefinition{p.Levels, p.Specialties, p.Scopes, p.AppTypes, p.Policy})
	if err != nil {
		return "", fmt.Errorf("encode plan definition: %w", err)
	}
	return string(b), nil
}

// CreatePlan inserts a plan with its windows.
func (q *Q) CreatePlan(ctx context.Context, p model.Plan) (int64, error) {
	def, err := encodePlan(p)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.q.QueryRowContext(ctx, `INSERT INTO plans (year, series, name, committee_id, definition, created_at_ms, updated_at_ms)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, p.Year, p.Series, p.Name, p.CommitteeID, def, ms(q.now)).Scan(&id)
	if isUniqueViolation(err) {
		return 0, &model.Error{Kind: model.KindConflict, Field: "year", Message: fmt.Sprintf("该评委会已有 %d 年度“%s”评审计划", p.Year, p.Series), Fix: "请编辑已有计划，或更改年度、系列"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert plan %q: %w", p.Name, err)
	}
	return id, q.setWindows(ctx, id, p.Windows)
}

// UpdatePlan replaces a plan's definition and windows if it is still at p.Version.
func (q *Q) UpdatePlan(ctx context.Context, p model.Plan) error {
	def, err := encodePlan(p)
	if err != nil {
		return err
	}
	res, err := q.q.ExecContext(ctx, `UPDATE plans SET year = $1, series = $2, name = $3, committee_id = $4, definition = $5,
		updated_at_ms = $6, version = version + 1 WHERE id = $7 AND version = $8`,
		p.Year, p.Series, p.Name, p.CommitteeID, def, ms(q.now), p.ID, p.Version)
	if isUniqueViolation(err) {
		return &model.Error{Kind: model.KindConflict, Field: "year", Message: fmt.Sprintf("该评委会已有 %d 年度“%s”评审计划", p.Year, p.Series), Fix: "请更改年度或系列"}
	}
	if err != nil {
		return fmt.Errorf("update plan %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update plan %d: %w", p.ID, model.ErrConflict)
	}
	return q.setWindows(ctx, p.ID, p.Windows)
}

// MarkPlanReset records that the test-period reset ran.
func (q *Q) MarkPlanReset(ctx context.Context, id int64) error {
	if _, err := q.q.ExecContext(ctx, `UPDATE plans SET reset_at_ms = $1, version = version + 1 WHERE id = $2`, ms(q.now), id); err != nil {
		return fmt.Errorf("mark plan %d reset: %w", id, err)
	}
	return nil
}

func (q *Q) setWindows(ctx context.Context, planID int64, ws []model.PlanWindow) error {
	if _, err := q.q.ExecContext(ctx, `DELETE FROM plan_windows WHERE plan_id = $1`, planID); err != nil {
		return fmt.Errorf("clear windows of plan %d: %w", planID, err)
	}
	for _, w := range ws {
		if _, err := q.q.ExecContext(ctx, `INSERT INTO plan_windows (plan_id, kind, start_ms, end_ms) VALUES ($1, $2, $3, $4)`,
			planID, string(w.Kind), ms(w.Start), ms(w.End)); err != nil {
			return fmt.Errorf("set window %s of plan %d: %w", w.Kind, planID, err)
		}
	}
	return nil
}

const planColumns = "id, year, series, name, committee_id, definition, reset_at_ms, version, created_at_ms, updated_at_ms"

func scanPlan(row interface{ Scan(...any) error }) (model.Plan, error) {
	var p model.Plan
	var def string
	var reset, created, updated int64
	if err := row.Scan(&p.ID, &p.Year, &p.Series, &p.Name, &p.CommitteeID, &def, &reset, &p.Version, &created, &updated); err != nil {
		return p, err
	}
	var d planDefinition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return p, fmt.Errorf("decode plan %d definition: %w", p.ID, err)
	}
	p.Levels, p.Specialties, p.Scopes, p.AppTypes, p.Policy = d.Levels, d.Specialties, d.Scopes, d.AppTypes, d.Policy
	p.ResetAt, p.Created, p.Updated = fromMS(reset), fromMS(created), fromMS(updated)
	return p, nil
}

// Plan returns one plan with its windows.
func (q *Q) Plan(ctx context.Context, id int64) (model.Plan, error) {
	p, err := scanPlan(q.q.QueryRowContext(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("plan %d: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("read plan %d: %w", id, err)
	}
	ws, err := q.windows(ctx, `WHERE plan_id = $1`, id)
	p.Windows = ws[id]
	return p, err
}

// PlansStamp changes whenever any plan is created or changed: every write of a plan adds a
// row or advances its version (CreatePlan, UpdatePlan, MarkPlanReset; plans are never
// deleted). A reader that keeps a copy of the plans compares it to know the copy is current.
func (q *Q) PlansStamp(ctx context.Context) (PlansStamp, error) {
	var st PlansStamp
	err := q.q.QueryRowContext(ctx, `SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM plans`).Scan(&st.Count, &st.Versions)
	if err != nil {
		return st, fmt.Errorf("read plans stamp: %w", err)
	}
	return st, nil
}

// PlansStamp is the number of plans and the sum of their versions.
type PlansStamp struct{ Count, Versions int64 }

// Plans lists every plan, newest year first, with windows.
func (q *Q) Plans(ctx context.Context) ([]model.Plan, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT `+planColumns+` FROM plans ORDER BY year DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	defer rows.Close()
	var out []model.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	rows.Close()
	ws, err := q.windows(ctx, "")
	for i := range out {
		out[i].Windows = ws[out[i].ID]
	}
	return out, err
}

func (q *Q) windows(ctx context.Context, where string, args ...any) (map[int64][]model.PlanWindow, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT plan_id, kind, start_ms, end_ms FROM plan_windows `+where+` ORDER BY plan_id, start_ms`, args...)
	if err != nil {
		return nil, fmt.Errorf("read plan windows: %w", err)
	}
	defer rows.Close()
	out := map[int64][]model.PlanWindow{}
	for rows.Next() {
		var id, start, end int64
		var kind string
		if err := rows.Scan(&id, &kind, &start, &end); err != nil {
			return nil, fmt.Errorf("scan plan window: %w", err)
		}
		out[id] = append(out[id], model.PlanWindow{Kind: model.WindowKind(kind), Start: fromMS(start), End: fromMS(end)})
	}
	return out, rows.Err()
}
