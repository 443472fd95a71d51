package rules

import (
	"fmt"
	"time"

	"zhicheng/internal/model"
)

// Seniority and achievement cut-offs (R-CAL-05, R-CAL-06).
//
// Seed 000 四(一)(二) and seed 003 五(一)(二): 专业技术总年限 and 现职称任职年限 are counted to
// 12-31 of the plan year; achievements must be obtained by 09-30 of the plan year ("须在2024年
// 9月30日前取得"; 09-30 itself counts), and later ones "可作为业绩成果在下次申报职称时使用".
//
// How a month counts: tenure runs "从聘用的当月计算" / "从取得职称资格的当月起计算", so the start
// month counts as a whole month whatever its day, and the end (12-31) closes December, which
// counts whole too. Tenure is therefore the number of calendar months from the start month
// through December of the plan year, both included: a title obtained in 2020-01 (any day) has
// 5 years 0 months at 2024-12-31; one obtained in 2020-02 has 4 years 11 months; one obtained
// in 2019-12 has 5 years 1 month.

// Achievement is one achievement (paper, project, award, …) with the date it was obtained
// (published, accepted, awarded).
type Achievement struct {
	Title string
	Date  time.Time
}

// SeniorityEnd is the day seniority is counted to: 12-31 of the plan year (R-CAL-05).
func SeniorityEnd(planYear int) time.Time { return elgDate(planYear, time.December, 31) }

// AchievementCutoff is the last day on which an achievement counts: 09-30 of the plan year
// (R-CAL-05).
func AchievementCutoff(planYear int) time.Time { return elgDate(planYear, time.September, 30) }

// CountableAchievements splits achievements into those obtained on or before 09-30 of the plan
// year (kept) and the others (excluded): later ones, and undated ones, whose date cannot be
// checked. Order is preserved in both.
func CountableAchievements(as []Achievement, planYear int) (kept, excluded []Achievement) {
	cutoff := AchievementCutoff(planYear)
	for _, a := range as {
		if a.Date.IsZero() || elgDay(a.Date).After(cutoff) {
			excluded = append(excluded, a)
		} else {
			kept = append(kept, a)
		}
	}
	return kept, excluded
}

// CheckAchievements reports each achievement that does not count for the plan year (R-CAL-05),
// one finding per achievement, each saying it can be used in a later application.
func CheckAchievements(as []Achievement, planYear int) model.Errors {
	var es model.Errors
	cutoff := AchievementCutoff(planYear)
	for i, a := range as {
		field := fmt.Sprintf("achievements[%d]", i)
		switch {
		case a.Date.IsZero():
			es = append(es, elgFinding("R-CAL-05", field,
				fmt.Sprintf("业绩成果《%s》未填写取得时间，无法确认是否在 %s 前取得", a.Title, elgFmtDay(cutoff)),
				fmt.Sprintf("请填写取得时间；业绩须在 %s（含）前取得", elgFmtDay(cutoff))))
		case elgDay(a.Date).After(cutoff):
			es = append(es, elgFinding("R-CAL-05", field,
				fmt.Sprintf("业绩成果《%s》取得时间为 %s，晚于 %d 年度业绩截止时间 %s，本次不予计算",
					a.Title, elgFmtDay(a.Date), planYear, elgFmtDay(cutoff)),
				fmt.Sprintf("请从本次申报中移除该业绩；只有 %s（含）前取得的业绩计入本次申报，该业绩可在下次申报职称时使用",
					elgFmtDay(cutoff))))
		}
	}
	return es
}

// TenureStart is the first day of the month tenure in the current title runs from (R-CAL-06):
// the month of appointment (聘任/聘用) for staff under post management (p.PostManaged:
// 事业单位岗位管理, 实行企业化管理的事业单位), otherwise the month the qualification was
// obtained. When the governing date is missing it falls back to the other one; when both are
// missing it is the zero time.
//
// For an applicant who transferred series, seniority carries over (seed 003 五(四)
// "资历计算可按转系列前实际资格和聘任(用)时间累计计算"): the caller passes in
// CurrentTitleObtained and Appointed the dates at this level in the original series, and
// nothing here restarts the count at the transfer.
func TenureStart(p Profile) time.Time {
	first, second := p.CurrentTitleObtained, p.Appointed
	if p.PostManaged {
		first, second = second, first
	}
	d := first
	if d.IsZero() {
		d = second
	}
	if d.IsZero() {
		return time.Time{}
	}
	return elgDate(d.Year(), d.Month(), 1)
}

