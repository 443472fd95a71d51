package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/jobs"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Review owns the procedure from the unit's inbox to the office's preliminary qualification
// review (SPEC §5): unit review and publicity, the department chain, originals, the
// preliminary review, fraud cancellation, and the evidence access log (R-SEC-01).
//
// Every action is one transaction that reads the stored state into a rules.Case, asks
// rules.Decide (the workflow table: role, window, guards), moves the application with its
// version (the loser of two reviewers acting at once gets a clear conflict, nothing is
// applied twice), writes what the action records, and appends exactly one audit entry for
// the application (R-FLOW-12). Confirming fraud also writes the blacklist entry's own audit
// entry (object "blacklist"), as adding to the blacklist always does.
//
// Scope (R-ORG-02): an application is visible to its applicant, its unit's reviewers (once
// submitted), the departments of its chain snapshot that it has been routed to, and the
// office. To anyone else it does not exist (model.ErrNotFound, no data). Acting needs more:
// the unit for unit steps, the department at the application's current level of the chain
// for department steps.
type Review struct {
	d    Deps
	apps *Applications
	cal  *Calendar
}

// Outcome is where an action left the application.
type Outcome struct {
	From    model.AppStatus
	To      model.AppStatus
	Level   int   // the chain level in dept_review, 0 elsewhere
	Version int64 // the application's version after the action
}

// errTaken is what the loser of two reviewers acting at once sees.
var errTaken = &model.Error{Kind: model.KindConflict, Message: "该申报已被他人处理，本页面显示的不是最新状态",
	Fix: "请刷新页面，查看最新状态后再办理"}

// conflictError carries a clear message and still matches model.ErrConflict with errors.Is.
type conflictError struct{ e *model.Error }

func (c conflictError) Error() string   { return c.e.Error() }
func (c conflictError) Unwrap() []error { return []error{c.e, model.ErrConflict} }

func taken(id int64) error { return fmt.Errorf("application %d: %w", id, conflictError{errTaken}) }

func notFound(id int64) error { return fmt.Errorf("application %d: %w", id, model.ErrNotFound) }

// notHolder refuses a reviewer who may see the application but does not hold it now (a
// department of the chain after the application moved on, say).
func notHolder(status model.AppStatus) error {
	return &model.Error{Kind: model.KindConflict, Rule: "R-ORG-02",
		Message: fmt.Sprintf("该申报当前（%s）不由本单位办理", status.Label()), Fix: "请刷新页面查看该申报当前所在环节"}
}

// reviewCase is an application with everything the table's guards read.
type reviewCase struct {
	app  model.Application
	plan model.Plan
	st   store.ReviewState
	c    rules.Case
	// unitChain is the unit's current review chain (snapshotted at recommendation).
	unitChain []int64
}

func (s *Review) load(ctx context.Context, q *store.Q, id int64) (reviewCase, error) {
	var rc reviewCase
	var err error
	if rc.app, err = q.Application(ctx, id); err != nil {
		return rc, err
	}
	if rc.plan, err = q.Plan(ctx, rc.app.PlanID); err != nil {
		return rc, err
	}
	if rc.st, err = q.ReviewState(ctx, id); err != nil {
		return rc, err
	}
	level, _ := rc.plan.Level(rc.app.Form.Basics.LevelCode)
	b := rc.app.Form.Basics
	rc.c = rules.Case{
		Status: rc.app.Status, Now: q.Now(), Plan: rc.plan,
		Level: level, AppType: b.AppType, Scope: b.Scope,
		PublicityEnds: rc.st.PublicityEnd,
		ChainLength:   len(rc.st.Chain), ChainLevel: rc.st.ChainLevel, DeptReturns: rc.st.DeptReturns,
		ReturnedFrom:     rules.Stage{Status: rc.st.ReturnedFrom, Level: rc.st.ReturnedLevel},
		OriginalsPending: rc.st.OriginalsPending, FraudProposed: rc.st.FraudProposed,
	}
	switch rc.app.Status {
	case model.StatusSubmitted, model.StatusUnitPublicity:
		// Not yet recommended: the chain that would be snapshotted is the unit's current one.
		org, err := q.Org(ctx, rc.app.OrgID)
		if err != nil {
			return rc, err
		}
		rc.unitChain = org.ReviewChain
		rc.c.ChainLength = len(org.ReviewChain)
		if rc.c.OpenObjections, err = q.OpenObjections(ctx, id); err != nil {
			return rc, err
		}
		ev, err := q.EvidenceOf(ctx, id)
		if err != nil {
			return rc, err
		}
		filled := map[string]int{}
		for _, e := range ev {
			filled[e.Slot]++
		}
		rc.c.MissingUnitReports = rules.MissingUnitReports(rc.app.Form, rc.plan, filled)
		rc.c.UnitSlots = rules.UnitSlotKeys(rc.app.Form, rc.plan)
	}
	return rc, nil
}

