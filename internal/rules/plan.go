package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"zhicheng/internal/model"
)

// PlanWindow converts a plan's window into the window the rules check.
func PlanWindow(w model.PlanWindow) Window {
	return Window{Name: w.Kind.Label(), Start: w.Start, End: w.End}
}

// ValidatePlan checks a plan definition and returns every problem at once: names, levels,
// specialties, scopes, types, the windows (each valid, the application window present, and
// in procedure order) and the policy numbers within what the SPEC allows.
func ValidatePlan(p model.Plan) model.Errors {
	var errs model.Errors
	bad := func(field, msg, fix string) { errs = append(errs, model.Invalid(field, msg, fix)) }
	if p.Year < 2000 || p.Year > 2100 {
		bad("year", fmt.Sprintf("年度 %d 无效", p.Year), "请填写四位年份，如 2025")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Series)); n < 2 || n > 30 {
		bad("series", "请填写系列（专业）名称", "2–30 个字，如“人力资源培训”")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); n < 4 || n > 80 {
		bad("name", "请填写计划名称", "4–80 个字，如“2025年度全省人力资源培训专业高级职称申报评审”")
	}
	if p.CommitteeID == 0 {
		bad("committee_id", "请选择评审委员会", "计划由哪个评委会评审")
	}
	if len(p.Levels) == 0 {
		bad("levels", "至少设置一个申报级别", "如“高级政工师”，级别序号 1–5")
	}
	codes, names := map[string]bool{}, map[string]bool{}
	for i, l := range p.Levels {
		where := fmt.Sprintf("第 %d 个级别", i+1)
		switch {
		case strings.TrimSpace(l.Code) == "" || strings.ContainsAny(l.Code, " \t"):
			bad("levels", where+"缺少代码", "代码为字母数字，用于系统内部识别，如 deputy_senior")
		case codes[l.Code]:
			bad("levels", where+"代码“"+l.Code+"”重复", "每个级别的代码须唯一")
		}
		if strings.TrimSpace(l.Name) == "" || names[l.Name] {
			bad("levels", where+"名称为空或重复", "请填写唯一的级别名称")
		}
		if l.Rank < 1 || l.Rank > 5 {
			bad("levels", fmt.Sprintf("%s级次 %d 无效", where, l.Rank), "1 员级，2 助理级，3 中级，4 副高级，5 正高级")
		}
		if l.MinTotalYears < 0 || l.MinYearsInCurrent < 0 || l.ExceptionalYearsInCurrent < 0 || l.MinTotalYears > 50 || l.MinYearsInCurrent > 50 {
			bad("levels", where+"年限条件无效", "年限为 0–50 的整数")
		}
		codes[l.Code], names[l.Name] = true, true
	}
	if len(p.Specialties) == 0 {
		bad("specialties", "至少设置一个申报专业", "如“企业思想政治工作”")
	}
	seen := map[string]bool{}
	for _, s := range p.Specialties {
		if strings.TrimSpace(s) == "" || seen[s] {
			bad("specialties", "专业名称为空或重复：“"+s+"”", "每行一个专业，不要重复")
		}
		seen[s] = true
	}
	if len(p.Scopes) == 0 {
		bad("scopes", "至少选择一个有效范围", "全省有效、全省基层有效")
	}
	for _, s := range p.Scopes {
		if s != model.ScopeProvince && s != model.ScopeGrassroots {
			bad("scopes", "未知的有效范围 "+string(s), "全省有效或全省基层有效")
		}
	}
	if len(p.AppTypes) == 0 {
		bad("app_types", "至少选择一种申报类型", "正常晋升、破格申报、转系列申报")
	}
	for _, t := range p.AppTypes {
		if t != model.AppNormal && t != model.AppExceptional && t != model.AppTransfer {
			bad("app_types", "未知的申报类型 "+string(t), "正常晋升、破格申报或转系列申报")
		}
	}
	errs = append(errs, validateWindows(p.Windows)...)
	errs = append(errs, validatePolicy(p.Policy)...)
	return errs
}

