package rules_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/holidays"
	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
)

// Tests of the workflow table (SPEC §5). The plan is seed 003's: applications 09-11 00:00 –
// 10-20 24:00, unit and city review 10-21 00:00 – 11-04 24:00.

func wfAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, rules.Shanghai())
}

func wfPlan(t *testing.T) model.Plan {
	t.Helper()
	p, ok := presets.ByKey("2024-hr-training")
	if !ok {
		t.Fatal("preset 2024-hr-training missing")
	}
	return p.Plan
}

func wfCalendar(t *testing.T) *rules.Calendar {
	t.Helper()
	c, err := holidays.NewCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wfCal is the State Council calendar, for the satisfiers and breakers, which have no t.
var wfCal = func() *rules.Calendar {
	c, err := holidays.NewCalendar()
	if err != nil {
		panic(err)
	}
	return c
}()

// wfWindowEnd is when the case's plan closes window k.
func wfWindowEnd(c *rules.Case, k model.WindowKind) time.Time {
	w, ok := c.Plan.Window(k)
	if !ok {
		panic("plan lacks window " + string(k))
	}
	return w.End
}

// wfSetWindowEnd moves the end of window k of the case's plan (on a copy of the windows).
func wfSetWindowEnd(c *rules.Case, k model.WindowKind, end time.Time) {
	c.Plan.Windows = slices.Clone(c.Plan.Windows)
	for i := range c.Plan.Windows {
		if c.Plan.Windows[i].Kind == k {
			c.Plan.Windows[i].End = end
		}
	}
}

// wfReviewClosed is the instant both of seed 003's deadlines pass: 2024-11-04 24:00.
var wfReviewClosed = wfAt(2024, 11, 5, 0, 0)

// wfCase is a case in state s that satisfies every guard of the table except those that
// contradict others (fraud proposed, originals pending, objections open): 2024-10-15 10:00
// is inside the application window and before the review window opens, the publicity ended
// on 10-10, a two-level chain at level 1, a unit return, the inputs filled.
func wfCase(t *testing.T, s model.AppStatus) rules.Case {
	t.Helper()
	p := wfPlan(t)
	l, _ := p.Level("deputy_senior")
	return rules.Case{
		Status:        s,
		Now:           wfAt(2024, 10, 15, 10, 0),
		Plan:          p,
		Level:         l,
		AppType:       model.AppNormal,
		Scope:         model.ScopeProvince,
		PublicityEnds: wfAt(2024, 10, 10, 0, 0),
		ChainLength:   2,
		ChainLevel:    1,
		ReturnedFrom:  rules.Stage{Status: model.StatusSubmitted},
		Items:         []rules.ReturnItem{{Module: 4, Slot: "papers/p1/cover", Text: "刊物封面不清晰，请重新扫描上传"}},
		Reason:        "经核实，情况说明如下",
	}
}

// wfSatisfy and wfBreak make a case satisfy or fail one guard, by the guard's name. A guard
// added to the table without an entry here fails the walk, so that every guard is tested.
var wfSatisfy = map[string]func(*rules.Case){
	"ready_to_submit":       func(c *rules.Case) { c.Findings = nil },
	"no_fraud_pending":      func(c *rules.Case) { c.FraudProposed = false },
	"publicity_ended":       func(c *rules.Case) { c.PublicityEnds = c.Now.Add(-time.Hour) },
	"objections_resolved":   func(c *rules.Case) { c.OpenObjections = 0 },
	"objection_open":        func(c *rules.Case) { c.OpenObjections = 1 },
	"unit_reports":          func(c *rules.Case) { c.MissingUnitReports = nil },
	"grassroots_quota":      func(c *rules.Case) { c.Scope = model.ScopeProvince },
	"chain_configured":      func(c *rules.Case) { c.ChainLength = max(c.ChainLength, 1) },
	"chain_level_valid":     func(c *rules.Case) { c.ChainLength, c.ChainLevel = 2, 1 },
	"dept_return_limit":     func(c *rules.Case) { c.DeptReturns = 0 },
	"returned_from_known":   func(c *rules.Case) { c.ReturnedFrom = rules.Stage{Status: model.StatusSubmitted} },
	"originals_checked":     func(c *rules.Case) { c.OriginalsPending = false },
	"originals_pending":     func(c *rules.Case) { c.OriginalsPending = true },
	"originals_not_pending": func(c *rules.Case) { c.OriginalsPending = false },
	"fraud_proposed":        func(c *rules.Case) { c.FraudProposed = true },
	"fraud_not_proposed":    func(c *rules.Case) { c.FraudProposed = false },
	"not_recommend_reason":  wfWithReason,
	"objection_text":        wfWithReason,
	"resolution_text":       wfWithReason,
	"originals_result":      wfWithReason,
	"reject_reason":         wfWithReason,
	"fraud_facts":           wfWithReason,
	"dismiss_reason":        wfWithReason,
	"return_items":          wfWithItems,
	"return_not_unit_slot":  func(c *rules.Case) { c.UnitSlots = []string{"basic/recommendation", "moral/publicity"} },
	"originals_items":       wfWithItems,
	// 10-15 is before both deadlines; a publicity started then ends on 10-21 24:00.
	"publicity_fits_review": func(c *rules.Case) { c.Calendar = wfCal },
	"committee_intake_open": func(c *rules.Case) {},
	"overdue":               func(c *rules.Case) { c.Now = wfWindowEnd(c, model.WindowUnitReview) },
}

var wfBreak = map[string]func(*rules.Case){
	"ready_to_submit": func(c *rules.Case) {
		c.Findings = model.Errors{{Kind: model.KindInvalid, Rule: "R-APP-07", Field: "summary", Message: "小结超过 800 字"}}
	},
	"no_fraud_pending":    func(c *rules.Case) { c.FraudProposed = true },
	"publicity_ended":     func(c *rules.Case) { c.PublicityEnds = c.Now.Add(time.Hour) },
	"objections_resolved": func(c *rules.Case) { c.OpenObjections = 1 },
	"objection_open":      func(c *rules.Case) { c.OpenObjections = 0 },
	"unit_reports":        func(c *rules.Case) { c.MissingUnitReports = []string{"推荐报告"} },
	"grassroots_quota": func(c *rules.Case) {
		c.Scope, c.UnitPosts = model.ScopeGrassroots, &rules.UnitPosts{ProfessionalPosts: 20, SeniorGrassrootsPosts: 2}
	},
	"chain_configured":      func(c *rules.Case) { c.ChainLength = 0 },
	"chain_level_valid":     func(c *rules.Case) { c.ChainLength, c.ChainLevel = 2, 3 },
	"dept_return_limit":     func(c *rules.Case) { c.DeptReturns = 3 },
	"returned_from_known":   func(c *rules.Case) { c.ReturnedFrom = rules.Stage{} },
	"originals_checked":     func(c *rules.Case) { c.OriginalsPending = true },
	"originals_pending":     func(c *rules.Case) { c.OriginalsPending = false },
	"originals_not_pending": func(c *rules.Case) { c.OriginalsPending = true },
	"fraud_proposed":        func(c *rules.Case) { c.FraudProposed = false },
	"fraud_not_proposed":    func(c *rules.Case) { c.FraudProposed = true },
	"not_recommend_reason":  wfNoReason,
	"objection_text":        wfNoReason,
	"resolution_text":       wfNoReason,
	"originals_result":      wfNoReason,
	"reject_reason":         wfNoReason,
	"fraud_facts":           wfNoReason,
	"dismiss_reason":        wfNoReason,
	"return_items":          func(c *rules.Case) { c.Items = nil },
	"return_not_unit_slot": func(c *rules.Case) {
		c.UnitSlots = []string{"basic/recommendation"}
		c.Items = []rules.ReturnItem{{Module: 1, Slot: "basic/recommendation", Text: "推荐报告未盖章"}}
	},
	"originals_items": func(c *rules.Case) { c.Items = nil },
	// Started on Friday 11-01, five working days end on 11-07 24:00, after review closes.
	"publicity_fits_review": func(c *rules.Case) { c.Calendar, c.Now = wfCal, wfAt(2024, 11, 1, 10, 0) },
	// The last level passes after intake closed (set apart from unit_review by hand).
	"committee_intake_open": func(c *rules.Case) {
		c.ChainLength, c.ChainLevel = 2, 2
		wfSetWindowEnd(c, model.WindowCommitteeIntake, c.Now)
	},
	"overdue": func(c *rules.Case) { c.Now = wfWindowEnd(c, model.WindowUnitReview).Add(-time.Millisecond) },
}

func wfWithReason(c *rules.Case) { c.Reason = "经核实，情况说明如下" }
func wfNoReason(c *rules.Case)   { c.Reason = "  " }
func wfWithItems(c *rules.Case) {
	c.Items = []rules.ReturnItem{{Module: 1, Field: "basic.education", Text: "学历证书编号与学信网不一致"}}
}

// wfRowCase is a case from which row t's guards all hold.
func wfRowCase(t *testing.T, row rules.Transition) rules.Case {
	t.Helper()
	c := wfCase(t, row.From)
	for _, g := range row.Guards {
		sat, ok := wfSatisfy[g.Name]
		if !ok {
			t.Fatalf("guard %q has no satisfier in wfSatisfy: add one", g.Name)
		}
		sat(&c)
	}
	return c
}

// wfActor is someone who holds permission p: for authz.Sweep, which no role holds, the
// system itself.
func wfActor(p authz.Permission) model.Actor {
	if p == authz.Sweep {
		return model.SystemActor("系统")
	}
	kind, role := map[authz.Permission]model.OrgKind{
		authz.Apply:      model.OrgUnit,
		authz.ReviewUnit: model.OrgUnit,
		authz.ReviewDept: model.OrgCity,
		authz.OfficeWork: model.OrgOffice,
	}[p], model.RoleHandler
	if p == authz.Apply {
		role = model.RoleApplicant
	}
	return model.Actor{UserID: 7, Name: "测试", OrgID: 3, OrgKind: kind, Roles: []model.Role{role}}
}

var (
	applicant = wfActor(authz.Apply)
	unitStaff = wfActor(authz.ReviewUnit)
	deptStaff = wfActor(authz.ReviewDept)
	office    = wfActor(authz.OfficeWork)
)

// wfPersonas is every role in every kind of organisation, signed in, plus the public.
func wfPersonas() []model.Actor {
	ps := authz.Personas()
	for i := range ps {
		if len(ps[i].Roles) > 0 {
			ps[i].UserID = int64(100 + i)
		}
	}
	return ps
}

func wfName(a model.Actor) string {
	if len(a.Roles) == 0 {
		return "public"
	}
	return fmt.Sprintf("%s@%s", a.Roles[0], a.OrgKind)
}

// wfRefusals lists the refusals in err.
func wfRefusals(err error) []*model.Error {
	var es model.Errors
	if errors.As(err, &es) {
		return es
	}
	if e, ok := model.AsError(err); ok {
		return []*model.Error{e}
	}
	return nil
}

// wfRefused fails unless err refuses with rule (and kind, when not empty), and returns that
// refusal.
func wfRefused(t *testing.T, err error, kind model.Kind, rule string) *model.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want refusal %s %s", kind, rule)
	}
	rs := wfRefusals(err)
	if len(rs) == 0 {
		t.Fatalf("refusal %v is not a *model.Error", err)
	}
	for _, e := range rs {
		if e.Rule == rule && (kind == "" || e.Kind == kind) {
			if e.Message == "" {
				t.Errorf("refusal %v has no message", e)
			}
			return e
		}
	}
	t.Fatalf("refusal %v, want %s %s", err, kind, rule)
	return nil
}

