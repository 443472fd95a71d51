package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
)

// The workflow table (SPEC §5, DESIGN "The workflow is a table"): every step of the procedure
// from the draft to the office's preliminary qualification review (资格初审), as data. A row
// says, for one (state, action): where the application goes, which permission may take the
// step, the window it must fall in, and the guards that must hold. The services ask Decide
// whether an action is allowed and where it leads; the pages ask Available which buttons to
// show; the tests walk every row. Nothing else in the system may decide a state change.
//
// Decisions this table makes:
//
//   - "submitted" is the unit-review state (单位审核中): the unit has the application from the
//     moment it is submitted until it returns it, refuses to recommend it or starts the
//     publicity. The applicant may withdraw it only there, before the unit has acted.
//   - Units and departments review as applications arrive (随报随审, R-FLOW-02), so their steps
//     are bound only by the end of the unit_review window (Deadline): seed 003's
//     "10月21日0时至11月4日24时" review period does not keep a unit from reviewing on 09-20,
//     but nothing is reviewed after 11-04 24:00 (R-CAL-02). The applicant's resubmission after
//     a return has the same deadline: a return made in the review period is fixed in it. A plan
//     without the window refuses these steps (missing configuration is never read as "open").
//   - Facts that change no state are rows too, with To == From (Stays): recording and
//     resolving publicity objections, requesting and recording the originals, proposing and
//     dismissing a fraud cancellation. Each is audited like a transition; none has a window,
//     since they record what happened whenever it happened.
//   - Checking the originals (查验原件, R-FLOW-05) is a flag of the case, not a state: the
//     application stays at its level; passing it on waits until the result is recorded, a
//     return does not.
//   - "recommended" is the hand-over: the unit has recommended, the first department of the
//     chain has not yet taken it (受理, dept_accept). Until then the unit may recall the
//     recommendation (a late objection, a mistake) and is back in its publicity state; the
//     first department's acceptance starts level 1 of the chain. Later levels receive the
//     application directly from the level below.
//   - A return records the stage it was made in (Case.Stage, kept as Case.ReturnedFrom), and
//     the resubmission goes back there: a unit return (in review or in publicity) to unit
//     review, where the publicity starts again; a department return to the same chain level.
//   - R-FLOW-04 counts the department returns of the application over the whole chain, not per
//     department: the stricter reading of "退回次数不超过3次". Unit returns are not counted.
//     After the last one the department can only pass the application on (or propose a fraud
//     cancellation); qualification is then the office's preliminary review's to judge.
//   - Fraud (R-FLOW-11): the reviewer who holds the application proposes the cancellation
//     with the facts; the office confirms it (→ cancelled_fraud; the blacklisting and the
//     recommending unit are the service's to record) or dismisses it. While a proposal is
//     pending the application moves nowhere (not even a withdrawal, which would dodge the
//     blacklist), though originals may still be checked.
//   - Guards that check what the actor submits with the action (Input: the return list, a
//     reason) are checked by Decide only: Available cannot know what will be typed into the
//     form behind the button.
//   - The review deadline ends what it overtakes (R-CAL-02): an application still submitted,
//     in unit publicity, returned, recommended or in department review when the plan's
//     unit_review window has ended can never move again, so the system lapses it (ActLapse →
//     lapsed, an end). One in the departments' hands lapses also once the committee stops
//     receiving materials (committee_intake), since the last department could no longer pass
//     it on. No person holds the permission (authz.Sweep); a pending fraud proposal is the
//     office's to decide first, and the next sweep lapses the application if it is dismissed.
//     A publicity that would end no earlier than the review deadline is not started: the
//     application could never be recommended.

// Action is a step someone takes on an application.
type Action string

const (
	ActSubmit           Action = "submit"             // 提交申报 (applicant)
	ActWithdraw         Action = "withdraw"           // 撤回申报 (applicant, before the unit acts)
	ActUnitReturn       Action = "unit_return"        // 单位退回修改
	ActUnitNotRecommend Action = "unit_not_recommend" // 单位不予推荐
	ActStartPublicity   Action = "start_publicity"    // 单位审核通过，开始公示
	ActRecordObjection  Action = "record_objection"   // 登记公示异议
	ActResolveObjection Action = "resolve_objection"  // 处理公示异议
	ActRecommend        Action = "recommend"          // 推荐上报
	ActUnitRecall       Action = "unit_recall"        // 撤回推荐 (before the department takes it)
	ActResubmit         Action = "resubmit"           // 修改后重新提交 (applicant)
	ActDeptAccept       Action = "dept_accept"        // 审核部门受理
	ActDeptPass         Action = "dept_pass"          // 审核部门审核通过
	ActDeptReturn       Action = "dept_return"        // 审核部门退回修改
	ActRequestOriginals Action = "request_originals"  // 要求查验原件
	ActRecordOriginals  Action = "record_originals"   // 登记原件查验结果
	ActPrelimPass       Action = "prelim_pass"        // 资格初审通过
	ActPrelimReject     Action = "prelim_reject"      // 资格初审不通过
	ActProposeFraud     Action = "propose_fraud"      // 提请因弄虚作假取消申报资格
	ActConfirmFraud     Action = "confirm_fraud"      // 确认取消申报资格
	ActDismissFraud     Action = "dismiss_fraud"      // 驳回取消申请
	ActLapse            Action = "lapse"              // 逾期终止 (the system, after the review deadline)
)

var actionNames = map[Action]string{
	ActSubmit:           "提交申报",
	ActWithdraw:         "撤回申报",
	ActUnitReturn:       "退回修改",
	ActUnitNotRecommend: "不予推荐",
	ActStartPublicity:   "开始公示",
	ActRecordObjection:  "登记异议",
	ActResolveObjection: "处理异议",
	ActRecommend:        "推荐上报",
	ActUnitRecall:       "撤回推荐",
	ActResubmit:         "重新提交",
	ActDeptAccept:       "受理",
	ActDeptPass:         "审核通过",
	ActDeptReturn:       "退回修改",
	ActRequestOriginals: "要求查验原件",
	ActRecordOriginals:  "登记原件查验结果",
	ActPrelimPass:       "资格初审通过",
	ActPrelimReject:     "资格初审不通过",
	ActProposeFraud:     "提请取消申报资格",
	ActConfirmFraud:     "确认取消申报资格",
	ActDismissFraud:     "驳回取消申请",
	ActLapse:            "逾期终止",
}

