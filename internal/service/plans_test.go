package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/blob"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

func (f *fixture) committee(t *testing.T) int64 {
	t.Helper()
	id, err := f.svc.Orgs.Create(context.Background(), model.SystemActor("t"), model.Org{ParentID: f.office, Kind: model.OrgCommittee, Code: "PW", Name: "评委会"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func at(y int, m time.Month, d int) time.Time { return rules.DayStart(y, m, d) }

// The presets of both notices are valid plans, and the demo's open copy is open today.
func TestPresetsAreValidPlans(t *testing.T) {
	for _, pr := range presets.All() {
		p := pr.Plan
		p.CommitteeID = 1
		if errs := rules.ValidatePlan(p); len(errs) > 0 {
			t.Errorf("preset %s: %v", pr.Key, errs)
		}
	}
	now := time.Date(2026, 11, 21, 15, 0, 0, 0, time.UTC)
	open := presets.OpenToday(now)
	w, _ := open.Window(model.WindowApply)
	if !rules.PlanWindow(w).Contains(now) {
		t.Fatalf("OpenToday apply window %v does not contain now", rules.PlanWindow(w))
	}
	// Seed 003: the applicant window ends at 10-20 24:00, exactly.
	hr, _ := presets.ByKey("2024-hr-training")
	w, _ = hr.Plan.Window(model.WindowApply)
	if err := rules.PlanWindow(w).Check(time.Date(2024, 10, 20, 23, 59, 59, int(999*time.Millisecond), rules.Shanghai())); err != nil {
		t.Fatalf("last millisecond refused: %v", err)
	}
	if err := rules.PlanWindow(w).Check(time.Date(2024, 10, 21, 0, 0, 0, 0, rules.Shanghai())); model.KindOf(err) != model.KindClosed {
		t.Fatalf("first instant after the end accepted: %v", err)
	}
}

// R-CAL-02: an edit that would change a closed window is refused, naming the window, and
// nothing changes; an open window may be extended.
func TestR_CAL_02_closedWindowNeverReopened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db) // now = 2026-11-21 10:00 UTC
		ctx := context.Background()
		office := f.user(t, f.office, "officehandler", model.RoleHandler)
		hr, _ := presets.ByKey("2024-hr-training")
		p := hr.Plan
		p.CommitteeID = f.committee(t)
		id, err := f.svc.Plans.Create(ctx, office, p)
		if err != nil {
			t.Fatal(err)
		}
		p, _ = f.svc.Plans.Get(ctx, id)
		edited := p
		edited.Windows = append([]model.PlanWindow(nil), p.Windows...)
		for i, w := range edited.Windows {
			if w.Kind == model.WindowApply {
				edited.Windows[i].End = at(2026, 12, 31) // reopen a window that closed in 2024
			}
		}
		err = f.svc.Plans.Update(ctx, office, edited)
		if !hasRule(err, "R-CAL-02", "window_apply") {
			t.Fatalf("reopening refused with R-CAL-02 on window_apply, got %v", err)
		}
		if got, _ := f.svc.Plans.Get(ctx, id); got.Version != p.Version {
			t.Fatal("the refused edit changed the plan")
		}
		// An open window can be extended.
		open := presets.OpenToday(f.now)
		open.CommitteeID = p.CommitteeID
		oid, err := f.svc.Plans.Create(ctx, office, open)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := f.svc.Plans.Get(ctx, oid)
		for i, w := range o.Windows {
			if w.Kind == model.WindowApply {
				o.Windows[i].End = w.End.AddDate(0, 0, 1)
			}
		}
		if err := f.svc.Plans.Update(ctx, office, o); err != nil {
			t.Fatalf("extending an open window: %v", err)
		}
		// A stale version loses.
		if err := f.svc.Plans.Update(ctx, office, o); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("stale plan edit: %v", err)
		}
		// Copying to next year moves every window by a year, midnight to midnight.
		cid, err := f.svc.Plans.Copy(ctx, office, id, 2027)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := f.svc.Plans.Get(ctx, cid)
		w, _ := c.Window(model.WindowApply)
		if !w.Start.Equal(at(2027, 9, 11)) || !w.End.Equal(at(2027, 10, 21)) || !strings.Contains(c.Name, "2027") {
			t.Fatalf("copy: %s %v", c.Name, rules.PlanWindow(w))
		}
		// Only the office manages plans.
		unit := f.user(t, f.unitA, "unithandler", model.RoleHandler)
		if _, err := f.svc.Plans.Copy(ctx, unit, id, 2028); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("unit copies a plan: %v", err)
		}
	})
}

