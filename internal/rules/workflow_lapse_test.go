package rules_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// Tests of what the review deadline does (R-CAL-02): the system lapses what it overtook, the
// last department's pass stops when the committee stops receiving materials, and a unit
// publicity that could not end in time is not started. Seed 003's plan: unit and city
// review until 2024-11-04 24:00, committee intake until the same instant.

var wfSystem = model.SystemActor("系统")

// wfOffers reports whether actor a is offered action (enabled) on the case.
func wfOffers(c rules.Case, a model.Actor, action rules.Action) bool {
	return slices.ContainsFunc(rules.Allowed(c, a), func(tr rules.Transition) bool { return tr.Action == action })
}

// R-CAL-02: in every open state the unit_review window binds, the system lapses the
// application from the window's end instant, not a millisecond before; the reviewers' steps
// are allowed exactly until then, so at no instant is the application both movable by a
// person and lapsable. No person may lapse, a pending fraud proposal holds it, and the
// audit reason names the window and its end.
func TestR_CAL_02_lapseAfterUnitReviewWindow(t *testing.T) {
	reviewer := map[model.AppStatus]struct {
		who    model.Actor
		action rules.Action
	}{
		model.StatusSubmitted:     {unitStaff, rules.ActStartPublicity},
		model.StatusUnitPublicity: {unitStaff, rules.ActRecommend},
		model.StatusReturned:      {applicant, rules.ActResubmit},
		model.StatusRecommended:   {deptStaff, rules.ActDeptAccept},
		model.StatusDeptReview:    {deptStaff, rules.ActDeptPass},
	}
	var lapsing []model.AppStatus
	for _, l := range rules.Lapses() {
		lapsing = append(lapsing, l.From)
	}
	if want := []model.AppStatus{model.StatusSubmitted, model.StatusUnitPublicity, model.StatusReturned, model.StatusRecommended, model.StatusDeptReview}; !slices.Equal(lapsing, want) {
		t.Fatalf("lapsing states %v, want %v", lapsing, want)
	}
	for _, s := range lapsing {
		t.Run(string(s), func(t *testing.T) {
			c := wfCase(t, s)
			r := reviewer[s]
			c.Now = wfReviewClosed.Add(-time.Millisecond)
			_, err := rules.Decide(c, wfSystem, rules.ActLapse)
			if e := wfRefused(t, err, model.KindConflict, "R-CAL-02"); !strings.Contains(e.Message, "2024-11-04 24:00") {
				t.Errorf("early lapse refusal %q does not name the deadline", e.Message)
			}
			if wfOffers(c, wfSystem, rules.ActLapse) {
				t.Error("lapse offered before the deadline")
			}
			wfDecide(t, c, r.who, r.action) // the last millisecond is the reviewer's

			c.Now = wfReviewClosed
			if got := wfDecide(t, c, wfSystem, rules.ActLapse); got.To != model.StatusLapsed || got.Level != 0 {
				t.Errorf("lapse led to %s@%d", got.To, got.Level)
			}
			_, err = rules.Decide(c, r.who, r.action)
			wfRefused(t, err, model.KindClosed, "R-CAL-02")
			w, ok := rules.Overdue(c)
			if !ok || w.Kind != model.WindowUnitReview {
				t.Fatalf("overdue by %+v %v", w, ok)
			}
			if reason := rules.LapseReason(w); !strings.Contains(reason, "单位及主管部门审核") || !strings.Contains(reason, "2024-11-04 24:00") {
				t.Errorf("reason %q does not name the window and its end", reason)
			}

			// Nobody but the system: every persona is refused and never offered it.
			for _, p := range wfPersonas() {
				_, err := rules.Decide(c, p, rules.ActLapse)
				if e := wfRefused(t, err, model.KindForbidden, "R-ORG-02"); !strings.Contains(e.Fix, "系统") {
					t.Errorf("%s: fix %q should say the system does it", wfName(p), e.Fix)
				}
				if wfOffers(c, p, rules.ActLapse) {
					t.Errorf("lapse offered to %s", wfName(p))
				}
			}

			// A pending fraud proposal is the office's to decide first.
			fraud := c
			fraud.FraudProposed = true
			_, err = rules.Decide(fraud, wfSystem, rules.ActLapse)
			wfRefused(t, err, model.KindConflict, "R-FLOW-11")

			// Lapsed is an end.
			end := wfCase(t, model.StatusLapsed)
			end.Now = wfReviewClosed
			for _, p := range append(wfPersonas(), wfSystem) {
				if opts := rules.Available(end, p); len(opts) != 0 {
					t.Errorf("%s offered %v on a lapsed application", wfName(p), opts)
				}
			}
			_, err = rules.Decide(end, wfSystem, rules.ActLapse)
			if e := wfRefused(t, err, model.KindConflict, ""); !strings.Contains(e.Message, "申报已结束（逾期未完成审核）") {
				t.Errorf("lapsed refusal %q", e.Message)
			}
		})
	}
	// What the deadline does not overtake stays: the draft (the applicant window's business),
	// the office's preliminary review and what is past it, and every end.
	for _, s := range []model.AppStatus{model.StatusDraft, model.StatusPrelimReview, model.StatusPrelimPassed,
		model.StatusWithdrawn, model.StatusNotRecommended, model.StatusRejected, model.StatusCancelledFraud} {
		c := wfCase(t, s)
		c.Now = wfAt(2025, 1, 1, 0, 0)
		if _, err := rules.Decide(c, wfSystem, rules.ActLapse); model.KindOf(err) != model.KindConflict {
			t.Errorf("%s: lapse gave %v, want a state refusal", s, err)
		}
		if _, ok := rules.Overdue(c); ok {
			t.Errorf("%s: overdue", s)
		}
	}
}

