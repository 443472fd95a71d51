package service

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zhicheng/internal/jobs"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Telling the next reviewer (SPEC §5 item 10): when a step hands an application to another
// organisation — submitted to the unit, recommended to the first department, passed up the
// chain or to the office, resubmitted to the step that returned it — that organisation's
// reviewers are told that applications wait for them, and the office is told at once when a
// fraud proposal waits for its decision. Enqueued in the step's transaction, like the
// applicant's notification. "Applications wait" is coalesced: a reviewer gets it at most
// once per ReviewerNoticeDelay (it is sent that long after the first arrival and stands for
// every arrival until it is sent), so that the deadline surge does not mean a mail per
// submission. Messages name no person: no personal data travels by mail.

// ReviewerNoticeDelay is how long after an application arrives its organisation's reviewers
// are told, and so how many arrivals one message covers.
const ReviewerNoticeDelay = 10 * time.Minute

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

// notifyNext enqueues the notifications after a step by actor a: "applications wait" to the
// organisation now holding the application when that changed hands, and the fraud proposal
// to the office.
func notifyNext(ctx context.Context, q *store.Q, a model.Actor, app model.Application, tr rules.Transition, st store.ReviewState) error {
	if tr.Action == rules.ActProposeFraud {
		office, err := q.OfficeID(ctx)
		if err != nil || office == 0 {
			return err
		}
		return notifyReviewers(ctx, q, office, jobs.Message{Subject: "有取消申报资格的提请待确认",
			Body: fmt.Sprintf("申报编号 %d 被提请因弄虚作假取消申报资格（R-FLOW-11），请登录职称申报评审系统确认或驳回（/review/applications/%d）。", app.ID, app.ID)})
	}
	if tr.Stays() {
		return nil
	}
	org, err := holderOrg(ctx, q, app, tr.To, st)
	if err != nil || org == 0 || (org == a.OrgID && !a.System) {
		return err // nobody to tell, or the actor's own organisation, which knows
	}
	return notifyWaiting(ctx, q, org, tr.To)
}

// waitingLists is the list where applications in a state wait, and its title.
var waitingLists = map[model.AppStatus][2]string{
	model.StatusSubmitted:     {"/review/unit", "单位审核推荐"},
	model.StatusUnitPublicity: {"/review/unit", "单位审核推荐"},
	model.StatusRecommended:   {"/review/dept", "主管部门审核"},
	model.StatusDeptReview:    {"/review/dept", "主管部门审核"},
	model.StatusPrelimReview:  {"/review/office", "职改办资格初审"},
}

// notifyWaiting tells org's reviewers, once per ReviewerNoticeDelay, that applications in
// status wait for them.
func notifyWaiting(ctx context.Context, q *store.Q, org int64, status model.AppStatus) error {
	list := waitingLists[status]
	ids, err := q.ReviewerIDs(ctx, org)
	if err != nil {
		return err
	}
	for _, id := range ids {
		msg := jobs.Message{UserID: id, Subject: "有职称申报待办理",
			Body: fmt.Sprintf("有职称申报转至贵单位待办理。请登录职称申报评审系统，在“%s”列表中查看（%s）。", list[1], list[0])}
		if err := jobs.NotifyOnce(ctx, q, "waiting:"+strconv.FormatInt(id, 10), msg, ReviewerNoticeDelay); err != nil {
			return err
		}
	}
	return nil
}

// notifyReviewers enqueues msg to each reviewer of org, now.
func notifyReviewers(ctx context.Context, q *store.Q, org int64, msg jobs.Message) error {
	ids, err := q.ReviewerIDs(ctx, org)
	if err != nil {
		return err
	}
	for _, id := range ids {
		msg.UserID = id
		if err := jobs.Notify(ctx, q, msg); err != nil {
			return err
		}
	}
	return nil
}
