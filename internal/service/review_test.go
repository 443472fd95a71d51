package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/demo"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// Tests of the review use cases (SPEC §5) on seed 003's plan: applications 2024-09-11 –
// 10-20, unit and city review until 11-04 24:00, 5 working days of unit publicity. The
// calendar is the seeded State Council schedule, so that a publicity started on Friday
// 09-27 runs over the National Day holiday and ends at 10-10 00:00 (R-CAL-04).

type reviewFixture struct {
	*fixture
	plan    model.Plan
	officer model.Actor // the office's handler
	unitA   model.Actor // unit A's handler
	unitA2  model.Actor // unit A's review leader
	unitB   model.Actor // unit B's handler
	city    model.Actor // the city bureau's handler (unit A's and B's chain)
}

func sh(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, rules.Shanghai())
}

func newReviewFixture(t *testing.T, db *store.DB) *reviewFixture {
	t.Helper()
	f := newFixture(t, db)
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.svc = service.New(service.Deps{DB: db, Blobs: blobs, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
	ctx := context.Background()
	if _, err := f.svc.Calendar.SeedIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	rf := &reviewFixture{fixture: f, officer: f.user(t, f.office, "officer", model.RoleHandler)}
	id, err := f.svc.Plans.CreateFromPreset(ctx, rf.officer, "2024-hr-training", f.committee(t))
	if err != nil {
		t.Fatal(err)
	}
	if rf.plan, err = f.svc.Plans.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
	rf.unitA = f.user(t, f.unitA, "unita", model.RoleHandler)
	rf.unitA2 = f.user(t, f.unitA, "unita2", model.RoleLeader)
	rf.unitB = f.user(t, f.unitB, "unitb", model.RoleHandler)
	rf.city = f.user(t, f.city, "city", model.RoleHandler)
	f.now = sh(2024, 9, 20, 10, 0) // inside the application window
	return rf
}

// submitted has a new applicant of org fill in the example application, upload a file for
// every slot but the unit's reports, sign and submit it.
func (f *reviewFixture) submitted(t *testing.T, org int64, username string) (model.Actor, int64) {
	t.Helper()
	return f.submittedWith(t, org, username, nil)
}

// submittedWith is submitted with the example form changed by edit first.
func (f *reviewFixture) submittedWith(t *testing.T, org int64, username string, edit func(*model.Form)) (model.Actor, int64) {
	t.Helper()
	ctx := context.Background()
	a := f.user(t, org, username, model.RoleApplicant)
	id, err := f.svc.Applications.Start(ctx, a, f.plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.svc.Applications.Get(ctx, a, id)
	form := demo.ExampleForm(f.plan.Year)
	if edit != nil {
		edit(&form)
	}
	version, err := f.svc.Applications.Save(ctx, a, id, v.App.Version, form)
	if err != nil {
		t.Fatal(err)
	}
	v, _ = f.svc.Applications.Get(ctx, a, id)
	scan := jpegBytes(t)
	for _, slot := range v.Slots {
		if slot.ByUnit {
			continue
		}
		if _, version, err = f.svc.Applications.Upload(ctx, a, id, version, slot.Key, slot.Label+".jpg", bytes.NewReader(scan)); err != nil {
			t.Fatalf("upload %s: %v", slot.Key, err)
		}
	}
	if err := f.svc.Applications.Sign(ctx, a, id, a.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Applications.Submit(ctx, a, id, version); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return a, id
}

// unitReports has the unit's reviewer upload the unit's own documents into application id
// (the recommendation report, the publicity report with photos), as the unit does before it
// recommends (R-FLOW-01).
func (f *reviewFixture) unitReports(t *testing.T, unit model.Actor, id int64) {
	t.Helper()
	for _, slot := range []string{"basic/recommendation", "moral/publicity"} {
		if _, _, err := f.svc.Review.UnitUpload(context.Background(), unit, id, f.version(t, id), slot, "单位报告.jpg", bytes.NewReader(jpegBytes(t))); err != nil {
			t.Fatalf("unit upload into %s: %v", slot, err)
		}
	}
}

// version is the application's current version, as a reviewer's page would hold it.
func (f *reviewFixture) version(t *testing.T, id int64) int64 {
	t.Helper()
	var v int64
	err := f.db.View(context.Background(), func(q *store.Q) error {
		app, err := q.Application(context.Background(), id)
		v = app.Version
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *reviewFixture) status(t *testing.T, id int64) model.AppStatus {
	t.Helper()
	var s model.AppStatus
	f.db.View(context.Background(), func(q *store.Q) error {
		app, err := q.Application(context.Background(), id)
		s = app.Status
		return err
	})
	return s
}

// audits lists the application's audit entries, newest first.
func (f *reviewFixture) audits(t *testing.T, id int64) []model.AuditEvent {
	t.Helper()
	es, err := f.svc.Audit.List(context.Background(), model.SystemActor("t"), store.AuditFilter{ObjectType: "application", ObjectID: id, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// ok fails the test unless the action succeeded and led to want.
func ok(t *testing.T, want model.AppStatus) func(service.Outcome, error) service.Outcome {
	return func(out service.Outcome, err error) service.Outcome {
		t.Helper()
		if err != nil {
			t.Fatalf("want %s, got %v", want, err)
		}
		if out.To != want {
			t.Fatalf("went to %s, want %s", out.To, want)
		}
		return out
	}
}

// refused fails the test unless err refuses with rule (any kind when kind is "").
func refused(t *testing.T, err error, kind model.Kind, rule string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want refusal %s %s", kind, rule)
	}
	var es model.Errors
	list := []*model.Error{}
	if errors.As(err, &es) {
		list = es
	} else if e, ok := model.AsError(err); ok {
		list = []*model.Error{e}
	}
	for _, e := range list {
		if e.Rule == rule && (kind == "" || e.Kind == kind) && e.Message != "" {
			return
		}
	}
	t.Fatalf("refusal %v, want %s %s", err, kind, rule)
}

var anItem = []rules.ReturnItem{{Module: 4, Slot: "papers/p1/cover", Text: "刊物封面不清晰，请重新扫描上传"}}

// inPublicity submits an application of unit A and starts its publicity on Friday
// 2024-09-27 09:30; the publicity ends at 10-10 00:00. The unit's reports are uploaded.
func (f *reviewFixture) inPublicity(t *testing.T, username string) (model.Actor, int64) {
	t.Helper()
	a, id := f.submitted(t, f.fixture.unitA, username)
	f.now = sh(2024, 9, 27, 9, 30)
	ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(context.Background(), f.unitA, id, f.version(t, id)))
	f.unitReports(t, f.unitA, id)
	return a, id
}

// atDept takes an application of unit A through publicity and recommendation to the city
// bureau's review (level 1).
func (f *reviewFixture) atDept(t *testing.T, username string) (model.Actor, int64) {
	t.Helper()
	ctx := context.Background()
	a, id := f.inPublicity(t, username)
	f.now = sh(2024, 10, 10, 9, 0)
	ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
	out := ok(t, model.StatusDeptReview)(f.svc.Review.DeptAccept(ctx, f.city, id, f.version(t, id)))
	if out.Level != 1 {
		t.Fatalf("accepted at level %d", out.Level)
	}
	return a, id
}

// R-FLOW-01: recommend is refused until the publicity's 5 working days are over — across the
// National Day holiday, the day before the end is refused and 24:00 of the last day allowed.
func TestR_FLOW_01_recommendAcrossHoliday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		_, id := f.inPublicity(t, "app1")
		v, err := f.svc.Review.View(ctx, f.unitA, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := sh(2024, 10, 10, 0, 0); !v.PublicityEnds.Equal(want) {
			t.Fatalf("publicity ends %v, want %v", v.PublicityEnds, want)
		}
		// 10-09 is the fifth working day (09-27, 09-29 adjusted Sunday, 09-30, 10-08, 10-09).
		f.now = sh(2024, 10, 9, 16, 0)
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		if !strings.Contains(err.Error(), "2024-10-09 24:00") {
			t.Errorf("refusal does not say when the publicity ends: %v", err)
		}
		f.now = sh(2024, 10, 9, 23, 59).Add(59*time.Second + 999*time.Millisecond)
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		f.now = sh(2024, 10, 10, 0, 0)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
		st, err := f.svc.Review.Status(ctx, f.unitA, id)
		if err != nil || st.Holder != "市人社局（待受理）" {
			t.Fatalf("holder after recommendation: %q %v", st.Holder, err)
		}
	})
}

// R-FLOW-01: an objection from the public blocks the recommendation until the unit records
// how it was resolved; the public list shows only what R-PUB-02 allows.
func TestR_FLOW_01_objectionBlocksRecommend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		// Not in publicity: nothing to object to, and the answer is the same as for an
		// application that does not exist — the public learns nothing of its state (R-PUB-02).
		_, waiting := f.submitted(t, f.fixture.unitA, "waiting")
		before := len(f.audits(t, waiting))
		_, errWaiting := f.svc.Review.FileObjection(ctx, waiting, "反映问题", "")
		_, errMissing := f.svc.Review.FileObjection(ctx, waiting+1000, "反映问题", "")
		for _, err := range []error{errWaiting, errMissing} {
			refused(t, err, model.KindNotFound, "R-FLOW-01")
			if e, _ := model.AsError(err); e == nil || e.Message != "公示名单中没有该申报" || strings.Contains(err.Error(), string(model.StatusSubmitted)) {
				t.Fatalf("objection outside publicity: %v", err)
			}
		}
		if len(f.audits(t, waiting)) != before {
			t.Fatal("a refused objection was audited")
		}
		a, id := f.inPublicity(t, "app1")
		rows, err := f.svc.Review.Publicity(ctx, f.plan.ID)
		if err != nil || len(rows) != 1 || rows[0].ID != id || rows[0].Name != a.Name || rows[0].Unit != "甲单位" || rows[0].Level == "" || !rows[0].End.Equal(sh(2024, 10, 10, 0, 0)) {
			t.Fatalf("publicity list: %+v %v", rows, err)
		}
		if _, err := f.svc.Review.FileObjection(ctx, id, "  ", ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("empty objection: %v", err)
		}
		if _, err := f.svc.Review.FileObjection(ctx, id, strings.Repeat("异", 1001), ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("1001-character objection: %v", err)
		}
		f.now = sh(2024, 10, 8, 11, 0)
		oid, err := f.svc.Review.FileObjection(ctx, id, "该同志的课题排名与实际不符", "13900000000")
		if err != nil {
			t.Fatal(err)
		}
		f.now = sh(2024, 10, 10, 9, 0)
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		if !strings.Contains(err.Error(), "异议") {
			t.Fatalf("refusal does not name the objection: %v", err)
		}
		// The unit resolves it; the resolution needs a text.
		if _, err := f.svc.Review.ResolveObjection(ctx, f.unitA, id, f.version(t, id), oid, ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("resolution without text: %v", err)
		}
		ok(t, model.StatusUnitPublicity)(f.svc.Review.ResolveObjection(ctx, f.unitA, id, f.version(t, id), oid, "经核查，课题排名与立项书一致，异议不成立"))
		if _, err := f.svc.Review.ResolveObjection(ctx, f.unitA, id, f.version(t, id), oid, "再次处理"); err == nil {
			t.Fatal("an objection resolved twice")
		}
		v, _ := f.svc.Review.View(ctx, f.unitA, id)
		if len(v.Objections) != 1 || v.Objections[0].Open() || v.Objections[0].Contact != "13900000000" || v.Objections[0].ResolverName != f.unitA.Name {
			t.Fatalf("objections in the unit's view: %+v", v.Objections)
		}
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
		// The department sees the objection, not the objector's contact.
		dv, err := f.svc.Review.View(ctx, f.city, id)
		if err != nil || len(dv.Objections) != 1 || dv.Objections[0].Contact != "" {
			t.Fatalf("objections in the department's view: %+v %v", dv.Objections, err)
		}
		// After the recommendation the application leaves the public list.
		if rows, _ := f.svc.Review.Publicity(ctx, f.plan.ID); len(rows) != 0 {
			t.Fatalf("recommended application still publicised: %+v", rows)
		}
	})
}

// R-FLOW-02: the unit's inbox fills as applications arrive, newest first, with filters and
// keyset paging; rows carry no ID number.
func TestR_FLOW_02_unitInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		_, first := f.submitted(t, f.fixture.unitA, "app1")
		f.now = f.now.Add(time.Hour)
		_, second := f.submitted(t, f.fixture.unitA, "app2")
		f.submitted(t, f.fixture.unitB, "app3")
		page, err := f.svc.Review.UnitInbox(ctx, f.unitA, service.ReviewFilter{Limit: 1})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].ID != second || page.Next == nil {
			t.Fatalf("first page: %+v %v", page, err)
		}
		if r := page.Rows[0]; r.LevelName == "" || r.ApplicantName == "" || r.Status != model.StatusSubmitted || r.OrgName != "甲单位" {
			t.Fatalf("row: %+v", r)
		}
		page, err = f.svc.Review.UnitInbox(ctx, f.unitA, service.ReviewFilter{Limit: 1, After: page.Next})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].ID != first {
			t.Fatalf("second page: %+v %v", page, err)
		}
		page, _ = f.svc.Review.UnitInbox(ctx, f.unitA, service.ReviewFilter{Limit: 1, After: page.Next})
		if len(page.Rows) != 0 {
			t.Fatalf("third page: %+v", page.Rows)
		}
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, first, f.version(t, first)))
		for _, tc := range []struct {
			f    service.ReviewFilter
			want []int64
		}{
			{service.ReviewFilter{Status: model.StatusUnitPublicity}, []int64{first}},
			{service.ReviewFilter{Status: model.StatusSubmitted}, []int64{second}},
			{service.ReviewFilter{LevelCode: "deputy_senior", PlanID: f.plan.ID}, []int64{first, second}},
			{service.ReviewFilter{LevelCode: "senior"}, nil},
			{service.ReviewFilter{AppType: model.AppNormal, Scope: model.ScopeProvince}, []int64{first, second}},
		} {
			page, err := f.svc.Review.UnitInbox(ctx, f.unitA, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range page.Rows {
				got = append(got, r.ID)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Errorf("filter %+v: %v, want %v", tc.f, got, tc.want)
			}
		}
		if _, err := f.svc.Review.UnitInbox(ctx, f.city, service.ReviewFilter{}); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("a department reads a unit inbox: %v", err)
		}
	})
}