// Label is the Chinese name of the action, used in messages.
func (a Action) Label() string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return string(a)
}

// Valid reports whether a is a known action.
func (a Action) Valid() bool { _, ok := actionNames[a]; return ok }

// Stage is a place in the procedure: a state and, in department review, the level of the
// unit's chain (1-based); the level is 0 elsewhere.
type Stage struct {
	Status model.AppStatus
	Level  int
}

// ReturnItem is one entry of the consolidated list a reviewer returns an application with
// (一次性告知, R-FLOW-03), or of the materials whose originals a reviewer asks to see
// (R-FLOW-05). It names where the problem is — a module, an upload slot or a form field, at
// least one — and what is wrong.
type ReturnItem struct {
	Module int    // 1–5: the module of the form (SPEC §4); 0 when Slot or Field says where
	Slot   string // an upload slot key (model.Slot.Key), e.g. "papers/<id>/cover"
	Field  string // a form field path, e.g. "basic.education"
	Text   string // Chinese: what is wrong and what would fix it
}

// ReturnItemMaxRunes bounds one item's text: a problem and its fix, not an essay.
const ReturnItemMaxRunes = 500

// Case is everything the table's guards see: the application's place and facts, the plan,
// the time, and what the actor submits with the action. The caller fills it from the store;
// the table reads it and changes nothing.
type Case struct {
	Status model.AppStatus
	Now    time.Time  // the instant of the action (windows, publicity)
	Plan   model.Plan // windows and policy numbers

	// What is applied for: the level (Plan.Level of the form's level code; Senior decides the
	// grassroots quota), the type and the scope (the publicity length, R-ELG-08).
	Level   model.Level
	AppType model.AppType
	Scope   model.Scope

	// Findings are the pre-submit findings for submit and resubmit: rules.PreSubmit and
	// CheckPledge on the current form (R-ELG-10, R-APP-03). Empty means ready.
	Findings model.Errors

	// Unit publicity (R-FLOW-01): when it ends (zero if not started for this submission; see
	// PublicityEnd) and how many objections received are not yet resolved.
	PublicityEnds  time.Time
	OpenObjections int
	// Calendar is the working-day calendar, for the guard that asks when a publicity started
	// now would end (start_publicity); nil when the caller has not loaded it, and that guard
	// then leaves the question to the step, which computes the end itself.
	Calendar *Calendar
	// UnitPosts is the unit's post count for the grassroots senior quota (R-ELG-09), checked
	// when a grassroots-scope senior application is recommended; nil when not registered.
	UnitPosts *UnitPosts
	// MissingUnitReports names the unit's own documents (model.Slot.ByUnit: the recommendation
	// report, the publicity report with its photos) that have no file yet; the unit uploads
	// them while it reviews and cannot recommend without them (R-FLOW-01). See
	// MissingUnitReports.
	MissingUnitReports []string
	// UnitSlots are the keys of those documents' slots: a return cannot name them, since the
	// applicant cannot change them (R-FLOW-03, R-APP-08).
	UnitSlots []string

	// The unit's review chain (R-FLOW-06): its length, and the level the application is at in
	// dept_review (1..ChainLength).
	ChainLength int
	ChainLevel  int
	// DeptReturns counts the department returns so far (R-FLOW-04).
	DeptReturns int
	// ReturnedFrom is the stage a returned application was returned from (the Stage of the case
	// the return was decided on); resubmission goes back there.
	ReturnedFrom Stage

	OriginalsPending bool // originals requested and the result not yet recorded (R-FLOW-05)
	FraudProposed    bool // a fraud cancellation is proposed and not yet decided (R-FLOW-11)

	// The actor's input with the action. Items: the consolidated return list, or the materials
	// whose originals are wanted. Reason: the text a not-recommendation, an objection, its
	// resolution, the originals' result, a rejection or a fraud proposal or dismissal needs.
	Items  []ReturnItem
	Reason string
}

// Stage is where the case is now: its state, with the chain level in department review.
// A return records it as the returned application's ReturnedFrom.
func (c Case) Stage() Stage {
	if c.Status == model.StatusDeptReview {
		return Stage{Status: c.Status, Level: c.ChainLevel}
	}
	return Stage{Status: c.Status}
}

// Guard is a condition a row needs besides role and window. Check returns every way the case
// fails it (nil when it holds), each with its rule and a Chinese message naming what would
// satisfy it.
type Guard struct {
	Name  string // stable identifier, e.g. "publicity_ended"
	Rule  string // the SPEC rule it enforces
	Input bool   // checks the actor's input (Case.Items, Case.Reason): Decide only, not Available
	Check func(c Case) model.Errors
}

// Transition is one row of the table: from a state, by an action, to a state.
type Transition struct {
	From   model.AppStatus
	Action Action
	// To is the state after the step. For rows whose target depends on the case (Next is
	// set) it is empty in the table, Targets lists the states Next may choose, and Decide
	// fills To with the one chosen.
	To      model.AppStatus
	Next    func(c Case) Stage
	Targets []model.AppStatus
	// Level is filled by Decide and Available: the chain level after the step (in
	// dept_review), 0 elsewhere.
	Level int

	Perm authz.Permission // who may take it (authz.Allowed)
	// Window is the plan window the step must fall in, "" for none. With Deadline only the
	// window's end binds: the step may happen as soon as the application arrives (R-FLOW-02).
	Window   model.WindowKind
	Deadline bool
	Guards   []Guard
	Rule     string // the SPEC rule that defines the step
	Label    string // Chinese button text
}

