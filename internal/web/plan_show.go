package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// rankLabel names a level's rank (model.Level.Rank).
func rankLabel(rank int) string {
	labels := [...]string{"", "员级", "助理级", "中级", "副高级", "正高级"}
	if rank < 1 || rank >= len(labels) {
		return "—"
	}
	return labels[rank]
}

// policyField is one policy number of a plan as pages show and edit it, with the rule that
// uses it, so that the office sees why a number is bounded.
type policyField struct {
	Key, Label, Unit, Rule, Hint string
	Err                          string // the field the rules name in their refusals
	get                          func(model.Policy) string
	set                          func(*model.Policy, string) bool
}

func intPolicy(key, label, unit, rule, hint string, f func(*model.Policy) *int) policyField {
	return policyField{Key: key, Label: label, Unit: unit, Rule: rule, Hint: hint, Err: "policy_" + key,
		get: func(p model.Policy) string { return strconv.Itoa(*f(&p)) },
		set: func(p *model.Policy, s string) bool {
			v, err := strconv.Atoi(s)
			*f(p) = v
			return err == nil
		}}
}

func numPolicy(key, label, unit, rule, hint string, f func(*model.Policy) *float64) policyField {
	return policyField{Key: key, Label: label, Unit: unit, Rule: rule, Hint: hint, Err: "policy_" + key,
		get: func(p model.Policy) string { return strconv.FormatFloat(*f(&p), 'f', -1, 64) },
		set: func(p *model.Policy, s string) bool {
			v, err := strconv.ParseFloat(s, 64)
			*f(p) = v
			return err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
		}}
}

// fracPolicy is a fraction such as the 2/3 quorum (R-FLOW-09), shown and typed as "2/3" so
// that saving a form never rounds it.
func fracPolicy(key, label, rule, hint string, f func(*model.Policy) *float64) policyField {
	return policyField{Key: key, Label: label, Rule: rule, Hint: hint, Err: "policy_" + key,
		get: func(p model.Policy) string { return fracString(*f(&p)) },
		set: func(p *model.Policy, s string) bool {
			v, ok := parseFrac(s)
			*f(p) = v
			return ok
		}}
}

func fracString(v float64) string {
	for d := 1.0; d <= 12; d++ {
		if n := math.Round(v * d); math.Abs(v*d-n) < 1e-9 {
			if d == 1 {
				return strconv.FormatFloat(n, 'f', -1, 64)
			}
			return fmt.Sprintf("%g/%g", n, d)
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func parseFrac(s string) (float64, bool) {
	if n, d, ok := strings.Cut(s, "/"); ok {
		nv, err1 := strconv.Atoi(strings.TrimSpace(n))
		dv, err2 := strconv.Atoi(strings.TrimSpace(d))
		if err1 != nil || err2 != nil || dv <= 0 {
			return 0, false
		}
		return float64(nv) / float64(dv), true
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// policyFields lists a plan's policy numbers in the order the procedure uses them.
var policyFields = []policyField{
	intPolicy("blacklist_years", "失信黑名单期限", "年", "R-ELG-04", "一般 3 年，企业政工系列 5 年", func(p *model.Policy) *int { return &p.BlacklistYears }),
	intPolicy("paper_min", "论文篇数下限", "篇", "R-APP-07", "不大于上限", func(p *model.Policy) *int { return &p.PaperMin }),
	intPolicy("paper_max", "论文篇数上限", "篇", "R-APP-07", "最多 5 篇", func(p *model.Policy) *int { return &p.PaperMax }),
	// Both plagiarism limits are refused together by the rules, under one field.
	refusedAs("policy_plagiarism", numPolicy("plagiarism_core", "核心期刊论文重复率上限", "%", "R-APP-07", "去除引用后，一般 15%", func(p *model.Policy) *float64 { return &p.PlagiarismCore })),
	refusedAs("policy_plagiarism", numPolicy("plagiarism_provincial", "省级期刊论文重复率上限", "%", "R-APP-07", "去除引用后，一般 25%", func(p *model.Policy) *float64 { return &p.PlagiarismProvincial })),
	intPolicy("ce_hours_per_year", "每年继续教育学时", "学时", "R-ELG-07", "国家规定每年不少于 90 学时", func(p *model.Policy) *int { return &p.CEHoursPerYear }),
	intPolicy("publicity_workdays", "单位公示期", "个工作日", "R-FLOW-01", "不少于 5 个工作日", func(p *model.Policy) *int { return &p.PublicityWorkdays }),
	intPolicy("publicity_workdays_long", "破格、基层有效申报的公示期", "个工作日", "R-ELG-08", "不短于一般公示期", func(p *model.Policy) *int { return &p.PublicityWorkdaysLong }),
	intPolicy("dept_return_limit", "审核部门退回次数上限", "次", "R-FLOW-04", "不超过 3 次", func(p *model.Policy) *int { return &p.DeptReturnLimit }),
	intPolicy("representative_papers", "代表作鉴定篇数", "篇", "R-FLOW-07", "高级职称通常 2 篇", func(p *model.Policy) *int { return &p.RepresentativePapers }),
	fracPolicy("quorum_fraction", "评审会出席比例", "R-FLOW-09", "不低于 2/3，可填分数或小数", func(p *model.Policy) *float64 { return &p.QuorumFraction }),
	fracPolicy("pass_fraction", "评审通过比例（占出席专家）", "R-FLOW-09", "不低于 2/3", func(p *model.Policy) *float64 { return &p.PassFraction }),
	intPolicy("result_publicity_workdays", "评审结果公示期", "个工作日", "R-FLOW-10", "不少于 5 个工作日", func(p *model.Policy) *int { return &p.ResultPublicityWorkdays }),
	numPolicy("grassroots_senior_quota_pct", "基层有效高级岗位比例上限", "%", "R-ELG-09", "不超过专业技术岗位总量的 10%", func(p *model.Policy) *float64 { return &p.GrassrootsSeniorQuotaPct }),
}

// refusedAs names the field under which the rules refuse f.
func refusedAs(field string, f policyField) policyField {
	f.Err = field
	return f
}

// policyValue is a policy number for display.
type policyValue struct {
	policyField
	Value string
}

func policyValues(p model.Policy) []policyValue {
	out := make([]policyValue, 0, len(policyFields))
	for _, f := range policyFields {
		out = append(out, policyValue{f, f.get(p)})
	}
	return out
}

// windowView is a window of a plan for display, in procedure order.
type windowView struct {
	model.PlanWindow
	Status planStatus
}

func windowViews(p model.Plan, now time.Time) []windowView {
	var out []windowView
	for _, k := range model.WindowKinds {
		if w, ok := p.Window(k); ok {
			out = append(out, windowView{w, windowStatus(w, now)})
		}
	}
	return out
}

type planShowData struct {
	Page
	Committee string
	Plan      model.Plan
	Status    planStatus
	Windows   []windowView
	Policy    []policyValue
}

// planShow is a plan's public page: levels, specialties, the timetable and the policy
// numbers with the rules they serve (R-PUB-01).
func (s *Server) planShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Plans.Get(r.Context(), id)
	if err != nil {
		return err
	}
	now := s.svc.Plans.Now()
	names, err := s.svc.Plans.CommitteeNames(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "plan_show.html", &planShowData{Page: s.page(r, a, p.Name), Plan: p, Committee: names[p.CommitteeID], Status: applyStatus(p, now),
		Windows: windowViews(p, now), Policy: policyValues(p.Policy)})
	return nil
}
