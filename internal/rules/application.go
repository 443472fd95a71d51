package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// The application form's checks (SPEC §4, R-APP-*, R-ELG-10).
//
// Two entry points:
//
//   - ValidateDraft runs on every save, drafts included: it refuses bad values at once (a 6th
//     paper, a summary over 800 characters, a malformed date or number, a plagiarism rate
//     outside 0–100, a level, specialty, scope or type the plan does not offer, entries without
//     a usable ID) and accepts anything merely incomplete, so a draft is never lost (R-APP-04).
//   - PreSubmit runs before submitting: every missing field and upload, every bad value and
//     every failed eligibility rule, all at once (R-ELG-10), in module order (basics, then
//     modules 1–5; see FieldModule).
//
// Every finding is a *model.Error of KindInvalid with a Chinese Message naming the concrete
// value and a Chinese Fix. Rule is the SPEC id that refuses it: R-APP-07 (summary, papers,
// assessments, plagiarism), R-CAL-05 (achievement dates), R-APP-02 (one file where one is
// expected), R-ELG-xx from the eligibility engine, and R-ELG-10 for the requirements of SPEC §4
// that have no id of their own (a missing field or upload, the think-tank wording, an award's
// criterion clause, education proofs): R-ELG-10 is the rule of the pre-submit check itself.
// Format refusals at save (a malformed date) carry no rule id: no numbered rule applies.
//
// Field is a path the UI can link to:
//
//	basics.<field>                     the basics page (basics.level_code)
//	basic.<field>                      module 1 singles (basic.ethnicity)
//	qualification.<field>              module 1 资历信息 (qualification.obtained)
//	<list>.<entry id>.<field>          a list entry's field (papers.<id>.plagiarism_rate)
//	<list>                             the list as a whole (papers: too many; assessments: a year missing)
//	summary                            module 5
//	slot:<slot key>                    an upload (slot:papers/<id>/cover)
//
// where <list> is the JSON name of a list: education, work_history, honours, work_experience,
// assessments, continuing_education, grassroots, papers, monographs, projects, awards,
// think_tank, other_achievements. Findings about the person that the form does not hold
// (birth, retired, blacklist, sanction_until, applying_org, unit_type, entrustment, seconded,
// unit_posts) keep the eligibility engine's field names and sort with the basics.

// Rule ids used here.
const (
	ruleForm     = "R-ELG-10" // SPEC §4 requirements without an id of their own; the pre-submit check
	ruleApp07    = "R-APP-07" // summary ≤ 800, papers ≤ 5, assessments one per year
	ruleCutoff   = "R-CAL-05" // achievements on or before 09-30 of the plan year
	ruleOneFile  = "R-APP-02" // several ordered images → one PDF
	rulePledge   = "R-APP-03"
	ruleChannel  = "R-ELG-05"
	ruleTransfer = "R-ELG-06"
	ruleCivil    = "R-ELG-01"
)

// PreSubmit is the whole pre-submit check of an application for level of plan (R-ELG-10):
// ValidateDraft's bad values, every missing field and upload (filled maps a slot key to the
// number of files linked to it), the module checks (CheckEducation, CheckAssessments,
// CheckPapers, CheckMonographs, CheckProjects, CheckAwards, CheckThinkTank,
// CheckOtherAchievements, CheckSummary, CheckSlots), and the eligibility engine (Check with
// NewRequirements(plan, level)) on the profile merged by ProfileFromForm. All findings at once,
// in module order; nil when the application may be submitted. The pledge (R-APP-03) is checked
// by CheckPledge on the Application, not here.
func PreSubmit(f model.Form, plan model.Plan, level model.Level, profile Profile, filled map[string]int, today time.Time) model.Errors {
	return CheckApplication(f, plan, level, NewRequirements(plan, level), profile, filled, today)
}