func wfDecide(t *testing.T, c rules.Case, a model.Actor, action rules.Action) rules.Transition {
	t.Helper()
	tr, err := rules.Decide(c, a, action)
	if err != nil {
		t.Fatalf("%s from %s by %s: %v", action, c.Status, wfName(a), err)
	}
	return tr
}

var wfRuleID = regexp.MustCompile(`^R-[A-Z]+-\d{2}$`)

var wfStatuses = []model.AppStatus{
	model.StatusDraft, model.StatusSubmitted, model.StatusReturned, model.StatusWithdrawn,
	model.StatusUnitPublicity, model.StatusRecommended, model.StatusDeptReview, model.StatusPrelimReview,
	model.StatusPrelimPassed, model.StatusNotRecommended, model.StatusRejected, model.StatusCancelledFraud,
	model.StatusLapsed,
}

// The table itself: every row well formed, one row per (state, action), every state reachable
// from the draft, nothing leaving an end, every non-end state with a way on.
func TestWorkflow_tableWellFormed(t *testing.T) {
	rows := rules.Transitions()
	if len(rows) == 0 {
		t.Fatal("empty table")
	}
	seen := map[string]bool{}
	from := map[model.AppStatus]bool{}
	for _, r := range rows {
		key := string(r.From) + " " + string(r.Action)
		if seen[key] {
			t.Errorf("two rows for %s", key)
		}
		seen[key], from[r.From] = true, true
		switch {
		case !r.From.Valid():
			t.Errorf("%s: unknown from state", key)
		case rules.IsEnd(r.From):
			t.Errorf("%s: leaves an end state", key)
		case !r.Action.Valid():
			t.Errorf("%s: unknown action", key)
		case r.Label == "" || r.Label == string(r.Action):
			t.Errorf("%s: no Chinese label", key)
		case !wfRuleID.MatchString(r.Rule):
			t.Errorf("%s: rule %q is not a SPEC id", key, r.Rule)
		case !authz.Known(r.Perm) || r.Perm == authz.Public || r.Perm == authz.SignedIn || r.Perm == authz.Anonymous:
			t.Errorf("%s: permission %q", key, r.Perm)
		case r.Window != "" && !slices.Contains(model.WindowKinds, r.Window):
			t.Errorf("%s: unknown window %q", key, r.Window)
		case r.Deadline && r.Window == "":
			t.Errorf("%s: deadline without a window", key)
		case (r.Next == nil) == (r.To == ""), (r.Next == nil) != (len(r.Targets) == 0):
			t.Errorf("%s: exactly one of To and Next+Targets must be set", key)
		}
		for _, d := range r.Destinations() {
			if !d.Valid() {
				t.Errorf("%s: unknown destination %q", key, d)
			}
		}
		names := map[string]bool{}
		for _, g := range r.Guards {
			if g.Name == "" || names[g.Name] || g.Check == nil || !wfRuleID.MatchString(g.Rule) {
				t.Errorf("%s: guard %+v malformed or repeated", key, g.Name)
			}
			names[g.Name] = true
		}
	}
	reach := map[model.AppStatus]bool{model.StatusDraft: true}
	for queue := []model.AppStatus{model.StatusDraft}; len(queue) > 0; queue = queue[1:] {
		for _, r := range rows {
			if r.From != queue[0] {
				continue
			}
			for _, d := range r.Destinations() {
				if !reach[d] {
					reach[d] = true
					queue = append(queue, d)
				}
			}
		}
	}
	for _, s := range wfStatuses {
		if !reach[s] {
			t.Errorf("%s (%s) is not reachable from the draft", s, s.Label())
		}
		if !rules.IsEnd(s) && !from[s] {
			t.Errorf("%s (%s) has no row: the application would be stuck", s, s.Label())
		}
		if !s.Valid() || s.Label() == string(s) {
			t.Errorf("%s has no Chinese label", s)
		}
	}
}

