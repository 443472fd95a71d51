package service

import (
	"context"
	"fmt"

	"zhicheng/internal/jobs"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Telling the next reviewer (SPEC §5 item 10): when a step hands an application to another
// organisation — submitted to the unit, recommended to the first department, passed up the
// chain or to the office, resubmitted to the step that returned it — or a fraud proposal
// waits for the office, that organisation's reviewers get a notification, enqueued in the
// step's transaction like the applicant's. The message names the application's number and
// state only: no personal data travels by mail.

// holderOrg is the organisation an application in status waits for, 0 for none (the
// applicant holds a returned one; ended ones wait for nobody).
func holderOrg(ctx context.Context, q *store.Q, app model.Application, status model.AppStatus, st store.ReviewState) (int64, error) {
	switch status {
	case model.StatusSubmitted, model.StatusUnitPublicity:
		return app.OrgID, nil
	case model.StatusRecommended:
		return st.DeptAt(1), nil
	case model.StatusDeptReview:
		return st.DeptAt(st.ChainLevel), nil
	case model.StatusPrelimReview:
		return q.OfficeID(ctx)
	}
	return 0, nil
}

// notifyNext enqueues the notifications after a step by actor a: to the organisation now
// holding the application when that changed hands, and to the office when a fraud
// proposal waits for its decision.
func notifyNext(ctx context.Context, q *store.Q, a model.Actor, app model.Application, tr rules.Transition, st store.ReviewState) error {
	var org int64
	var err error
	switch {
	case tr.Action == rules.ActProposeFraud:
		org, err = q.OfficeID(ctx)
	case !tr.Stays():
		org, err = holderOrg(ctx, q, app, tr.To, st)
	}
	if err != nil || org == 0 || (org == a.OrgID && !a.System) {
		return err // nobody to tell, or the actor's own organisation, which knows
	}
	subject, body := "有职称申报待办理", fmt.Sprintf("申报编号 %d 已转至贵单位办理，当前状态：%s。请登录职称申报评审系统，在审核列表中办理（/review/applications/%d）。",
		app.ID, tr.To.Label(), app.ID)
	if tr.Action == rules.ActProposeFraud {
		subject, body = "有取消申报资格的提请待确认", fmt.Sprintf("申报编号 %d 被提请因弄虚作假取消申报资格（R-FLOW-11），请登录职称申报评审系统确认或驳回（/review/applications/%d）。",
			app.ID, app.ID)
	}
	return notifyReviewers(ctx, q, org, subject, body)
}

// notifyReviewers enqueues one message to each reviewer of org.
func notifyReviewers(ctx context.Context, q *store.Q, org int64, subject, body string) error {
	ids, err := q.ReviewerIDs(ctx, org)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := jobs.Notify(ctx, q, jobs.Message{UserID: id, Subject: subject, Body: body}); err != nil {
			return err
		}
	}
	return nil
}
