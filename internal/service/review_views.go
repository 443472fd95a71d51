package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// What the review pages read: the reviewers' lists, the reviewer's view of one
// application, the applicant's status (R-APP-08), the public publicity list (R-PUB-02), and
// the evidence access log (R-SEC-01).

// ReviewFilter narrows a reviewer's list; zero fields do not filter.
type ReviewFilter struct {
	PlanID    int64
	OrgID     int64 // the applying unit; ignored in a unit's own inbox
	Status    model.AppStatus
	LevelCode string
	AppType   model.AppType
	Scope     model.Scope
	After     *Cursor // the page after this cursor (newest first)
	Limit     int     // 1–200, default 50
}

// Cursor is a keyset position in a list, newest first.
type Cursor struct {
	Updated time.Time
	ID      int64
}

// ReviewRow is one line of a reviewer's list. It carries the applicant's name, never an ID
// number or a phone (R-SEC-01).
type ReviewRow struct {
	store.ReviewRow
	LevelName   string
	StatusLabel string
}

// ReviewPage is one page of a list; Next is nil on the last page.
type ReviewPage struct {
	Rows []ReviewRow
	Next *Cursor
}

// UnitInbox lists the applications submitted through the actor's unit as they arrive
// (随报随审, R-FLOW-02), newest first: every state after the draft, or the filter's.
func (s *Review) UnitInbox(ctx context.Context, a model.Actor, f ReviewFilter) (ReviewPage, error) {
	if err := require(a, authz.ReviewUnit); err != nil {
		return ReviewPage{}, err
	}
	return s.list(ctx, store.ReviewQuery{UnitID: a.OrgID}, f)
}

// DeptList lists the applications waiting at the actor's department: recommended ones whose
// chain starts with it, and those in department review at its level (R-FLOW-06).
func (s *Review) DeptList(ctx context.Context, a model.Actor, f ReviewFilter) (ReviewPage, error) {
	if err := require(a, authz.ReviewDept); err != nil {
		return ReviewPage{}, err
	}
	return s.list(ctx, store.ReviewQuery{DeptID: a.OrgID}, f)
}

// OfficeList lists, by default, the applications in the preliminary qualification review
// or past it, and any with a fraud proposal waiting for the office; with a status filter,
// every application in that status.
func (s *Review) OfficeList(ctx context.Context, a model.Actor, f ReviewFilter) (ReviewPage, error) {
	if err := require(a, authz.OfficeWork); err != nil {
		return ReviewPage{}, err
	}
	rq := store.ReviewQuery{Office: true}
	if f.Status == "" {
		rq.Statuses, rq.OrFraud = []model.AppStatus{model.StatusPrelimReview, model.StatusPrelimPassed}, true
	}
	return s.list(ctx, rq, f)
}

func (s *Review) list(ctx context.Context, rq store.ReviewQuery, f ReviewFilter) (ReviewPage, error) {
	if f.Status != "" {
		if !f.Status.Valid() {
			return ReviewPage{}, model.Invalid("status", "未知的状态", "请从列表中选择")
		}
		rq.Statuses = []model.AppStatus{f.Status}
	}
	rq.PlanID, rq.LevelCode, rq.AppType, rq.Scope = f.PlanID, f.LevelCode, f.AppType, f.Scope
	if rq.UnitID == 0 {
		rq.OrgID = f.OrgID
	}
	if f.After != nil {
		rq.BeforeUpdated, rq.BeforeID = f.After.Updated, f.After.ID
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rq.Limit = f.Limit
	var page ReviewPage
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		rows, err := q.ReviewRows(ctx, rq)
		if err != nil {
			return err
		}
		plans := map[int64]model.Plan{}
		for _, r := range rows {
			p, ok := plans[r.PlanID]
			if !ok {
				if p, err = q.Plan(ctx, r.PlanID); err != nil {
					return err
				}
				plans[r.PlanID] = p
			}
			l, _ := p.Level(r.LevelCode)
			page.Rows = append(page.Rows, ReviewRow{ReviewRow: r, LevelName: l.Name, StatusLabel: r.Status.Label()})
		}
		return nil
	})
	if err != nil {
		return ReviewPage{}, fmt.Errorf("list applications for review: %w", err)
	}
	if n := len(page.Rows); n == f.Limit {
		last := page.Rows[n-1]
		page.Next = &Cursor{Updated: last.Updated, ID: last.ID}
	}
	return page, nil
}

