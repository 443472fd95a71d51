package rules_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/holidays"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// official is the calendar of the shipped seed, the one the SPEC example speaks of.
func official(t *testing.T) *rules.Calendar {
	t.Helper()
	c, err := holidays.NewCalendar()
	if err != nil {
		t.Fatalf("seed calendar: %v", err)
	}
	return c
}

func date(t *testing.T, s string) rules.Date {
	t.Helper()
	d, err := rules.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func dates(t *testing.T, ss ...string) []rules.Date {
	t.Helper()
	var ds []rules.Date
	for _, s := range ss {
		ds = append(ds, date(t, s))
	}
	return ds
}

func TestR_CAL_04_date(t *testing.T) {
	d := date(t, "2024-10-20")
	if d != (rules.Date{Year: 2024, Month: time.October, Day: 20}) || d.String() != "2024-10-20" {
		t.Fatalf("ParseDate = %v", d)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"weekday", d.Weekday(), time.Sunday},
		{"add across a month", d.AddDays(12).String(), "2024-11-01"},
		{"subtract across a year", rules.Date{Year: 2025, Month: 1, Day: 1}.AddDays(-1).String(), "2024-12-31"},
		{"leap day", rules.Date{Year: 2024, Month: 2, Day: 28}.AddDays(1).String(), "2024-02-29"},
		{"Time is 00:00 Shanghai", d.Time().UTC().Format(time.RFC3339), "2024-10-19T16:00:00Z"},
		{"End is 24:00 Shanghai", d.End().UTC().Format(time.RFC3339), "2024-10-20T16:00:00Z"},
		{"FromTime reads Shanghai, not UTC", rules.FromTime(time.Date(2024, 10, 20, 16, 0, 0, 0, time.UTC)).String(), "2024-10-21"},
		{"FromTime just before midnight", rules.FromTime(time.Date(2024, 10, 20, 15, 59, 59, 0, time.UTC)).String(), "2024-10-20"},
		{"Compare", d.Compare(d.AddDays(1)), -1},
		{"invalid date", rules.Date{Year: 2025, Month: 2, Day: 29}.Valid(), false},
		{"zero date", rules.Date{}.Valid(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	for _, bad := range []string{"2025-02-29", "2024/10/20", "", "2024-1-5"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			if _, err := rules.ParseDate(bad); model.KindOf(err) != model.KindInvalid {
				t.Errorf("ParseDate(%q) err = %v", bad, err)
			}
		})
	}
	t.Run("text round trip", func(t *testing.T) {
		b, _ := d.MarshalText()
		var back rules.Date
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Errorf("round trip = %v, %v", back, err)
		}
	})
}

func TestR_CAL_04_specExample(t *testing.T) {
	// SPEC R-CAL-04: 5 working days from Friday 2024-09-27.
	c := official(t)
	days, end, err := c.AddWorkdays(date(t, "2024-09-27"), 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := dates(t, "2024-09-27", "2024-09-29", "2024-09-30", "2024-10-08", "2024-10-09"); !slices.Equal(days, want) {
		t.Errorf("days = %v, want %v", days, want)
	}
	if want := time.Date(2024, 10, 10, 0, 0, 0, 0, time.FixedZone("+08", 8*3600)); !end.Equal(want) {
		t.Errorf("end = %v, want %v", end, want)
	}
}

func TestR_CAL_04_addWorkdays(t *testing.T) {
	c := official(t)
	tests := []struct {
		name  string
		start string
		n     int
		days  []string
		end   string // the Shanghai date whose 00:00 ends the period
	}{
		{"across Spring Festival 2025", "2025-01-24", 5,
			[]string{"2025-01-24", "2025-01-26", "2025-01-27", "2025-02-05", "2025-02-06"}, "2025-02-07"},
		{"adjusted Saturday after Spring Festival 2025", "2025-02-07", 2,
			[]string{"2025-02-07", "2025-02-08"}, "2025-02-09"},
		{"starting on a holiday begins on the next working day", "2024-10-01", 1,
			[]string{"2024-10-08"}, "2024-10-09"},
		{"starting on an ordinary Saturday", "2024-09-21", 1,
			[]string{"2024-09-23"}, "2024-09-24"},
		{"seed 000 publicity of 5 working days across National Day 2023", "2023-09-27", 5,
			[]string{"2023-09-27", "2023-09-28", "2023-10-07", "2023-10-08", "2023-10-09"}, "2023-10-10"},
		{"across the year end into New Year 2026", "2025-12-29", 4,
			[]string{"2025-12-29", "2025-12-30", "2025-12-31", "2026-01-04"}, "2026-01-05"},
		{"Spring Festival 2026", "2026-02-13", 3,
			[]string{"2026-02-13", "2026-02-14", "2026-02-24"}, "2026-02-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, end, err := c.AddWorkdays(date(t, tt.start), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if want := dates(t, tt.days...); !slices.Equal(days, want) {
				t.Errorf("days = %v, want %v", days, want)
			}
			if want := date(t, tt.end).Time(); !end.Equal(want) {
				t.Errorf("end = %v, want %v", end, want)
			}
		})
	}
	t.Run("n must be at least 1", func(t *testing.T) {
		for _, n := range []int{0, -1} {
			if _, _, err := c.AddWorkdays(date(t, "2024-09-27"), n); model.KindOf(err) != model.KindInvalid {
				t.Errorf("AddWorkdays(n=%d) err = %v", n, err)
			}
		}
	})
}