func TestWorkflow_transitionsIsACopy(t *testing.T) {
	a := rules.Transitions()
	before := len(a[0].Guards)
	a[0].From, a[0].Guards[0].Name, a[0].Guards = "x", "changed", nil
	for i := range a {
		if len(a[i].Targets) > 0 {
			a[i].Targets[0] = "x"
		}
	}
	b := rules.Transitions()
	if b[0].From == "x" || len(b[0].Guards) != before || b[0].Guards[0].Name == "changed" {
		t.Fatal("changing the copy changed the table")
	}
	for _, r := range b {
		if slices.Contains(r.Targets, "x") {
			t.Fatal("changing a copy's targets changed the table")
		}
	}
}

// DESIGN: "a test walks every row". For each row: with its guards satisfied the right actor is
// accepted and led to one of the row's destinations, and the UI offers the button; each guard
// broken alone refuses with its rule; outside the row's window it is refused.
func TestWorkflow_walkEveryRow(t *testing.T) {
	for _, row := range rules.Transitions() {
		t.Run(string(row.From)+"/"+string(row.Action), func(t *testing.T) {
			c := wfRowCase(t, row)
			who := wfActor(row.Perm)
			got := wfDecide(t, c, who, row.Action)
			if !slices.Contains(row.Destinations(), got.To) {
				t.Errorf("led to %q, not one of %v", got.To, row.Destinations())
			}
			if row.Stays() && got.To != row.From {
				t.Errorf("a fact row moved the application to %s", got.To)
			}
			if got.To == model.StatusDeptReview && (got.Level < 1 || got.Level > c.ChainLength) {
				t.Errorf("dept_review at level %d of %d", got.Level, c.ChainLength)
			}
			if got.To != model.StatusDeptReview && got.Level != 0 {
				t.Errorf("level %d outside department review", got.Level)
			}
			if !slices.ContainsFunc(rules.Allowed(c, who), func(a rules.Transition) bool { return a.Action == row.Action }) {
				t.Errorf("Allowed does not offer %s", row.Action)
			}

			for _, g := range row.Guards {
				br, ok := wfBreak[g.Name]
				if !ok {
					t.Fatalf("guard %q has no breaker in wfBreak: add one", g.Name)
				}
				bc := wfRowCase(t, row)
				br(&bc)
				_, err := rules.Decide(bc, who, row.Action)
				want := g.Rule
				if g.Name == "ready_to_submit" {
					want = "R-APP-07" // the findings speak for themselves (R-ELG-10)
				}
				e := wfRefused(t, err, "", want)
				if g.Name != "ready_to_submit" && e.Fix == "" {
					t.Errorf("guard %s refuses without saying what would satisfy it", g.Name)
				}
				// The UI leaves input guards to the form behind the button.
				opts := rules.Available(bc, who)
				i := slices.IndexFunc(opts, func(o rules.Option) bool { return o.Action == row.Action })
				if i < 0 {
					t.Fatalf("Available does not list %s", row.Action)
				}
				if g.Input != (opts[i].Err == nil) {
					t.Errorf("guard %s broken: Available error %v (input guard: %v)", g.Name, opts[i].Err, g.Input)
				}
			}

			if row.Window == "" {
				return
			}
			w, ok := c.Plan.Window(row.Window)
			if !ok {
				t.Fatalf("plan lacks window %s", row.Window)
			}
			late := c
			late.Now = w.End
			_, err := rules.Decide(late, who, row.Action)
			wfRefused(t, err, model.KindClosed, "R-CAL-02")
			early := c
			early.Now = w.Start.Add(-time.Millisecond)
			_, err = rules.Decide(early, who, row.Action)
			if row.Deadline {
				if err != nil {
					t.Errorf("before the window opens, a deadline-only step must be accepted (R-FLOW-02): %v", err)
				}
			} else {
				wfRefused(t, err, model.KindClosed, "R-CAL-01")
			}
		})
	}
}

// R-ORG-02 through the table: for every row, every role in every kind of organisation that
// does not hold the row's permission is refused (KindForbidden), and every one that does is
// accepted; nobody is offered a button of another role.
func TestR_ORG_02_wrongRoleRefusedEveryRow(t *testing.T) {
	for _, row := range rules.Transitions() {
		c := wfRowCase(t, row)
		for _, p := range wfPersonas() {
			_, err := rules.Decide(c, p, row.Action)
			if authz.Allowed(p, row.Perm) {
				if err != nil {
					t.Errorf("%s/%s by %s: %v", row.From, row.Action, wfName(p), err)
				}
				continue
			}
			if model.KindOf(err) != model.KindForbidden {
				t.Errorf("%s/%s by %s: got %v, want forbidden", row.From, row.Action, wfName(p), err)
			}
			for _, o := range rules.Available(c, p) {
				if o.Action == row.Action {
					t.Errorf("%s/%s offered to %s", row.From, row.Action, wfName(p))
				}
			}
		}
	}
}