// ReviewView is one application as a reviewer sees it.
type ReviewView struct {
	View          // the application, its plan and level, its slots and live files
	ApplicantName string
	OrgName       string
	State         store.ReviewState
	// Chain is the departments of the chain snapshot (the unit's current chain before the
	// recommendation), in order.
	Chain  []model.Org
	Holder string // who holds the application now
	// Findings is the pre-submit check of the current form: eligibility and completeness
	// as the rules see them today (R-ELG-10).
	Findings   model.Errors
	Duplicates []store.Duplicate // files other applicants also attached: a fraud signal
	Returns    []store.Return
	Objections []store.Objection // contacts are shown to the unit only
	Originals  []store.OriginalsCheck
	Fraud      []store.FraudCase
	// Options are the actions the actor may take now or sees disabled with the reason
	// (rules.Available), limited to the steps the actor's organisation holds.
	Options []rules.Option
	// UnitReports says the actor may upload and remove the unit's own documents now
	// (model.Slot.ByUnit, Review.UnitUpload): the unit's reviewer, before the recommendation.
	UnitReports bool
	// DeptReturns of DeptReturnLimit department returns are used (R-FLOW-04).
	DeptReturns     int
	DeptReturnLimit int
	PublicityEnds   time.Time
	// ReviewEnds and IntakeEnds are the deadlines of the application's state (rules.Lapses):
	// the end of the unit and department review (unit_review) and, once the departments have
	// it, of the committee's intake; zero where the state has none or the plan sets none. An
	// application still here then lapses (R-CAL-02).
	ReviewEnds time.Time
	IntakeEnds time.Time
	// Quota is the unit's grassroots senior quota for a grassroots-scope senior application
	// (R-ELG-09), nil for any other.
	Quota *GrassrootsQuota
	// Versions are the submitted versions, oldest first; Changes[i] is the field-level diff
	// of version i against version i-1 (empty for the first), so a reviewer sees what a
	// resubmission changed.
	Versions []store.Submission
	Changes  [][]rules.FieldChange
}