// R-FLOW-03: a return without items, or with an item that names no place, is refused; the
// applicant sees the full consolidated list and resubmits to the unit.
func TestR_FLOW_03_returnNeedsItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		before := len(f.audits(t, id))
		_, err := f.svc.Review.UnitReturn(ctx, f.unitA, id, f.version(t, id), nil)
		refused(t, err, model.KindInvalid, "R-FLOW-03")
		_, err = f.svc.Review.UnitReturn(ctx, f.unitA, id, f.version(t, id), []rules.ReturnItem{{Text: "材料不全"}})
		refused(t, err, model.KindInvalid, "R-FLOW-03")
		if f.status(t, id) != model.StatusSubmitted || len(f.audits(t, id)) != before {
			t.Fatal("a refused return changed something")
		}
		items := []rules.ReturnItem{
			{Module: 4, Slot: "papers/p1/cover", Text: "刊物封面不清晰，请重新扫描上传"},
			{Field: "basic.education", Text: "学历证书编号与学信网记录不一致"},
			{Module: 5, Text: "专业技术工作小结请补充近五年主要业绩"},
		}
		ok(t, model.StatusReturned)(f.svc.Review.UnitReturn(ctx, f.unitA, id, f.version(t, id), items))
		st, err := f.svc.Review.Status(ctx, a, id)
		if err != nil || st.Returned == nil || len(st.Returned.Items) != 3 || st.Returned.Items[1].Field != "basic.education" || st.Returned.OrgName != "甲单位" {
			t.Fatalf("applicant's status after a return: %+v %v", st, err)
		}
		if st.Holder != "申报人本人" || len(st.Steps) < 3 || st.Steps[len(st.Steps)-1].To != model.StatusReturned {
			t.Fatalf("applicant's steps: %q %+v", st.Holder, st.Steps)
		}
		ok(t, model.StatusSubmitted)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
		st, _ = f.svc.Review.Status(ctx, a, id)
		if st.Returned != nil || len(st.Returns) != 1 || st.Holder != "甲单位" {
			t.Fatalf("after resubmission: %+v", st)
		}
		// A second version is frozen.
		subs, _, err := f.svc.Applications.Versions(ctx, a, id)
		if err != nil || len(subs) != 2 {
			t.Fatalf("versions after resubmission: %d %v", len(subs), err)
		}
	})
}