// R-CAL-02: an application with the departments lapses once the committee stops receiving
// materials, even where the plan (set by hand) keeps unit_review open longer; one still at
// its unit does not. A plan without a window never lapses anything by it.
func TestR_CAL_02_lapseAfterCommitteeIntake(t *testing.T) {
	intakeEnd := wfAt(2024, 11, 1, 0, 0)
	for _, tt := range []struct {
		status model.AppStatus
		lapses bool
	}{
		{model.StatusRecommended, true},
		{model.StatusDeptReview, true},
		{model.StatusSubmitted, false},
		{model.StatusUnitPublicity, false},
		{model.StatusReturned, false},
	} {
		t.Run(string(tt.status), func(t *testing.T) {
			c := wfCase(t, tt.status)
			wfSetWindowEnd(&c, model.WindowCommitteeIntake, intakeEnd)
			c.Now = intakeEnd.Add(-time.Millisecond)
			_, err := rules.Decide(c, wfSystem, rules.ActLapse)
			wfRefused(t, err, model.KindConflict, "R-CAL-02")
			c.Now = intakeEnd
			got, err := rules.Decide(c, wfSystem, rules.ActLapse)
			if !tt.lapses {
				if e := wfRefused(t, err, model.KindConflict, "R-CAL-02"); !strings.Contains(e.Message, "2024-11-04 24:00") {
					t.Errorf("refusal %q should name the unit_review deadline", e.Message)
				}
				return
			}
			if err != nil || got.To != model.StatusLapsed {
				t.Fatalf("lapse at intake end: %v %v", got.To, err)
			}
			if w, _ := rules.Overdue(c); w.Kind != model.WindowCommitteeIntake || !strings.Contains(rules.LapseReason(w), "评委会接收材料") {
				t.Errorf("overdue by %s: %q", w.Kind, rules.LapseReason(w))
			}
		})
	}
	noWindow := wfCase(t, model.StatusSubmitted)
	noWindow.Plan.Windows = slices.DeleteFunc(slices.Clone(noWindow.Plan.Windows), func(w model.PlanWindow) bool { return w.Kind == model.WindowUnitReview })
	noWindow.Now = wfAt(2025, 6, 1, 0, 0)
	_, err := rules.Decide(noWindow, wfSystem, rules.ActLapse)
	if e := wfRefused(t, err, model.KindConflict, "R-CAL-02"); !strings.Contains(e.Message, "时间未设置") {
		t.Errorf("refusal %q should say the window is not set", e.Message)
	}
}

