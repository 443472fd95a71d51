package rules

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"zhicheng/internal/model"
)

// Date is a civil date as the notices write it ("2024年10月20日"), with no time and no zone.
// Working days are a property of dates, not instants, so the calendar works on Dates and turns
// them into instants only at the edges, always in Shanghai (Time, End).
// The zero Date is not a valid date; Valid tells.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2006-01-02" and refuses dates that do not exist (2025-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, &model.Error{Kind: model.KindInvalid, Message: fmt.Sprintf("日期“%s”格式不正确", s),
			Fix: "请按 YYYY-MM-DD 填写，例如 2024-10-20"}
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// FromTime is the date t falls on in Shanghai, whatever zone t carries.
func FromTime(t time.Time) Date {
	y, m, d := t.In(Shanghai()).Date()
	return Date{y, m, d}
}

// utc is the date as midnight UTC, used only for calendar arithmetic where a zone is irrelevant.
func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Valid reports whether d names a real date (month 1–12, day within the month).
func (d Date) Valid() bool {
	y, m, dd := d.utc().Date()
	return y == d.Year && m == d.Month && dd == d.Day
}

// Time is 00:00 Shanghai time of d (R-CAL-01).
func (d Date) Time() time.Time { return DayStart(d.Year, d.Month, d.Day) }

// End is "24时" of d: 00:00 Shanghai time of the next day (R-CAL-01).
func (d Date) End() time.Time { return DayEnd(d.Year, d.Month, d.Day) }

// AddDays is the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date {
	y, m, dd := d.utc().AddDate(0, 0, n).Date()
	return Date{y, m, dd}
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	return cmp.Or(cmp.Compare(d.Year, o.Year), cmp.Compare(d.Month, o.Month), cmp.Compare(d.Day, o.Day))
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// String is "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalText writes "2006-01-02", so a Date is a plain string in JSON and forms.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func isWeekend(d Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// DayKind says whether a day is worked (R-CAL-04). The zero value is not a kind, so a
// SpecialDay whose kind was never set is caught by NewCalendar.
type DayKind int

const (
	Workday         DayKind = iota + 1 // an ordinary Monday–Friday
	Weekend                            // an ordinary Saturday or Sunday, off
	Holiday                            // a day off under the State Council schedule (法定节假日/放假调休)
	AdjustedWorkday                    // a Saturday or Sunday worked in exchange (调休上班)
)

// String is the Chinese name of the kind.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "工作日"
	case Weekend:
		return "休息日"
	case Holiday:
		return "节假日"
	case AdjustedWorkday:
		return "调休上班"
	}
	return fmt.Sprintf("DayKind(%d)", int(k))
}

// Worked reports whether a day of this kind counts as a working day.
func (k DayKind) Worked() bool { return k == Workday || k == AdjustedWorkday }

// SpecialDay is one row of the editable holiday table: a date that departs from the weekday /
// weekend rule, or a weekend day inside a holiday that the schedule names (so it can be shown
// with its festival). Only Holiday and AdjustedWorkday are special kinds.
type SpecialDay struct {
	Date Date
	Kind DayKind
	Name string // festival in Chinese, e.g. "国庆节"
}

// Calendar answers R-CAL-04 questions for the years it covers. It is built once from the holiday
// table and never changes afterwards, so one Calendar can be shared by concurrent requests; an
// edit of the table builds a new Calendar.
//
// A year is covered only when the office has entered its schedule. For an uncovered year every
// question is an error rather than a guess from weekends alone, because a guess would silently
// misplace a deadline by the length of a holiday.
type Calendar struct {
	special map[Date]SpecialDay
	years   map[int]bool
}