// R-FLOW-04: the department may return three times; the fourth is refused, and the counter
// is visible to the department and the applicant.
func TestR_FLOW_04_fourthDeptReturnRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.atDept(t, "app1")
		for i := 1; i <= 3; i++ {
			ok(t, model.StatusReturned)(f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), anItem))
			st, err := f.svc.Review.Status(ctx, a, id)
			if err != nil || st.DeptReturns != i || st.DeptReturnLimit != 3 {
				t.Fatalf("applicant's counter after return %d: %d/%d %v", i, st.DeptReturns, st.DeptReturnLimit, err)
			}
			out := ok(t, model.StatusDeptReview)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
			if out.Level != 1 {
				t.Fatalf("resubmitted to level %d", out.Level)
			}
		}
		_, err := f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), anItem)
		refused(t, err, model.KindConflict, "R-FLOW-04")
		v, err := f.svc.Review.View(ctx, f.city, id)
		if err != nil || v.DeptReturns != 3 || v.DeptReturnLimit != 3 {
			t.Fatalf("department's counter: %d/%d %v", v.DeptReturns, v.DeptReturnLimit, err)
		}
		for _, o := range v.Options {
			if o.Action == rules.ActDeptReturn && o.Err == nil {
				t.Fatal("return offered after the third")
			}
		}
		if len(v.Returns) != 3 || v.Returns[2].SubmissionNo != 3 {
			t.Fatalf("return history: %+v", v.Returns)
		}
		// The department can still pass it on.
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""))
	})
}