// The UI shows exactly what the table allows: for every state and every persona, an option is
// enabled exactly when Decide (with the input filled) accepts it, and the options are exactly
// the rows of the state the persona may take.
func TestWorkflow_availableAgreesWithDecide(t *testing.T) {
	variants := map[string]func(*rules.Case){
		"baseline":          func(*rules.Case) {},
		"fraud proposed":    func(c *rules.Case) { c.FraudProposed = true },
		"originals pending": func(c *rules.Case) { c.OriginalsPending = true },
		"objection open":    func(c *rules.Case) { c.OpenObjections = 1 },
		"review closed":     func(c *rules.Case) { c.Now = wfAt(2024, 11, 5, 0, 0) },
		"last level":        func(c *rules.Case) { c.ChainLevel = 2 },
	}
	for _, s := range wfStatuses {
		for vn, v := range variants {
			c := wfCase(t, s)
			v(&c)
			for _, p := range wfPersonas() {
				opts := rules.Available(c, p)
				var want []rules.Action
				for _, r := range rules.Transitions() {
					if r.From == s && authz.Allowed(p, r.Perm) {
						want = append(want, r.Action)
					}
				}
				var gotActions []rules.Action
				for _, o := range opts {
					gotActions = append(gotActions, o.Action)
					d, err := rules.Decide(c, p, o.Action)
					if (err == nil) != (o.Err == nil) {
						t.Errorf("%s %s %s/%s: Available error %v, Decide error %v", vn, wfName(p), s, o.Action, o.Err, err)
					}
					if err == nil && (d.To != o.To || d.Level != o.Level) {
						t.Errorf("%s %s %s/%s: Available leads to %s@%d, Decide to %s@%d", vn, wfName(p), s, o.Action, o.To, o.Level, d.To, d.Level)
					}
				}
				if !slices.Equal(gotActions, want) {
					t.Errorf("%s %s in %s: options %v, want %v", vn, wfName(p), s, gotActions, want)
				}
			}
		}
	}
}

func TestWorkflow_refusalsName(t *testing.T) {
	c := wfCase(t, model.StatusUnitPublicity)
	_, err := rules.Decide(c, unitStaff, "fly")
	if e := wfRefused(t, err, model.KindInvalid, ""); !strings.Contains(e.Message, "fly") {
		t.Errorf("unknown action message %q", e.Message)
	}
	_, err = rules.Decide(c, deptStaff, rules.ActDeptPass)
	e := wfRefused(t, err, model.KindConflict, "")
	if !strings.Contains(e.Message, "当前状态“单位公示中”不能审核通过") || !strings.Contains(e.Fix, "推荐上报") {
		t.Errorf("wrong-state refusal %q / %q", e.Message, e.Fix)
	}
	for _, s := range []model.AppStatus{model.StatusWithdrawn, model.StatusNotRecommended, model.StatusRejected, model.StatusCancelledFraud, model.StatusLapsed} {
		_, err := rules.Decide(wfCase(t, s), office, rules.ActConfirmFraud)
		if e := wfRefused(t, err, model.KindConflict, ""); !strings.Contains(e.Message, "申报已结束") {
			t.Errorf("%s: %q", s, e.Message)
		}
		if len(rules.Available(wfCase(t, s), office)) != 0 {
			t.Errorf("%s: an end state offers actions", s)
		}
	}
	_, err = rules.Decide(c, applicant, rules.ActRecommend)
	if e := wfRefused(t, err, model.KindForbidden, "R-ORG-02"); !strings.Contains(e.Fix, "用人单位") {
		t.Errorf("forbidden fix %q should name who may", e.Fix)
	}
}

// R-CAL-04 / R-FLOW-01 / R-ELG-08: the publicity period in working days.
func TestR_FLOW_01_publicityEnd(t *testing.T) {
	cal := wfCalendar(t)
	pol := presets.DefaultPolicy()
	six := pol
	six.PublicityWorkdays = 6
	tests := []struct {
		name  string
		start time.Time
		typ   model.AppType
		scope model.Scope
		pol   model.Policy
		want  time.Time
	}{
		// 09-27, 09-29 (adjusted Sunday), 09-30, 10-08, 10-09 (R-CAL-04's example).
		{"5 days across National Day", wfAt(2024, 9, 27, 9, 30), model.AppNormal, model.ScopeProvince, pol, wfAt(2024, 10, 10, 0, 0)},
		{"the starting day counts at any hour", wfAt(2024, 9, 27, 23, 0), model.AppNormal, model.ScopeProvince, pol, wfAt(2024, 10, 10, 0, 0)},
		// 10-08, 10-09, 10-10, 10-11, 10-12 (adjusted Saturday).
		{"started on a holiday", wfAt(2024, 10, 1, 10, 0), model.AppNormal, model.ScopeProvince, pol, wfAt(2024, 10, 13, 0, 0)},
		// … 10-09, 10-10, 10-11: 7 days.
		{"exceptional: longer", wfAt(2024, 9, 27, 9, 0), model.AppExceptional, model.ScopeProvince, pol, wfAt(2024, 10, 12, 0, 0)},
		{"grassroots: longer", wfAt(2024, 9, 27, 9, 0), model.AppNormal, model.ScopeGrassroots, pol, wfAt(2024, 10, 12, 0, 0)},
		{"the plan's number", wfAt(2024, 9, 27, 9, 0), model.AppNormal, model.ScopeProvince, six, wfAt(2024, 10, 11, 0, 0)},
		{"an instant given in UTC", time.Date(2024, 9, 27, 1, 0, 0, 0, time.UTC), model.AppNormal, model.ScopeProvince, pol, wfAt(2024, 10, 10, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rules.PublicityEnd(cal, tt.start, tt.typ, tt.scope, tt.pol)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ends %s, want %s", rules.FormatEnd(got), rules.FormatEnd(tt.want))
			}
		})
	}
	if _, err := rules.PublicityEnd(nil, wfAt(2024, 9, 27, 9, 0), model.AppNormal, model.ScopeProvince, pol); err == nil {
		t.Error("no calendar: accepted")
	}
	_, err := rules.PublicityEnd(cal, wfAt(2030, 9, 27, 9, 0), model.AppNormal, model.ScopeProvince, pol)
	wfRefused(t, err, model.KindInvalid, "R-CAL-04")
}