// routedLevel is the highest level of its chain the application has been routed to.
func routedLevel(app model.Application, st store.ReviewState) int {
	if app.Status == model.StatusRecommended {
		return max(st.ReachedLevel, 1)
	}
	return st.ReachedLevel
}

// sees reports whether a may see the application at all (R-ORG-02).
func sees(a model.Actor, app model.Application, st store.ReviewState) bool {
	if a.System {
		return true
	}
	if authz.Allowed(a, authz.Apply) && app.ApplicantID == a.UserID {
		return true
	}
	if app.Status == model.StatusDraft {
		return false // a draft is the applicant's alone (R-APP-04)
	}
	if authz.Allowed(a, authz.ReviewUnit) && app.OrgID == a.OrgID {
		return true
	}
	if authz.Allowed(a, authz.ReviewDept) {
		reached := routedLevel(app, st)
		for i, d := range st.Chain {
			if d == a.OrgID && i+1 <= reached {
				return true
			}
		}
	}
	return authz.Allowed(a, authz.OfficeWork)
}

// reviewer reports whether a sees the application as a reviewer (not as its applicant).
func reviewer(a model.Actor, app model.Application, st store.ReviewState) bool {
	if a.System {
		return true
	}
	if authz.Allowed(a, authz.Apply) && app.ApplicantID == a.UserID {
		return false
	}
	return sees(a, app, st)
}

// holds reports whether a, taking a step that needs permission p, holds the application now.
func holds(a model.Actor, rc reviewCase, p authz.Permission) bool {
	if a.System {
		return true
	}
	switch p {
	case authz.Apply:
		return rc.app.ApplicantID == a.UserID
	case authz.ReviewUnit:
		return rc.app.OrgID == a.OrgID
	case authz.ReviewDept:
		switch rc.app.Status {
		case model.StatusRecommended:
			return rc.st.DeptAt(1) == a.OrgID
		case model.StatusDeptReview:
			return rc.st.DeptAt(rc.st.ChainLevel) == a.OrgID
		}
		return false
	case authz.OfficeWork:
		return true
	}
	return false
}

// rowPerm is the permission of the table's row for (status, action).
func rowPerm(s model.AppStatus, action rules.Action) (authz.Permission, bool) {
	for _, t := range rules.Transitions() {
		if t.From == s && t.Action == action {
			return t.Perm, true
		}
	}
	return "", false
}

// step is one action as a use case asks for it.
type step struct {
	action rules.Action
	v      int64 // the version the actor saw
	// current: act on whatever version is stored (the public's objection, which holds no
	// version; it still advances the version, so that a reviewer about to recommend sees it).
	current bool
	items   []rules.ReturnItem
	reason  string
	// prepare reads what the table's guards need besides the loaded case, after the version
	// check and before the table decides (the recommendation's quota, under its lock).
	prepare func(ctx context.Context, q *store.Q, rc *reviewCase) error
	// move replaces the plain status change (resubmission freezes a version).
	move func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition) (int64, error)
	// record writes what the action records besides the state, into rc.st and the store,
	// and adds to the audit detail.
	record func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error
}