// Stays reports whether the row records a fact without changing the state.
func (t Transition) Stays() bool { return t.Next == nil && t.To == t.From }

// Destinations lists the states the row may lead to.
func (t Transition) Destinations() []model.AppStatus {
	if t.Next != nil {
		return slices.Clone(t.Targets)
	}
	return []model.AppStatus{t.To}
}

// clone copies a row so that a caller cannot change the table through its slices.
func (t Transition) clone() Transition {
	t.Guards = slices.Clone(t.Guards)
	t.Targets = slices.Clone(t.Targets)
	return t
}

// resolve fills To and Level for the case.
func (t Transition) resolve(c Case) Transition {
	t = t.clone()
	switch {
	case t.Next != nil:
		s := t.Next(c)
		t.To, t.Level = s.Status, s.Level
	case t.To == model.StatusDeptReview:
		t.Level = c.ChainLevel
	default:
		t.Level = 0
	}
	return t
}

// ends are the states nothing leaves (SPEC §5 "ends" up to the preliminary review, and the
// lapse after the review deadline).
var ends = []model.AppStatus{model.StatusWithdrawn, model.StatusNotRecommended, model.StatusRejected, model.StatusCancelledFraud, model.StatusLapsed}

// IsEnd reports whether s is a final state of the procedure.
func IsEnd(s model.AppStatus) bool { return slices.Contains(ends, s) }

// Transitions returns a copy of the table, in procedure order.
func Transitions() []Transition {
	out := make([]Transition, len(transitions))
	for i, t := range transitions {
		out[i] = t.clone()
	}
	return out
}

// transitions is the table. It is built once and never changed; Transitions hands out copies.
var transitions = slices.Concat(
	[]Transition{
		// The applicant.
		{From: model.StatusDraft, Action: ActSubmit, To: model.StatusSubmitted, Perm: authz.Apply,
			Window: model.WindowApply, Guards: []Guard{readyToSubmit}, Rule: "R-APP-04", Label: "提交申报"},
		{From: model.StatusSubmitted, Action: ActWithdraw, To: model.StatusWithdrawn, Perm: authz.Apply,
			Guards: []Guard{noFraudPending}, Rule: "R-APP-05", Label: "撤回申报"},

		// The unit: review as they arrive, return, refuse, or publicize and recommend.
		{From: model.StatusSubmitted, Action: ActUnitReturn, To: model.StatusReturned, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, returnItems, returnNotUnitSlot}, Rule: "R-FLOW-03", Label: "退回修改"},
		{From: model.StatusSubmitted, Action: ActUnitNotRecommend, To: model.StatusNotRecommended, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, notRecommendReason}, Rule: "R-FLOW-02", Label: "不予推荐"},
		{From: model.StatusSubmitted, Action: ActStartPublicity, To: model.StatusUnitPublicity, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, publicityFitsReview}, Rule: "R-FLOW-01", Label: "审核通过，开始公示"},
		{From: model.StatusUnitPublicity, Action: ActRecordObjection, To: model.StatusUnitPublicity, Perm: authz.ReviewUnit,
			Guards: []Guard{objectionText}, Rule: "R-FLOW-01", Label: "登记异议"},
		{From: model.StatusUnitPublicity, Action: ActResolveObjection, To: model.StatusUnitPublicity, Perm: authz.ReviewUnit,
			Guards: []Guard{objectionOpen, resolutionText}, Rule: "R-FLOW-01", Label: "处理异议"},
		{From: model.StatusUnitPublicity, Action: ActRecommend, To: model.StatusRecommended, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true,
			Guards: []Guard{noFraudPending, publicityEnded, objectionsResolved, unitReports, grassrootsQuota, chainConfigured}, Rule: "R-FLOW-01", Label: "推荐上报"},
		{From: model.StatusUnitPublicity, Action: ActUnitReturn, To: model.StatusReturned, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, returnItems, returnNotUnitSlot}, Rule: "R-FLOW-03", Label: "退回修改"},
		{From: model.StatusUnitPublicity, Action: ActUnitNotRecommend, To: model.StatusNotRecommended, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, notRecommendReason}, Rule: "R-FLOW-02", Label: "不予推荐"},
		{From: model.StatusRecommended, Action: ActUnitRecall, To: model.StatusUnitPublicity, Perm: authz.ReviewUnit,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending}, Rule: "R-FLOW-01", Label: "撤回推荐"},

		// The applicant fixes what was returned and resubmits to the step that returned it.
		{From: model.StatusReturned, Action: ActResubmit, Next: backToReturner,
			Targets: []model.AppStatus{model.StatusSubmitted, model.StatusDeptReview}, Perm: authz.Apply,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{returnedFromKnown, readyToSubmit}, Rule: "R-APP-05", Label: "重新提交"},

		// The departments of the unit's chain, level by level (R-FLOW-06).
		{From: model.StatusRecommended, Action: ActDeptAccept, Next: firstLevel,
			Targets: []model.AppStatus{model.StatusDeptReview}, Perm: authz.ReviewDept,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, chainConfigured}, Rule: "R-FLOW-06", Label: "受理"},
		{From: model.StatusDeptReview, Action: ActDeptPass, Next: nextLevel,
			Targets: []model.AppStatus{model.StatusDeptReview, model.StatusPrelimReview}, Perm: authz.ReviewDept,
			Window: model.WindowUnitReview, Deadline: true, Guards: []Guard{noFraudPending, chainLevelValid, originalsChecked, intakeOpen}, Rule: "R-FLOW-06", Label: "审核通过"},
		{From: model.StatusDeptReview, Action: ActDeptReturn, To: model.StatusReturned, Perm: authz.ReviewDept,
			Window: model.WindowUnitReview, Deadline: true,
			Guards: []Guard{noFraudPending, chainLevelValid, deptReturnLimit, returnItems, returnNotUnitSlot}, Rule: "R-FLOW-03", Label: "退回修改"},
		{From: model.StatusDeptReview, Action: ActRequestOriginals, To: model.StatusDeptReview, Perm: authz.ReviewDept,
			Guards: []Guard{originalsNotPending, originalsItems}, Rule: "R-FLOW-05", Label: "要求查验原件"},
		{From: model.StatusDeptReview, Action: ActRecordOriginals, To: model.StatusDeptReview, Perm: authz.ReviewDept,
			Guards: []Guard{originalsPending, originalsResult}, Rule: "R-FLOW-05", Label: "登记原件查验结果"},

		// The office's preliminary qualification review (资格初审).
		{From: model.StatusPrelimReview, Action: ActPrelimPass, To: model.StatusPrelimPassed, Perm: authz.OfficeWork,
			Guards: []Guard{noFraudPending, originalsChecked}, Rule: "R-FLOW-06", Label: "资格初审通过"},
		{From: model.StatusPrelimReview, Action: ActPrelimReject, To: model.StatusRejected, Perm: authz.OfficeWork,
			Guards: []Guard{noFraudPending, rejectReason}, Rule: "R-ELG-10", Label: "资格初审不通过"},
		{From: model.StatusPrelimReview, Action: ActRequestOriginals, To: model.StatusPrelimReview, Perm: authz.OfficeWork,
			Guards: []Guard{originalsNotPending, originalsItems}, Rule: "R-FLOW-05", Label: "要求查验原件"},
		{From: model.StatusPrelimReview, Action: ActRecordOriginals, To: model.StatusPrelimReview, Perm: authz.OfficeWork,
			Guards: []Guard{originalsPending, originalsResult}, Rule: "R-FLOW-05", Label: "登记原件查验结果"},
	},
	// Fraud, at any stage after submission, proposed by whoever holds the application.
	fraudRows(model.StatusSubmitted, authz.ReviewUnit),
	fraudRows(model.StatusUnitPublicity, authz.ReviewUnit),
	fraudRows(model.StatusRecommended, authz.ReviewDept),
	fraudRows(model.StatusDeptReview, authz.ReviewDept),
	fraudRows(model.StatusPrelimReview, authz.OfficeWork),
	fraudRows(model.StatusPrelimPassed, authz.OfficeWork),
	// The system: what the review deadline overtook ends (R-CAL-02).
	lapseRows(),
)