func validateWindows(ws []model.PlanWindow) model.Errors {
	var errs model.Errors
	byKind := map[model.WindowKind]model.PlanWindow{}
	for _, w := range ws {
		if !slices.Contains(model.WindowKinds, w.Kind) {
			errs = append(errs, model.Invalid("windows", "未知的时间窗口 "+string(w.Kind), "请使用计划表单中的窗口"))
			continue
		}
		if _, dup := byKind[w.Kind]; dup {
			errs = append(errs, model.Invalid("windows", w.Kind.Label()+"时间重复设置", "每种窗口只设一次"))
		}
		byKind[w.Kind] = w
		if err := PlanWindow(w).Validate(); err != nil {
			var list model.Errors
			if errors.As(err, &list) {
				for _, e := range list {
					e.Field = "window_" + string(w.Kind)
					errs = append(errs, e)
				}
			} else if e, ok := model.AsError(err); ok {
				e.Field = "window_" + string(w.Kind)
				errs = append(errs, e)
			}
		}
	}
	if _, ok := byKind[model.WindowApply]; !ok {
		errs = append(errs, model.Invalid("window_apply", "请设置个人申报时间", "个人申报的开始和截止时间（R-CAL-01）"))
	}
	// The test period comes before applications; applications open no later than reviews,
	// and reviews and intake end no earlier than applications do.
	order := func(first, then model.WindowKind, cond func(a, b model.PlanWindow) bool, msg string) {
		a, okA := byKind[first]
		b, okB := byKind[then]
		if okA && okB && !cond(a, b) {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: "window_" + string(then),
				Message: fmt.Sprintf("%s与%s的先后不对：%s", first.Label(), then.Label(), msg), Fix: "请按“测试期 → 个人申报 → 单位及部门审核 → 评委会收件截止”的顺序设置"})
		}
	}
	notAfter := func(a, b model.PlanWindow) bool { return !a.End.After(b.Start) }
	order(model.WindowTest, model.WindowApply, notAfter, "测试期须在个人申报开始前结束")
	order(model.WindowApply, model.WindowUnitReview, func(a, b model.PlanWindow) bool { return !b.Start.Before(a.Start) && !b.End.Before(a.End) }, "审核不能早于申报开始，也不能早于申报截止就结束")
	order(model.WindowUnitReview, model.WindowCommitteeIntake, func(a, b model.PlanWindow) bool { return !b.End.Before(a.End) }, "评委会收件截止不能早于审核截止")
	order(model.WindowApply, model.WindowDefense, func(a, b model.PlanWindow) bool { return !b.Start.Before(a.End) }, "答辩须在个人申报截止后")
	order(model.WindowApply, model.WindowReview, func(a, b model.PlanWindow) bool { return !b.Start.Before(a.End) }, "评审须在个人申报截止后")
	return errs
}