// do runs one step: scope, version, the table, the move, the records, one audit entry.
func (s *Review) do(ctx context.Context, a model.Actor, id int64, st step) (Outcome, error) {
	var out Outcome
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		rc, err := s.load(ctx, q, id)
		if errors.Is(err, model.ErrNotFound) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		if !sees(a, rc.app, rc.st) {
			return notFound(id)
		}
		if st.current {
			st.v = rc.app.Version
		}
		if rc.app.Version != st.v {
			return taken(id)
		}
		if p, ok := rowPerm(rc.app.Status, st.action); ok && authz.Allowed(a, p) && !holds(a, rc, p) {
			return notHolder(rc.app.Status)
		}
		if st.prepare != nil {
			if err := st.prepare(ctx, q, &rc); err != nil {
				return err
			}
		}
		c := rc.c
		c.Items, c.Reason = st.items, strings.TrimSpace(st.reason)
		if st.action == rules.ActResubmit {
			if c.Findings, err = s.findings(ctx, q, rc.app); err != nil {
				return err
			}
		}
		tr, err := rules.Decide(c, a, st.action)
		if err != nil {
			return err
		}
		nv := st.v + 1
		switch {
		case st.move != nil:
			nv, err = st.move(ctx, q, &rc, tr)
		case tr.Stays():
			nv, err = q.BumpApplication(ctx, id, st.v)
		default:
			err = q.SetStatus(ctx, id, st.v, tr.To)
		}
		if errors.Is(err, model.ErrConflict) {
			return taken(id)
		}
		if err != nil {
			return err
		}
		d := map[string]any{"version": nv}
		if !tr.Stays() {
			switch {
			case tr.To == model.StatusDeptReview:
				rc.st.ChainLevel, rc.st.ReachedLevel = tr.Level, max(rc.st.ReachedLevel, tr.Level)
				d["level"] = tr.Level
				d["dept_id"] = rc.st.DeptAt(tr.Level)
			default:
				rc.st.ChainLevel = 0
			}
			if tr.To == model.StatusReturned {
				from := c.Stage()
				rc.st.ReturnedFrom, rc.st.ReturnedLevel = from.Status, from.Level
				d["returned_from"] = from
			}
		}
		if len(c.Items) > 0 {
			d["items"] = c.Items
		}
		if st.record != nil {
			if err := st.record(ctx, q, &rc, tr, d); err != nil {
				return err
			}
		}
		if err := q.SaveReviewState(ctx, rc.st); err != nil {
			return err
		}
		e := event(a, "application."+string(st.action), "application", id)
		e.FromState, e.ToState, e.Reason = string(tr.From), string(tr.To), c.Reason
		e.Detail = detail(d)
		if _, err := q.Audit(ctx, e); err != nil {
			return err
		}
		if !tr.Stays() {
			// Committed with the change or not at all; the worker delivers it later.
			body := "您的职称申报状态已更新为：" + tr.To.Label() + "。"
			if c.Reason != "" {
				body += "说明：" + c.Reason
			}
			if err := jobs.Notify(ctx, q, jobs.Message{UserID: rc.app.ApplicantID, Subject: "职称申报状态更新", Body: body}); err != nil {
				return err
			}
		}
		if err := notifyNext(ctx, q, a, rc.app, tr, rc.st); err != nil {
			return err
		}
		out = Outcome{From: tr.From, To: tr.To, Level: tr.Level, Version: nv}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("%s application %d: %w", st.action, id, err)
	}
	return out, nil
}

// findings is the pre-submit check of the application's working copy (R-ELG-10, R-APP-03).
func (s *Review) findings(ctx context.Context, q *store.Q, app model.Application) (model.Errors, error) {
	v := View{App: app}
	if err := s.apps.fill(ctx, q, &v); err != nil {
		return nil, err
	}
	return s.apps.check(ctx, q, v)
}

// The unit (R-FLOW-01, R-FLOW-02, R-FLOW-03).