// R-FLOW-05: a department asks for the originals; it cannot pass the application until the
// result is recorded; the applicant sees what to bring.
func TestR_FLOW_05_originals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.atDept(t, "app1")
		_, err := f.svc.Review.RequestOriginals(ctx, f.city, id, f.version(t, id), nil)
		refused(t, err, model.KindInvalid, "R-FLOW-05")
		want := []rules.ReturnItem{{Module: 1, Slot: "qualification/certificate", Text: "请携带现专业技术资格证书原件"}}
		ok(t, model.StatusDeptReview)(f.svc.Review.RequestOriginals(ctx, f.city, id, f.version(t, id), want))
		st, _ := f.svc.Review.Status(ctx, a, id)
		if st.OriginalsWanted == nil || len(st.OriginalsWanted.Items) != 1 || st.OriginalsWanted.Items[0].Slot != "qualification/certificate" {
			t.Fatalf("applicant does not see the originals wanted: %+v", st.OriginalsWanted)
		}
		_, err = f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), "")
		refused(t, err, model.KindConflict, "R-FLOW-05")
		_, err = f.svc.Review.RecordOriginals(ctx, f.city, id, f.version(t, id), " ")
		refused(t, err, model.KindInvalid, "R-FLOW-05")
		ok(t, model.StatusDeptReview)(f.svc.Review.RecordOriginals(ctx, f.city, id, f.version(t, id), "原件与上传材料一致"))
		v, _ := f.svc.Review.View(ctx, f.city, id)
		if len(v.Originals) != 1 || v.Originals[0].Result != "原件与上传材料一致" || v.Originals[0].Recorded.IsZero() || v.State.OriginalsPending {
			t.Fatalf("originals record: %+v", v.Originals)
		}
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""))
	})
}

// R-FLOW-06: the application follows the unit's chain as it was at recommendation, level
// by level; each department acts only at its own level.
func TestR_FLOW_06_twoLevelChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx, sys := context.Background(), model.SystemActor("t")
		industryID, err := f.svc.Orgs.Create(ctx, sys, model.Org{ParentID: f.fixture.office, Kind: model.OrgIndustry, Code: "IND", Name: "省行业主管部门"})
		if err != nil {
			t.Fatal(err)
		}
		unitC, err := f.svc.Orgs.Create(ctx, sys, model.Org{ParentID: f.fixture.city, Kind: model.OrgUnit, UnitType: model.UnitStateEnterprise, Code: "UCC", Name: "丙单位",
			ReviewChain: []int64{f.fixture.city, industryID}})
		if err != nil {
			t.Fatal(err)
		}
		industry := f.user(t, industryID, "industry", model.RoleHandler)
		unitC1 := f.user(t, unitC, "unitc", model.RoleHandler)
		_, id := f.submitted(t, unitC, "app1")
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, unitC1, id, f.version(t, id)))
		f.unitReports(t, unitC1, id)
		f.now = sh(2024, 10, 10, 9, 0)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, unitC1, id, f.version(t, id)))
		// The unit's chain changes afterwards: the application keeps the one it left with.
		o, _ := f.svc.Orgs.Get(ctx, sys, unitC)
		o.ReviewChain = []int64{f.fixture.city}
		if err := f.svc.Orgs.Update(ctx, sys, o); err != nil {
			t.Fatal(err)
		}
		inList := func(a model.Actor) bool {
			t.Helper()
			page, err := f.svc.Review.DeptList(ctx, a, service.ReviewFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(page.Rows) == 1 && page.Rows[0].ID == id
		}
		if !inList(f.city) || inList(industry) {
			t.Fatal("recommended: should wait at the first level only")
		}
		if _, err := f.svc.Review.DeptAccept(ctx, industry, id, f.version(t, id)); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("second level accepts before it is routed there: %v", err)
		}
		ok(t, model.StatusDeptReview)(f.svc.Review.DeptAccept(ctx, f.city, id, f.version(t, id)))
		out := ok(t, model.StatusDeptReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), "材料齐全"))
		if out.Level != 2 {
			t.Fatalf("passed to level %d", out.Level)
		}
		if inList(f.city) || !inList(industry) {
			t.Fatal("level 2: should wait at the second department only")
		}
		// The first department still sees what it passed, but no longer acts on it.
		if _, err := f.svc.Review.View(ctx, f.city, id); err != nil {
			t.Fatalf("first department reads what it passed: %v", err)
		}
		if _, err := f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""); model.KindOf(err) != model.KindConflict {
			t.Fatalf("first department acts at level 2: %v", err)
		}
		if _, err := f.svc.Review.Status(ctx, f.unitA, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another unit reads the status: %v", err) // unit A is not this application's unit
		}
		v, err := f.svc.Review.View(ctx, industry, id)
		if err != nil || v.Holder != "省行业主管部门" || len(v.Chain) != 2 {
			t.Fatalf("industry's view: %q %d %v", v.Holder, len(v.Chain), err)
		}
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, industry, id, f.version(t, id), ""))
		page, err := f.svc.Review.OfficeList(ctx, f.officer, service.ReviewFilter{})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].ID != id {
			t.Fatalf("office list: %+v %v", page, err)
		}
		if _, err := f.svc.Review.PrelimReject(ctx, f.officer, id, f.version(t, id), ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("rejection without reason: %v", err)
		}
		ok(t, model.StatusPrelimPassed)(f.svc.Review.PrelimPass(ctx, f.officer, id, f.version(t, id), ""))
	})
}