// R-CAL-01: plan validation reports every problem at once, including windows out of order.
func TestR_CAL_01_planValidation(t *testing.T) {
	p := presets.OpenToday(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	p.CommitteeID = 1
	p.Name = ""
	p.Policy.PaperMax = 6
	p.Policy.DeptReturnLimit = 4
	for i, w := range p.Windows {
		if w.Kind == model.WindowTest {
			p.Windows[i].End = w.End.AddDate(0, 0, 30) // overlaps the application window
		}
	}
	errs := rules.ValidatePlan(p)
	fields := map[string]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	for _, f := range []string{"name", "policy_paper_max", "policy_dept_return_limit", "window_apply"} {
		if !fields[f] {
			t.Errorf("no refusal for %s in %v", f, errs)
		}
	}
}

// R-CAL-04: the calendar is seeded once from the State Council schedules and edits replace
// a year; a year without data is an error.
func TestR_CAL_04_calendarSeedAndEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if seeded, err := f.svc.Calendar.SeedIfEmpty(ctx); err != nil || !seeded {
			t.Fatalf("seed: %v %v", seeded, err)
		}
		if seeded, _ := f.svc.Calendar.SeedIfEmpty(ctx); seeded {
			t.Fatal("seeded twice")
		}
		start, _ := rules.ParseDate("2024-09-27")
		p, err := f.svc.Calendar.AddWorkdays(ctx, start, 5)
		if err != nil || !p.Ends.Equal(at(2024, 10, 10)) || p.Days[1].String() != "2024-09-29" {
			t.Fatalf("SPEC example: %+v %v", p, err)
		}
		office := f.user(t, f.office, "officehandler", model.RoleHandler)
		d, _ := rules.ParseDate("2027-01-01")
		if _, err := f.svc.Calendar.AddWorkdays(ctx, d, 3); err == nil || !strings.Contains(err.Error(), "2027") {
			t.Fatalf("uncovered year: %v", err)
		}
		monday, _ := rules.ParseDate("2027-03-01")
		err = f.svc.Calendar.SetYear(ctx, office, 2027, []rules.SpecialDay{{Date: d, Kind: rules.Holiday, Name: "元旦"}, {Date: monday, Kind: rules.AdjustedWorkday, Name: "错"}})
		if err == nil {
			t.Fatal("an adjusted workday on a Monday accepted")
		}
		if err := f.svc.Calendar.SetYear(ctx, office, 2027, []rules.SpecialDay{{Date: d, Kind: rules.Holiday, Name: "元旦"}}); err != nil {
			t.Fatal(err)
		}
		p, err = f.svc.Calendar.AddWorkdays(ctx, d, 1)
		if err != nil || p.Days[0].String() != "2027-01-04" {
			t.Fatalf("after adding 2027: %+v %v", p, err)
		}
	})
}

// R-ELG-04: a person on the blacklist is refused at registration with the end date; a lifted
// entry no longer blocks.
func TestR_ELG_04_blacklistAtRegistration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		office := f.user(t, f.office, "officehandler", model.RoleHandler)
		id := idNumber()
		entry, err := f.svc.Blacklist.Add(ctx, office, service.BlacklistInput{IDNumber: id, Name: "王五", Reason: "伪造论文发表证明", Source: "甘职改办〔2026〕1号", Years: 3})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.unitA, Username: "wangwu", Name: "王五", IDNumber: id, Phone: "13912345678", Password: "Good#Pass1"})
		e, ok := model.AsError(err)
		if !ok || e.Rule != "R-ELG-04" || !strings.Contains(e.Message, "2029-11-21") {
			t.Fatalf("blacklisted registration: %v", err)
		}
		list, _ := f.svc.Blacklist.List(ctx, office)
		if len(list) != 1 || strings.Contains(list[0].IDNumberMasked, id[6:14]) {
			t.Fatalf("list: %+v", list)
		}
		if err := f.svc.Blacklist.Lift(ctx, office, entry, "经复核撤销原决定"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.unitA, Username: "wangwu", Name: "王五", IDNumber: id, Phone: "13912345678", Password: "Good#Pass1"}); err != nil {
			t.Fatalf("after lifting: %v", err)
		}
	})
}

func minimalPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n")
}