// StartPublicity passes the unit review and starts the unit publicity; it ends after the
// plan's number of working days from today (longer for exceptional and grassroots-scope
// applications, R-ELG-08), by the office's calendar (R-CAL-04). The table sees the calendar
// too: a publicity that could not end before the review deadline is refused (R-CAL-02).
func (s *Review) StartPublicity(ctx context.Context, a model.Actor, id, v int64) (Outcome, error) {
	cal, err := s.cal.Get(ctx)
	if err != nil {
		return Outcome{}, err
	}
	return s.do(ctx, a, id, step{action: rules.ActStartPublicity, v: v,
		prepare: func(ctx context.Context, q *store.Q, rc *reviewCase) error {
			rc.c.Calendar = cal
			return nil
		},
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			end, err := rules.PublicityEnd(cal, q.Now(), rc.c.AppType, rc.c.Scope, rc.plan.Policy)
			if err != nil {
				return err
			}
			rc.st.PublicityStart, rc.st.PublicityEnd = q.Now(), end
			d["publicity_end"] = rules.FormatEnd(end)
			return nil
		}})
}

// ObjectionMaxRunes bounds an objection's text.
const ObjectionMaxRunes = 1000

func objectionInput(text, contact string) (string, string, error) {
	text, contact = strings.TrimSpace(text), strings.TrimSpace(contact)
	var es model.Errors
	if text == "" {
		es = append(es, &model.Error{Kind: model.KindInvalid, Rule: "R-FLOW-01", Field: "text", Message: "请填写异议内容", Fix: "写明反映的问题及相关事实"})
	} else if n := utf8.RuneCountInString(text); n > ObjectionMaxRunes {
		es = append(es, &model.Error{Kind: model.KindInvalid, Rule: "R-FLOW-01", Field: "text",
			Message: fmt.Sprintf("异议内容有 %d 字，超过 %d 字", n, ObjectionMaxRunes), Fix: "请精简内容，详细材料可另行提交单位"})
	}
	if utf8.RuneCountInString(contact) > 100 {
		es = append(es, model.Invalid("contact", "联系方式过长", "不超过 100 字"))
	}
	if len(es) == 1 {
		return text, contact, es[0]
	}
	return text, contact, es.Err()
}

// publicObjector is who files an objection on the public publicity page. The table's
// record_objection row belongs to the unit (which also registers objections received by
// letter or phone); the public reaches it through FileObjection alone.
var publicObjector = model.Actor{System: true, Name: "公众"}

// NotInPublicity is the public's refusal for an application that is not on the publicity
// list: missing, not yet publicized, or past it are all the same to them.
func NotInPublicity(id int64) error {
	return fmt.Errorf("objection to application %d: %w", id, &model.Error{Kind: model.KindNotFound, Rule: "R-FLOW-01",
		Message: "公示名单中没有该申报", Fix: "异议只能针对正在单位公示中的申报提出，请在公示名单中选择"})
}

// FileObjection lets anyone object to an application in unit publicity (R-FLOW-01); any
// other application is NotInPublicity. The contact is optional and only the unit sees it.
// It returns the objection's id.
func (s *Review) FileObjection(ctx context.Context, id int64, text, contact string) (int64, error) {
	oid, err := s.addObjection(ctx, publicObjector, id, 0, true, text, contact)
	if errors.Is(err, model.ErrNotFound) {
		return 0, NotInPublicity(id)
	}
	return oid, err
}

// RecordObjection registers an objection the unit received otherwise (letter, phone, visit).
func (s *Review) RecordObjection(ctx context.Context, a model.Actor, id, v int64, text, contact string) (int64, error) {
	return s.addObjection(ctx, a, id, v, false, text, contact)
}

func (s *Review) addObjection(ctx context.Context, a model.Actor, id, v int64, current bool, text, contact string) (int64, error) {
	text, contact, err := objectionInput(text, contact)
	if err != nil {
		return 0, err
	}
	var oid int64
	var prepare func(ctx context.Context, q *store.Q, rc *reviewCase) error
	if current {
		// The public sees only the publicity list (R-PUB-02): an application that is not in it
		// is "not found" to them, whatever state it is in, and its state is not revealed.
		prepare = func(ctx context.Context, q *store.Q, rc *reviewCase) error {
			if rc.app.Status != model.StatusUnitPublicity {
				return NotInPublicity(id)
			}
			return nil
		}
	}
	_, err = s.do(ctx, a, id, step{action: rules.ActRecordObjection, v: v, current: current, reason: text, prepare: prepare,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) (err error) {
			oid, err = q.AddObjection(ctx, store.Objection{ApplicationID: id, Text: text, Contact: contact, FiledBy: a.UserID})
			d["objection_id"] = oid
			d["public"] = a.System && a.UserID == 0
			return err
		}})
	return oid, err
}

