package service

import (
	"context"
	"fmt"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/holidays"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// Calendar owns the working-day calendar (R-CAL-04): the holiday table the office edits.
type Calendar struct{ d Deps }

var kindNames = map[rules.DayKind]string{rules.Holiday: "holiday", rules.AdjustedWorkday: "workday"}

func kindOf(s string) rules.DayKind {
	for k, name := range kindNames {
		if name == s {
			return k
		}
	}
	return 0
}

// Get builds the calendar from the table.
func (s *Calendar) Get(ctx context.Context) (*rules.Calendar, error) {
	var cal *rules.Calendar
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { cal, err = calendarIn(ctx, q); return err })
	return cal, err
}

// calendarIn builds the calendar from the table in the caller's transaction, for a use case
// that needs it beside other reads.
func calendarIn(ctx context.Context, q *store.Q) (*rules.Calendar, error) {
	rows, years, err := q.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	days := make([]rules.SpecialDay, 0, len(rows))
	for _, r := range rows {
		d, err := rules.ParseDate(r.Day)
		if err != nil {
			return nil, fmt.Errorf("calendar day %q: %w", r.Day, err)
		}
		days = append(days, rules.SpecialDay{Date: d, Kind: kindOf(r.Kind), Name: r.Name})
	}
	return rules.NewCalendar(days, years)
}

// SeedIfEmpty loads the State Council schedules shipped with the binary when the table has
// no year at all (first start). After that the table is the office's, and is never
// overwritten by a restart.
func (s *Calendar) SeedIfEmpty(ctx context.Context) (bool, error) {
	seeded := false
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		_, years, err := q.Calendar(ctx)
		if err != nil || len(years) > 0 {
			return err
		}
		byYear := map[int][]store.CalendarDay{}
		for _, d := range holidays.Seed() {
			byYear[d.Date.Year] = append(byYear[d.Date.Year], store.CalendarDay{Day: d.Date.String(), Kind: kindNames[d.Kind], Name: d.Name})
		}
		for _, y := range holidays.Years() {
			if err := q.SetCalendarYear(ctx, y, byYear[y]); err != nil {
				return err
			}
		}
		e := event(model.SystemActor("系统"), "calendar.seed", "calendar", 0)
		e.Detail = detail(map[string]any{"years": holidays.Years(), "source": "国务院办公厅部分节假日安排的通知"})
		_, err = q.Audit(ctx, e)
		seeded = true
		return err
	})
	if err != nil {
		return false, fmt.Errorf("seed calendar: %w", err)
	}
	return seeded, nil
}

// SetYear replaces one year's special days, after checking the whole table still holds
// together (R-CAL-04: no day both off and worked, adjusted workdays on weekends).
func (s *Calendar) SetYear(ctx context.Context, a model.Actor, year int, days []rules.SpecialDay) error {
	if err := require(a, authz.ManagePlans); err != nil {
		return err
	}
	if year < 2000 || year > 2100 {
		return model.Invalid("year", fmt.Sprintf("年度 %d 无效", year), "请填写四位年份")
	}
	for _, d := range days {
		if d.Date.Year != year {
			return model.Invalid("days", fmt.Sprintf("%s 不属于 %d 年", d.Date, year), "每次只编辑一个年度")
		}
	}
	if _, err := rules.NewCalendar(days, []int{year}); err != nil {
		return err
	}
	rows := make([]store.CalendarDay, 0, len(days))
	for _, d := range days {
		rows = append(rows, store.CalendarDay{Day: d.Date.String(), Kind: kindNames[d.Kind], Name: d.Name})
	}
	err := s.d.DB.Update(ctx, func(q *store.Q) error {
		if err := q.SetCalendarYear(ctx, year, rows); err != nil {
			return err
		}
		e := event(a, "calendar.set_year", "calendar", int64(year))
		e.Detail = detail(map[string]any{"year": year, "days": rows})
		_, err := q.Audit(ctx, e)
		return err
	})
	if err != nil {
		return fmt.Errorf("set calendar %d: %w", year, err)
	}
	return nil
}

// Period is the outcome of the working-day calculator.
type Period struct {
	Start rules.Date
	N     int
	Days  []rules.Date
	Ends  time.Time // the instant the period ends: 24:00 of the last day (R-CAL-04)
}

// AddWorkdays is the calculator: the first n working days on or after start.
func (s *Calendar) AddWorkdays(ctx context.Context, start rules.Date, n int) (Period, error) {
	if n < 1 || n > 366 {
		return Period{}, model.Invalid("n", "工作日天数应为 1–366", "例如公示期 5 个工作日")
	}
	c, err := s.Get(ctx)
	if err != nil {
		return Period{}, err
	}
	days, end, err := c.AddWorkdays(start, n)
	if err != nil {
		return Period{}, err
	}
	return Period{Start: start, N: n, Days: days, Ends: end}, nil
}