// R-CAL-02: the last department's pass to the office is refused from the instant the
// committee stops receiving materials, naming the deadline and what follows; a pass to the
// next level of the chain is not a hand-over to the committee.
func TestR_CAL_02_committeeIntakeClosesLastPass(t *testing.T) {
	intakeEnd := wfAt(2024, 11, 1, 0, 0)
	c := wfCase(t, model.StatusDeptReview)
	wfSetWindowEnd(&c, model.WindowCommitteeIntake, intakeEnd)
	c.ChainLength, c.ChainLevel = 2, 2

	c.Now = intakeEnd.Add(-time.Millisecond)
	if got := wfDecide(t, c, deptStaff, rules.ActDeptPass); got.To != model.StatusPrelimReview {
		t.Fatalf("last millisecond: to %s", got.To)
	}
	c.Now = intakeEnd
	_, err := rules.Decide(c, deptStaff, rules.ActDeptPass)
	e := wfRefused(t, err, model.KindClosed, "R-CAL-02")
	if want := "评委会接收材料时间已于 2024-10-31 24:00 截止，不能再报送职改办资格初审"; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	if !strings.Contains(e.Fix, "不再重启") || !strings.Contains(e.Fix, "职改办") {
		t.Errorf("fix %q", e.Fix)
	}
	if wfOffers(c, deptStaff, rules.ActDeptPass) {
		t.Error("the pass button is enabled after intake closed")
	}

	mid := c
	mid.ChainLevel = 1
	if got := wfDecide(t, mid, deptStaff, rules.ActDeptPass); got.To != model.StatusDeptReview || got.Level != 2 {
		t.Errorf("pass to level 2 after intake closed: %s@%d", got.To, got.Level)
	}
	noIntake := c
	noIntake.Plan.Windows = slices.DeleteFunc(slices.Clone(c.Plan.Windows), func(w model.PlanWindow) bool { return w.Kind == model.WindowCommitteeIntake })
	wfDecide(t, noIntake, deptStaff, rules.ActDeptPass) // unit_review still binds it
}

// R-CAL-02 / R-FLOW-01: a publicity that would end at or after the review deadline is not
// started — the unit could recommend only from its end, when review has closed — and the
// refusal names both instants and whom to contact.
func TestR_CAL_02_publicityTooLateRefused(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start time.Time
		typ   model.AppType
		ends  string // "" when accepted
	}{
		// 10-28 … 11-01: ends 11-01 24:00, three days before review closes.
		{"ends before the deadline", wfAt(2024, 10, 28, 9, 0), model.AppNormal, ""},
		// 10-29 … 11-04: ends 11-04 24:00, the very instant review closes.
		{"ends at the deadline", wfAt(2024, 10, 29, 9, 0), model.AppNormal, "2024-11-04 24:00"},
		// 10-31 … 11-06.
		{"ends after the deadline", wfAt(2024, 10, 31, 9, 0), model.AppNormal, "2024-11-06 24:00"},
		// Exceptional: 7 working days, 10-25 … 11-04.
		{"exceptional, longer", wfAt(2024, 10, 25, 9, 0), model.AppExceptional, "2024-11-04 24:00"},
		{"normal from the same day", wfAt(2024, 10, 25, 9, 0), model.AppNormal, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := wfCase(t, model.StatusSubmitted)
			c.Calendar, c.Now, c.AppType = wfCal, tt.start, tt.typ
			got, err := rules.Decide(c, unitStaff, rules.ActStartPublicity)
			if tt.ends == "" {
				if err != nil || got.To != model.StatusUnitPublicity {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := wfRefused(t, err, model.KindClosed, "R-CAL-02")
			if !strings.Contains(e.Message, "公示期至 "+tt.ends+" 结束") || !strings.Contains(e.Message, "截止时间 2024-11-04 24:00") {
				t.Errorf("message %q should name both instants", e.Message)
			}
			if !strings.Contains(e.Fix, "联系职改办") {
				t.Errorf("fix %q should say whom to contact", e.Fix)
			}
			if wfOffers(c, unitStaff, rules.ActStartPublicity) {
				t.Error("the publicity button is enabled")
			}
			// Other steps stay open: the unit may still return it or refuse to recommend.
			wfDecide(t, c, unitStaff, rules.ActUnitReturn)
			wfDecide(t, c, unitStaff, rules.ActUnitNotRecommend)
		})
	}
	// Without a calendar the guard cannot tell; the step computes the end and reports.
	c := wfCase(t, model.StatusSubmitted)
	c.Now = wfAt(2024, 10, 31, 9, 0)
	wfDecide(t, c, unitStaff, rules.ActStartPublicity)
}