// ResolveObjection records how the unit resolved one objection.
func (s *Review) ResolveObjection(ctx context.Context, a model.Actor, id, v, objectionID int64, resolution string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActResolveObjection, v: v, reason: resolution,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			d["objection_id"] = objectionID
			return q.ResolveObjection(ctx, id, objectionID, strings.TrimSpace(resolution), a.UserID)
		}})
}

// Recommend sends the application to the first department of the unit's chain, after the
// publicity ended and every objection was resolved (R-FLOW-01). A grassroots-scope senior
// application is checked against the unit's quota (R-ELG-09): the posts the office registered
// for the unit, plus the unit's recommendations of the plan still under way, counted in this
// transaction with the unit's row locked, so that two recommendations at once cannot both
// take the last post. The chain is snapshotted (R-FLOW-06).
func (s *Review) Recommend(ctx context.Context, a model.Actor, id, v int64) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActRecommend, v: v,
		prepare: func(ctx context.Context, q *store.Q, rc *reviewCase) error {
			if !bound(rc.plan, rc.app) {
				return nil
			}
			org, err := q.LockedOrg(ctx, rc.app.OrgID)
			if err != nil {
				return err
			}
			quota, err := grassrootsQuota(ctx, q, org, rc.plan)
			if err != nil {
				return err
			}
			rc.c.UnitPosts = quota.posts()
			return nil
		},
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			if err := q.SetApplicationChain(ctx, id, rc.unitChain); err != nil {
				return err
			}
			rc.st.Chain = rc.unitChain
			rc.st.ChainLevel, rc.st.ReachedLevel = 0, 0
			rc.st.RecommendedBy, rc.st.RecommendedAt = rc.app.OrgID, q.Now()
			d["chain"] = rc.unitChain
			if rc.c.UnitPosts != nil {
				d["unit_posts"] = rc.c.UnitPosts
			}
			return nil
		}})
}

// UnitRecall takes a recommendation back before the first department accepted it.
func (s *Review) UnitRecall(ctx context.Context, a model.Actor, id, v int64, reason string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActUnitRecall, v: v, reason: reason})
}

// UnitReturn returns the application to the applicant with one consolidated list of
// problems, each tied to an item (R-FLOW-03).
func (s *Review) UnitReturn(ctx context.Context, a model.Actor, id, v int64, items []rules.ReturnItem) (Outcome, error) {
	return s.returnFor(ctx, a, id, v, rules.ActUnitReturn, items)
}

// DeptReturn is a department's return (R-FLOW-03); the fourth is refused (R-FLOW-04).
func (s *Review) DeptReturn(ctx context.Context, a model.Actor, id, v int64, items []rules.ReturnItem) (Outcome, error) {
	return s.returnFor(ctx, a, id, v, rules.ActDeptReturn, items)
}

func (s *Review) returnFor(ctx context.Context, a model.Actor, id, v int64, action rules.Action, items []rules.ReturnItem) (Outcome, error) {
	items = trimItems(items)
	return s.do(ctx, a, id, step{action: action, v: v, items: items,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			stage := rc.c.Stage()
			rid, err := q.AddReturn(ctx, store.Return{ApplicationID: id, SubmissionNo: rc.app.Submissions, Stage: stage.Status, Level: stage.Level,
				OrgID: a.OrgID, UserID: a.UserID, Items: storeItems(items)})
			if err != nil {
				return err
			}
			d["return_id"] = rid
			if action == rules.ActDeptReturn {
				rc.st.DeptReturns++
				d["dept_returns"] = rc.st.DeptReturns
			}
			return nil
		}})
}