// R-FLOW-11: the holder proposes a fraud cancellation; nothing moves until the office
// decides; confirmation ends the application and blacklists the person for the plan's term,
// recording the recommending unit. A dismissal lets the application go on.
func TestR_FLOW_11_fraudBlacklists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.atDept(t, "app1")
		_, err := f.svc.Review.ProposeFraud(ctx, f.city, id, f.version(t, id), "")
		refused(t, err, model.KindInvalid, "R-FLOW-11")
		ok(t, model.StatusDeptReview)(f.svc.Review.ProposeFraud(ctx, f.city, id, f.version(t, id), "论文《国有企业员工培训需求分析方法研究》经期刊社核实未刊发"))
		_, err = f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), "")
		refused(t, err, model.KindConflict, "R-FLOW-11")
		if _, err := f.svc.Review.ConfirmFraud(ctx, f.city, id, f.version(t, id), ""); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("a department confirms: %v", err)
		}
		page, _ := f.svc.Review.OfficeList(ctx, f.officer, service.ReviewFilter{})
		if len(page.Rows) != 1 || !page.Rows[0].FraudProposed {
			t.Fatalf("office list lacks the pending proposal: %+v", page.Rows)
		}
		ok(t, model.StatusCancelledFraud)(f.svc.Review.ConfirmFraud(ctx, f.officer, id, f.version(t, id), "甘职改办〔2024〕12号"))
		entries, err := f.svc.Blacklist.List(ctx, f.officer)
		if err != nil || len(entries) != 1 {
			t.Fatalf("blacklist: %+v %v", entries, err)
		}
		e := entries[0]
		if e.Name != a.Name || e.OrgID != f.fixture.unitA || e.PlanID != f.plan.ID || e.Source != "甘职改办〔2024〕12号" || !strings.Contains(e.Reason, "未刊发") {
			t.Fatalf("blacklist entry: %+v", e)
		}
		// The plan's term: 3 years (seed 003), to 2027-10-10 inclusive.
		if got := e.Until.In(rules.Shanghai()).Add(-time.Millisecond).Format("2006-01-02"); got != "2027-10-10" {
			t.Fatalf("blacklisted until %s", got)
		}
		v, _ := f.svc.Review.View(ctx, f.officer, id)
		if len(v.Fraud) != 1 || v.Fraud[0].Decision != store.FraudConfirmed || v.Fraud[0].RecommendingOrg != f.fixture.unitA || v.Fraud[0].BlacklistID != e.ID {
			t.Fatalf("fraud case: %+v", v.Fraud)
		}
		if _, err := f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""); model.KindOf(err) != model.KindConflict {
			t.Fatalf("action on a cancelled application: %v", err)
		}
		// A unit's proposal that the office dismisses.
		_, other := f.submitted(t, f.fixture.unitA, "app2")
		ok(t, model.StatusSubmitted)(f.svc.Review.ProposeFraud(ctx, f.unitA, other, f.version(t, other), "疑似冒用他人业绩"))
		if _, err := f.svc.Review.DismissFraud(ctx, f.officer, other, f.version(t, other), ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("dismissal without reason: %v", err)
		}
		ok(t, model.StatusSubmitted)(f.svc.Review.DismissFraud(ctx, f.officer, other, f.version(t, other), "经核实业绩属实"))
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, other, f.version(t, other)))
	})
}

// R-FLOW-12: every transition and every recorded fact writes exactly one audit entry for the
// application, with the states and the reason; a refusal writes none.
func TestR_FLOW_12_oneAuditEntryPerTransition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		f.unitReports(t, f.unitA, id)
		var oid int64
		steps := []struct {
			name     string
			at       time.Time
			do       func() error
			action   string
			from, to model.AppStatus
		}{
			{"start publicity", sh(2024, 9, 27, 9, 30), func() error {
				_, err := f.svc.Review.StartPublicity(ctx, f.unitA, id, f.version(t, id))
				return err
			}, "application.start_publicity", model.StatusSubmitted, model.StatusUnitPublicity},
			{"public objection", sh(2024, 9, 29, 9, 0), func() (err error) {
				oid, err = f.svc.Review.FileObjection(ctx, id, "反映其业绩材料存疑", "")
				return err
			}, "application.record_objection", model.StatusUnitPublicity, model.StatusUnitPublicity},
			{"resolve objection", sh(2024, 9, 30, 9, 0), func() error {
				_, err := f.svc.Review.ResolveObjection(ctx, f.unitA, id, f.version(t, id), oid, "经核查异议不成立")
				return err
			}, "application.resolve_objection", model.StatusUnitPublicity, model.StatusUnitPublicity},
			{"recommend", sh(2024, 10, 10, 9, 0), func() error {
				_, err := f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
				return err
			}, "application.recommend", model.StatusUnitPublicity, model.StatusRecommended},
			{"accept", sh(2024, 10, 11, 9, 0), func() error {
				_, err := f.svc.Review.DeptAccept(ctx, f.city, id, f.version(t, id))
				return err
			}, "application.dept_accept", model.StatusRecommended, model.StatusDeptReview},
			{"request originals", sh(2024, 10, 11, 10, 0), func() error {
				_, err := f.svc.Review.RequestOriginals(ctx, f.city, id, f.version(t, id), anItem)
				return err
			}, "application.request_originals", model.StatusDeptReview, model.StatusDeptReview},
			{"record originals", sh(2024, 10, 12, 10, 0), func() error {
				_, err := f.svc.Review.RecordOriginals(ctx, f.city, id, f.version(t, id), "原件一致")
				return err
			}, "application.record_originals", model.StatusDeptReview, model.StatusDeptReview},
			{"department return", sh(2024, 10, 14, 10, 0), func() error {
				_, err := f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), anItem)
				return err
			}, "application.dept_return", model.StatusDeptReview, model.StatusReturned},
			{"resubmit", sh(2024, 10, 15, 10, 0), func() error {
				_, err := f.svc.Review.Resubmit(ctx, a, id, f.version(t, id))
				return err
			}, "application.resubmit", model.StatusReturned, model.StatusDeptReview},
			{"pass", sh(2024, 10, 16, 10, 0), func() error {
				_, err := f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), "")
				return err
			}, "application.dept_pass", model.StatusDeptReview, model.StatusPrelimReview},
			{"prelim pass", sh(2024, 11, 10, 10, 0), func() error {
				_, err := f.svc.Review.PrelimPass(ctx, f.officer, id, f.version(t, id), "符合申报条件")
				return err
			}, "application.prelim_pass", model.StatusPrelimReview, model.StatusPrelimPassed},
		}
		for _, s := range steps {
			f.now = s.at
			before := f.audits(t, id)
			// A refused action first: wrong role, nothing written.
			if _, err := f.svc.Review.NotRecommend(ctx, f.officer, id, f.version(t, id), "x"); err == nil {
				t.Fatalf("%s: the office took a unit step", s.name)
			}
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			after := f.audits(t, id)
			if len(after) != len(before)+1 {
				t.Fatalf("%s: %d audit entries, want exactly 1", s.name, len(after)-len(before))
			}
			e := after[0]
			if e.Action != s.action || e.FromState != string(s.from) || e.ToState != string(s.to) || e.Detail == "" {
				t.Fatalf("%s: audit entry %+v", s.name, e)
			}
		}
		// Reasons and items are in the entries.
		for _, e := range f.audits(t, id) {
			if e.Action == "application.dept_return" && !strings.Contains(e.Detail, "刊物封面不清晰") {
				t.Fatalf("return entry lacks its items: %s", e.Detail)
			}
			if e.Action == "application.record_objection" && (e.ActorName != "公众" || e.Reason == "") {
				t.Fatalf("public objection entry: %+v", e)
			}
		}
		if problems, _, _, err := db.VerifyAudit(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("audit chain: %v %v", problems, err)
		}
		// The applicant reads the history, without the objection.
		st, err := f.svc.Review.Status(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st.Steps {
			if strings.Contains(s.Label, "异议") {
				t.Fatalf("applicant's history shows an objection step: %+v", s)
			}
		}
		if st.Holder != "职改办" || st.Steps[len(st.Steps)-1].To != model.StatusPrelimPassed {
			t.Fatalf("applicant's status: %q %+v", st.Holder, st.Steps)
		}
	})
}