// Lapse is a state that a closed window ends, with the windows whose end does (R-CAL-02).
type Lapse struct {
	From    model.AppStatus
	Windows []model.WindowKind
}

// lapses are the states the review deadline overtakes: the unit_review window binds every
// step out of them (the unit's, the departments', the applicant's resubmission), so once it
// has ended nothing can move them. An application with the departments also depends on the
// committee still receiving materials: after that the last department cannot pass it on.
var lapses = []Lapse{
	{From: model.StatusSubmitted, Windows: []model.WindowKind{model.WindowUnitReview}},
	{From: model.StatusUnitPublicity, Windows: []model.WindowKind{model.WindowUnitReview}},
	{From: model.StatusReturned, Windows: []model.WindowKind{model.WindowUnitReview}},
	{From: model.StatusRecommended, Windows: []model.WindowKind{model.WindowUnitReview, model.WindowCommitteeIntake}},
	{From: model.StatusDeptReview, Windows: []model.WindowKind{model.WindowUnitReview, model.WindowCommitteeIntake}},
}

// Lapses lists the states a closed window ends, in procedure order: what the sweeper looks for.
func Lapses() []Lapse {
	out := slices.Clone(lapses)
	for i := range out {
		out[i].Windows = slices.Clone(out[i].Windows)
	}
	return out
}

func lapseRows() []Transition {
	var rows []Transition
	for _, l := range lapses {
		rows = append(rows, Transition{From: l.From, Action: ActLapse, To: model.StatusLapsed, Perm: authz.Sweep,
			Guards: []Guard{noFraudPending, overdue}, Rule: "R-CAL-02", Label: "逾期终止"})
	}
	return rows
}

// Overdue says which closed window has overtaken the case: of its state's windows (Lapses),
// the one that ended first, if any has ended at c.Now. A window the plan does not set never
// ends; the steps it binds are refused instead (R-CAL-01).
func Overdue(c Case) (w model.PlanWindow, ok bool) {
	for _, l := range lapses {
		if l.From != c.Status {
			continue
		}
		for _, k := range l.Windows {
			pw, set := c.Plan.Window(k)
			if !set || pw.End.IsZero() || c.Now.Before(pw.End) {
				continue
			}
			if !ok || pw.End.Before(w.End) {
				w, ok = pw, true
			}
		}
	}
	return w, ok
}

// LapseReason is what the audit log and the applicant read when the window w ended the
// application.
func LapseReason(w model.PlanWindow) string {
	return fmt.Sprintf("%s时间已于 %s 截止，本申报在截止前未完成审核，按规定终止（R-CAL-02，系统不再重启）", w.Kind.Label(), FormatEnd(w.End))
}

// fraudRows are the R-FLOW-11 rows of one state: the holder proposes, the office decides.
func fraudRows(from model.AppStatus, holder authz.Permission) []Transition {
	return []Transition{
		{From: from, Action: ActProposeFraud, To: from, Perm: holder,
			Guards: []Guard{fraudNotProposed, fraudFacts}, Rule: "R-FLOW-11", Label: "提请取消申报资格（弄虚作假）"},
		{From: from, Action: ActConfirmFraud, To: model.StatusCancelledFraud, Perm: authz.OfficeWork,
			Guards: []Guard{fraudProposed}, Rule: "R-FLOW-11", Label: "确认取消申报资格"},
		{From: from, Action: ActDismissFraud, To: from, Perm: authz.OfficeWork,
			Guards: []Guard{fraudProposed, dismissReason}, Rule: "R-FLOW-11", Label: "驳回取消申请"},
	}
}

