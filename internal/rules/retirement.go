package rules

import (
	"fmt"
	"time"

	"zhicheng/internal/model"
)

// Statutory retirement age (R-ELG-02).
//
// Source: 全国人民代表大会常务委员会《关于实施渐进式延迟法定退休年龄的决定》(2024-09-13)
// and its annex 《国务院关于渐进式延迟法定退休年龄的办法》, 第二条: from 2025-01-01
// the statutory retirement age of men and of women whose original age was 55 rises by one
// month every four months (to 63 and 58); that of women whose original age was 50 rises by
// one month every two months (to 55). The annex tables follow from it, counted by month of
// birth:
//
//	men (60 → 63):          born 1965-01..1965-04 → 60y1m, 1965-05..08 → 60y2m, …,
//	                        1976-09 and later → 63 (36 steps of 4 birth months)
//	women, 55 (55 → 58):    born 1970-01..1970-04 → 55y1m, …, 1981-09 and later → 58
//	women, 50 (50 → 55):    born 1975-01..1975-02 → 50y1m, 1975-03..04 → 50y2m, …,
//	                        1984-11 and later → 55 (60 steps of 2 birth months)
//
// Anyone born before the first month of their scheme keeps the old age (60, 55 or 50): they
// reached it before 2025-01-01. The "original" age of a woman is 55 for cadres and staff in
// management and professional-technical posts (干部, 管理岗位, 专业技术岗位) and 50 for women
// in worker posts (工人岗位), per 国发〔1978〕104号; nearly every title applicant holds a
// professional-technical post, so the zero value of the femaleWorker flag (false) means 55.
//
// Dates: every date in this package is a time.Time whose calendar date, read in the value's
// own location, is what counts; the time of day is ignored. Values built here are at 00:00 UTC.

// retirementScheme is one row of the 办法: the old age, the target, the first month of birth
// affected (as year*12 + month-1) and how many birth months share one month of delay.
type retirementScheme struct {
	baseMonths int
	capMonths  int
	firstBirth int
	step       int
}

var (
	retireMen     = retirementScheme{baseMonths: 60 * 12, capMonths: 63 * 12, firstBirth: 1965*12 + 0, step: 4}
	retireWomen55 = retirementScheme{baseMonths: 55 * 12, capMonths: 58 * 12, firstBirth: 1970*12 + 0, step: 4}
	retireWomen50 = retirementScheme{baseMonths: 50 * 12, capMonths: 55 * 12, firstBirth: 1975*12 + 0, step: 2}
)

func retirementSchemeFor(male, femaleWorker bool) retirementScheme {
	switch {
	case male:
		return retireMen
	case femaleWorker:
		return retireWomen50
	default:
		return retireWomen55
	}
}

// StatutoryRetirementAge returns the statutory retirement age, in whole years and months, of a
// person born on birth: male, or a woman in a worker post (femaleWorker; original age 50), or
// otherwise a woman whose original age is 55. femaleWorker is ignored for men.
func StatutoryRetirementAge(birth time.Time, male, femaleWorker bool) (years, months int) {
	s := retirementSchemeFor(male, femaleWorker)
	total := s.baseMonths
	if b := elgMonthIndex(birth); b >= s.firstBirth {
		total += min((b-s.firstBirth)/s.step+1, s.capMonths-s.baseMonths)
	}
	return total / 12, total % 12
}

// RetirementDate returns the day on which a person born on birth reaches the statutory
// retirement age: the birthday shifted by the age in years and months. Where the target month
// has no such day (born on the 29th-31st), it is the last day of that month, as the civil code
// counts periods in months (《民法典》第二百零二条). Examples: a man born 1964-12-31 reaches 60 on
// 2024-12-31; a man born 1965-01-01 reaches 60y1m on 2025-02-01; one born 1965-01-31 on
// 2025-02-28. The month of this date is the 退休时间 of the 办法's tables.
//
// The date, not the first of the following month, is used so that R-ELG-02 and anything else
// asking "has this person reached retirement age on day D" agree; for R-ELG-02 only its year
// matters, which both conventions give alike.
func RetirementDate(birth time.Time, male, femaleWorker bool) time.Time {
	y, m := StatutoryRetirementAge(birth, male, femaleWorker)
	return elgAddMonths(elgDay(birth), y*12+m)
}