// CheckApplication is PreSubmit with the requirements given, for callers that resolve more
// than NewRequirements does (RequireGrassroots where the level's standard asks for it).
func CheckApplication(f model.Form, plan model.Plan, level model.Level, r Requirements, profile Profile, filled map[string]int, today time.Time) model.Errors {
	if r.PlanYear == 0 {
		r.PlanYear = plan.Year
	}
	year := r.PlanYear
	var es model.Errors
	es = append(es, ValidateDraft(f, plan)...)
	es = append(es, checkBasicsComplete(f, plan)...)
	es = append(es, checkBasicInfoComplete(f, level, profile)...)
	es = append(es, CheckEducation(f, year)...)
	es = append(es, checkMoralComplete(f)...)
	es = append(es, checkAbilityComplete(f)...)
	es = append(es, CheckAssessments(f, year)...)
	es = append(es, CheckPapers(f, plan.Policy, year)...)
	es = append(es, CheckMonographs(f, year)...)
	es = append(es, CheckProjects(f, year)...)
	es = append(es, CheckAwards(f, year)...)
	es = append(es, CheckThinkTank(f, year)...)
	es = append(es, CheckOtherAchievements(f, year)...)
	if strings.TrimSpace(f.Summary) == "" {
		es = append(es, appFinding(ruleForm, "summary", "未填写专业技术工作小结",
			"请根据本人专业技术水平、能力、业绩等情况编写工作小结，不超过 800 字"))
	}
	if e := CheckSummary(f.Summary); e != nil {
		es = append(es, e)
	}

	p := ProfileFromForm(f, plan, level, profile, today)
	es = mergeEligibility(es, Check(p, r, today), f)
	es = append(es, CheckSlots(f, plan, filled)...)
	return sortByModule(dedupe(es))
}

// ProfileFromForm merges what the form holds into the eligibility profile base, which the
// caller fills with what comes from elsewhere. Ownership:
//
//   - the caller (account, ID number, organisation, office records) owns Birth, Male and
//     FemaleWorker (from the ID number and the post), CivilServant (as recorded, e.g. by the
//     unit), Retired, SanctionUntil, Blacklist, ApplyingOrgKind, UnitType, CentralUnit,
//     EntrustmentApproved, SecondedFromOutside, AssistanceApproved and UnitPosts; these are
//     kept from base as they are;
//   - the form owns, and overwrites: Employment and PostManaged (module 1), Type, Scope and
//     ExceptionalBasis (basics), CurrentSeries, CurrentLevelRank, Transferred, TransferAssessed
//     and TransferDate (qualification), CareerStart, CurrentTitleObtained and Appointed,
//     Achievements (module 4 dates, see model.Form.DatedAchievements), ContinuingEducation
//     (hours per year, ContinuingEducationHours) and GrassrootsMonths (GrassrootsMonths);
//   - the plan and level own ApplySeries and AppliedLevelRank.
//
// A title obtained by transfer (qualification.transferred into the plan's series) makes the
// applicant Transferred, with TransferDate the appointment (else the obtaining) in the new
// series; its seniority carries over, so CurrentTitleObtained and Appointed are the original
// series' dates where given (seed 003 五(四)). Malformed dates are left zero (ValidateDraft
// reports them); achievements with a malformed date are left out for the same reason.
func ProfileFromForm(f model.Form, plan model.Plan, level model.Level, base Profile, today time.Time) Profile {
	p := base
	b, q := &f.Basic, &f.Basic.Qualification
	p.Employment = Employment(b.Employment)
	p.PostManaged = b.PostManaged
	p.Type = f.Basics.AppType
	p.Scope = f.Basics.Scope
	p.ExceptionalBasis = f.Basics.ExceptionalBasis
	p.ApplySeries = plan.Series
	p.AppliedLevelRank = level.Rank
	p.CurrentSeries = strings.TrimSpace(q.Series)
	if p.CurrentSeries == "" && f.Basics.AppType == model.AppTransfer {
		p.CurrentSeries = strings.TrimSpace(f.Basics.TransferFrom)
	}
	p.CurrentLevelRank = q.LevelRank
	p.TransferAssessed = q.TransferAssessed
	p.Transferred = q.Transferred && f.Basics.AppType != model.AppTransfer && p.CurrentSeries == plan.Series
	p.TransferDate = time.Time{}
	if p.Transferred {
		p.TransferDate = appFirst(q.Appointed)
		if p.TransferDate.IsZero() {
			p.TransferDate = appFirst(q.Obtained)
		}
	}
	p.CareerStart = appFirst(b.CareerStart)
	obtained, appointed := q.Obtained, q.Appointed
	if q.Transferred {
		if !q.OriginalObtained.IsZero() {
			obtained = q.OriginalObtained
		}
		if !q.OriginalAppointed.IsZero() {
			appointed = q.OriginalAppointed
		}
	}
	p.CurrentTitleObtained = appFirst(obtained)
	p.Appointed = appFirst(appointed)

	p.Achievements = nil
	for _, a := range f.DatedAchievements() {
		if !a.Date.IsZero() && !a.Date.Valid() {
			continue
		}
		p.Achievements = append(p.Achievements, Achievement{Title: a.Title, Date: appLast(a.Date)})
	}
	p.ContinuingEducation = ContinuingEducationHours(f)
	p.GrassrootsMonths = GrassrootsMonths(f, today)
	return p
}

