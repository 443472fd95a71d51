package holidays

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"zhicheng/internal/rules"
)

// schedule is one festival of a State Council notice, typed in by hand from the notice so that
// the generated data is checked against a second, independent source: the days off (放假, first
// to last inclusive) and the weekend days worked in exchange (上班).
type schedule struct {
	festival  string
	off       [2]string
	workdays  []string
	offBefore []string // days off that fall in the previous calendar year
}

// notices are the State Council schedules for 2023–2026 (国务院办公厅关于20XX年部分节假日安排的通知).
func notices() map[int][]schedule {
	return map[int][]schedule{
		2023: {
			{festival: "元旦", off: [2]string{"2023-01-01", "2023-01-02"}, offBefore: []string{"2022-12-31"}},
			{festival: "春节", off: [2]string{"2023-01-21", "2023-01-27"}, workdays: []string{"2023-01-28", "2023-01-29"}},
			{festival: "清明节", off: [2]string{"2023-04-05", "2023-04-05"}},
			{festival: "劳动节", off: [2]string{"2023-04-29", "2023-05-03"}, workdays: []string{"2023-04-23", "2023-05-06"}},
			{festival: "端午节", off: [2]string{"2023-06-22", "2023-06-24"}, workdays: []string{"2023-06-25"}},
			{festival: "中秋节、国庆节", off: [2]string{"2023-09-29", "2023-10-06"}, workdays: []string{"2023-10-07", "2023-10-08"}},
		},
		2024: {
			{festival: "元旦", off: [2]string{"2024-01-01", "2024-01-01"}, offBefore: []string{"2023-12-30", "2023-12-31"}},
			{festival: "春节", off: [2]string{"2024-02-10", "2024-02-17"}, workdays: []string{"2024-02-04", "2024-02-18"}},
			{festival: "清明节", off: [2]string{"2024-04-04", "2024-04-06"}, workdays: []string{"2024-04-07"}},
			{festival: "劳动节", off: [2]string{"2024-05-01", "2024-05-05"}, workdays: []string{"2024-04-28", "2024-05-11"}},
			{festival: "端午节", off: [2]string{"2024-06-08", "2024-06-10"}},
			{festival: "中秋节", off: [2]string{"2024-09-15", "2024-09-17"}, workdays: []string{"2024-09-14"}},
			{festival: "国庆节", off: [2]string{"2024-10-01", "2024-10-07"}, workdays: []string{"2024-09-29", "2024-10-12"}},
		},
		2025: {
			{festival: "元旦", off: [2]string{"2025-01-01", "2025-01-01"}},
			{festival: "春节", off: [2]string{"2025-01-28", "2025-02-04"}, workdays: []string{"2025-01-26", "2025-02-08"}},
			{festival: "清明节", off: [2]string{"2025-04-04", "2025-04-06"}},
			{festival: "劳动节", off: [2]string{"2025-05-01", "2025-05-05"}, workdays: []string{"2025-04-27"}},
			{festival: "端午节", off: [2]string{"2025-05-31", "2025-06-02"}},
			{festival: "国庆节、中秋节", off: [2]string{"2025-10-01", "2025-10-08"}, workdays: []string{"2025-09-28", "2025-10-11"}},
		},
		2026: {
			{festival: "元旦", off: [2]string{"2026-01-01", "2026-01-03"}, workdays: []string{"2026-01-04"}},
			{festival: "春节", off: [2]string{"2026-02-15", "2026-02-23"}, workdays: []string{"2026-02-14", "2026-02-28"}},
			{festival: "清明节", off: [2]string{"2026-04-04", "2026-04-06"}},
			{festival: "劳动节", off: [2]string{"2026-05-01", "2026-05-05"}, workdays: []string{"2026-05-09"}},
			{festival: "端午节", off: [2]string{"2026-06-19", "2026-06-21"}},
			{festival: "中秋节", off: [2]string{"2026-09-25", "2026-09-27"}},
			{festival: "国庆节", off: [2]string{"2026-10-01", "2026-10-07"}, workdays: []string{"2026-09-20", "2026-10-10"}},
		},
	}
}

