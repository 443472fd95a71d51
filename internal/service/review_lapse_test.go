package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// Tests of what the review deadline does (R-CAL-02) on seed 003's plan: unit and city
// review, and the committee's intake, end at 2024-11-04 24:00.

var reviewClosed = sh(2024, 11, 5, 0, 0)

// recommended takes an application of unit A through publicity to the recommendation
// (waiting for the city bureau to accept it).
func (f *reviewFixture) recommended(t *testing.T, username string) (model.Actor, int64) {
	t.Helper()
	a, id := f.inPublicity(t, username)
	f.now = sh(2024, 10, 10, 9, 0)
	ok(t, model.StatusRecommended)(f.svc.Review.Recommend(context.Background(), f.unitA, id, f.version(t, id)))
	return a, id
}

// notices counts the notification jobs for user whose body contains text.
func notices(t *testing.T, db *store.DB, user int64, text string) int {
	t.Helper()
	js, err := db.Jobs(context.Background(), "notify")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, j := range js {
		var m struct {
			UserID int64  `json:"user_id"`
			Body   string `json:"body"`
		}
		if json.Unmarshal(j.Payload, &m) == nil && m.UserID == user && strings.Contains(m.Body, text) {
			n++
		}
	}
	return n
}

// lapses lists the lapse entries of the application's audit log.
func (f *reviewFixture) lapses(t *testing.T, id int64) []model.AuditEvent {
	t.Helper()
	var out []model.AuditEvent
	for _, e := range f.audits(t, id) {
		if e.Action == "application."+string(rules.ActLapse) {
			out = append(out, e)
		}
	}
	return out
}