// backToReturner is where a resubmission goes: unit review after a unit return (in review or
// in publicity: the publicity starts again on the changed application), the same chain level
// after a department return. returnedFromKnown has checked ReturnedFrom.
func backToReturner(c Case) Stage {
	if c.ReturnedFrom.Status == model.StatusDeptReview {
		return c.ReturnedFrom
	}
	return Stage{Status: model.StatusSubmitted}
}

func firstLevel(Case) Stage { return Stage{Status: model.StatusDeptReview, Level: 1} }

// nextLevel is the next department of the chain, or the office after the last.
func nextLevel(c Case) Stage {
	if c.ChainLevel < c.ChainLength {
		return Stage{Status: model.StatusDeptReview, Level: c.ChainLevel + 1}
	}
	return Stage{Status: model.StatusPrelimReview}
}

// Decide says whether actor a may take action on the case now, and where it leads. It refuses,
// in this order, with a *model.Error: an action the state does not have (KindConflict, or
// KindInvalid for an unknown action), a role the row does not allow (KindForbidden,
// R-ORG-02), a time outside the row's window (KindClosed, R-CAL-01/R-CAL-02), and then every
// failed guard at once — one *model.Error, or model.Errors when several fail (R-ELG-10). On
// success it returns a copy of the row with To and Level resolved for the case.
func Decide(c Case, a model.Actor, action Action) (Transition, error) {
	row, ok := find(c.Status, action)
	if !ok {
		return Transition{}, notInState(c.Status, action)
	}
	if !authz.Allowed(a, row.Perm) {
		return Transition{}, forbidden(row)
	}
	if err := row.checkWindow(c); err != nil {
		return Transition{}, err
	}
	if err := refusal(row.failures(c, true)); err != nil {
		return Transition{}, err
	}
	return row.resolve(c), nil
}

// Option is a row the UI may show for the case: enabled when Err is nil, otherwise disabled
// with the reason (the window, or the guards that do not hold; input guards are left to
// Decide).
type Option struct {
	Transition
	Err error
}

// Available lists the actions of the case's state that actor a's role may take, in table
// order, each with why it cannot be taken now (nil when it can). Actions of other roles are
// not listed: a button that can never be pressed is noise. For an enabled option, To and
// Level are resolved.
func Available(c Case, a model.Actor) []Option {
	var out []Option
	for _, t := range transitions {
		if t.From != c.Status || !authz.Allowed(a, t.Perm) {
			continue
		}
		err := t.checkWindow(c)
		if err == nil {
			err = refusal(t.failures(c, false))
		}
		if err != nil {
			out = append(out, Option{Transition: t.clone(), Err: err})
			continue
		}
		out = append(out, Option{Transition: t.resolve(c)})
	}
	return out
}

// Allowed lists the transitions Available would enable: the buttons to show.
func Allowed(c Case, a model.Actor) []Transition {
	var out []Transition
	for _, o := range Available(c, a) {
		if o.Err == nil {
			out = append(out, o.Transition)
		}
	}
	return out
}

func find(s model.AppStatus, action Action) (Transition, bool) {
	for _, t := range transitions {
		if t.From == s && t.Action == action {
			return t, true
		}
	}
	return Transition{}, false
}

func notInState(s model.AppStatus, action Action) error {
	if !action.Valid() {
		return &model.Error{Kind: model.KindInvalid, Field: "action",
			Message: fmt.Sprintf("未知的操作“%s”", action), Fix: "请从页面上的按钮办理"}
	}
	if IsEnd(s) {
		return &model.Error{Kind: model.KindConflict,
			Message: fmt.Sprintf("申报已结束（%s），不能%s", s.Label(), action.Label()), Fix: "已结束的申报不能再办理任何操作"}
	}
	var here []string
	for _, t := range transitions {
		if t.From == s && !slices.Contains(here, t.Label) {
			here = append(here, t.Label)
		}
	}
	fix := "请刷新页面查看当前状态"
	if len(here) > 0 {
		fix = "当前状态下可办理：" + strings.Join(here, "、")
	}
	return &model.Error{Kind: model.KindConflict,
		Message: fmt.Sprintf("当前状态“%s”不能%s", s.Label(), action.Label()), Fix: fix}
}

// holders names, for messages, who holds each permission the table uses.
var holders = map[authz.Permission]string{
	authz.Apply:      "申报人本人",
	authz.ReviewUnit: "用人单位（人才服务机构）的经办人或审核领导",
	authz.ReviewDept: "审核部门（市州人社部门、行业主管部门、中评办）的经办人或审核领导",
	authz.OfficeWork: "职改办的经办人或审核领导",
	authz.Sweep:      "系统在审核截止后自动",
}

func forbidden(t Transition) error {
	who := holders[t.Perm]
	if who == "" {
		who = string(t.Perm)
	}
	return &model.Error{Kind: model.KindForbidden, Rule: "R-ORG-02",
		Message: fmt.Sprintf("无权办理“%s”", t.Label), Fix: "该操作由" + who + "办理"}
}

// checkWindow applies the row's window at c.Now (R-CAL-01, R-CAL-02).
func (t Transition) checkWindow(c Case) error {
	if t.Window == "" {
		return nil
	}
	pw, ok := c.Plan.Window(t.Window)
	if !ok {
		return &model.Error{Kind: model.KindClosed, Rule: "R-CAL-01",
			Message: fmt.Sprintf("本年度评审计划未设置“%s”时间，暂不受理%s", t.Window.Label(), t.Label),
			Fix:     "请联系职改办在评审计划中设置该环节的起止时间"}
	}
	w := PlanWindow(pw)
	if t.Deadline && w.Validate() == nil && c.Now.Before(w.Start) {
		return nil // 随报随审 (R-FLOW-02): only the end binds
	}
	return w.Check(c.Now)
}

// failures runs the row's guards; withInput includes those checking the actor's input.
func (t Transition) failures(c Case, withInput bool) model.Errors {
	var es model.Errors
	for _, g := range t.Guards {
		if g.Input && !withInput {
			continue
		}
		es = append(es, g.Check(c)...)
	}
	return es
}