func mustDate(t *testing.T, s string) rules.Date {
	t.Helper()
	d, err := rules.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// expected expands the notices into "date kind" lines for the covered years.
func expected(t *testing.T) []string {
	t.Helper()
	var lines []string
	add := func(d rules.Date, k rules.DayKind) {
		if Covers(d.Year) {
			lines = append(lines, fmt.Sprintf("%v %v", d, k))
		}
	}
	for _, y := range Years() {
		for _, s := range notices()[y] {
			for d := mustDate(t, s.off[0]); !d.After(mustDate(t, s.off[1])); d = d.AddDays(1) {
				add(d, rules.Holiday)
			}
			for _, w := range s.workdays {
				add(mustDate(t, w), rules.AdjustedWorkday)
			}
			for _, o := range s.offBefore {
				add(mustDate(t, o), rules.Holiday)
			}
		}
	}
	slices.Sort(lines)
	return lines
}

func TestR_CAL_04_seedMatchesNotices(t *testing.T) {
	var got []string
	for _, sd := range Seed() {
		got = append(got, fmt.Sprintf("%v %v", sd.Date, sd.Kind))
	}
	slices.Sort(got)
	want := expected(t)
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("seed has %s, the notices do not", g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("the notices have %s, the seed does not", w)
		}
	}
}

func TestR_CAL_04_seedSpotChecks(t *testing.T) {
	c, err := NewCalendar()
	if err != nil {
		t.Fatalf("the seed must build a calendar: %v", err)
	}
	tests := []struct {
		date string
		kind rules.DayKind
		name string
	}{
		{"2024-10-01", rules.Holiday, "国庆节"},
		{"2024-10-07", rules.Holiday, "国庆节"},
		{"2024-09-29", rules.AdjustedWorkday, "国庆节"},
		{"2024-10-12", rules.AdjustedWorkday, "国庆节"},
		{"2024-10-08", rules.Workday, ""},
		{"2025-01-28", rules.Holiday, "春节"},
		{"2025-02-04", rules.Holiday, "春节"},
		{"2025-01-26", rules.AdjustedWorkday, "春节"},
		{"2025-02-08", rules.AdjustedWorkday, "春节"},
		{"2025-10-01", rules.Holiday, "国庆节、中秋节"},
		{"2025-10-08", rules.Holiday, "国庆节、中秋节"},
		{"2025-09-28", rules.AdjustedWorkday, "国庆节、中秋节"},
		{"2025-10-11", rules.AdjustedWorkday, "国庆节、中秋节"},
		{"2026-02-15", rules.Holiday, "春节"},
		{"2026-02-23", rules.Holiday, "春节"},
		{"2026-02-14", rules.AdjustedWorkday, "春节"},
		{"2026-02-28", rules.AdjustedWorkday, "春节"},
		{"2026-01-04", rules.AdjustedWorkday, "元旦"},
		{"2023-12-31", rules.Holiday, "元旦"},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			k, name, err := c.Kind(mustDate(t, tt.date))
			if err != nil || k != tt.kind || name != tt.name {
				t.Errorf("Kind = %v %q %v, want %v %q", k, name, err, tt.kind, tt.name)
			}
		})
	}
}

func TestR_CAL_04_seedConsistent(t *testing.T) {
	seen := map[rules.Date]rules.DayKind{}
	for _, sd := range Seed() {
		t.Run(sd.Date.String(), func(t *testing.T) {
			if k, dup := seen[sd.Date]; dup {
				t.Errorf("listed twice (%v and %v)", k, sd.Kind)
			}
			seen[sd.Date] = sd.Kind
			if sd.Name == "" {
				t.Error("no festival name")
			}
			if wd := sd.Date.Weekday(); sd.Kind == rules.AdjustedWorkday && wd != time.Saturday && wd != time.Sunday {
				t.Errorf("adjusted working day on %v", wd)
			}
			if !Covers(sd.Date.Year) {
				t.Errorf("outside Years() %v", Years())
			}
		})
	}
	if !slices.IsSortedFunc(Seed(), func(a, b rules.SpecialDay) int { return a.Date.Compare(b.Date) }) {
		t.Error("seed is not in date order")
	}
	if !slices.Equal(Years(), []int{2023, 2024, 2025, 2026}) {
		t.Errorf("Years = %v", Years())
	}
	s := Seed()
	s[0].Name = "changed"
	if Seed()[0].Name == "changed" {
		t.Error("Seed must return a fresh slice each call")
	}
}