// NewCalendar builds a calendar from the holiday table (days) and the years the table covers.
// It reports every problem at once: a day outside the covered years, an invalid date or kind,
// an adjusted working day that is not a Saturday or Sunday, and a date entered twice (in
// particular as both a holiday and a working day).
func NewCalendar(days []SpecialDay, years []int) (*Calendar, error) {
	c := &Calendar{special: make(map[Date]SpecialDay, len(days)), years: make(map[int]bool, len(years))}
	var errs model.Errors
	bad := func(d Date, msg, fix string) {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: d.String(), Message: msg, Fix: fix})
	}
	for _, y := range years {
		if y < 1949 || y > 9999 {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: "years",
				Message: fmt.Sprintf("工作日历年度 %d 不正确", y), Fix: "请填写四位数年度，例如 2025"})
			continue
		}
		c.years[y] = true
	}
	for _, sd := range days {
		d := sd.Date
		switch {
		case !d.Valid():
			bad(d, fmt.Sprintf("日期 %s 不存在", d), "请核对日期")
			continue
		case !c.years[d.Year]:
			bad(d, fmt.Sprintf("%s 不在工作日历覆盖的年度内", d), fmt.Sprintf("请先将 %d 年加入工作日历的覆盖年度", d.Year))
			continue
		case sd.Kind != Holiday && sd.Kind != AdjustedWorkday:
			bad(d, fmt.Sprintf("%s 的类型“%s”不正确", d, sd.Kind), "只能是“节假日”或“调休上班”")
			continue
		case sd.Kind == AdjustedWorkday && !isWeekend(d):
			bad(d, fmt.Sprintf("%s 是%s，不能设为调休上班日", d, weekdayNames[d.Weekday()]), "调休上班日只能是星期六或星期日")
			continue
		}
		if prev, dup := c.special[d]; dup {
			if prev.Kind != sd.Kind {
				bad(d, fmt.Sprintf("%s 既是节假日又是调休上班日", d), "请删除其中一条")
			} else {
				bad(d, fmt.Sprintf("%s 重复录入", d), "每个日期只录入一条")
			}
			continue
		}
		c.special[d] = sd
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// Years lists the covered years in ascending order.
func (c *Calendar) Years() []int { return slices.Sorted(maps.Keys(c.years)) }

// Days lists the holiday table in date order, for display and editing.
func (c *Calendar) Days() []SpecialDay {
	days := slices.Collect(maps.Values(c.special))
	slices.SortFunc(days, func(a, b SpecialDay) int { return a.Date.Compare(b.Date) })
	return days
}

// Covers reports whether the calendar has data for year y.
func (c *Calendar) Covers(y int) bool { return c.years[y] }

func (c *Calendar) missingYear(y int) error {
	return &model.Error{
		Kind:    model.KindInvalid,
		Rule:    "R-CAL-04",
		Message: fmt.Sprintf("工作日历缺少 %d 年数据", y),
		Fix:     "请职改办在“工作日历”中录入该年度法定节假日和调休安排",
	}
}

// Kind classifies d and names its festival, if any. It fails for an invalid date and for a
// date in a year the calendar does not cover.
func (c *Calendar) Kind(d Date) (DayKind, string, error) {
	if !d.Valid() {
		return 0, "", &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Message: fmt.Sprintf("日期 %s 不存在", d), Fix: "请核对日期"}
	}
	if !c.years[d.Year] {
		return 0, "", c.missingYear(d.Year)
	}
	if sd, ok := c.special[d]; ok {
		return sd.Kind, sd.Name, nil
	}
	if isWeekend(d) {
		return Weekend, "", nil
	}
	return Workday, "", nil
}

// IsWorkday reports whether d is a working day (R-CAL-04): Monday–Friday unless a holiday,
// Saturday–Sunday only when an adjusted working day.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	k, _, err := c.Kind(d)
	return k.Worked(), err
}

// AddWorkdays is a period of n working days starting on start (R-CAL-04): the first n working
// days on or after start, and the instant the period ends, 24:00 of the last of them (00:00
// Shanghai of the next day), from which whatever waits for the period may happen. When start is
// not a working day the period begins on the next one. It fails when n < 1 or when the period
// would run into a year the calendar does not cover.
func (c *Calendar) AddWorkdays(start Date, n int) (days []Date, end time.Time, err error) {
	if n < 1 {
		return nil, time.Time{}, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: "n",
			Message: fmt.Sprintf("工作日天数 %d 不正确", n), Fix: "工作日天数至少为 1"}
	}
	// Capacity is capped: n comes from configuration, and the loop ends at the first uncovered
	// year anyway, so a huge n must not allocate up front.
	days = make([]Date, 0, min(n, 64))
	for d := start; len(days) < n; d = d.AddDays(1) {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return nil, time.Time{}, err
		}
		if ok {
			days = append(days, d)
		}
	}
	return days, days[n-1].End(), nil
}

// WorkdaysBetween counts the working days from `from` to `to`, both included, so
// WorkdaysBetween(d, d) is 1 when d is a working day; it is 0 when to is before from. It fails
// when any year from from to to is not covered, even if the count would not need it, so an
// answer is never half-guessed.
func (c *Calendar) WorkdaysBetween(from, to Date) (int, error) {
	for _, d := range []Date{from, to} {
		if _, _, err := c.Kind(d); err != nil {
			return 0, err
		}
	}
	if to.Before(from) {
		return 0, nil
	}
	for y := from.Year; y <= to.Year; y++ {
		if !c.years[y] {
			return 0, c.missingYear(y)
		}
	}
	n := 0
	for d := from; !d.After(to); d = d.AddDays(1) {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