// R-ORG-02: a unit reviewer cannot open, list or act on another unit's application — it
// does not exist for them (no data); a department sees nothing before it is routed there;
// nobody but the applicant sees a draft.
func TestR_ORG_02_unitCannotOpenOtherUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		v, err := f.svc.Review.View(ctx, f.unitB, id)
		if !errors.Is(err, model.ErrNotFound) || v.App.ID != 0 || v.ApplicantName != "" || len(v.Evidence) != 0 {
			t.Fatalf("unit B opens unit A's application: %+v %v", v.App, err)
		}
		ev := firstEvidence(t, f, a, id)
		if _, r, err := f.svc.Review.OpenEvidence(ctx, f.unitB, id, ev, store.AccessView); !errors.Is(err, model.ErrNotFound) || r != nil {
			t.Fatalf("unit B opens unit A's evidence: %v", err)
		}
		if _, err := f.svc.Review.StartPublicity(ctx, f.unitB, id, f.version(t, id)); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unit B acts on unit A's application: %v", err)
		}
		if _, err := f.svc.Review.Status(ctx, f.unitB, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unit B reads the status: %v", err)
		}
		if page, _ := f.svc.Review.UnitInbox(ctx, f.unitB, service.ReviewFilter{}); len(page.Rows) != 0 {
			t.Fatalf("unit B's inbox lists unit A's application: %+v", page.Rows)
		}
		if _, err := f.svc.Review.View(ctx, f.city, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the department opens it before the recommendation: %v", err)
		}
		other := f.user(t, f.fixture.unitA, "other", model.RoleApplicant)
		if _, err := f.svc.Review.Status(ctx, other, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another applicant reads the status: %v", err)
		}
		if _, err := f.svc.Review.View(ctx, a, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the applicant opens the reviewers' view: %v", err)
		}
		// A draft is the applicant's alone.
		draft, err := f.svc.Applications.Start(ctx, other, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Review.View(ctx, f.unitA, draft); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the unit opens a draft: %v", err)
		}
		// The own unit sees it, with eligibility findings and the options of its role only.
		v, err = f.svc.Review.View(ctx, f.unitA, id)
		if err != nil || v.ApplicantName != a.Name || len(v.Findings) != 0 || len(v.Evidence) == 0 {
			t.Fatalf("own unit's view: %v findings=%v", err, v.Findings)
		}
		var actions []string
		for _, o := range v.Options {
			actions = append(actions, string(o.Action))
			if o.Action == rules.ActConfirmFraud {
				t.Fatal("office option offered to the unit")
			}
		}
		if !strings.Contains(strings.Join(actions, ","), "start_publicity") {
			t.Fatalf("unit options: %v", actions)
		}
	})
}

func firstEvidence(t *testing.T, f *reviewFixture, a model.Actor, id int64) int64 {
	t.Helper()
	v, err := f.svc.Applications.Get(context.Background(), a, id)
	if err != nil || len(v.Evidence) == 0 {
		t.Fatalf("evidence of %d: %v", id, err)
	}
	return v.Evidence[0].ID
}

// R-SEC-01: every view or download of an applicant's evidence by a reviewer is recorded;
// the applicant sees who looked, from which organisation, when.
func TestR_SEC_01_evidenceAccessLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		ev := firstEvidence(t, f, a, id)
		f.now = sh(2024, 9, 21, 9, 0)
		got, r, err := f.svc.Review.OpenEvidence(ctx, f.unitA, id, ev, store.AccessView)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if got.ID != ev || !bytes.Equal(b, jpegBytes(t)) {
			t.Fatalf("opened %+v, %d bytes", got, len(b))
		}
		f.now = sh(2024, 9, 21, 9, 5)
		if _, r, err = f.svc.Review.OpenEvidence(ctx, f.unitA2, id, ev, store.AccessDownload); err != nil {
			t.Fatal(err)
		}
		r.Close()
		// Refused attempts leave no row; a file of another application is not found.
		f.svc.Review.OpenEvidence(ctx, f.unitB, id, ev, store.AccessView)
		if _, _, err := f.svc.Review.OpenEvidence(ctx, f.unitA, id, ev+100000, store.AccessView); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("unknown evidence: %v", err)
		}
		log, err := f.svc.Review.AccessLog(ctx, a, id)
		if err != nil || len(log) != 2 {
			t.Fatalf("access log: %+v %v", log, err)
		}
		newest := log[0]
		if newest.UserName != f.unitA2.Name || newest.OrgName != "甲单位" || newest.Kind != store.AccessDownload || !newest.At.Equal(sh(2024, 9, 21, 9, 5)) || newest.EvidenceID != ev {
			t.Fatalf("newest access: %+v", newest)
		}
		if log[1].UserName != f.unitA.Name || log[1].Kind != store.AccessView {
			t.Fatalf("first access: %+v", log[1])
		}
		// Another applicant, or the unit, cannot read the log.
		other := f.user(t, f.fixture.unitA, "other", model.RoleApplicant)
		if _, err := f.svc.Review.AccessLog(ctx, other, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another applicant reads the log: %v", err)
		}
		if _, err := f.svc.Review.AccessLog(ctx, f.unitA, id); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the unit reads the log: %v", err)
		}
		// The applicant's own view is not a reviewer's access.
		if _, _, err := f.svc.Review.OpenEvidence(ctx, a, id, ev, store.AccessView); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("applicant through the reviewers' door: %v", err)
		}
	})
}