// R-CAL-02: when the unit_review window ends, every application still submitted, in unit
// publicity, returned, recommended or in department review lapses — each with one audit
// entry by the system naming the window and its end, and a notification to its applicant —
// and nothing else moves: not the office's preliminary review, not what has ended, not a
// draft, not one with a fraud proposal pending until the office dismisses it. The last
// millisecond of the window lapses nothing, and a second sweep nothing more.
func TestR_CAL_02_lapseAfterUnitReviewWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		type app struct {
			who  model.Actor
			id   int64
			from model.AppStatus
		}
		var open, untouched []app
		add := func(list *[]app, who model.Actor, id int64) {
			*list = append(*list, app{who, id, f.status(t, id)})
		}
		who, id := f.submitted(t, f.fixture.unitA, "subm")
		add(&open, who, id)
		who, id = f.submitted(t, f.fixture.unitB, "retd")
		ok(t, model.StatusReturned)(f.svc.Review.UnitReturn(ctx, f.unitB, id, f.version(t, id), anItem))
		add(&open, who, id)
		who, id = f.submitted(t, f.fixture.unitA, "fraud")
		ok(t, model.StatusSubmitted)(f.svc.Review.ProposeFraud(ctx, f.unitA, id, f.version(t, id), "疑似冒用他人业绩"))
		fraudWho, fraud := who, id
		who, id = f.submitted(t, f.fixture.unitA, "notrec")
		ok(t, model.StatusNotRecommended)(f.svc.Review.NotRecommend(ctx, f.unitA, id, f.version(t, id), "年度考核不符合要求"))
		add(&untouched, who, id)
		who, id = f.submitted(t, f.fixture.unitA, "gone")
		ok(t, model.StatusWithdrawn)(f.svc.Review.Withdraw(ctx, who, id, f.version(t, id)))
		add(&untouched, who, id)
		draftWho := f.user(t, f.fixture.unitA, "draft", model.RoleApplicant)
		draft, err := f.svc.Applications.Start(ctx, draftWho, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		add(&untouched, draftWho, draft)
		who, id = f.inPublicity(t, "publ")
		add(&open, who, id)
		who, id = f.recommended(t, "recm")
		add(&open, who, id)
		who, id = f.atDept(t, "dept")
		add(&open, who, id)
		deptApp := id
		who, id = f.atDept(t, "prelim")
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""))
		add(&untouched, who, id)
		untouched = append(untouched, app{fraudWho, fraud, model.StatusSubmitted})
		for _, a := range open {
			if rules.IsEnd(a.from) || a.from == model.StatusPrelimReview {
				t.Fatalf("fixture: %d is %s", a.id, a.from)
			}
		}

		before := map[int64]int{}
		for _, a := range append(open, untouched...) {
			before[a.id] = len(f.audits(t, a.id))
		}
		f.now = reviewClosed.Add(-time.Millisecond)
		if n, err := f.svc.Review.LapseOverdue(ctx); n != 0 || err != nil {
			t.Fatalf("in the last millisecond: %d lapsed, %v", n, err)
		}
		f.now = reviewClosed
		n, err := f.svc.Review.LapseOverdue(ctx)
		if err != nil || n != len(open) {
			t.Fatalf("at the deadline: %d lapsed (want %d), %v", n, len(open), err)
		}
		for _, a := range open {
			if s := f.status(t, a.id); s != model.StatusLapsed {
				t.Errorf("%s application %d is %s", a.from, a.id, s)
			}
			if got := len(f.audits(t, a.id)) - before[a.id]; got != 1 {
				t.Errorf("%s application %d: %d audit entries, want 1", a.from, a.id, got)
			}
			es := f.lapses(t, a.id)
			if len(es) != 1 {
				t.Fatalf("%s application %d: %d lapse entries", a.from, a.id, len(es))
			}
			e := es[0]
			if e.FromState != string(a.from) || e.ToState != string(model.StatusLapsed) || e.ActorID != 0 || e.OrgID != 0 || e.ActorName != "系统" ||
				!strings.Contains(e.Reason, "单位及主管部门审核时间已于 2024-11-04 24:00 截止") || !strings.Contains(e.Detail, `"window":"unit_review"`) {
				t.Errorf("%s application %d: lapse entry %+v", a.from, a.id, e)
			}
			if got := notices(t, db, a.who.UserID, model.StatusLapsed.Label()); got != 1 {
				t.Errorf("%s application %d: %d notifications of the lapse", a.from, a.id, got)
			}
			// The applicant reads why, and that the system did it.
			st, err := f.svc.Review.Status(ctx, a.who, a.id)
			if err != nil {
				t.Fatal(err)
			}
			last := st.Steps[len(st.Steps)-1]
			if st.StatusLabel != "逾期未完成审核" || st.Holder != "" || last.Label != "逾期终止" || last.OrgName != "系统" || last.To != model.StatusLapsed || !strings.Contains(last.Reason, "2024-11-04 24:00") {
				t.Errorf("%s application %d: applicant's status %q %q, last step %+v", a.from, a.id, st.StatusLabel, st.Holder, last)
			}
		}
		for _, a := range untouched {
			if s := f.status(t, a.id); s != a.from {
				t.Errorf("%s application %d moved to %s", a.from, a.id, s)
			}
			if got := len(f.audits(t, a.id)) - before[a.id]; got != 0 {
				t.Errorf("%s application %d: %d new audit entries", a.from, a.id, got)
			}
		}
		// The department's worklist no longer holds what lapsed there.
		page, err := f.svc.Review.DeptList(ctx, f.city, service.ReviewFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.ID == deptApp || r.Status == model.StatusLapsed {
				t.Errorf("department list still holds %d (%s)", r.ID, r.Status)
			}
		}
		if n, err := f.svc.Review.LapseOverdue(ctx); n != 0 || err != nil {
			t.Fatalf("second sweep: %d lapsed, %v", n, err)
		}

		// The office dismisses the fraud proposal; the next sweep lapses that one too.
		f.now = reviewClosed.Add(time.Hour)
		ok(t, model.StatusSubmitted)(f.svc.Review.DismissFraud(ctx, f.officer, fraud, f.version(t, fraud), "经核实业绩属实"))
		if n, err := f.svc.Review.LapseOverdue(ctx); n != 1 || err != nil {
			t.Fatalf("after the dismissal: %d lapsed, %v", n, err)
		}
		if s := f.status(t, fraud); s != model.StatusLapsed {
			t.Fatalf("dismissed application is %s", s)
		}
		// Nobody can act on a lapsed application any more.
		if _, err := f.svc.Review.UnitReturn(ctx, f.unitA, open[0].id, f.version(t, open[0].id), anItem); model.KindOf(err) != model.KindConflict {
			t.Fatalf("return of a lapsed application: %v", err)
		}
		if problems, _, _, err := db.VerifyAudit(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain: %v %v", problems, err)
		}
	})
}