// View returns the application for a reviewer in scope; anyone else gets ErrNotFound.
func (s *Review) View(ctx context.Context, a model.Actor, id int64) (ReviewView, error) {
	var v ReviewView
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		rc, err := s.load(ctx, q, id)
		if errors.Is(err, model.ErrNotFound) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		if !reviewer(a, rc.app, rc.st) {
			return notFound(id)
		}
		v.App, v.State = rc.app, rc.st
		if err := s.apps.fill(ctx, q, &v.View); err != nil {
			return err
		}
		person, err := q.User(ctx, rc.app.ApplicantID)
		if err != nil {
			return err
		}
		org, err := q.Org(ctx, rc.app.OrgID)
		if err != nil {
			return err
		}
		v.ApplicantName, v.OrgName = person.Name, org.Name
		chain := rc.st.Chain
		if len(chain) == 0 {
			chain = org.ReviewChain
		}
		for _, d := range chain {
			o, err := q.Org(ctx, d)
			if err != nil {
				return err
			}
			v.Chain = append(v.Chain, o)
		}
		v.Holder = holderName(rc, org.Name, v.Chain)
		if bound(rc.plan, rc.app) {
			quota, err := grassrootsQuota(ctx, q, org, rc.plan)
			if err != nil {
				return err
			}
			// The recommend button is enabled, or disabled with the reason, by the same
			// numbers Recommend will check.
			v.Quota, rc.c.UnitPosts = &quota, quota.posts()
		}
		if v.Findings, err = s.apps.check(ctx, q, v.View); err != nil {
			return err
		}
		dups, err := q.DuplicatesOf(ctx, id)
		if err != nil {
			return err
		}
		for _, d := range dups {
			// The unit's own documents may rightly be one file for several of its applicants
			// (one publicity report naming them all): that is no fraud signal.
			if sl, ok := findSlot(v.Slots, d.Slot); !ok || !sl.ByUnit {
				v.Duplicates = append(v.Duplicates, d)
			}
		}
		if v.Versions, err = q.Submissions(ctx, id); err != nil {
			return err
		}
		v.Changes = make([][]rules.FieldChange, len(v.Versions))
		for i := 1; i < len(v.Versions); i++ {
			v.Changes[i] = rules.DiffForms(v.Versions[i-1].Form, v.Versions[i].Form)
		}
		if v.Returns, err = q.Returns(ctx, id); err != nil {
			return err
		}
		if v.Objections, err = q.Objections(ctx, id); err != nil {
			return err
		}
		if !(authz.Allowed(a, authz.ReviewUnit) && rc.app.OrgID == a.OrgID) && !a.System {
			for i := range v.Objections {
				v.Objections[i].Contact = ""
			}
		}
		if v.Originals, err = q.OriginalsChecks(ctx, id); err != nil {
			return err
		}
		if v.Fraud, err = q.FraudCases(ctx, id); err != nil {
			return err
		}
		if rc.app.Status == model.StatusSubmitted {
			// So that a publicity too late for the review deadline shows disabled (R-CAL-02).
			if rc.c.Calendar, err = calendarIn(ctx, q); err != nil {
				return err
			}
		}
		for _, o := range rules.Available(rc.c, a) {
			if holds(a, rc, o.Perm) {
				v.Options = append(v.Options, o)
			}
		}
		v.UnitReports = authz.Allowed(a, authz.ReviewUnit) && holds(a, rc, authz.ReviewUnit) && unitReportsOpen(rc.app.Status)
		v.DeptReturns, v.DeptReturnLimit = rc.st.DeptReturns, deptReturnLimit(rc.plan)
		v.PublicityEnds = rc.st.PublicityEnd
		for _, l := range rules.Lapses() {
			if l.From != rc.app.Status {
				continue
			}
			for _, k := range l.Windows {
				w, _ := rc.plan.Window(k) // End is zero where the plan sets no such window
				switch k {
				case model.WindowUnitReview:
					v.ReviewEnds = w.End
				case model.WindowCommitteeIntake:
					v.IntakeEnds = w.End
				}
			}
		}
		return nil
	})
	if err != nil {
		return ReviewView{}, fmt.Errorf("review view of application %d: %w", id, err)
	}
	return v, nil
}

// deptReturnLimit is the plan's R-FLOW-04 limit (3 when unset, as in rules).
func deptReturnLimit(p model.Plan) int {
	if p.Policy.DeptReturnLimit > 0 {
		return p.Policy.DeptReturnLimit
	}
	return 3
}

// holderName says who holds the application now (R-APP-08).
func holderName(rc reviewCase, unit string, chain []model.Org) string {
	dept := func(l int) string {
		if l >= 1 && l <= len(chain) {
			return chain[l-1].Name
		}
		return "审核部门"
	}
	switch rc.app.Status {
	case model.StatusDraft, model.StatusReturned:
		return "申报人本人"
	case model.StatusSubmitted, model.StatusUnitPublicity:
		return unit
	case model.StatusRecommended:
		return dept(1) + "（待受理）"
	case model.StatusDeptReview:
		return dept(rc.st.ChainLevel)
	case model.StatusPrelimReview, model.StatusPrelimPassed:
		return "职改办"
	}
	return "" // ended
}

// Step is one step of an application's history as its applicant reads it (R-FLOW-12).
type Step struct {
	At      time.Time
	Label   string
	From    model.AppStatus
	To      model.AppStatus
	OrgName string // the organisation that took the step
	Reason  string
}

