package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/presets"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
)

// planForm is the plan form as typed: strings, so that a refused form comes back exactly as
// it was sent, including what did not parse.
type planForm struct {
	ID, Version                     int64
	Year, Series, Name, CommitteeID string
	Levels                          []levelRow
	Specialties                     string // one per line
	Scopes                          []model.Scope
	AppTypes                        []model.AppType
	Windows                         []windowRow // every kind, in procedure order
	Policy                          []policyInput
	Locked                          bool // the application window has opened: year, series and committee are fixed (R-CAL-02)
}

type levelRow struct{ Code, Name, Rank, Total, Current, Exceptional string }

func (l levelRow) empty() bool {
	return strings.TrimSpace(l.Code+l.Name+l.Rank+l.Total+l.Current+l.Exceptional) == ""
}

// windowRow is one window as two civil dates: the first day (from 00:00) and the last day
// (to 24:00), the way the notices state them (R-CAL-01).
type windowRow struct {
	Kind        model.WindowKind
	Start, Last string // YYYY-MM-DD; both blank: the window is not set
	Closed      bool   // the stored window has closed and may not change (R-CAL-02)
	Started     bool   // the stored window is open: its start is fixed
}

// Field is the name the rules give this window in their refusals.
func (w windowRow) Field() string { return "window_" + string(w.Kind) }

type policyInput struct {
	policyField
	Value string
}

const emptyLevelRows = 2

// lastDay is the last civil day of a window: End is exclusive, so the day before it when
// it ends at a midnight ("10-20 24:00" is 10-21 00:00).
func lastDay(end time.Time) string { return rules.FromTime(end.Add(-time.Millisecond)).String() }

func formFromPlan(p model.Plan) planForm {
	f := planForm{ID: p.ID, Version: p.Version, Series: p.Series, Name: p.Name, Specialties: strings.Join(p.Specialties, "\n"),
		Scopes: p.Scopes, AppTypes: p.AppTypes}
	if p.Year != 0 {
		f.Year = strconv.Itoa(p.Year)
	}
	if p.CommitteeID != 0 {
		f.CommitteeID = strconv.FormatInt(p.CommitteeID, 10)
	}
	itoa := strconv.Itoa
	for _, l := range p.Levels {
		f.Levels = append(f.Levels, levelRow{l.Code, l.Name, itoa(l.Rank), itoa(l.MinTotalYears), itoa(l.MinYearsInCurrent), itoa(l.ExceptionalYearsInCurrent)})
	}
	for _, k := range model.WindowKinds {
		row := windowRow{Kind: k}
		if w, ok := p.Window(k); ok {
			row.Start, row.Last = rules.FromTime(w.Start).String(), lastDay(w.End)
		}
		f.Windows = append(f.Windows, row)
	}
	for _, pf := range policyFields {
		f.Policy = append(f.Policy, policyInput{pf, pf.get(p.Policy)})
	}
	return f
}

func readPlanForm(r *http.Request) planForm {
	r.ParseForm()
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := planForm{Version: formInt(r, "version"), Year: v("year"), Series: v("series"), Name: v("name"), CommitteeID: v("committee_id"),
		Specialties: r.PostFormValue("specialties")}
	col := func(k string, i int) string {
		if vs := r.PostForm[k]; i < len(vs) {
			return strings.TrimSpace(vs[i])
		}
		return ""
	}
	for i := range r.PostForm["level_name"] {
		f.Levels = append(f.Levels, levelRow{col("level_code", i), col("level_name", i), col("level_rank", i),
			col("level_total", i), col("level_current", i), col("level_exceptional", i)})
	}
	for _, s := range r.PostForm["scopes"] {
		f.Scopes = append(f.Scopes, model.Scope(s))
	}
	for _, t := range r.PostForm["app_types"] {
		f.AppTypes = append(f.AppTypes, model.AppType(t))
	}
	for _, k := range model.WindowKinds {
		f.Windows = append(f.Windows, windowRow{Kind: k, Start: v("window_" + string(k) + "_start"), Last: v("window_" + string(k) + "_last")})
	}
	for _, pf := range policyFields {
		f.Policy = append(f.Policy, policyInput{pf, v("policy_" + pf.Key)})
	}
	return f
}