func validatePolicy(p model.Policy) model.Errors {
	var errs model.Errors
	check := func(ok bool, field, msg, fix, rule string) {
		if !ok {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: rule, Field: "policy_" + field, Message: msg, Fix: fix})
		}
	}
	check(p.BlacklistYears >= 1 && p.BlacklistYears <= 10, "blacklist_years", "黑名单年限应为 1–10 年", "通常 3 年（政工系列 5 年）", "R-ELG-04")
	check(p.PaperMax >= 1 && p.PaperMax <= 5, "paper_max", "论文篇数上限应为 1–5", "最多填报 5 篇", "R-APP-07")
	check(p.PaperMin >= 0 && p.PaperMin <= p.PaperMax, "paper_min", "论文篇数下限应在 0 与上限之间", "下限不能大于上限", "R-APP-07")
	check(p.PublicityWorkdays >= 5 && p.PublicityWorkdays <= 30, "publicity_workdays", "单位公示期应为 5–30 个工作日", "不少于 5 个工作日", "R-FLOW-01")
	check(p.PublicityWorkdaysLong >= p.PublicityWorkdays && p.PublicityWorkdaysLong <= 30, "publicity_workdays_long", "破格、基层有效的公示期不能短于一般公示期", "应适当延长公示期", "R-ELG-08")
	check(p.ResultPublicityWorkdays >= 5 && p.ResultPublicityWorkdays <= 30, "result_publicity_workdays", "评审结果公示期应为 5–30 个工作日", "不少于 5 个工作日", "R-FLOW-10")
	check(p.DeptReturnLimit >= 1 && p.DeptReturnLimit <= 3, "dept_return_limit", "部门退回次数上限应为 1–3 次", "退回次数不超过 3 次", "R-FLOW-04")
	check(p.QuorumFraction >= 2.0/3-1e-9 && p.QuorumFraction <= 1, "quorum_fraction", "评审会出席比例不得低于 2/3", "人社部《职称评审管理暂行规定》：出席评审专家不少于评委会专家总数的 2/3", "R-FLOW-09")
	check(p.PassFraction >= 2.0/3-1e-9 && p.PassFraction <= 1, "pass_fraction", "通过比例不得低于出席专家的 2/3", "同意票数达到出席评审会专家总数的 2/3 以上方为通过", "R-FLOW-09")
	check(p.PlagiarismCore > 0 && p.PlagiarismCore <= 100 && p.PlagiarismProvincial > 0 && p.PlagiarismProvincial <= 100, "plagiarism", "论文重复率上限应为 0–100%", "核心期刊 15%、省级期刊 25%", "R-APP-07")
	check(p.CEHoursPerYear >= 0 && p.CEHoursPerYear <= 500, "ce_hours_per_year", "每年继续教育学时应为 0–500", "国家规定每年累计不少于 90 学时", "R-ELG-07")
	check(p.GrassrootsSeniorQuotaPct > 0 && p.GrassrootsSeniorQuotaPct <= 100, "grassroots_senior_quota_pct", "基层有效高级岗位比例应为 0–100%", "不超过专业技术岗位总量的 10%", "R-ELG-09")
	check(p.RepresentativePapers >= 1 && p.RepresentativePapers <= 5, "representative_papers", "代表论文篇数应为 1–5", "通常 2 篇", "R-FLOW-07")
	return errs
}

// CheckPlanEdit refuses an edit that would change a closed window or move one into the past
// (R-CAL-02: a closed window is never reopened), naming every window concerned.
func CheckPlanEdit(old, new model.Plan, now time.Time) model.Errors {
	var errs model.Errors
	oldW, newW := map[model.WindowKind]model.PlanWindow{}, map[model.WindowKind]model.PlanWindow{}
	for _, w := range old.Windows {
		oldW[w.Kind] = w
	}
	for _, w := range new.Windows {
		newW[w.Kind] = w
	}
	for _, k := range model.WindowKinds {
		o, hadOld := oldW[k]
		n, hasNew := newW[k]
		switch {
		case hadOld && hasNew:
			if err := EditAllowed(PlanWindow(o), PlanWindow(n), now); err != nil {
				if e, ok := model.AsError(err); ok {
					e.Field = "window_" + string(k)
					errs = append(errs, e)
				}
			}
		case hadOld && !hasNew:
			if !now.Before(o.Start) {
				errs = append(errs, &model.Error{Kind: model.KindClosed, Rule: "R-CAL-02", Field: "window_" + string(k),
					Message: k.Label() + "已开始，不能删除", Fix: "已开始或已截止的时间窗口不能删除或重新开放"})
			}
		case !hadOld && hasNew:
			if n.Start.Before(now) {
				errs = append(errs, &model.Error{Kind: model.KindClosed, Rule: "R-CAL-02", Field: "window_" + string(k),
					Message: "新增的" + k.Label() + "时间不能早于现在", Fix: "请设置将来的开始时间"})
			}
		}
	}
	started := false
	if w, ok := oldW[model.WindowApply]; ok && !now.Before(w.Start) {
		started = true
	}
	if started && (old.Year != new.Year || old.Series != new.Series || old.CommitteeID != new.CommitteeID) {
		errs = append(errs, &model.Error{Kind: model.KindClosed, Rule: "R-CAL-02", Field: "year",
			Message: "个人申报已开始，年度、系列和评委会不能再改", Fix: "如需调整，请新建计划"})
	}
	return errs
}