// R-FLOW-01: a publicity started on Friday 2024-09-27 runs over National Day and ends at
// 2024-10-09 24:00; the unit may recommend from that instant, not before.
func TestR_FLOW_01_recommendAfterPublicityAcrossHoliday(t *testing.T) {
	cal := wfCalendar(t)
	c := wfCase(t, model.StatusUnitPublicity)
	end, err := rules.PublicityEnd(cal, wfAt(2024, 9, 27, 9, 30), c.AppType, c.Scope, c.Plan.Policy)
	if err != nil {
		t.Fatal(err)
	}
	c.PublicityEnds = end
	for _, now := range []time.Time{wfAt(2024, 10, 3, 10, 0), wfAt(2024, 10, 9, 15, 0), end.Add(-time.Millisecond)} {
		c.Now = now
		_, err := rules.Decide(c, unitStaff, rules.ActRecommend)
		e := wfRefused(t, err, model.KindConflict, "R-FLOW-01")
		if want := "公示期至 2024-10-09 24:00 结束，之后方可推荐"; e.Message != want {
			t.Errorf("at %s: %q, want %q", rules.FormatStart(now), e.Message, want)
		}
		if slices.ContainsFunc(rules.Allowed(c, unitStaff), func(tr rules.Transition) bool { return tr.Action == rules.ActRecommend }) {
			t.Errorf("at %s: the recommend button is enabled", rules.FormatStart(now))
		}
	}
	for _, now := range []time.Time{end, wfAt(2024, 10, 10, 9, 0)} {
		c.Now = now
		if got := wfDecide(t, c, unitStaff, rules.ActRecommend); got.To != model.StatusRecommended {
			t.Errorf("at %s: to %s", rules.FormatStart(now), got.To)
		}
	}
	// An exceptional application publicizes 7 working days: still refused on 10-10.
	c.AppType, c.Now = model.AppExceptional, wfAt(2024, 10, 10, 9, 0)
	if c.PublicityEnds, err = rules.PublicityEnd(cal, wfAt(2024, 9, 27, 9, 30), c.AppType, c.Scope, c.Plan.Policy); err != nil {
		t.Fatal(err)
	}
	_, err = rules.Decide(c, unitStaff, rules.ActRecommend)
	wfRefused(t, err, model.KindConflict, "R-FLOW-01")
	// Never started.
	c.PublicityEnds = time.Time{}
	_, err = rules.Decide(c, unitStaff, rules.ActRecommend)
	if e := wfRefused(t, err, model.KindConflict, "R-FLOW-01"); !strings.Contains(e.Fix, "7 个工作日") {
		t.Errorf("fix %q should name the 7 working days of an exceptional application", e.Fix)
	}
}

// R-FLOW-01: the unit recommends only with its own documents uploaded; the refusal names
// the ones missing and what to do, and the button is disabled with the same words. One
// missing is refused; both present is allowed.
func TestR_FLOW_01_unitReportsBeforeRecommend(t *testing.T) {
	c := wfCase(t, model.StatusUnitPublicity)
	for _, tt := range []struct {
		missing []string
		want    string // in the message; "" when allowed
	}{
		{[]string{"推荐报告", "公示报告及公示照片"}, "尚未上传单位出具的推荐报告、公示报告及公示照片"},
		{[]string{"推荐报告"}, "尚未上传单位出具的推荐报告，"},
		{[]string{"公示报告及公示照片"}, "尚未上传单位出具的公示报告及公示照片，"},
		{nil, ""},
	} {
		c.MissingUnitReports = tt.missing
		_, err := rules.Decide(c, unitStaff, rules.ActRecommend)
		offered := slices.ContainsFunc(rules.Allowed(c, unitStaff), func(tr rules.Transition) bool { return tr.Action == rules.ActRecommend })
		if tt.want == "" {
			if err != nil || !offered {
				t.Errorf("with both reports: %v (offered %v)", err, offered)
			}
			continue
		}
		e := wfRefused(t, err, model.KindConflict, "R-FLOW-01")
		if !strings.Contains(e.Message, tt.want) || e.Fix != "请上传单位出具的推荐报告和公示报告（含公示照片）后再推荐上报" {
			t.Errorf("missing %v: %q / %q", tt.missing, e.Message, e.Fix)
		}
		if offered {
			t.Errorf("missing %v: the recommend button is enabled", tt.missing)
		}
	}
}

func TestR_FLOW_01_objectionBlocksRecommend(t *testing.T) {
	c := wfCase(t, model.StatusUnitPublicity)
	c.OpenObjections = 2
	_, err := rules.Decide(c, unitStaff, rules.ActRecommend)
	if e := wfRefused(t, err, model.KindConflict, "R-FLOW-01"); !strings.Contains(e.Message, "2 条异议尚未处理完毕") {
		t.Errorf("message %q", e.Message)
	}
	// Objections are recorded and resolved in publicity; neither moves the application.
	if got := wfDecide(t, c, unitStaff, rules.ActResolveObjection); got.To != model.StatusUnitPublicity {
		t.Errorf("resolving moved it to %s", got.To)
	}
	if got := wfDecide(t, c, unitStaff, rules.ActRecordObjection); got.To != model.StatusUnitPublicity {
		t.Errorf("recording moved it to %s", got.To)
	}
	noText := c
	noText.Reason = ""
	_, err = rules.Decide(noText, unitStaff, rules.ActRecordObjection)
	wfRefused(t, err, model.KindInvalid, "R-FLOW-01")
	// Publicity not over and objections open: both reported at once.
	both := c
	both.PublicityEnds = c.Now.Add(24 * time.Hour)
	_, err = rules.Decide(both, unitStaff, rules.ActRecommend)
	if rs := wfRefusals(err); len(rs) != 2 {
		t.Errorf("want both refusals, got %v", err)
	}
	// An objection that holds: the unit returns the application or does not recommend it.
	wfDecide(t, c, unitStaff, rules.ActUnitReturn)
	wfDecide(t, c, unitStaff, rules.ActUnitNotRecommend)
	c.OpenObjections = 0
	wfDecide(t, c, unitStaff, rules.ActRecommend)
	_, err = rules.Decide(c, unitStaff, rules.ActResolveObjection)
	wfRefused(t, err, model.KindConflict, "R-FLOW-01")
	// A late objection after recommending: the unit recalls the recommendation until the
	// department takes it.
	rc := wfCase(t, model.StatusRecommended)
	if got := wfDecide(t, rc, unitStaff, rules.ActUnitRecall); got.To != model.StatusUnitPublicity {
		t.Errorf("recall led to %s", got.To)
	}
	_, err = rules.Decide(wfCase(t, model.StatusDeptReview), unitStaff, rules.ActUnitRecall)
	wfRefused(t, err, model.KindConflict, "")
}