// AppStatus is what the applicant sees of the procedure (R-APP-08).
type AppStatus struct {
	Status      model.AppStatus
	StatusLabel string
	Holder      string // who holds it now; "" when it has ended
	Level       int    // the chain level in department review
	Chain       []string
	Steps       []Step // oldest first
	// Returned is the last return's full consolidated list when the application is
	// returned for modification; Returns is every return, oldest first.
	Returned        *store.Return
	Returns         []store.Return
	DeptReturns     int
	DeptReturnLimit int
	PublicityEnds   time.Time
	OriginalsWanted *store.OriginalsCheck // a pending originals check: what to bring
}

// internalSteps are audited facts that are the reviewers' business, not the applicant's:
// objections (a third party's words) and fraud proposals until the office decides.
var internalSteps = []string{"application.record_objection", "application.resolve_objection", "application.propose_fraud", "application.dismiss_fraud"}

var stepLabels = map[string]string{
	"application.start":  "开始填报",
	"application.submit": "提交申报",
}

// Status returns the procedure's state for the application's applicant (or anyone who may
// see the application).
func (s *Review) Status(ctx context.Context, a model.Actor, id int64) (AppStatus, error) {
	var out AppStatus
	err := s.d.DB.View(ctx, func(q *store.Q) error {
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
		org, err := q.Org(ctx, rc.app.OrgID)
		if err != nil {
			return err
		}
		var chain []model.Org
		for _, d := range rc.st.Chain {
			o, err := q.Org(ctx, d)
			if err != nil {
				return err
			}
			chain = append(chain, o)
			out.Chain = append(out.Chain, o.Name)
		}
		out.Status, out.StatusLabel, out.Holder = rc.app.Status, rc.app.Status.Label(), holderName(rc, org.Name, chain)
		out.Level, out.DeptReturns, out.DeptReturnLimit, out.PublicityEnds = rc.st.ChainLevel, rc.st.DeptReturns, deptReturnLimit(rc.plan), rc.st.PublicityEnd
		events, err := q.AuditEvents(ctx, store.AuditFilter{ObjectType: "application", ObjectID: id, Limit: 500})
		if err != nil {
			return err
		}
		orgNames := map[int64]string{}
		for i := len(events) - 1; i >= 0; i-- {
			e := events[i]
			if e.ToState == "" || slices.Contains(internalSteps, e.Action) {
				continue
			}
			label, ok := stepLabels[e.Action]
			if !ok {
				label = rules.Action(strings.TrimPrefix(e.Action, "application.")).Label()
			}
			name, ok := orgNames[e.OrgID]
			if !ok && e.OrgID != 0 {
				if o, err := q.Org(ctx, e.OrgID); err == nil {
					name = o.Name
				}
				orgNames[e.OrgID] = name
			}
			if e.OrgID == 0 && e.ActorID == 0 {
				name = e.ActorName // a step the system took by itself: "系统" (R-CAL-02 lapse)
			}
			out.Steps = append(out.Steps, Step{At: e.At, Label: label, From: model.AppStatus(e.FromState), To: model.AppStatus(e.ToState), OrgName: name, Reason: e.Reason})
		}
		if out.Returns, err = q.Returns(ctx, id); err != nil {
			return err
		}
		if rc.app.Status == model.StatusReturned && len(out.Returns) > 0 {
			out.Returned = &out.Returns[len(out.Returns)-1]
		}
		if rc.st.OriginalsPending {
			checks, err := q.OriginalsChecks(ctx, id)
			if err != nil {
				return err
			}
			for i := range checks {
				if checks[i].Recorded.IsZero() {
					out.OriginalsWanted = &checks[i]
				}
			}
		}
		return nil
	})
	if err != nil {
		return AppStatus{}, fmt.Errorf("status of application %d: %w", id, err)
	}
	return out, nil
}