// R-CAL-02: two instances sweeping at once (two database handles, as two servers have)
// lapse each application exactly once between them.
func TestR_CAL_02_concurrentSweepsLapseOnce(t *testing.T) {
	for _, d := range storetest.Engines() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			open := func() *store.DB {
				db, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}
			db1, db2 := open(), open()
			if err := db1.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			f := newReviewFixture(t, db1)
			db2.SetClock(func() time.Time { return f.now })
			other := service.New(service.Deps{DB: db2, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})

			var ids []int64
			for i := range 6 {
				_, id := f.submitted(t, f.fixture.unitA, fmt.Sprintf("app%d", i))
				ids = append(ids, id)
			}
			f.now = reviewClosed
			var wg sync.WaitGroup
			var n1, n2 int
			var err1, err2 error
			wg.Go(func() { n1, err1 = f.svc.Review.LapseOverdue(ctx) })
			wg.Go(func() { n2, err2 = other.Review.LapseOverdue(ctx) })
			wg.Wait()
			if err1 != nil || err2 != nil {
				t.Fatalf("sweeps: %v / %v", err1, err2)
			}
			t.Logf("the two sweeps lapsed %d and %d", n1, n2)
			if n1+n2 != len(ids) {
				t.Fatalf("lapsed %d + %d, want %d in all", n1, n2, len(ids))
			}
			for _, id := range ids {
				if s := f.status(t, id); s != model.StatusLapsed {
					t.Errorf("application %d is %s", id, s)
				}
				if es := f.lapses(t, id); len(es) != 1 {
					t.Errorf("application %d: %d lapse entries", id, len(es))
				}
			}
			if problems, _, _, err := db1.VerifyAudit(ctx); err != nil || len(problems) > 0 {
				t.Fatalf("audit chain: %v %v", problems, err)
			}
		})
	}
}

// R-CAL-02 / R-FLOW-12: people acting on applications while the sweep lapses them — the
// unit proposing a fraud cancellation, the applicant withdrawing, neither bound by a window —
// and the sweep: for each application one wins and the other changes nothing; the sweep
// skips what it lost without failing, and the next sweep leaves the pending proposal to the
// office.
func TestR_CAL_02_reviewerAndSweepOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		type app struct {
			id     int64
			action string // the person's audited action
			do     func(v int64) error
		}
		var apps []app
		for i := range 6 {
			who, id := f.submitted(t, f.fixture.unitA, fmt.Sprintf("app%d", i))
			if i%2 == 0 {
				apps = append(apps, app{id, "application.propose_fraud", func(v int64) error {
					_, err := f.svc.Review.ProposeFraud(ctx, f.unitA, id, v, "疑似冒用他人业绩")
					return err
				}})
				continue
			}
			apps = append(apps, app{id, "application.withdraw", func(v int64) error {
				_, err := f.svc.Review.Withdraw(ctx, who, id, v)
				return err
			}})
		}
		f.now = reviewClosed.Add(time.Minute)
		versions := map[int64]int64{}
		for _, a := range apps {
			versions[a.id] = f.version(t, a.id)
		}
		var wg sync.WaitGroup
		var lapsed int
		var sweepErr error
		errs := make([]error, len(apps))
		wg.Go(func() { lapsed, sweepErr = f.svc.Review.LapseOverdue(ctx) })
		for i, a := range apps {
			wg.Go(func() { errs[i] = a.do(versions[a.id]) })
		}
		wg.Wait()
		if sweepErr != nil {
			t.Fatalf("sweep: %v", sweepErr)
		}
		people := 0
		for i, a := range apps {
			s := f.status(t, a.id)
			switch {
			case errs[i] == nil && s != model.StatusLapsed:
				people++
			case errors.Is(errs[i], model.ErrConflict) && s == model.StatusLapsed:
			default:
				t.Errorf("application %d: %s gave %v, status %s", a.id, a.action, errs[i], s)
			}
			taken := 0
			for _, e := range f.audits(t, a.id) {
				if e.Action == a.action || e.Action == "application.lapse" {
					taken++
				}
			}
			if taken != 1 {
				t.Errorf("application %d: %d audited steps, want 1", a.id, taken)
			}
		}
		t.Logf("lapsed %d, people won %d", lapsed, people)
		if lapsed+people != len(apps) {
			t.Fatalf("lapsed %d + people %d, want %d", lapsed, people, len(apps))
		}
		if n, err := f.svc.Review.LapseOverdue(ctx); n != 0 || err != nil {
			t.Fatalf("next sweep: %d %v", n, err)
		}
	})
}

