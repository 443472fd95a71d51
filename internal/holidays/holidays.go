// Package holidays owns the seed of the working-day calendar (R-CAL-04): the State Council's
// holiday schedules (国务院办公厅关于部分节假日安排的通知) for the years the system ships with.
//
// The seed is only where the office's editable holiday table starts. Each year's schedule is
// published around November of the year before, and it can move days in late December of the
// previous year (a New Year break that starts on 12-30, or a weekend worked in exchange), so the
// office enters each new year, and checks the last days of December of the current one, when the
// notice appears. A year that is not entered is refused by rules.Calendar, never guessed.
//
// The data is generated once from github.com/6tail/lunar-go (see gen_seed.go) into static Go,
// so nothing at run time depends on lunar-go or on its mutable package-level tables.
package holidays

//go:generate go run gen_seed.go

import (
	"slices"
	"time"

	"zhicheng/internal/rules"
)

// Seed returns the official days off and adjusted working days for Years(), in date order.
// Each call returns a new slice, so a caller may edit it freely.
func Seed() []rules.SpecialDay { return official() }

// Years lists the years Seed covers completely: 2023–2026.
func Years() []int {
	ys := make([]int, 0, lastYear-firstYear+1)
	for y := firstYear; y <= lastYear; y++ {
		ys = append(ys, y)
	}
	return ys
}

// NewCalendar builds the calendar of the seed alone, for demos, tests and a fresh installation.
func NewCalendar() (*rules.Calendar, error) { return rules.NewCalendar(Seed(), Years()) }

// Covers reports whether the seed covers year y.
func Covers(y int) bool { return slices.Contains(Years(), y) }

// off and work keep the generated table short enough to read against the notices.
func off(y int, m time.Month, d int, name string) rules.SpecialDay {
	return rules.SpecialDay{Date: rules.Date{Year: y, Month: m, Day: d}, Kind: rules.Holiday, Name: name}
}

func work(y int, m time.Month, d int, name string) rules.SpecialDay {
	return rules.SpecialDay{Date: rules.Date{Year: y, Month: m, Day: d}, Kind: rules.AdjustedWorkday, Name: name}
}