// PublicityRow is one line of the public unit-publicity list: only what publicity needs
// (name, unit, level, specialty) and the period, never an ID number, phone or evidence
// (R-PUB-02). ID is what an objection names.
type PublicityRow struct {
	ID        int64
	Name      string
	Unit      string
	Level     string
	Specialty string
	Scope     string
	Start     time.Time
	End       time.Time
}

// Publicity lists the applications of a plan in unit publicity, for anyone.
func (s *Review) Publicity(ctx context.Context, planID int64) ([]PublicityRow, error) {
	var out []PublicityRow
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		p, err := q.Plan(ctx, planID)
		if err != nil {
			return err
		}
		rq := store.ReviewQuery{Office: true, PlanID: planID, Statuses: []model.AppStatus{model.StatusUnitPublicity}, Limit: 200}
		for {
			rows, err := q.ReviewRows(ctx, rq)
			if err != nil {
				return err
			}
			for _, r := range rows {
				l, _ := p.Level(r.LevelCode)
				out = append(out, PublicityRow{ID: r.ID, Name: r.ApplicantName, Unit: r.OrgName, Level: l.Name, Specialty: r.Specialty,
					Scope: r.Scope.Label(), Start: r.PublicityFrom, End: r.PublicityEnd})
			}
			if len(rows) < rq.Limit {
				return nil
			}
			last := rows[len(rows)-1]
			rq.BeforeUpdated, rq.BeforeID = last.Updated, last.ID
		}
	})
	if err != nil {
		return nil, fmt.Errorf("publicity list of plan %d: %w", planID, err)
	}
	return out, nil
}

// OpenEvidence opens one of the application's files for a reviewer in scope and records
// the access in the same transaction as the read of the file's row (R-SEC-01). kind is
// store.AccessView or store.AccessDownload. The applicant opens their own files through
// Applications.File, which is not logged.
func (s *Review) OpenEvidence(ctx context.Context, a model.Actor, id, evidenceID int64, kind string) (store.Evidence, io.ReadCloser, error) {
	if kind != store.AccessDownload {
		kind = store.AccessView
	}
	if a.Anonymous() {
		return store.Evidence{}, nil, &model.Error{Kind: model.KindUnauthenticated, Message: "请先登录"}
	}
	var ev store.Evidence
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		app, err := q.Application(ctx, id)
		if errors.Is(err, model.ErrNotFound) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		st, err := q.ReviewState(ctx, id)
		if err != nil {
			return err
		}
		if a.System || !reviewer(a, app, st) {
			return notFound(id)
		}
		if ev, err = q.EvidenceByID(ctx, id, evidenceID); err != nil {
			return err
		}
		return q.LogEvidenceAccess(ctx, store.EvidenceAccess{ApplicationID: id, EvidenceID: evidenceID, UserID: a.UserID, OrgID: a.OrgID, Kind: kind})
	})
	if err != nil {
		return store.Evidence{}, nil, fmt.Errorf("open evidence %d of application %d: %w", evidenceID, id, err)
	}
	r, err := s.d.Blobs.Open(ctx, ev.SHA256)
	if err != nil {
		return ev, nil, fmt.Errorf("open evidence %d: %w", evidenceID, err)
	}
	return ev, r, nil
}

// AccessLog lists who viewed or downloaded the application's evidence, newest first: for
// its applicant (R-SEC-01), and for the office.
func (s *Review) AccessLog(ctx context.Context, a model.Actor, id int64) ([]store.EvidenceAccess, error) {
	var out []store.EvidenceAccess
	err := s.d.DB.View(ctx, func(q *store.Q) error {
		app, err := q.Application(ctx, id)
		if errors.Is(err, model.ErrNotFound) {
			return notFound(id)
		}
		if err != nil {
			return err
		}
		own := authz.Allowed(a, authz.Apply) && app.ApplicantID == a.UserID
		if !own && !authz.Allowed(a, authz.OfficeWork) {
			return notFound(id)
		}
		out, err = q.EvidenceAccessOf(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence access log of application %d: %w", id, err)
	}
	return out, nil
}