// Two reviewers of the unit act on the same version at once: one wins, the other gets a
// clear conflict; one transition, one audit entry.
func TestR_FLOW_12_concurrentReviewersOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		_, id := f.submitted(t, f.fixture.unitA, "app1")
		f.now = sh(2024, 9, 27, 9, 30)
		v := f.version(t, id)
		before := len(f.audits(t, id))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, errs[0] = f.svc.Review.StartPublicity(ctx, f.unitA, id, v)
		}()
		go func() {
			defer wg.Done()
			_, errs[1] = f.svc.Review.UnitReturn(ctx, f.unitA2, id, v, anItem)
		}()
		wg.Wait()
		wins, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, model.ErrConflict):
				conflicts++
				if e, ok := model.AsError(err); !ok || !strings.Contains(e.Message, "已被他人处理") {
					t.Errorf("conflict message: %v", err)
				}
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 || conflicts != 1 {
			t.Fatalf("wins %d conflicts %d: %v", wins, conflicts, errs)
		}
		if n := len(f.audits(t, id)) - before; n != 1 {
			t.Fatalf("%d audit entries, want 1", n)
		}
		if got := f.version(t, id); got != v+1 {
			t.Fatalf("version %d, want %d", got, v+1)
		}
		// The same version once more: refused, nothing applied twice.
		if _, err := f.svc.Review.StartPublicity(ctx, f.unitA, id, v); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("stale version accepted: %v", err)
		}
	})
}

// R-APP-05: the applicant may withdraw only before the unit acts.
func TestR_APP_05_withdrawBeforeUnitActs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.submitted(t, f.fixture.unitA, "app1")
		if _, err := f.svc.Review.Withdraw(ctx, f.unitA, id, f.version(t, id)); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("the unit withdraws: %v", err)
		}
		ok(t, model.StatusWithdrawn)(f.svc.Review.Withdraw(ctx, a, id, f.version(t, id)))
		_, id2 := f.inPublicity(t, "app2")
		if _, err := f.svc.Review.Withdraw(ctx, f.user(t, f.fixture.unitA, "stranger", model.RoleApplicant), id2, f.version(t, id2)); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a stranger withdraws: %v", err)
		}
		if _, err := f.svc.Review.NotRecommend(ctx, f.unitA, id2, f.version(t, id2), ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("not recommended without reason: %v", err)
		}
		ok(t, model.StatusNotRecommended)(f.svc.Review.NotRecommend(ctx, f.unitA, id2, f.version(t, id2), "年度考核不符合要求"))
	})
}

// R-ELG-08, R-ELG-09: a grassroots-scope application is publicised longer (7 working days
// from 09-27: 09-27, 09-29, 09-30, 10-08 … 10-11, ending at 10-12 00:00), and a grassroots
// senior recommendation is checked against the unit's 10 % quota with the posts the office
// registered for the unit; without them it is refused, naming what to register.
func TestR_ELG_09_grassrootsQuotaAtRecommendation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		_, id := f.submittedWith(t, f.fixture.unitA, "app1", func(form *model.Form) { form.Basics.Scope = model.ScopeGrassroots })
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, id, f.version(t, id)))
		f.unitReports(t, f.unitA, id)
		v, _ := f.svc.Review.View(ctx, f.unitA, id)
		if want := sh(2024, 10, 12, 0, 0); !v.PublicityEnds.Equal(want) {
			t.Fatalf("grassroots publicity ends %v, want %v", v.PublicityEnds, want)
		}
		f.now = sh(2024, 10, 11, 15, 0)
		_, err := f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindConflict, "R-FLOW-01")
		f.now = sh(2024, 10, 12, 9, 0)
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, model.KindInvalid, "R-ELG-09")
		f.setPosts(t, f.fixture.unitA, 20, 2)
		_, err = f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id))
		refused(t, err, "", "R-ELG-09")
		f.setPosts(t, f.fixture.unitA, 40, 2)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
	})
}

// R-APP-05 / issue #4 item 7: every submitted version stays, and a reviewer sees the
// field-level changes of a resubmission.
func TestR_APP_08_returnedItemsOnlyAndReviewerSeesChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		a, id := f.atDept(t, "app1")
		summaryItem := []rules.ReturnItem{{Module: 5, Text: "小结未写明主要业绩，请补充"}}
		ok(t, model.StatusReturned)(f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), summaryItem))
		v, err := f.svc.Applications.Get(ctx, a, id)
		if err != nil {
			t.Fatal(err)
		}
		// R-APP-08: only the returned items may change.
		form := v.App.Form
		form.Basic.Ethnicity = "回族"
		if _, err := f.svc.Applications.Save(ctx, a, id, v.App.Version, form); !hasRule(err, "R-APP-08", "basic.ethnicity") {
			t.Fatalf("change outside the returned items: %v", err)
		}
		form = v.App.Form
		form.Summary = "修改后的工作小结：补充了培训评估成果。"
		if _, err := f.svc.Applications.Save(ctx, a, id, v.App.Version, form); err != nil {
			t.Fatal(err)
		}
		ok(t, model.StatusDeptReview)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
		rv, err := f.svc.Review.View(ctx, f.city, id)
		if err != nil || len(rv.Versions) != 2 || len(rv.Changes[1]) != 1 || rv.Changes[1][0].New != form.Summary {
			t.Fatalf("reviewer's versions: %d, changes %+v, %v", len(rv.Versions), rv.Changes, err)
		}
	})
}