// toPlan converts the form. What does not parse is refused here, naming the field; all
// else is for the rules. A date left as the stored window shows it keeps the stored
// instant exactly, so saving a form never moves a window it did not touch.
func (f planForm) toPlan(stored *model.Plan) (model.Plan, model.Errors) {
	var errs model.Errors
	p := model.Plan{ID: f.ID, Version: f.Version, Series: f.Series, Name: f.Name}
	num := func(s string) (int, bool) {
		if s == "" {
			return 0, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	var ok bool
	if p.Year, ok = num(f.Year); !ok {
		errs = append(errs, model.Invalid("year", "年度“"+f.Year+"”不是数字", "请填写四位年份，如 2025"))
	}
	p.CommitteeID, _ = strconv.ParseInt(f.CommitteeID, 10, 64)
	n := 0
	for _, row := range f.Levels {
		if row.empty() {
			continue
		}
		n++
		l := model.Level{Code: row.Code, Name: row.Name}
		var ok1, ok2, ok3, ok4 bool
		l.Rank, ok1 = num(row.Rank)
		l.MinTotalYears, ok2 = num(row.Total)
		l.MinYearsInCurrent, ok3 = num(row.Current)
		l.ExceptionalYearsInCurrent, ok4 = num(row.Exceptional)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			errs = append(errs, model.Invalid("levels", fmt.Sprintf("第 %d 个级别的级次或年限不是整数", n), "年限填写 0–50 的整数，不要求的填 0"))
		}
		p.Levels = append(p.Levels, l)
	}
	for _, line := range strings.Split(f.Specialties, "\n") {
		if s := strings.TrimSpace(line); s != "" {
			p.Specialties = append(p.Specialties, s)
		}
	}
	p.Scopes, p.AppTypes = f.Scopes, f.AppTypes
	for _, row := range f.Windows {
		if row.Start == "" && row.Last == "" {
			continue
		}
		if row.Start == "" || row.Last == "" {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: row.Field(),
				Message: row.Kind.Label() + "的开始日期和截止日期须同时填写", Fix: "两项都不填表示不设该环节"})
			continue
		}
		first, err1 := rules.ParseDate(row.Start)
		last, err2 := rules.ParseDate(row.Last)
		if err1 != nil || err2 != nil {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: row.Field(),
				Message: row.Kind.Label() + "的日期格式不正确", Fix: "请按 YYYY-MM-DD 填写，如 2024-10-20"})
			continue
		}
		if last.Before(first) {
			// Said in the dates the office typed, which reads better than the instants the
			// rules would name.
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: row.Field(),
				Message: fmt.Sprintf("%s的截止日期（%s）早于开始日期（%s）", row.Kind.Label(), row.Last, row.Start), Fix: "请调整起止日期"})
			continue
		}
		w := model.PlanWindow{Kind: row.Kind, Start: first.Time(), End: last.End()}
		if stored != nil {
			if old, ok := stored.Window(row.Kind); ok {
				if row.Start == rules.FromTime(old.Start).String() {
					w.Start = old.Start
				}
				if row.Last == lastDay(old.End) {
					w.End = old.End
				}
			}
		}
		p.Windows = append(p.Windows, w)
	}
	for _, in := range f.Policy {
		switch {
		case in.Value == "":
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: in.Rule, Field: in.Err, Message: "请填写" + in.Label, Fix: in.Hint})
		case !in.set(&p.Policy, in.Value):
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: in.Rule, Field: in.Err, Message: in.Label + "“" + in.Value + "”不是数字", Fix: in.Hint})
		}
	}
	return p, errs
}

// withRules adds what the plan rules say about p to the form's own refusals, except for
// fields the form has already refused (a number that did not parse is not also "out of
// range"), so that the office sees every problem once.
func withRules(formErrs model.Errors, p model.Plan) model.Errors {
	seen := map[string]bool{}
	for _, e := range formErrs {
		seen[e.Field] = true
	}
	out := formErrs
	for _, e := range rules.ValidatePlan(p) {
		if !seen[e.Field] || e.Field == "" {
			out = append(out, e)
		}
	}
	return out
}

