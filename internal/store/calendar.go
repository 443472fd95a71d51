package store

import (
	"context"
	"fmt"
)

// CalendarDay is one special day of the working-day calendar.
type CalendarDay struct {
	Day  string // YYYY-MM-DD
	Kind string // holiday | workday
	Name string
}

// Calendar returns every special day and the years the calendar covers.
func (q *Q) Calendar(ctx context.Context) ([]CalendarDay, []int, error) {
	rows, err := q.q.QueryContext(ctx, `SELECT day, kind, name FROM calendar_days ORDER BY day`)
	if err != nil {
		return nil, nil, fmt.Errorf("read calendar: %w", err)
	}
	defer rows.Close()
	var days []CalendarDay
	for rows.Next() {
		var d CalendarDay
		if err := rows.Scan(&d.Day, &d.Kind, &d.Name); err != nil {
			return nil, nil, fmt.Errorf("scan calendar day: %w", err)
		}
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	yr, err := q.q.QueryContext(ctx, `SELECT year FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, nil, fmt.Errorf("read calendar years: %w", err)
	}
	defer yr.Close()
	var years []int
	for yr.Next() {
		var y int
		if err := yr.Scan(&y); err != nil {
			return nil, nil, err
		}
		years = append(years, y)
	}
	return days, years, yr.Err()
}

// SetCalendarYear replaces the special days of one year and marks the year as covered.
func (q *Q) SetCalendarYear(ctx context.Context, year int, days []CalendarDay) error {
	prefix := fmt.Sprintf("%04d-", year)
	if _, err := q.q.ExecContext(ctx, `DELETE FROM calendar_days WHERE day >= $1 AND day < $2`, prefix+"01-01", fmt.Sprintf("%04d-01-01", year+1)); err != nil {
		return fmt.Errorf("clear calendar %d: %w", year, err)
	}
	for _, d := range days {
		if len(d.Day) != 10 || d.Day[:5] != prefix {
			return fmt.Errorf("calendar day %s is not in %d", d.Day, year)
		}
		if _, err := q.q.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, updated_at_ms) VALUES ($1, $2, $3, $4)`, d.Day, d.Kind, d.Name, ms(q.now)); err != nil {
			return fmt.Errorf("set calendar day %s: %w", d.Day, err)
		}
	}
	_, err := q.q.ExecContext(ctx, `INSERT INTO calendar_years (year, updated_at_ms) VALUES ($1, $2)
		ON CONFLICT (year) DO UPDATE SET updated_at_ms = excluded.updated_at_ms`, year, ms(q.now))
	if err != nil {
		return fmt.Errorf("mark calendar year %d: %w", year, err)
	}
	return nil
}