// YearsMonths counts the calendar months from from's month through through's month, both
// months counted whole (see the package note on how a month counts), and returns them as years
// and months. It is 0, 0 when through's month is before from's or either date is zero. For
// R-CAL-05, through is SeniorityEnd(planYear).
func YearsMonths(from, through time.Time) (years, months int) {
	n := elgMonthsThrough(from, through)
	return n / 12, n % 12
}

func elgMonthsThrough(from, through time.Time) int {
	if from.IsZero() || through.IsZero() {
		return 0
	}
	return max(0, elgMonthIndex(through)-elgMonthIndex(from)+1)
}

// elgLatestStart is the latest start month that still gives `years` whole years by 12-31 of
// planYear.
func elgLatestStart(planYear, years int) time.Time {
	idx := planYear*12 + 11 - years*12 + 1
	return elgDate(idx/12, time.Month(idx%12+1), 1)
}

func elgFmtYM(n int) string { return fmt.Sprintf("%d 年 %d 个月", n/12, n%12) }

// CheckSeniority checks the years of professional work (from p.CareerStart) and the tenure in
// the current title (from TenureStart), both counted to 12-31 of the plan year (R-CAL-05,
// R-CAL-06), against the level's minimums. An exceptional (破格) application uses the
// Exceptional* minimums instead, where zero waives the requirement.
func CheckSeniority(p Profile, r Requirements) model.Errors {
	var es model.Errors
	planYear := r.PlanYear
	end := SeniorityEnd(planYear)
	minTotal, minTitle := r.MinTotalYears, r.MinYearsInCurrentTitle
	kind := ""
	if p.Type == model.AppExceptional {
		minTotal, minTitle = r.ExceptionalMinTotalYears, r.ExceptionalMinYearsInCurrentTitle
		kind = "破格"
	}
	level := r.LevelName
	if level == "" {
		level = "该级别"
	}

	if minTotal > 0 {
		if p.CareerStart.IsZero() {
			es = append(es, elgFinding("R-CAL-05", "career_start",
				fmt.Sprintf("未填写专业技术工作起始时间，无法计算专业技术总年限（%s申报%s须满 %d 年）", kind, level, minTotal),
				"请填写从事专业技术工作的起始年月"))
		} else if n := elgMonthsThrough(p.CareerStart, end); n < minTotal*12 {
			es = append(es, elgFinding("R-CAL-05", "career_start",
				fmt.Sprintf("专业技术总年限自 %s 起计算到 %s 为 %s，%s申报%s须满 %d 年",
					elgFmtMonth(p.CareerStart), elgFmtDay(end), elgFmtYM(n), kind, level, minTotal),
				fmt.Sprintf("专业技术工作须于 %s 或之前开始；年限满后再申报%s",
					elgFmtMonth(elgLatestStart(planYear, minTotal)), level)))
		}
	}

	if minTitle > 0 {
		start := TenureStart(p)
		what, field := "取得现职称资格", "current_title_obtained"
		if p.PostManaged {
			what, field = "聘任（用）现职称岗位", "appointed"
		}
		if start.IsZero() {
			es = append(es, elgFinding("R-CAL-06", field,
				fmt.Sprintf("未填写%s的时间，无法计算现职称任职年限（%s申报%s须满 %d 年）", what, kind, level, minTitle),
				fmt.Sprintf("请填写%s的年月", what)))
		} else if n := elgMonthsThrough(start, end); n < minTitle*12 {
			fix := fmt.Sprintf("须于 %s 或之前%s；年限满后再申报%s", elgFmtMonth(elgLatestStart(planYear, minTitle)), what, level)
			if p.Type != model.AppExceptional && r.ExceptionalMinYearsInCurrentTitle < minTitle {
				fix += "，或在符合破格条件时按破格申报"
			}
			es = append(es, elgFinding("R-CAL-05", field,
				fmt.Sprintf("现职称任职年限自 %s 起（%s当月起算）计算到 %s 为 %s，%s申报%s须满 %d 年",
					elgFmtMonth(start), what, elgFmtDay(end), elgFmtYM(n), kind, level, minTitle),
				fix))
		}
	}
	return es
}