// lock marks the windows of the stored plan that have opened or closed at now: a closed
// window is shown as stored, whatever was sent, since it cannot change (R-CAL-02).
func (f *planForm) lock(stored model.Plan, now time.Time) {
	for i, row := range f.Windows {
		w, ok := stored.Window(row.Kind)
		if !ok {
			continue
		}
		f.Windows[i].Closed = !now.Before(w.End)
		f.Windows[i].Started = !now.Before(w.Start) && now.Before(w.End)
		if f.Windows[i].Closed {
			f.Windows[i].Start, f.Windows[i].Last = rules.FromTime(w.Start).String(), lastDay(w.End)
		}
	}
	if w, ok := stored.Window(model.WindowApply); ok && !now.Before(w.Start) {
		f.Locked = true
		f.Year, f.Series = strconv.Itoa(stored.Year), stored.Series
		f.CommitteeID = strconv.FormatInt(stored.CommitteeID, 10)
	}
}

type planFormData struct {
	Page
	Form         planForm
	New          bool
	Committees   []service.TreeNode
	Presets      []presets.Preset
	Preset       string // the preset form as typed
	PresetCommID int64
	Scopes       []model.Scope
	AppTypes     []model.AppType
	Ranks        []int
	Errors       []*model.Error
	PresetErrors []*model.Error
}

// ErrorsFor lists the refusals about one field, to show next to it.
func (d *planFormData) ErrorsFor(field string) []*model.Error {
	var out []*model.Error
	for _, e := range d.Errors {
		if e.Field == field {
			out = append(out, e)
		}
	}
	return out
}

func (d *planFormData) HasScope(s model.Scope) bool     { return slices.Contains(d.Form.Scopes, s) }
func (d *planFormData) HasAppType(t model.AppType) bool { return slices.Contains(d.Form.AppTypes, t) }

// CommitteeName names the form's committee, for the read-only display.
func (d *planFormData) CommitteeName() string {
	for _, c := range d.Committees {
		if strconv.FormatInt(c.ID, 10) == d.Form.CommitteeID {
			return c.Name
		}
	}
	return "—"
}

// committees lists the evaluation committees a plan can name.
func (s *Server) committees(r *http.Request, a model.Actor) ([]service.TreeNode, error) {
	tree, err := s.svc.Orgs.Tree(r.Context(), a)
	if err != nil {
		return nil, err
	}
	var out []service.TreeNode
	for _, n := range tree {
		if n.Kind == model.OrgCommittee {
			out = append(out, n)
		}
	}
	return out, nil
}

// renderPlanForm shows the new or edit form; d carries the form and errors.
func (s *Server) renderPlanForm(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *planFormData) error {
	cs, err := s.committees(r, a)
	if err != nil {
		return err
	}
	title := "编辑评审计划"
	if d.New {
		title = "新建评审计划"
		d.Presets = s.svc.Plans.Presets()
	}
	for len(d.Form.Levels) > 0 && d.Form.Levels[len(d.Form.Levels)-1].empty() {
		d.Form.Levels = d.Form.Levels[:len(d.Form.Levels)-1]
	}
	for range emptyLevelRows {
		d.Form.Levels = append(d.Form.Levels, levelRow{})
	}
	d.Page, d.Committees = s.page(r, a, title), cs
	d.Scopes = []model.Scope{model.ScopeProvince, model.ScopeGrassroots}
	d.AppTypes = []model.AppType{model.AppNormal, model.AppExceptional, model.AppTransfer}
	d.Ranks = []int{1, 2, 3, 4, 5}
	s.render(w, r, st, "plan_form.html", d)
	return nil
}

func (s *Server) planNew(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	f := formFromPlan(model.Plan{Year: time.Now().In(rules.Shanghai()).Year() + 1, Policy: presets.DefaultPolicy(),
		Scopes: []model.Scope{model.ScopeProvince}, AppTypes: []model.AppType{model.AppNormal}})
	return s.renderPlanForm(w, r, a, http.StatusOK, &planFormData{Form: f, New: true})
}

func (s *Server) planEdit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Plans.Get(r.Context(), id)
	if err != nil {
		return err
	}
	f := formFromPlan(p)
	f.lock(p, time.Now())
	return s.renderPlanForm(w, r, a, http.StatusOK, &planFormData{Form: f})
}