// refusal is nil, the single refusal, or all of them.
func refusal(es model.Errors) error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return es
}

// PublicityEnd is when a unit publicity started at start ends (R-FLOW-01, R-CAL-04): after
// the first N working days on or after the day it starts, N being 5 by default and longer for
// exceptional and grassroots-scope applications (PublicityWorkdays, R-ELG-08). The day it
// starts counts whenever it is a working day, at whatever hour the unit starts it: the notices
// count days, not hours, and a unit that wants the full day starts in the morning. The result
// is 24:00 of the last day, the instant from which the unit may recommend.
func PublicityEnd(cal *Calendar, start time.Time, t model.AppType, s model.Scope, p model.Policy) (time.Time, error) {
	if cal == nil {
		return time.Time{}, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04",
			Message: "工作日历不可用，无法计算公示期", Fix: "请职改办在“工作日历”中录入法定节假日和调休安排"}
	}
	_, end, err := cal.AddWorkdays(FromTime(start), publicityWorkdays(t, s, p))
	return end, err
}

func publicityWorkdays(t model.AppType, s model.Scope, p model.Policy) int {
	return PublicityWorkdays(t, s, Requirements{PublicityWorkdays: p.PublicityWorkdays, ExtendedPublicityWorkdays: p.PublicityWorkdaysLong})
}

// deptReturnLimitOf is the plan's R-FLOW-04 limit, 3 when unset.
func deptReturnLimitOf(p model.Policy) int {
	if p.DeptReturnLimit > 0 {
		return p.DeptReturnLimit
	}
	return 3
}

// The guards.

func one(kind model.Kind, rule, field, msg, fix string) model.Errors {
	return model.Errors{{Kind: kind, Rule: rule, Field: field, Message: msg, Fix: fix}}
}

// readyToSubmit refuses with the caller's pre-submit findings themselves, each under its own
// rule (R-APP-03, R-APP-07, R-ELG-…), all at once (R-ELG-10).
var readyToSubmit = Guard{Name: "ready_to_submit", Rule: "R-ELG-10", Check: func(c Case) model.Errors {
	return slices.Clone(c.Findings)
}}

var noFraudPending = Guard{Name: "no_fraud_pending", Rule: "R-FLOW-11", Check: func(c Case) model.Errors {
	if !c.FraudProposed {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-11", "",
		"已提请因弄虚作假取消该申报的资格，职改办确认或驳回前不能办理其他环节",
		"请等待职改办确认或驳回取消申请")
}}

// publicityFitsReview refuses a unit publicity that would end no earlier than the unit_review
// window: recommending needs the publicity ended (publicityEnded) and the window still open,
// so the application could never be recommended and would only lapse (R-CAL-02). The end
// is computed as StartPublicity will, from Case.Calendar at Now; without a calendar, or for
// days it does not cover, the step computes the end itself and reports why it cannot.
var publicityFitsReview = Guard{Name: "publicity_fits_review", Rule: "R-CAL-02", Check: func(c Case) model.Errors {
	pw, ok := c.Plan.Window(model.WindowUnitReview)
	if !ok || c.Calendar == nil {
		return nil
	}
	end, err := PublicityEnd(c.Calendar, c.Now, c.AppType, c.Scope, c.Plan.Policy)
	if err != nil || end.Before(pw.End) {
		return nil
	}
	return one(model.KindClosed, "R-CAL-02", "",
		fmt.Sprintf("现在开始公示，公示期至 %s 结束，不早于%s截止时间 %s，公示期满后已不能推荐上报", FormatEnd(end), pw.Kind.Label(), FormatEnd(pw.End)),
		"审核截止时间不会延后，系统不再重启；请联系职改办说明情况，截止前未完成审核的申报将终止")
}}

// intakeOpen refuses the last department's pass, which hands the application on towards the
// committee, once the committee stopped receiving materials (seed 003 "11月4日24时为…评审委员会
// 接收材料截止时间", R-CAL-02). A plan without the window sets no such deadline: the step is
// bound by the unit_review window already. ValidatePlan keeps intake from closing before
// unit_review, so for a valid plan this repeats the window's refusal at worst; it holds the
// rule where the two were set apart by hand.
var intakeOpen = Guard{Name: "committee_intake_open", Rule: "R-CAL-02", Check: func(c Case) model.Errors {
	pw, ok := c.Plan.Window(model.WindowCommitteeIntake)
	if !ok || pw.End.IsZero() || c.Now.Before(pw.End) || nextLevel(c).Status != model.StatusPrelimReview {
		return nil
	}
	return one(model.KindClosed, "R-CAL-02", "",
		fmt.Sprintf("%s时间已于 %s 截止，不能再报送职改办资格初审", pw.Kind.Label(), FormatEnd(pw.End)),
		"评委会收件截止后系统不再重启，逾期未报送的申报将终止；如有疑问请联系职改办")
}}

// overdue holds once a window of the case's state has ended (Overdue): only then does the
// system lapse the application.
var overdue = Guard{Name: "overdue", Rule: "R-CAL-02", Check: func(c Case) model.Errors {
	if _, ok := Overdue(c); ok {
		return nil
	}
	var when []string
	for _, l := range lapses {
		if l.From != c.Status {
			continue
		}
		for _, k := range l.Windows {
			if pw, ok := c.Plan.Window(k); ok && !pw.End.IsZero() {
				when = append(when, fmt.Sprintf("%s至 %s", k.Label(), FormatEnd(pw.End)))
			} else {
				when = append(when, k.Label()+"时间未设置")
			}
		}
	}
	msg := "审核尚未截止，不能逾期终止"
	if len(when) > 0 {
		msg = fmt.Sprintf("审核尚未截止（%s），不能逾期终止", strings.Join(when, "，"))
	}
	return one(model.KindConflict, "R-CAL-02", "", msg, "审核截止后，截止前未完成审核的申报由系统自动终止")
}}