// ContinuingEducationHours sums the hours of the continuing-education entries per year
// (R-ELG-07); entries without a year are left out.
func ContinuingEducationHours(f model.Form) map[int]int {
	m := map[int]int{}
	for _, c := range f.Ability.ContinuingEducation {
		if c.Year > 0 && c.Hours > 0 {
			m[c.Year] += c.Hours
		}
	}
	return m
}

// GrassrootsMonths is the grassroots service of the form in months (SPEC §4 "累计1年以上"):
// the calendar months covered by any grassroots entry, each counted once however many entries
// cover it, whole months from the start month through the end month (as tenure counts,
// R-CAL-06); an entry without an end runs to today's month. Entries without a valid start are
// left out.
func GrassrootsMonths(f model.Form, today time.Time) int {
	months := map[int]bool{}
	now := elgMonthIndex(today)
	for _, g := range f.Ability.Grassroots {
		from, ok := g.From.First()
		if !ok {
			continue
		}
		to := now
		if t, ok := g.To.Last(); ok {
			to = min(elgMonthIndex(t), now)
		}
		for m := elgMonthIndex(from); m <= to; m++ {
			months[m] = true
		}
	}
	return len(months)
}

// CheckPledge decides R-APP-03: the integrity pledge (诚信承诺书) is signed before submitting.
func CheckPledge(p *model.Pledge) *model.Error {
	if p != nil && !p.SignedAt.IsZero() && strings.TrimSpace(p.SignerName) != "" && p.TextVersion != "" {
		return nil
	}
	return appFinding(rulePledge, "pledge", "尚未签署申报诚信承诺书",
		"请阅读并签署《申报诚信承诺书》（填写本人姓名确认）后再提交")
}

// FieldModule is the module (0 basics and person, 1–5 the form's modules) a finding's field
// path belongs to, for grouping and ordering (see the package note on paths).
func FieldModule(path string) int {
	path = strings.TrimPrefix(path, "slot:")
	head := path
	if i := strings.IndexAny(path, "./["); i >= 0 {
		head = path[:i]
	}
	switch head {
	case "basic", "education", "work_history", "qualification":
		return 1
	case "moral", "honours":
		return 2
	case "work_experience", "assessments", "continuing_education", "grassroots":
		return 3
	case "papers", "monographs", "projects", "awards", "think_tank", "other_achievements", "achievements":
		return 4
	case "summary":
		return 5
	}
	return 0
}

// ModuleName is the Chinese name of module m (0 the basics).
func ModuleName(m int) string {
	switch m {
	case 1:
		return "基本信息"
	case 2:
		return "品德相关信息"
	case 3:
		return "能力相关信息"
	case 4:
		return "业绩成果"
	case 5:
		return "小结"
	}
	return "申报基础信息"
}