func TestR_CAL_04_uncoveredYearRefused(t *testing.T) {
	c := official(t)
	check := func(t *testing.T, err error, year string) {
		t.Helper()
		e, ok := model.AsError(err)
		if !ok || e.Kind != model.KindInvalid || e.Rule != "R-CAL-04" {
			t.Fatalf("err = %v, want an R-CAL-04 refusal", err)
		}
		if e.Message != "工作日历缺少 "+year+" 年数据" || !strings.Contains(e.Fix, "工作日历") {
			t.Errorf("err = %+v", e)
		}
	}
	t.Run("IsWorkday", func(t *testing.T) {
		// 2027-01-04 is a Monday; a guess would say "working day", the calendar must not.
		ok, err := c.IsWorkday(date(t, "2027-01-04"))
		check(t, err, "2027")
		if ok {
			t.Error("an uncovered day must not be reported as a working day")
		}
	})
	t.Run("AddWorkdays running into 2027", func(t *testing.T) {
		_, _, err := c.AddWorkdays(date(t, "2026-12-28"), 10)
		check(t, err, "2027")
	})
	t.Run("WorkdaysBetween over 2022", func(t *testing.T) {
		_, err := c.WorkdaysBetween(date(t, "2022-12-01"), date(t, "2023-01-10"))
		check(t, err, "2022")
	})
	t.Run("WorkdaysBetween spanning a gap in coverage", func(t *testing.T) {
		gap, err := rules.NewCalendar(nil, []int{2024, 2026})
		if err != nil {
			t.Fatal(err)
		}
		_, err = gap.WorkdaysBetween(date(t, "2024-12-30"), date(t, "2026-01-05"))
		check(t, err, "2025")
	})
}