func trimItems(items []rules.ReturnItem) []rules.ReturnItem {
	out := make([]rules.ReturnItem, 0, len(items))
	for _, it := range items {
		it.Slot, it.Field, it.Text = strings.TrimSpace(it.Slot), strings.TrimSpace(it.Field), strings.TrimSpace(it.Text)
		out = append(out, it)
	}
	return out
}

func storeItems(items []rules.ReturnItem) []store.ReviewItem {
	out := make([]store.ReviewItem, 0, len(items))
	for _, it := range items {
		out = append(out, store.ReviewItem{Module: it.Module, Slot: it.Slot, Field: it.Field, Text: it.Text})
	}
	return out
}

// NotRecommend ends the application at the unit, with the reason the applicant sees.
func (s *Review) NotRecommend(ctx context.Context, a model.Actor, id, v int64, reason string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActUnitNotRecommend, v: v, reason: reason})
}

// The applicant.

// Withdraw takes a submitted application back before the unit acted (R-APP-05).
func (s *Review) Withdraw(ctx context.Context, a model.Actor, id, v int64) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActWithdraw, v: v})
}

// Resubmit sends a returned application, as the applicant fixed it, back to the step that
// returned it (R-APP-05): the pre-submit check must find nothing, and a new numbered
// version is frozen. After a unit return the publicity starts again from unit review.
func (s *Review) Resubmit(ctx context.Context, a model.Actor, id, v int64) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActResubmit, v: v,
		move: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition) (int64, error) {
			ev, err := q.EvidenceOf(ctx, id)
			if err != nil {
				return 0, err
			}
			p, err := q.Plan(ctx, rc.app.PlanID)
			if err != nil {
				return 0, err
			}
			if _, err := q.Submit(ctx, rc.app, frozenEvidence(rc.app.Form, p, ev), a.UserID); err != nil {
				return 0, err
			}
			if tr.To == model.StatusSubmitted {
				return rc.app.Version + 1, nil
			}
			if err := q.SetStatus(ctx, id, rc.app.Version+1, tr.To); err != nil {
				return 0, err
			}
			return rc.app.Version + 2, nil
		},
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			if tr.To == model.StatusSubmitted {
				rc.st.PublicityStart, rc.st.PublicityEnd = time.Time{}, time.Time{} // the publicity starts again
			}
			rc.st.ReturnedFrom, rc.st.ReturnedLevel = "", 0
			d["submission"] = rc.app.Submissions + 1
			return nil
		}})
}

// The departments of the chain (R-FLOW-05, R-FLOW-06).

// DeptAccept is the first department's acceptance of a recommended application.
func (s *Review) DeptAccept(ctx context.Context, a model.Actor, id, v int64) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActDeptAccept, v: v})
}

// DeptPass passes the application to the next level of its chain, or to the office after
// the last.
func (s *Review) DeptPass(ctx context.Context, a model.Actor, id, v int64, note string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActDeptPass, v: v, reason: note})
}

// RequestOriginals asks to see the originals of the listed materials (R-FLOW-05); the
// application stays where it is until the result is recorded.
func (s *Review) RequestOriginals(ctx context.Context, a model.Actor, id, v int64, items []rules.ReturnItem) (Outcome, error) {
	items = trimItems(items)
	return s.do(ctx, a, id, step{action: rules.ActRequestOriginals, v: v, items: items,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			stage := rc.c.Stage()
			cid, err := q.AddOriginalsRequest(ctx, store.OriginalsCheck{ApplicationID: id, Stage: stage.Status, Level: stage.Level,
				OrgID: a.OrgID, RequestedBy: a.UserID, Items: storeItems(items)})
			rc.st.OriginalsPending = true
			d["originals_check_id"] = cid
			return err
		}})
}