// mergeEligibility adds the eligibility engine's findings with their fields moved to the
// form's paths. A form-completeness finding (R-ELG-10) on a field the engine also reports is
// dropped, the engine saying more (a missing career start "无法计算专业技术总年限"); an
// achievement finding already reported by the module check on the same path is dropped.
func mergeEligibility(es, elg model.Errors, f model.Form) model.Errors {
	dated := f.DatedAchievements()
	q := f.Basic.Qualification
	remap := func(field string) string {
		switch {
		case field == "civil_servant":
			return "basic.not_civil_servant"
		case field == "career_start":
			return "basic.career_start"
		case field == "current_title_obtained":
			if q.Transferred && !q.OriginalObtained.IsZero() {
				return "qualification.original_obtained"
			}
			return "qualification.obtained"
		case field == "appointed":
			if q.Transferred && !q.OriginalAppointed.IsZero() {
				return "qualification.original_appointed"
			}
			return "qualification.appointed"
		case field == "apply_series":
			return "qualification.series"
		case field == "applied_level":
			return "basics.level_code"
		case field == "transfer_assessed":
			return "qualification.transfer_assessed"
		case field == "transfer_date":
			return "qualification.appointed"
		case field == "exceptional_basis":
			return "basics.exceptional_basis"
		case field == "grassroots_months":
			return "grassroots"
		case strings.HasPrefix(field, "continuing_education["):
			return "continuing_education"
		case strings.HasPrefix(field, "achievements["):
			var i int
			if _, err := fmt.Sscanf(field, "achievements[%d]", &i); err == nil {
				// The profile's achievements skip malformed dates; find the i-th kept one.
				n := -1
				for _, a := range dated {
					if !a.Date.IsZero() && !a.Date.Valid() {
						continue
					}
					if n++; n == i {
						return a.Path
					}
				}
			}
		}
		return field
	}
	seen := map[string]bool{}
	for _, e := range es {
		seen[e.Rule+"|"+e.Field] = true
	}
	elgFields := map[string]bool{}
	var add model.Errors
	for _, e := range elg {
		c := *e
		c.Field = remap(e.Field)
		if c.Rule == ruleCutoff && strings.HasPrefix(e.Field, "achievements[") && seen[c.Rule+"|"+c.Field] {
			continue
		}
		elgFields[c.Field] = true
		add = append(add, &c)
	}
	out := es[:0:0]
	for _, e := range es {
		if e.Rule == ruleForm && elgFields[e.Field] {
			continue
		}
		out = append(out, e)
	}
	return append(out, add...)
}

// dedupe drops exact repeats (the same rule, field and message), which arise where a save
// check and a pre-submit check share a helper.
func dedupe(es model.Errors) model.Errors {
	seen := map[string]bool{}
	var out model.Errors
	for _, e := range es {
		k := e.Rule + "\x00" + e.Field + "\x00" + e.Message
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return out
}

// sortByModule orders findings by module, keeping the order of the checks within one.
func sortByModule(es model.Errors) model.Errors {
	slices.SortStableFunc(es, func(a, b *model.Error) int { return cmp.Compare(FieldModule(a.Field), FieldModule(b.Field)) })
	if len(es) == 0 {
		return nil
	}
	return es
}

func appFinding(rule, field, message, fix string) *model.Error {
	return &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field, Message: message, Fix: fix}
}

// appFirst is the first day d may mean, or the zero time.
func appFirst(d model.Date) time.Time {
	t, _ := d.First()
	return t
}

// appLast is the last day d may mean, or the zero time.
func appLast(d model.Date) time.Time {
	t, _ := d.Last()
	return t
}

// appPath joins a list name, an entry id and a field into a field path.
func appPath(list, id, field string) string { return list + "." + id + "." + field }

func appFmtRate(v float64) string { return fmt.Sprintf("%s%%", appFmtNum(v)) }