// R-FLOW-02: units and departments review as applications arrive, before the review window
// opens, but nothing after it closes (R-CAL-02); a plan without the window refuses.
func TestR_FLOW_02_reviewAsTheyArrive(t *testing.T) {
	c := wfCase(t, model.StatusSubmitted)
	c.Now = wfAt(2024, 9, 20, 10, 0)
	if got := wfDecide(t, c, unitStaff, rules.ActStartPublicity); got.To != model.StatusUnitPublicity {
		t.Errorf("to %s", got.To)
	}
	c.Now = wfAt(2024, 11, 4, 23, 59)
	wfDecide(t, c, unitStaff, rules.ActStartPublicity)
	c.Now = wfAt(2024, 11, 5, 0, 0)
	_, err := rules.Decide(c, unitStaff, rules.ActStartPublicity)
	if e := wfRefused(t, err, model.KindClosed, "R-CAL-02"); !strings.Contains(e.Message, "2024-11-04 24:00 截止") {
		t.Errorf("message %q", e.Message)
	}
	c.Now = wfAt(2024, 10, 25, 10, 0)
	c.Plan.Windows = slices.DeleteFunc(slices.Clone(c.Plan.Windows), func(w model.PlanWindow) bool { return w.Kind == model.WindowUnitReview })
	_, err = rules.Decide(c, unitStaff, rules.ActStartPublicity)
	wfRefused(t, err, model.KindClosed, "R-CAL-01")
}

// R-CAL-02: a submission one millisecond late is refused; the window is the applicant's.
func TestR_CAL_02_submitWindow(t *testing.T) {
	c := wfCase(t, model.StatusDraft)
	c.Now = wfAt(2024, 10, 21, 0, 0).Add(-time.Millisecond)
	if got := wfDecide(t, c, applicant, rules.ActSubmit); got.To != model.StatusSubmitted {
		t.Errorf("to %s", got.To)
	}
	c.Now = wfAt(2024, 10, 21, 0, 0)
	_, err := rules.Decide(c, applicant, rules.ActSubmit)
	wfRefused(t, err, model.KindClosed, "R-CAL-02")
	c.Now = wfAt(2024, 9, 10, 23, 0)
	_, err = rules.Decide(c, applicant, rules.ActSubmit)
	wfRefused(t, err, model.KindClosed, "R-CAL-01")
	// All pre-submit findings come back at once (R-ELG-10).
	c.Now = wfAt(2024, 10, 1, 9, 0)
	c.Findings = model.Errors{
		{Kind: model.KindInvalid, Rule: "R-APP-07", Message: "小结超过 800 字"},
		{Kind: model.KindInvalid, Rule: "R-APP-03", Message: "尚未签署诚信承诺书"},
	}
	_, err = rules.Decide(c, applicant, rules.ActSubmit)
	if rs := wfRefusals(err); len(rs) != 2 {
		t.Errorf("want both findings, got %v", err)
	}
}

func TestR_FLOW_03_returnNeedsItems(t *testing.T) {
	long := strings.Repeat("字", rules.ReturnItemMaxRunes+1)
	tests := []struct {
		name  string
		items []rules.ReturnItem
		bad   int // refusals expected; 0 = accepted
		msg   string
	}{
		{"no items", nil, 1, "当前一条也没有"},
		{"empty text", []rules.ReturnItem{{Module: 3, Text: "  "}}, 1, "第 1 条未填写说明"},
		{"not tied to anything", []rules.ReturnItem{{Text: "材料不全"}}, 1, "未注明所涉及的模块、材料或栏目"},
		{"unknown module", []rules.ReturnItem{{Module: 7, Text: "材料不全"}}, 1, "模块 7 不存在"},
		{"too long", []rules.ReturnItem{{Module: 5, Text: long}}, 1, "超过 500 字"},
		{"two bad of three, all listed", []rules.ReturnItem{
			{Module: 4, Slot: "papers/p1/cover", Text: "封面不清晰"}, {Text: "x"}, {Field: "summary"},
		}, 2, "第 2 条"},
		{"a module", []rules.ReturnItem{{Module: 3, Text: "缺少2022年度考核结果"}}, 0, ""},
		{"an upload slot", []rules.ReturnItem{{Slot: "basic/photo", Text: "照片不是2寸彩色证件照"}}, 0, ""},
		{"a field", []rules.ReturnItem{{Field: "basic.career_start", Text: "参加工作时间与档案不符"}}, 0, ""},
		// The unit's own reports: the applicant could change nothing there (R-APP-08).
		{"a unit's report", []rules.ReturnItem{{Module: 1, Slot: "basic/recommendation", Text: "推荐报告未盖章"}}, 1, "第 1 条所注材料由申报单位出具并上传"},
	}
	for _, who := range []struct {
		from   model.AppStatus
		actor  model.Actor
		action rules.Action
	}{
		{model.StatusSubmitted, unitStaff, rules.ActUnitReturn},
		{model.StatusUnitPublicity, unitStaff, rules.ActUnitReturn},
		{model.StatusDeptReview, deptStaff, rules.ActDeptReturn},
	} {
		for _, tt := range tests {
			t.Run(string(who.action)+"/"+string(who.from)+"/"+tt.name, func(t *testing.T) {
				c := wfCase(t, who.from)
				c.Items = tt.items
				c.UnitSlots = []string{"basic/recommendation", "moral/publicity"}
				got, err := rules.Decide(c, who.actor, who.action)
				if tt.bad == 0 {
					if err != nil {
						t.Fatal(err)
					}
					if got.To != model.StatusReturned {
						t.Errorf("to %s", got.To)
					}
					if st := c.Stage(); st.Status != who.from {
						t.Errorf("stage to record %v", st)
					}
					return
				}
				rs := wfRefusals(err)
				if len(rs) != tt.bad {
					t.Fatalf("refusals %v, want %d", err, tt.bad)
				}
				e := wfRefused(t, err, model.KindInvalid, "R-FLOW-03")
				if !strings.Contains(e.Message, tt.msg) {
					t.Errorf("message %q, want %q", e.Message, tt.msg)
				}
				// The button stays: the list is typed in the form behind it.
				if !slices.ContainsFunc(rules.Allowed(c, who.actor), func(tr rules.Transition) bool { return tr.Action == who.action }) {
					t.Error("the return button is hidden")
				}
			})
		}
	}
}

func TestR_FLOW_04_fourthReturnRefused(t *testing.T) {
	c := wfCase(t, model.StatusDeptReview)
	for n := range 3 {
		c.DeptReturns = n
		wfDecide(t, c, deptStaff, rules.ActDeptReturn)
	}
	c.DeptReturns = 3
	_, err := rules.Decide(c, deptStaff, rules.ActDeptReturn)
	if e := wfRefused(t, err, model.KindConflict, "R-FLOW-04"); e.Message != "已退回 3 次，按规定不能再次退回" {
		t.Errorf("message %q", e.Message)
	}
	opts := rules.Available(c, deptStaff)
	for _, o := range opts {
		if o.Action == rules.ActDeptReturn && o.Err == nil {
			t.Error("the fourth return is offered")
		}
	}
	// The department can still pass it on.
	wfDecide(t, c, deptStaff, rules.ActDeptPass)
	// The plan's limit; unset means 3.
	c.Plan.Policy.DeptReturnLimit = 2
	c.DeptReturns = 2
	_, err = rules.Decide(c, deptStaff, rules.ActDeptReturn)
	wfRefused(t, err, model.KindConflict, "R-FLOW-04")
	c.Plan.Policy.DeptReturnLimit = 0
	wfDecide(t, c, deptStaff, rules.ActDeptReturn)
	// Unit returns are not department returns.
	u := wfCase(t, model.StatusSubmitted)
	u.DeptReturns = 5
	wfDecide(t, u, unitStaff, rules.ActUnitReturn)
}

