package service

import (
	"context"
	"fmt"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// Reset runs the test-period reset of a plan (R-CAL-03, seed 003 二(二)): data entered during
// the test period is purged and every account's working roles are cleared, so that each
// organisation's administrator re-assigns them for real; nothing from outside the test
// period is touched, and the audit log keeps the record.
type Reset struct{ d Deps }

// clearedRoles are the roles the reset clears. System administrators keep theirs — they are
// the ones who re-assign the others ("重置后，各系统管理员需尽快登录…重新分配用户角色") —
// and applicants keep theirs, which is their own registration, not an assignment.
var clearedRoles = []model.Role{model.RoleHandler, model.RoleLeader, model.RoleExpert}

// purge is one kind of test-period data: how to count it and how to delete it. Each later
// kind of record that applicants or units create (applications, evidence) adds a line.
type purge struct {
	label  string
	count  func(q *store.Q, ctx context.Context, plan int64, from, to time.Time) (int, error)
	delete func(q *store.Q, ctx context.Context, plan int64, from, to time.Time) (int64, error)
}

var purges = []purge{
	{"测试期提交的委托函", (*store.Q).CountEntrustmentsSubmitted, (*store.Q).DeleteEntrustmentsSubmitted},
}

// ResetPreview says what the reset would do.
type ResetPreview struct {
	Plan   model.Plan
	Test   model.PlanWindow
	Counts []ResetCount
	Ready  error // nil if the reset may run now, else why not
}

// ResetCount is one line of the preview.
type ResetCount struct {
	Label string
	N     int
}

func (s *Reset) preview(ctx context.Context, q *store.Q, planID int64) (ResetPreview, error) {
	p, err := q.Plan(ctx, planID)
	if err != nil {
		return ResetPreview{}, err
	}
	pv := ResetPreview{Plan: p}
	test, ok := p.Window(model.WindowTest)
	switch {
	case !ok:
		pv.Ready = &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-03", Message: "该计划没有设置测试期，无需重置"}
	case !p.ResetAt.IsZero():
		pv.Ready = &model.Error{Kind: model.KindConflict, Rule: "R-CAL-03", Message: "该计划已于 " + p.ResetAt.In(shanghai).Format("2006-01-02 15:04") + " 完成测试期重置，不能重复执行"}
	case q.Now().Before(test.End):
		pv.Ready = &model.Error{Kind: model.KindClosed, Rule: "R-CAL-03", Message: "测试期尚未结束（" + test.End.In(shanghai).Format("2006-01-02 15:04") + " 结束），结束后方可重置", Fix: "测试期结束后再执行"}
	}
	pv.Test = test
	if ok {
		for _, pg := range purges {
			n, err := pg.count(q, ctx, planID, test.Start, test.End)
			if err != nil {
				return pv, err
			}
			pv.Counts = append(pv.Counts, ResetCount{pg.label, n})
		}
	}
	n, err := q.CountStaffRoles(ctx, clearedRoles)
	if err != nil {
		return pv, err
	}
	pv.Counts = append(pv.Counts, ResetCount{"清除的账号角色（经办人、审核领导、评审专家）", n})
	return pv, nil
}

// Preview counts what the reset would purge, by kind.
func (s *Reset) Preview(ctx context.Context, a model.Actor, planID int64) (ResetPreview, error) {
	if err := require(a, authz.ManagePlans); err != nil {
		return ResetPreview{}, err
	}
	var pv ResetPreview
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { pv, err = s.preview(ctx, q, planID); return err })
	return pv, err
}

// Execute runs the reset, once, after the test period, in one transaction with its audit
// entry, and returns what it did.
func (s *Reset) Execute(ctx context.Context, a model.Actor, planID int64) ([]ResetCount, error) {
	if err := require(a, authz.ResetPlan); err != nil {
		return nil, err
	}
	var done []ResetCount
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		pv, err := s.preview(ctx, q, planID)
		if err != nil {
			return err
		}
		if pv.Ready != nil {
			return pv.Ready
		}
		for _, pg := range purges {
			n, err := pg.delete(q, ctx, planID, pv.Test.Start, pv.Test.End)
			if err != nil {
				return err
			}
			done = append(done, ResetCount{pg.label, int(n)})
		}
		n, err := q.ClearRoles(ctx, clearedRoles)
		if err != nil {
			return err
		}
		done = append(done, ResetCount{"清除的账号角色（经办人、审核领导、评审专家）", int(n)})
		if err := q.MarkPlanReset(ctx, planID); err != nil {
			return err
		}
		e := event(a, "plan.reset", "plan", planID)
		e.FromState, e.ToState = "test_period", "reset"
		e.Detail = detail(map[string]any{"test_window": [2]string{pv.Test.Start.Format(time.RFC3339), pv.Test.End.Format(time.RFC3339)}, "done": done})
		_, err = q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reset plan %d: %w", planID, err)
	}
	return done, nil
}