// R-CAL-02: once the committee stops receiving materials, the last department's pass to the
// office is refused, naming the deadline, and the next sweep lapses the application. A plan
// that passes ValidatePlan never closes intake before unit review, so the windows are set
// apart in the store directly, as a hand-edited plan would be.
func TestR_CAL_02_committeeIntakeRefusesFinalPass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		intakeEnd := sh(2024, 10, 31, 0, 0)
		_, inTime := f.atDept(t, "intime")
		_, late := f.atDept(t, "late")
		p := f.plan
		p.Windows = append([]model.PlanWindow(nil), p.Windows...)
		for i := range p.Windows {
			if p.Windows[i].Kind == model.WindowCommitteeIntake {
				p.Windows[i].End = intakeEnd
			}
		}
		if err := db.Update(ctx, func(q *store.Q) error { return q.UpdatePlan(ctx, p) }); err != nil {
			t.Fatal(err)
		}

		f.now = intakeEnd.Add(-time.Millisecond)
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, inTime, f.version(t, inTime), ""))
		f.now = intakeEnd
		before := len(f.audits(t, late))
		_, err := f.svc.Review.DeptPass(ctx, f.city, late, f.version(t, late), "")
		refused(t, err, model.KindClosed, "R-CAL-02")
		if e, _ := model.AsError(err); e == nil || !strings.Contains(e.Message, "评委会接收材料时间已于 2024-10-30 24:00 截止") || e.Fix == "" {
			t.Fatalf("refusal %v", err)
		}
		if f.status(t, late) != model.StatusDeptReview || len(f.audits(t, late)) != before {
			t.Fatal("the refused pass changed something")
		}
		v, err := f.svc.Review.View(ctx, f.city, late)
		if err != nil {
			t.Fatal(err)
		}
		if !v.IntakeEnds.Equal(intakeEnd) || !v.ReviewEnds.Equal(reviewClosed) {
			t.Errorf("view's deadlines: review %v, intake %v", v.IntakeEnds, v.ReviewEnds)
		}
		for _, o := range v.Options {
			if o.Action == rules.ActDeptPass && o.Err == nil {
				t.Error("the pass is offered after intake closed")
			}
		}
		if n, err := f.svc.Review.LapseOverdue(ctx); n != 1 || err != nil {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if es := f.lapses(t, late); len(es) != 1 || !strings.Contains(es[0].Reason, "评委会接收材料时间已于 2024-10-30 24:00 截止") {
			t.Fatalf("lapse entries: %+v", es)
		}
		if s := f.status(t, inTime); s != model.StatusPrelimReview {
			t.Fatalf("the application passed in time is %s", s)
		}
	})
}

// R-CAL-02 / R-FLOW-01: a unit publicity that would end at or after the review deadline is
// not started — the application could never be recommended — and the unit reads both
// instants and whom to contact, on the page before pressing and in the refusal; nothing is
// written. Started a few days earlier, it is.
func TestR_CAL_02_publicityTooLateRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		_, late := f.submitted(t, f.fixture.unitA, "late")
		_, early := f.submitted(t, f.fixture.unitA, "early")

		// Thursday 10-31: five working days end on 11-06 24:00, review closes 11-04 24:00.
		f.now = sh(2024, 10, 31, 9, 0)
		v, err := f.svc.Review.View(ctx, f.unitA, late)
		if err != nil {
			t.Fatal(err)
		}
		if !v.ReviewEnds.Equal(reviewClosed) || !v.IntakeEnds.IsZero() {
			t.Errorf("view's deadlines: review %v, intake %v", v.ReviewEnds, v.IntakeEnds)
		}
		var shown error
		for _, o := range v.Options {
			if o.Action == rules.ActStartPublicity {
				shown = o.Err
			}
		}
		if shown == nil || !strings.Contains(shown.Error(), "2024-11-06 24:00") {
			t.Errorf("the publicity button: %v", shown)
		}
		before := len(f.audits(t, late))
		_, err = f.svc.Review.StartPublicity(ctx, f.unitA, late, f.version(t, late))
		refused(t, err, model.KindClosed, "R-CAL-02")
		e, _ := model.AsError(err)
		if e == nil || !strings.Contains(e.Message, "公示期至 2024-11-06 24:00 结束") || !strings.Contains(e.Message, "2024-11-04 24:00") || !strings.Contains(e.Fix, "联系职改办") {
			t.Fatalf("refusal %v", err)
		}
		if f.status(t, late) != model.StatusSubmitted || len(f.audits(t, late)) != before {
			t.Fatal("the refused publicity changed something")
		}

		// Monday 10-28: ends on 11-01 24:00, in time to recommend.
		f.now = sh(2024, 10, 28, 9, 0)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, early, f.version(t, early)))
		f.unitReports(t, f.unitA, early)
		f.now = sh(2024, 11, 2, 9, 0)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, early, f.version(t, early)))
	})
}