var publicityEnded = Guard{Name: "publicity_ended", Rule: "R-FLOW-01", Check: func(c Case) model.Errors {
	n := publicityWorkdays(c.AppType, c.Scope, c.Plan.Policy)
	if c.PublicityEnds.IsZero() {
		return one(model.KindConflict, "R-FLOW-01", "",
			"尚未在本单位公示，不能推荐",
			fmt.Sprintf("请先在本单位公示不少于 %d 个工作日，公示期满、异议处理完毕后方可推荐", n))
	}
	if c.Now.Before(c.PublicityEnds) {
		return one(model.KindConflict, "R-FLOW-01", "",
			fmt.Sprintf("公示期至 %s 结束，之后方可推荐", FormatEnd(c.PublicityEnds)),
			fmt.Sprintf("单位公示不少于 %d 个工作日，请于公示期满后推荐", n))
	}
	return nil
}}

var objectionsResolved = Guard{Name: "objections_resolved", Rule: "R-FLOW-01", Check: func(c Case) model.Errors {
	if c.OpenObjections <= 0 {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-01", "",
		fmt.Sprintf("公示期间收到的 %d 条异议尚未处理完毕，不能推荐", c.OpenObjections),
		"请逐条核查异议并登记处理结果；异议属实的，可退回修改或不予推荐")
}}