func TestR_FLOW_05_originals(t *testing.T) {
	for _, at := range []struct {
		status model.AppStatus
		actor  model.Actor
		pass   rules.Action
	}{
		{model.StatusDeptReview, deptStaff, rules.ActDeptPass},
		{model.StatusPrelimReview, office, rules.ActPrelimPass},
	} {
		t.Run(string(at.status), func(t *testing.T) {
			c := wfCase(t, at.status)
			c.ChainLevel = 2
			got := wfDecide(t, c, at.actor, rules.ActRequestOriginals)
			if got.To != at.status || (at.status == model.StatusDeptReview && got.Level != 2) {
				t.Errorf("requesting originals moved it to %s@%d", got.To, got.Level)
			}
			_, err := rules.Decide(c, at.actor, rules.ActRecordOriginals)
			wfRefused(t, err, model.KindConflict, "R-FLOW-05")

			c.OriginalsPending = true
			_, err = rules.Decide(c, at.actor, at.pass)
			wfRefused(t, err, model.KindConflict, "R-FLOW-05")
			_, err = rules.Decide(c, at.actor, rules.ActRequestOriginals)
			wfRefused(t, err, model.KindConflict, "R-FLOW-05")
			noResult := c
			noResult.Reason = ""
			_, err = rules.Decide(noResult, at.actor, rules.ActRecordOriginals)
			wfRefused(t, err, model.KindInvalid, "R-FLOW-05")
			wfDecide(t, c, at.actor, rules.ActRecordOriginals)
			if at.status == model.StatusDeptReview {
				wfDecide(t, c, at.actor, rules.ActDeptReturn) // a mismatch may be returned at once
			}
			c.OriginalsPending = false
			wfDecide(t, c, at.actor, at.pass)
		})
	}
}

// R-FLOW-06: the chain is configuration; the application climbs it level by level and goes
// to the office after the last.
func TestR_FLOW_06_chainLevels(t *testing.T) {
	c := wfCase(t, model.StatusUnitPublicity)
	c.ChainLength = 2
	got := wfDecide(t, c, unitStaff, rules.ActRecommend)
	if got.To != model.StatusRecommended {
		t.Fatalf("recommend to %s", got.To)
	}
	c.Status = got.To
	got = wfDecide(t, c, deptStaff, rules.ActDeptAccept)
	if got.To != model.StatusDeptReview || got.Level != 1 {
		t.Fatalf("accept to %s@%d, want dept_review@1", got.To, got.Level)
	}
	c.Status, c.ChainLevel = got.To, got.Level
	got = wfDecide(t, c, deptStaff, rules.ActDeptPass)
	if got.To != model.StatusDeptReview || got.Level != 2 {
		t.Fatalf("pass at 1 to %s@%d, want dept_review@2", got.To, got.Level)
	}
	c.Status, c.ChainLevel = got.To, got.Level
	got = wfDecide(t, c, deptStaff, rules.ActDeptPass)
	if got.To != model.StatusPrelimReview || got.Level != 0 {
		t.Fatalf("pass at the last level to %s@%d, want prelim_review", got.To, got.Level)
	}
	c.Status = got.To
	if got = wfDecide(t, c, office, rules.ActPrelimPass); got.To != model.StatusPrelimPassed {
		t.Errorf("prelim pass to %s", got.To)
	}
	if got = wfDecide(t, c, office, rules.ActPrelimReject); got.To != model.StatusRejected {
		t.Errorf("prelim reject to %s", got.To)
	}
	noReason := c
	noReason.Reason = ""
	_, err := rules.Decide(noReason, office, rules.ActPrelimReject)
	wfRefused(t, err, model.KindInvalid, "R-ELG-10")

	one := wfCase(t, model.StatusDeptReview)
	one.ChainLength, one.ChainLevel = 1, 1
	if got := wfDecide(t, one, deptStaff, rules.ActDeptPass); got.To != model.StatusPrelimReview {
		t.Errorf("one-level chain: to %s", got.To)
	}
	for _, lvl := range []int{0, 3} {
		bad := wfCase(t, model.StatusDeptReview)
		bad.ChainLevel = lvl
		_, err := rules.Decide(bad, deptStaff, rules.ActDeptPass)
		wfRefused(t, err, model.KindConflict, "R-FLOW-06")
	}
	none := wfCase(t, model.StatusUnitPublicity)
	none.ChainLength = 0
	_, err = rules.Decide(none, unitStaff, rules.ActRecommend)
	wfRefused(t, err, model.KindConflict, "R-FLOW-06")
}

// SPEC §5: "applicant resubmits to the same step".
func TestR_APP_05_resubmitGoesBackToTheReturningStep(t *testing.T) {
	tests := []struct {
		name  string
		from  rules.Stage
		to    rules.Stage
		wantR string // refusal rule, "" if accepted
	}{
		{"unit review", rules.Stage{Status: model.StatusSubmitted}, rules.Stage{Status: model.StatusSubmitted}, ""},
		{"unit publicity: publicize again", rules.Stage{Status: model.StatusUnitPublicity}, rules.Stage{Status: model.StatusSubmitted}, ""},
		{"department level 1", rules.Stage{Status: model.StatusDeptReview, Level: 1}, rules.Stage{Status: model.StatusDeptReview, Level: 1}, ""},
		{"department level 2", rules.Stage{Status: model.StatusDeptReview, Level: 2}, rules.Stage{Status: model.StatusDeptReview, Level: 2}, ""},
		{"a level the chain no longer has", rules.Stage{Status: model.StatusDeptReview, Level: 3}, rules.Stage{}, "R-APP-05"},
		{"unknown", rules.Stage{}, rules.Stage{}, "R-APP-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := wfCase(t, model.StatusReturned)
			c.ReturnedFrom = tt.from
			c.ChainLevel = 0 // the level of a returned case is in ReturnedFrom
			got, err := rules.Decide(c, applicant, rules.ActResubmit)
			if tt.wantR != "" {
				wfRefused(t, err, model.KindConflict, tt.wantR)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (rules.Stage{Status: got.To, Level: got.Level}) != tt.to {
				t.Errorf("to %s@%d, want %v", got.To, got.Level, tt.to)
			}
		})
	}
	// The whole round: a department at level 2 returns, the applicant resubmits, level 2 again.
	c := wfCase(t, model.StatusDeptReview)
	c.ChainLevel = 2
	wfDecide(t, c, deptStaff, rules.ActDeptReturn)
	r := wfCase(t, model.StatusReturned)
	r.ReturnedFrom, r.DeptReturns = c.Stage(), 1
	if got := wfDecide(t, r, applicant, rules.ActResubmit); got.To != model.StatusDeptReview || got.Level != 2 {
		t.Errorf("round trip to %s@%d", got.To, got.Level)
	}
	// After the application window, until review closes.
	r.Now = wfAt(2024, 11, 1, 10, 0)
	wfDecide(t, r, applicant, rules.ActResubmit)
	r.Now = wfAt(2024, 11, 5, 0, 0)
	_, err := rules.Decide(r, applicant, rules.ActResubmit)
	wfRefused(t, err, model.KindClosed, "R-CAL-02")
	// The form must pass the pre-submit checks again.
	r.Now = wfAt(2024, 11, 1, 10, 0)
	r.Findings = model.Errors{{Kind: model.KindInvalid, Rule: "R-APP-07", Message: "小结超过 800 字"}}
	_, err = rules.Decide(r, applicant, rules.ActResubmit)
	wfRefused(t, err, model.KindInvalid, "R-APP-07")
}