// RecordOriginals records the result of the pending originals check (R-FLOW-05).
func (s *Review) RecordOriginals(ctx context.Context, a model.Actor, id, v int64, result string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActRecordOriginals, v: v, reason: result,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			cid, err := q.RecordOriginals(ctx, id, strings.TrimSpace(result), a.UserID)
			rc.st.OriginalsPending = false
			d["originals_check_id"] = cid
			return err
		}})
}

// The office's preliminary qualification review.

// PrelimPass passes the preliminary qualification review.
func (s *Review) PrelimPass(ctx context.Context, a model.Actor, id, v int64, note string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActPrelimPass, v: v, reason: note})
}

// PrelimReject ends the application at the preliminary review, with the reason.
func (s *Review) PrelimReject(ctx context.Context, a model.Actor, id, v int64, reason string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActPrelimReject, v: v, reason: reason})
}

// Fraud (R-FLOW-11).

// ProposeFraud is the holding reviewer's proposal to cancel the application for fraud,
// with the facts; the application moves nowhere until the office decides.
func (s *Review) ProposeFraud(ctx context.Context, a model.Actor, id, v int64, facts string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActProposeFraud, v: v, reason: facts,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			stage := rc.c.Stage()
			fid, err := q.AddFraudProposal(ctx, store.FraudCase{ApplicationID: id, Stage: stage.Status, Level: stage.Level,
				ProposedBy: a.UserID, ProposedOrg: a.OrgID, Facts: strings.TrimSpace(facts)})
			rc.st.FraudProposed = true
			d["fraud_case_id"] = fid
			return err
		}})
}

// ConfirmFraud is the office's confirmation: the application ends, the applicant goes on
// the blacklist for the plan's term, and the unit that recommended it (the unit the
// application went through) is recorded. source is the decision's document number; empty
// gives a reference to the application.
func (s *Review) ConfirmFraud(ctx context.Context, a model.Actor, id, v int64, source string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActConfirmFraud, v: v,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			cases, err := q.FraudCases(ctx, id)
			if err != nil {
				return err
			}
			var facts string
			for _, c := range cases {
				if c.Decision == "" {
					facts = c.Facts
				}
			}
			idNumber, err := s.apps.idNumber(ctx, q, rc.app.ApplicantID)
			if err != nil {
				return err
			}
			person, err := q.User(ctx, rc.app.ApplicantID)
			if err != nil {
				return err
			}
			recOrg := rc.st.RecommendedBy
			if recOrg == 0 {
				recOrg = rc.app.OrgID
			}
			years := rc.plan.Policy.BlacklistYears
			if years < 1 {
				years = 3 // R-ELG-04: seed 003's term when the plan has none
			}
			if source = strings.TrimSpace(source); source == "" {
				source = fmt.Sprintf("%s取消申报资格（申报编号 %d）", rc.plan.Name, id)
			}
			bid, err := addBlacklist(ctx, q, s.d, a, BlacklistInput{IDNumber: idNumber, Name: person.Name,
				Reason: "职称申报弄虚作假：" + facts, Source: source, PlanID: rc.plan.ID, OrgID: recOrg, Start: q.Now(), Years: years})
			if err != nil {
				return err
			}
			fc, err := q.DecideFraud(ctx, id, store.FraudConfirmed, source, a.UserID, recOrg, bid)
			if err != nil {
				return err
			}
			rc.st.FraudProposed = false
			d["fraud_case_id"], d["blacklist_id"], d["recommending_org"], d["years"], d["source"] = fc.ID, bid, recOrg, years, source
			return nil
		}})
}

// DismissFraud is the office's dismissal of a proposal, with the reason.
func (s *Review) DismissFraud(ctx context.Context, a model.Actor, id, v int64, reason string) (Outcome, error) {
	return s.do(ctx, a, id, step{action: rules.ActDismissFraud, v: v, reason: reason,
		record: func(ctx context.Context, q *store.Q, rc *reviewCase, tr rules.Transition, d map[string]any) error {
			fc, err := q.DecideFraud(ctx, id, store.FraudDismissed, strings.TrimSpace(reason), a.UserID, 0, 0)
			rc.st.FraudProposed = false
			d["fraud_case_id"] = fc.ID
			return err
		}})
}