// ReachesRetirementIn reports whether a person born on birth reaches the statutory retirement
// age in year or earlier. Seed 000 四(一) and seed 003 一 bar "离退休人员（含申报当年到达退休年龄
// 人员）", so such a person may not apply in plan year `year` (R-ELG-02).
func ReachesRetirementIn(birth time.Time, male, femaleWorker bool, year int) bool {
	return RetirementDate(birth, male, femaleWorker).Year() <= year
}

// CheckRetirement decides R-ELG-02 for the plan year: retirees, and those reaching the statutory
// retirement age in or before the plan year, may not apply. Without a birth date it cannot
// decide and asks for one.
//
// Flexible early or late retirement (弹性提前/延迟退休, 办法 第三条) does not change the rule:
// someone who retired early is Retired; someone who agreed to retire later still "reaches the
// retirement age" in the year the statutory age falls, which is what the seeds bar.
func CheckRetirement(p Profile, planYear int) *model.Error {
	if p.Retired {
		return elgFinding("R-ELG-02", "retired",
			"已离退休人员不能申报职称",
			"离退休人员（含申报当年到达退休年龄人员）不能申报；如“已离退休”勾选有误，请更正后再提交")
	}
	if p.Birth.IsZero() {
		return elgFinding("R-ELG-02", "birth",
			"未填写出生日期，无法判断申报当年是否到达法定退休年龄",
			"请填写出生日期（与身份证一致）")
	}
	if !ReachesRetirementIn(p.Birth, p.Male, p.FemaleWorker, planYear) {
		return nil
	}
	y, m := StatutoryRetirementAge(p.Birth, p.Male, p.FemaleWorker)
	when := RetirementDate(p.Birth, p.Male, p.FemaleWorker)
	verb := "将于"
	if when.Year() < planYear {
		verb = "已于"
	}
	return elgFinding("R-ELG-02", "birth",
		fmt.Sprintf("出生日期 %s，法定退休年龄为%s（%s），%s %s 到达，%d 年度申报当年到达退休年龄人员不能申报职称",
			elgFmtDay(p.Birth), elgFmtAge(y, m), retirementCategoryLabel(p.Male, p.FemaleWorker),
			verb, elgFmtDay(when), planYear),
		fmt.Sprintf("只有在 %d 年 12 月 31 日之后才到达法定退休年龄的人员可以申报 %d 年度职称；如出生日期、性别或岗位类型填写有误，请更正",
			planYear, planYear))
}

func retirementCategoryLabel(male, femaleWorker bool) string {
	switch {
	case male:
		return "男职工"
	case femaleWorker:
		return "原法定退休年龄 50 周岁的女职工"
	default:
		return "原法定退休年龄 55 周岁的女职工"
	}
}

func elgFmtAge(y, m int) string {
	if m == 0 {
		return fmt.Sprintf(" %d 周岁", y)
	}
	return fmt.Sprintf(" %d 周岁 %d 个月", y, m)
}

// elgDay returns t's calendar date (in t's location) at 00:00 UTC; the zero time stays zero.
func elgDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// elgDate builds a date at 00:00 UTC.
func elgDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// elgMonthIndex numbers months continuously: year*12 + month-1.
func elgMonthIndex(t time.Time) int {
	y, m, _ := t.Date()
	return y*12 + int(m) - 1
}

// elgDaysIn is the number of days in month m of year y.
func elgDaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// elgAddMonths adds n months to the date d; a day the target month lacks becomes its last day
// (《民法典》第二百零二条), unlike time.AddDate, which would spill into the next month.
func elgAddMonths(d time.Time, n int) time.Time {
	idx := elgMonthIndex(d) + n
	y, m := idx/12, time.Month(idx%12+1)
	return elgDate(y, m, min(d.Day(), elgDaysIn(y, m)))
}

func elgFmtDay(t time.Time) string   { return t.Format("2006-01-02") }
func elgFmtMonth(t time.Time) string { return t.Format("2006-01") }

func elgFinding(rule, field, message, fix string) *model.Error {
	return &model.Error{Kind: model.KindInvalid, Rule: rule, Field: field, Message: message, Fix: fix}
}