// R-ELG-05 and R-CAL-03: a central unit's letter during the test period, approved; the
// reset purges it and clears the working roles, once, by the office leader only.
func TestR_CAL_03_resetPurgesTestPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		blobs, _ := blob.NewDisk(t.TempDir())
		f.svc = service.New(service.Deps{DB: db, Blobs: blobs, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
		central, err := f.svc.Orgs.Create(ctx, model.SystemActor("t"), model.Org{ParentID: f.office, Kind: model.OrgUnit, UnitType: model.UnitCentral, Code: "CU", Name: "中央驻甘单位", ReviewChain: []int64{f.city}})
		if err != nil {
			t.Fatal(err)
		}
		officeH := f.user(t, f.office, "officehandler", model.RoleHandler)
		officeL := f.user(t, f.office, "officeleader", model.RoleLeader)
		officeA := f.user(t, f.office, "officeadmin", model.RoleSysAdmin)
		cu := f.user(t, central, "cuhandler", model.RoleHandler)
		p := presets.OpenToday(f.now)
		p.CommitteeID = f.committee(t)
		// Move to inside the test period for the letter, then back.
		test, _ := p.Window(model.WindowTest)
		real := f.now
		pid, err := f.svc.Plans.Create(ctx, officeH, p)
		if err != nil {
			t.Fatal(err)
		}
		f.now = test.Start.Add(time.Hour)
		if _, err := f.svc.Entrustments.Submit(ctx, cu, pid, service.Letter{Name: "委托函.pdf", Data: []byte("\x89PNG\r\n")}, ""); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("PNG letter: %v", err)
		}
		eid, err := f.svc.Entrustments.Submit(ctx, cu, pid, service.Letter{Name: "委托函.pdf", Data: minimalPDF()}, "")
		if err != nil {
			t.Fatal(err)
		}
		pv, _ := f.svc.Reset.Preview(ctx, officeH, pid)
		if pv.Ready == nil {
			t.Fatal("reset allowed during the test period")
		}
		f.now = real
		if err := f.svc.Entrustments.Decide(ctx, officeH, eid, 1, true, ""); err != nil {
			t.Fatal(err)
		}
		if ok, _ := f.svc.Entrustments.Approved(ctx, central, pid); !ok {
			t.Fatal("approved letter not seen")
		}
		pv, err = f.svc.Reset.Preview(ctx, officeH, pid)
		if err != nil || pv.Ready != nil || pv.Counts[0].N != 1 {
			t.Fatalf("preview after the test period: %+v %v", pv, err)
		}
		if _, err := f.svc.Reset.Execute(ctx, officeH, pid); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("handler executes the reset: %v", err)
		}
		done, err := f.svc.Reset.Execute(ctx, officeL, pid)
		if err != nil || done[0].N != 1 {
			t.Fatalf("reset: %+v %v", done, err)
		}
		if ok, _ := f.svc.Entrustments.Approved(ctx, central, pid); ok {
			t.Fatal("test-period letter survived the reset")
		}
		for _, a := range []model.Actor{officeH, officeL, cu} {
			if got, _ := f.svc.Accounts.Actor(ctx, a.UserID); len(got.Roles) != 0 {
				t.Fatalf("roles of %s not cleared: %v", a.Name, got.Roles)
			}
		}
		if got, _ := f.svc.Accounts.Actor(ctx, officeA.UserID); !got.Has(model.RoleSysAdmin) {
			t.Fatal("the administrator lost the role needed to re-assign the others")
		}
		if _, err := f.svc.Reset.Execute(ctx, officeL, pid); err == nil {
			t.Fatal("reset ran twice")
		}
		events, _ := f.svc.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "plan", ObjectID: pid})
		if len(events) == 0 || events[0].Action != "plan.reset" {
			t.Fatalf("reset not audited: %+v", events)
		}
	})
}

func hasRule(err error, rule, field string) bool {
	var es model.Errors
	if !errors.As(err, &es) {
		return false
	}
	for _, e := range es {
		if e.Rule == rule && e.Field == field {
			return true
		}
	}
	return false
}

// The plans list is kept between requests, but never stale: a change through another
// instance (another Services on the same database, as a second server) is seen by the next
// List, and a caller changing what it got changes nothing kept.
func TestPlansListSeesEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		office := f.user(t, f.office, "officehandler", model.RoleHandler)
		other := service.New(service.Deps{DB: db, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
		names := func() []string {
			t.Helper()
			ps, err := f.svc.Plans.List(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, p := range ps {
				out = append(out, p.Name)
			}
			return out
		}
		if got := names(); len(got) != 0 {
			t.Fatalf("plans before any: %v", got)
		}
		open := presets.OpenToday(f.now)
		open.CommitteeID = f.committee(t)
		id, err := other.Plans.Create(ctx, office, open)
		if err != nil {
			t.Fatal(err)
		}
		if got := names(); len(got) != 1 || got[0] != open.Name {
			t.Fatalf("after another instance created one: %v", got)
		}
		ps, _ := f.svc.Plans.List(ctx)
		ps[0].Name, ps[0].Levels[0].Name, ps[0].Windows[0].End = "改掉的名称", "改掉的级别", time.Time{}
		again, _ := f.svc.Plans.List(ctx)
		if again[0].Name != open.Name || again[0].Levels[0].Name == "改掉的级别" || again[0].Windows[0].End.IsZero() {
			t.Fatalf("a caller's change reached the kept list: %+v", again[0])
		}
		p, _ := other.Plans.Get(ctx, id)
		p.Name = "改名后的计划"
		if err := other.Plans.Update(ctx, office, p); err != nil {
			t.Fatal(err)
		}
		if got := names(); len(got) != 1 || got[0] != "改名后的计划" {
			t.Fatalf("after another instance renamed it: %v", got)
		}
	})
}