// The applicant withdraws only while the unit has not acted on the submission.
func TestR_APP_05_withdrawOnlyBeforeTheUnitActs(t *testing.T) {
	c := wfCase(t, model.StatusSubmitted)
	if got := wfDecide(t, c, applicant, rules.ActWithdraw); got.To != model.StatusWithdrawn {
		t.Errorf("to %s", got.To)
	}
	// Even after the windows: giving up needs none.
	c.Now = wfAt(2024, 12, 1, 10, 0)
	wfDecide(t, c, applicant, rules.ActWithdraw)
	_, err := rules.Decide(c, unitStaff, rules.ActWithdraw)
	wfRefused(t, err, model.KindForbidden, "R-ORG-02")
	for _, s := range wfStatuses {
		if s == model.StatusSubmitted {
			continue
		}
		_, err := rules.Decide(wfCase(t, s), applicant, rules.ActWithdraw)
		if e := wfRefused(t, err, model.KindConflict, ""); !strings.Contains(e.Message, "不能撤回申报") && !strings.Contains(e.Message, "申报已结束") {
			t.Errorf("%s: %q", s, e.Message)
		}
	}
}

// R-ELG-09: a grassroots-scope senior application is recommended only within the unit's 10 %.
func TestR_ELG_09_recommendWithinGrassrootsQuota(t *testing.T) {
	base := wfCase(t, model.StatusUnitPublicity)
	base.Scope = model.ScopeGrassroots
	tests := []struct {
		name  string
		level model.Level
		scope model.Scope
		posts *rules.UnitPosts
		ok    bool
	}{
		{"posts not registered", base.Level, model.ScopeGrassroots, nil, false},
		{"2 of 20 with this one", base.Level, model.ScopeGrassroots, &rules.UnitPosts{ProfessionalPosts: 20, SeniorGrassrootsPosts: 1}, true},
		{"3 of 20 with this one", base.Level, model.ScopeGrassroots, &rules.UnitPosts{ProfessionalPosts: 20, SeniorGrassrootsPosts: 2}, false},
		{"province-wide: no quota", base.Level, model.ScopeProvince, nil, true},
		{"intermediate level: no quota", model.Level{Code: "mid", Name: "中级", Rank: 3}, model.ScopeGrassroots, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			c.Level, c.Scope, c.UnitPosts = tt.level, tt.scope, tt.posts
			_, err := rules.Decide(c, unitStaff, rules.ActRecommend)
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wfRefused(t, err, model.KindInvalid, "R-ELG-09")
		})
	}
}

// R-FLOW-11: the holder proposes, the office confirms or dismisses; meanwhile nothing moves.
func TestR_FLOW_11_fraud(t *testing.T) {
	holders := map[model.AppStatus]model.Actor{
		model.StatusSubmitted:     unitStaff,
		model.StatusUnitPublicity: unitStaff,
		model.StatusRecommended:   deptStaff,
		model.StatusDeptReview:    deptStaff,
		model.StatusPrelimReview:  office,
		model.StatusPrelimPassed:  office,
	}
	for s, holder := range holders {
		t.Run(string(s), func(t *testing.T) {
			c := wfCase(t, s)
			if got := wfDecide(t, c, holder, rules.ActProposeFraud); got.To != s {
				t.Errorf("proposing moved it to %s", got.To)
			}
			noFacts := c
			noFacts.Reason = ""
			_, err := rules.Decide(noFacts, holder, rules.ActProposeFraud)
			wfRefused(t, err, model.KindInvalid, "R-FLOW-11")
			_, err = rules.Decide(c, office, rules.ActConfirmFraud)
			wfRefused(t, err, model.KindConflict, "R-FLOW-11")

			c.FraudProposed = true
			_, err = rules.Decide(c, holder, rules.ActProposeFraud)
			wfRefused(t, err, model.KindConflict, "R-FLOW-11")
			// Nothing that moves the application is enabled, for anyone, except the office's
			// decision.
			for _, p := range wfPersonas() {
				for _, o := range rules.Available(c, p) {
					if o.Err == nil && !o.Stays() && o.Action != rules.ActConfirmFraud {
						t.Errorf("%s may %s while a fraud proposal is pending", wfName(p), o.Action)
					}
				}
			}
			if holder.OrgKind != model.OrgOffice {
				_, err = rules.Decide(c, holder, rules.ActConfirmFraud)
				wfRefused(t, err, model.KindForbidden, "R-ORG-02")
			}
			dismiss := c
			dismiss.Reason = ""
			_, err = rules.Decide(dismiss, office, rules.ActDismissFraud)
			wfRefused(t, err, model.KindInvalid, "R-FLOW-11")
			wfDecide(t, c, office, rules.ActDismissFraud)
			if got := wfDecide(t, c, office, rules.ActConfirmFraud); got.To != model.StatusCancelledFraud {
				t.Errorf("confirm to %s", got.To)
			}
		})
	}
	// A unit cannot propose for an application the departments hold, nor a department for one
	// still at its unit: the holder does.
	_, err := rules.Decide(wfCase(t, model.StatusDeptReview), unitStaff, rules.ActProposeFraud)
	wfRefused(t, err, model.KindForbidden, "R-ORG-02")
	_, err = rules.Decide(wfCase(t, model.StatusSubmitted), deptStaff, rules.ActProposeFraud)
	wfRefused(t, err, model.KindForbidden, "R-ORG-02")
	// The applicant cannot withdraw to escape the blacklist.
	c := wfCase(t, model.StatusSubmitted)
	c.FraudProposed = true
	_, err = rules.Decide(c, applicant, rules.ActWithdraw)
	wfRefused(t, err, model.KindConflict, "R-FLOW-11")
}