// Issue #5 item 10, in the deadline surge: a reviewer is told once that applications wait,
// ReviewerNoticeDelay after the first arrives, however many arrive meanwhile; once that
// message is sent, the next arrival queues a new one.
func TestReviewerNoticesCoalesce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		waiting := func() []store.JobState {
			t.Helper()
			js, err := db.Jobs(ctx, "notify")
			if err != nil {
				t.Fatal(err)
			}
			var out []store.JobState
			for _, j := range js {
				if strings.Contains(string(j.Payload), "转至贵单位待办理") {
					out = append(out, j)
				}
			}
			return out
		}
		first := f.now
		f.submitted(t, f.fixture.unitA, "app1")
		f.now = f.now.Add(3 * time.Minute)
		f.submitted(t, f.fixture.unitA, "app2")
		js := waiting()
		if len(js) != 2 { // the unit's handler and leader, one each
			t.Fatalf("after two submissions: %d waiting notices, want 2", len(js))
		}
		for _, j := range js {
			if !j.RunAt.Equal(first.Add(service.ReviewerNoticeDelay)) {
				t.Errorf("notice due %v, want %v (first arrival + delay)", j.RunAt, first.Add(service.ReviewerNoticeDelay))
			}
			if err := db.JobDone(ctx, j.ID); err != nil {
				t.Fatal(err)
			}
		}
		f.submitted(t, f.fixture.unitA, "app3")
		if js := waiting(); len(js) != 4 {
			t.Fatalf("after the notices were sent, a new arrival: %d waiting notices in all, want 4", len(js))
		}
	})
}

// Issue #5 item 10: submission and every status change enqueue a notification for the
// applicant, and the organisation the application moves to is told too — in the
// transaction of the change; the actor's own organisation is not told what it just did.
func TestStatusChangeNotifiesApplicantAndNextReviewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newReviewFixture(t, db)
		ctx := context.Background()
		type note struct {
			UserID int64  `json:"user_id"`
			Body   string `json:"body"`
		}
		seen := 0
		// since returns the notifications enqueued since the last call, by recipient.
		since := func() map[int64][]string {
			t.Helper()
			js, err := db.Jobs(ctx, "notify")
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64][]string{}
			for _, j := range js[seen:] {
				var m note
				if err := json.Unmarshal(j.Payload, &m); err != nil {
					t.Fatal(err)
				}
				out[m.UserID] = append(out[m.UserID], m.Body)
			}
			seen = len(js)
			return out
		}
		want := func(step string, got map[int64][]string, who map[int64]string) {
			t.Helper()
			if len(got) != len(who) {
				t.Errorf("%s: notified %v, want %v", step, got, who)
			}
			for id, text := range who {
				if len(got[id]) != 1 || !strings.Contains(got[id][0], text) {
					t.Errorf("%s: user %d got %q, want one message with %q", step, id, got[id], text)
				}
			}
		}

		a, id := f.submitted(t, f.fixture.unitA, "app1")
		want("submit", since(), map[int64]string{a.UserID: "已提交，等待单位审核",
			f.unitA.UserID: "单位审核推荐", f.unitA2.UserID: "单位审核推荐"})
		f.now = sh(2024, 9, 27, 9, 30)
		ok(t, model.StatusUnitPublicity)(f.svc.Review.StartPublicity(ctx, f.unitA, id, f.version(t, id)))
		want("start publicity", since(), map[int64]string{a.UserID: "您的职称申报状态已更新为：" + model.StatusUnitPublicity.Label()})
		f.unitReports(t, f.unitA, id)
		want("the unit's reports", since(), nil)
		f.now = sh(2024, 10, 10, 9, 0)
		ok(t, model.StatusRecommended)(f.svc.Review.Recommend(ctx, f.unitA, id, f.version(t, id)))
		want("recommend", since(), map[int64]string{a.UserID: model.StatusRecommended.Label(), f.city.UserID: "主管部门审核"})
		ok(t, model.StatusDeptReview)(f.svc.Review.DeptAccept(ctx, f.city, id, f.version(t, id)))
		want("accept", since(), map[int64]string{a.UserID: model.StatusDeptReview.Label()})
		ok(t, model.StatusReturned)(f.svc.Review.DeptReturn(ctx, f.city, id, f.version(t, id), anItem))
		want("return", since(), map[int64]string{a.UserID: model.StatusReturned.Label()})
		ok(t, model.StatusDeptReview)(f.svc.Review.Resubmit(ctx, a, id, f.version(t, id)))
		// The city's "applications wait" of the recommendation is still queued: it covers this.
		want("resubmit", since(), map[int64]string{a.UserID: model.StatusDeptReview.Label()})
		ok(t, model.StatusDeptReview)(f.svc.Review.ProposeFraud(ctx, f.city, id, f.version(t, id), "论文经期刊社核实未刊发"))
		want("propose fraud", since(), map[int64]string{f.officer.UserID: "弄虚作假"})
		ok(t, model.StatusDeptReview)(f.svc.Review.DismissFraud(ctx, f.officer, id, f.version(t, id), "经核实论文已刊发"))
		want("dismiss fraud", since(), nil)
		ok(t, model.StatusPrelimReview)(f.svc.Review.DeptPass(ctx, f.city, id, f.version(t, id), ""))
		want("pass to the office", since(), map[int64]string{a.UserID: model.StatusPrelimReview.Label(), f.officer.UserID: "职改办资格初审"})
		ok(t, model.StatusRejected)(f.svc.Review.PrelimReject(ctx, f.officer, id, f.version(t, id), "任职年限不足"))
		want("reject", since(), map[int64]string{a.UserID: "说明：任职年限不足"})
	})
}