func TestR_CAL_04_workdaysBetween(t *testing.T) {
	c := official(t)
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		// 09-29 (adjusted Sun), 09-30, 10-08..10-11, 10-12 (adjusted Sat); 09-28 and 10-13 are off.
		{"across National Day 2024", "2024-09-28", "2024-10-13", 7},
		{"only the holiday", "2024-10-01", "2024-10-07", 0},
		{"one working day, both ends included", "2024-10-08", "2024-10-08", 1},
		{"an adjusted Sunday alone", "2024-09-29", "2024-09-29", 1},
		{"to before from", "2024-10-13", "2024-09-28", 0},
		{"an ordinary week", "2024-09-02", "2024-09-08", 5},
		{"Spring Festival 2025 week", "2025-01-26", "2025-02-08", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.WorkdaysBetween(date(t, tt.from), date(t, tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("WorkdaysBetween = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestR_CAL_04_kinds(t *testing.T) {
	c := official(t)
	tests := []struct {
		date string
		kind rules.DayKind
		name string
	}{
		{"2024-09-27", rules.Workday, ""},
		{"2024-09-28", rules.Weekend, ""},
		{"2024-09-29", rules.AdjustedWorkday, "国庆节"},
		{"2024-10-01", rules.Holiday, "国庆节"},
		{"2024-10-05", rules.Holiday, "国庆节"}, // a Saturday inside the break
		{"2025-01-26", rules.AdjustedWorkday, "春节"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			k, name, err := c.Kind(date(t, tt.date))
			if err != nil || k != tt.kind || name != tt.name {
				t.Errorf("Kind = %v %q %v, want %v %q", k, name, err, tt.kind, tt.name)
			}
		})
	}
}

// TestR_CAL_04_addThenCount checks that AddWorkdays and WorkdaysBetween agree: the period of n
// working days from d ends on a day such that [d, last] holds exactly n working days, the last day
// is a working day, and the end instant is 24:00 of it.
func TestR_CAL_04_addThenCount(t *testing.T) {
	c := official(t)
	first, last := date(t, "2023-01-01"), date(t, "2026-12-31")
	// Periods that run past 2026 must be refused, not guessed; 30 working days never need more
	// than about 60 calendar days, so only starts after this may run out of data.
	runsOut := date(t, "2026-10-15")
	for d := first; !d.After(last); d = d.AddDays(2) {
		for _, n := range []int{1, 2, 3, 5, 7, 10, 15, 20, 30} {
			days, end, err := c.AddWorkdays(d, n)
			if err != nil {
				if e, ok := model.AsError(err); ok && e.Rule == "R-CAL-04" && d.After(runsOut) {
					continue
				}
				t.Fatalf("AddWorkdays(%v, %d): %v", d, n, err)
			}
			if len(days) != n {
				t.Fatalf("AddWorkdays(%v, %d) gave %d days", d, n, len(days))
			}
			end0 := days[n-1]
			if !end.Equal(end0.AddDays(1).Time()) {
				t.Fatalf("AddWorkdays(%v, %d) end = %v, want 24:00 of %v", d, n, end, end0)
			}
			if ok, _ := c.IsWorkday(end0); !ok {
				t.Fatalf("AddWorkdays(%v, %d) ends on %v, not a working day", d, n, end0)
			}
			if !slices.IsSortedFunc(days, rules.Date.Compare) || days[0].Before(d) {
				t.Fatalf("AddWorkdays(%v, %d) = %v, not ascending from start", d, n, days)
			}
			got, err := c.WorkdaysBetween(d, end0)
			if err != nil {
				t.Fatal(err)
			}
			if got != n {
				t.Fatalf("WorkdaysBetween(%v, %v) = %d, want %d", d, end0, got, n)
			}
		}
	}
}

func TestR_CAL_04_newCalendarValidation(t *testing.T) {
	d := func(s string) rules.Date { return date(t, s) }
	tests := []struct {
		name   string
		days   []rules.SpecialDay
		years  []int
		fields []string // dates named by the refusals, in order
		msg    string   // substring of the first refusal
	}{
		{"valid", []rules.SpecialDay{{d("2024-10-01"), rules.Holiday, "国庆节"}, {d("2024-09-29"), rules.AdjustedWorkday, "国庆节"}}, []int{2024}, nil, ""},
		{"no data at all is a valid, weekend-only calendar", nil, []int{2024}, nil, ""},
		{"holiday and working day on one date", []rules.SpecialDay{{d("2024-09-29"), rules.Holiday, "国庆节"}, {d("2024-09-29"), rules.AdjustedWorkday, "国庆节"}}, []int{2024}, []string{"2024-09-29"}, "既是节假日又是调休上班日"},
		{"duplicate", []rules.SpecialDay{{d("2024-10-01"), rules.Holiday, "国庆节"}, {d("2024-10-01"), rules.Holiday, "国庆节"}}, []int{2024}, []string{"2024-10-01"}, "重复录入"},
		{"adjusted working day on a weekday", []rules.SpecialDay{{d("2024-09-30"), rules.AdjustedWorkday, "国庆节"}}, []int{2024}, []string{"2024-09-30"}, "星期一"},
		{"day outside the covered years", []rules.SpecialDay{{d("2027-01-01"), rules.Holiday, "元旦"}}, []int{2024}, []string{"2027-01-01"}, "不在工作日历覆盖的年度内"},
		{"kind not set", []rules.SpecialDay{{d("2024-10-01"), 0, "国庆节"}}, []int{2024}, []string{"2024-10-01"}, "类型"},
		{"ordinary kinds are not special", []rules.SpecialDay{{d("2024-10-01"), rules.Workday, ""}}, []int{2024}, []string{"2024-10-01"}, "类型"},
		{"invalid date", []rules.SpecialDay{{rules.Date{Year: 2024, Month: 2, Day: 30}, rules.Holiday, ""}}, []int{2024}, []string{"2024-02-30"}, "不存在"},
		{"all problems at once", []rules.SpecialDay{{d("2024-09-30"), rules.AdjustedWorkday, ""}, {d("2027-01-01"), rules.Holiday, ""}}, []int{2024}, []string{"2024-09-30", "2027-01-01"}, "星期一"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rules.NewCalendar(tt.days, tt.years)
			if tt.fields == nil {
				if err != nil || c == nil {
					t.Fatalf("NewCalendar = %v, %v", c, err)
				}
				return
			}
			es, ok := err.(model.Errors)
			if !ok || c != nil {
				t.Fatalf("NewCalendar = %v, %#v; want nil and model.Errors", c, err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Field)
				if e.Rule != "R-CAL-04" || e.Kind != model.KindInvalid || e.Fix == "" {
					t.Errorf("refusal %+v", e)
				}
			}
			if !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
			if !strings.Contains(es[0].Message, tt.msg) {
				t.Errorf("message %q should contain %q", es[0].Message, tt.msg)
			}
		})
	}
	t.Run("Years and Days read back in order", func(t *testing.T) {
		c, err := rules.NewCalendar([]rules.SpecialDay{{d("2024-10-02"), rules.Holiday, "国庆节"}, {d("2024-10-01"), rules.Holiday, "国庆节"}}, []int{2025, 2024, 2024})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.Years(), []int{2024, 2025}) || !c.Covers(2025) || c.Covers(2026) {
			t.Errorf("Years = %v", c.Years())
		}
		if ds := c.Days(); len(ds) != 2 || ds[0].Date != d("2024-10-01") {
			t.Errorf("Days = %v", ds)
		}
	})
}