var objectionOpen = Guard{Name: "objection_open", Rule: "R-FLOW-01", Check: func(c Case) model.Errors {
	if c.OpenObjections > 0 {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-01", "", "没有待处理的异议", "收到异议后请先登记，再处理")
}}

// unitReports refuses the recommendation until the unit has uploaded its own documents: the
// seed notice lists the recommendation report and the publicity report with photos among the
// application's materials, issued by the applicant's unit (seed 003 三(一)4, 三(二)3).
var unitReports = Guard{Name: "unit_reports", Rule: "R-FLOW-01", Check: func(c Case) model.Errors {
	if len(c.MissingUnitReports) == 0 {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-01", "",
		fmt.Sprintf("尚未上传单位出具的%s，不能推荐上报", strings.Join(c.MissingUnitReports, "、")),
		"请上传单位出具的推荐报告和公示报告（含公示照片）后再推荐上报")
}}

// UnitSlotKeys lists the keys of the form's slots the applying unit fills (model.Slot.ByUnit).
func UnitSlotKeys(f model.Form, p model.Plan) []string {
	var out []string
	for _, s := range f.Slots(p) {
		if s.ByUnit {
			out = append(out, s.Key)
		}
	}
	return out
}

// returnNotUnitSlot refuses a return item naming a document the unit issues: the applicant
// could change nothing there (R-APP-08 limits a returned applicant to the returned items), so
// the application would come back unchanged. The unit replaces its own documents itself.
var returnNotUnitSlot = Guard{Name: "return_not_unit_slot", Rule: "R-FLOW-03", Input: true, Check: func(c Case) model.Errors {
	var es model.Errors
	for i, it := range c.Items {
		if slices.Contains(c.UnitSlots, strings.TrimSpace(it.Slot)) {
			es = append(es, &model.Error{Kind: model.KindInvalid, Rule: "R-FLOW-03", Field: fmt.Sprintf("items.%d", i),
				Message: fmt.Sprintf("第 %d 条所注材料由申报单位出具并上传，申报人无法修改", i+1),
				Fix:     "单位出具的推荐报告、公示报告有问题的，请联系申报单位更换；退回事项请注明申报人需要修改的内容"})
		}
	}
	return es
}}

// MissingUnitReports lists, in form order, the labels of the unit's documents (model.Slot.ByUnit)
// that have no file; filled maps a slot key to its number of live files.
func MissingUnitReports(f model.Form, p model.Plan, filled map[string]int) []string {
	var out []string
	for _, s := range f.Slots(p) {
		if s.ByUnit && filled[s.Key] == 0 {
			out = append(out, s.Label)
		}
	}
	return out
}

var grassrootsQuota = Guard{Name: "grassroots_quota", Rule: "R-ELG-09", Check: func(c Case) model.Errors {
	if c.Scope != model.ScopeGrassroots || !c.Level.Senior() {
		return nil
	}
	if c.UnitPosts == nil || c.UnitPosts.ProfessionalPosts <= 0 {
		return one(model.KindInvalid, "R-ELG-09", "unit_posts",
			"推荐全省基层有效高级职称须核对本单位岗位比例，但本单位专业技术岗位总量未登记",
			"请联系职改办在机构管理中登记本单位专业技术岗位总量和已用基层有效高级岗位数；基层有效高级岗位不超过总量的 10%")
	}
	if e := CheckGrassrootsQuotaPct(c.UnitPosts.SeniorGrassrootsPosts, c.UnitPosts.ProfessionalPosts, true, c.Plan.Policy.GrassrootsSeniorQuotaPct); e != nil {
		return model.Errors{e}
	}
	return nil
}}

var chainConfigured = Guard{Name: "chain_configured", Rule: "R-FLOW-06", Check: func(c Case) model.Errors {
	if c.ChainLength >= 1 {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-06", "review_chain",
		"本单位未设置审核链，无法报送审核部门",
		"请职改办在机构管理中按管理权限为本单位设置审核部门")
}}

var chainLevelValid = Guard{Name: "chain_level_valid", Rule: "R-FLOW-06", Check: func(c Case) model.Errors {
	if c.ChainLevel >= 1 && c.ChainLevel <= c.ChainLength {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-06", "review_chain",
		fmt.Sprintf("审核层级不正确（第 %d 级，审核链共 %d 级）", c.ChainLevel, c.ChainLength),
		"审核链可能已被修改，请联系职改办核对本单位的审核链")
}}

var deptReturnLimit = Guard{Name: "dept_return_limit", Rule: "R-FLOW-04", Check: func(c Case) model.Errors {
	limit := deptReturnLimitOf(c.Plan.Policy)
	if c.DeptReturns < limit {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-04", "",
		fmt.Sprintf("已退回 %d 次，按规定不能再次退回", c.DeptReturns),
		fmt.Sprintf("审核部门退回不超过 %d 次：请审核通过报送，由职改办资格初审把关；发现弄虚作假的，请提请取消申报资格", limit))
}}

var returnedFromKnown = Guard{Name: "returned_from_known", Rule: "R-APP-05", Check: func(c Case) model.Errors {
	r := c.ReturnedFrom
	switch r.Status {
	case model.StatusSubmitted, model.StatusUnitPublicity:
		return nil
	case model.StatusDeptReview:
		if r.Level >= 1 && r.Level <= c.ChainLength {
			return nil
		}
	}
	return one(model.KindConflict, "R-APP-05", "",
		"无法确定退回环节，不能重新提交",
		"请联系职改办核对该申报的退回记录")
}}

var originalsChecked = Guard{Name: "originals_checked", Rule: "R-FLOW-05", Check: func(c Case) model.Errors {
	if !c.OriginalsPending {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-05", "",
		"已要求查验原件，查验结果尚未登记",
		"请核查原件并登记查验结果后再审核通过")
}}

var originalsPending = Guard{Name: "originals_pending", Rule: "R-FLOW-05", Check: func(c Case) model.Errors {
	if c.OriginalsPending {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-05", "", "没有待登记结果的原件查验", "请先要求查验原件")
}}

var originalsNotPending = Guard{Name: "originals_not_pending", Rule: "R-FLOW-05", Check: func(c Case) model.Errors {
	if !c.OriginalsPending {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-05", "",
		"已要求查验原件，尚未登记查验结果",
		"请先登记本次查验结果；需要补充查验的材料可在结果中注明")
}}

var fraudProposed = Guard{Name: "fraud_proposed", Rule: "R-FLOW-11", Check: func(c Case) model.Errors {
	if c.FraudProposed {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-11", "",
		"没有待确认的取消申请",
		"取消申报资格须先由审核人员提请，并写明弄虚作假的事实")
}}

var fraudNotProposed = Guard{Name: "fraud_not_proposed", Rule: "R-FLOW-11", Check: func(c Case) model.Errors {
	if !c.FraudProposed {
		return nil
	}
	return one(model.KindConflict, "R-FLOW-11", "",
		"已提请取消申报资格，待职改办确认",
		"请等待职改办确认或驳回")
}}

// reasonGuard needs a non-empty Case.Reason (Input).
func reasonGuard(name, rule, what, fix string) Guard {
	return Guard{Name: name, Rule: rule, Input: true, Check: func(c Case) model.Errors {
		if strings.TrimSpace(c.Reason) != "" {
			return nil
		}
		return one(model.KindInvalid, rule, "reason", "请填写"+what, fix)
	}}
}

var (
	notRecommendReason = reasonGuard("not_recommend_reason", "R-ELG-10", "不予推荐的理由", "写明不符合的条件或存在的问题，申报人可以看到")
	objectionText      = reasonGuard("objection_text", "R-FLOW-01", "异议内容", "写明异议的来源、时间和反映的问题")
	resolutionText     = reasonGuard("resolution_text", "R-FLOW-01", "异议的核查处理结果", "写明核查经过和结论")
	originalsResult    = reasonGuard("originals_result", "R-FLOW-05", "原件查验结果", "写明查验了哪些原件、是否与上传材料一致")
	rejectReason       = reasonGuard("reject_reason", "R-ELG-10", "资格初审不通过的理由", "写明不符合的条件及依据，申报人可以看到")
	fraudFacts         = reasonGuard("fraud_facts", "R-FLOW-11", "弄虚作假的事实和依据", "写明哪项材料或信息不实及核实情况，供职改办确认")
	dismissReason      = reasonGuard("dismiss_reason", "R-FLOW-11", "驳回取消申请的理由", "写明核查后认定不属弄虚作假的依据")
)

// itemsGuard needs a list of items, each naming where and what (Input).
func itemsGuard(name, rule, what string) Guard {
	return Guard{Name: name, Rule: rule, Input: true, Check: func(c Case) model.Errors {
		if len(c.Items) == 0 {
			return one(model.KindInvalid, rule, "items",
				fmt.Sprintf("请列出%s，当前一条也没有", what),
				"逐条填写，每条注明所涉及的模块、材料或栏目")
		}
		var es model.Errors
		for i, it := range c.Items {
			field := fmt.Sprintf("items.%d", i)
			text := strings.TrimSpace(it.Text)
			if text == "" {
				es = append(es, &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field,
					Message: fmt.Sprintf("第 %d 条未填写说明", i+1), Fix: "写明存在什么问题、应如何修改"})
			} else if n := utf8.RuneCountInString(text); n > ReturnItemMaxRunes {
				es = append(es, &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field,
					Message: fmt.Sprintf("第 %d 条说明有 %d 字，超过 %d 字", i+1, n, ReturnItemMaxRunes), Fix: "请精简，或分成几条"})
			}
			if it.Module < 0 || it.Module > 5 {
				es = append(es, &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field,
					Message: fmt.Sprintf("第 %d 条所注模块 %d 不存在", i+1, it.Module), Fix: "模块为 1 基本信息、2 品德、3 能力、4 业绩成果、5 小结"})
			} else if it.Module == 0 && strings.TrimSpace(it.Slot) == "" && strings.TrimSpace(it.Field) == "" {
				es = append(es, &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field,
					Message: fmt.Sprintf("第 %d 条未注明所涉及的模块、材料或栏目", i+1), Fix: "请选择对应的模块、上传材料或填报栏目"})
			}
		}
		return es
	}}
}

var (
	returnItems    = itemsGuard("return_items", "R-FLOW-03", "退回修改的全部问题（一次性告知）")
	originalsItems = itemsGuard("originals_items", "R-FLOW-05", "需要查验原件的材料")
)
