package rules

import (
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
)

// at is an instant written as Shanghai wall time, as the notices write them.
func at(y int, m time.Month, d, hh, mm, ss, ms int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, ms*int(time.Millisecond), Shanghai())
}

// seed003Applicant is seed 003's "9月11日0时至10月20日24时为个人正式申报时间".
func seed003Applicant() Window {
	return Window{Name: "个人申报", Start: DayStart(2024, 9, 11), End: DayEnd(2024, 10, 20)}
}

// closedErr asserts that err is a KindClosed refusal of the given rule and returns it.
func closedErr(t *testing.T, err error, rule string) *model.Error {
	t.Helper()
	e, ok := model.AsError(err)
	if !ok {
		t.Fatalf("err = %v, want a *model.Error", err)
	}
	if e.Kind != model.KindClosed || e.Rule != rule {
		t.Fatalf("err = %+v, want Kind %q Rule %q", e, model.KindClosed, rule)
	}
	if e.Message == "" || e.Fix == "" {
		t.Fatalf("err = %+v, want a message and a fix", e)
	}
	return e
}

func TestR_CAL_01_shanghaiZone(t *testing.T) {
	// China has no daylight saving: every date of the year is UTC+8.
	for _, m := range []time.Month{time.January, time.April, time.July, time.October} {
		if _, off := DayStart(2024, m, 15).Zone(); off != 8*3600 {
			t.Errorf("offset in %v = %d, want 28800", m, off)
		}
	}
	if Shanghai() != Shanghai() {
		t.Error("Shanghai() should return the same location every time")
	}
}

func TestR_CAL_01_dayStartAndEnd(t *testing.T) {
	tests := []struct {
		name string
		got  time.Time
		want string // RFC 3339 in UTC
	}{
		{"0时 is midnight Shanghai", DayStart(2024, 9, 11), "2024-09-10T16:00:00Z"},
		{"24时 is the next midnight", DayEnd(2024, 10, 20), "2024-10-20T16:00:00Z"},
		{"24时 at the end of a month", DayEnd(2023, 9, 30), "2023-09-30T16:00:00Z"},
		{"24时 at the end of a year", DayEnd(2024, 12, 31), "2024-12-31T16:00:00Z"},
		{"24时 on a leap day", DayEnd(2024, 2, 29), "2024-02-29T16:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.UTC().Format(time.RFC3339); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestR_CAL_01_seed000ApplicantWindow(t *testing.T) {
	// "个人申报自8月30日24时起至9月30日24时止"
	w := Window{Name: "个人申报", Start: DayEnd(2023, 8, 30), End: DayEnd(2023, 9, 30)}
	if !w.Start.Equal(at(2023, 8, 31, 0, 0, 0, 0)) || !w.End.Equal(at(2023, 10, 1, 0, 0, 0, 0)) {
		t.Fatalf("window = %v, want 2023-08-31 00:00 – 2023-10-01 00:00", w)
	}
	if d := DaysWindow("个人申报", Date{2023, 8, 31}, Date{2023, 9, 30}); d != w {
		t.Errorf("DaysWindow = %v, want %v", d, w)
	}
	if got, want := w.String(), "个人申报 2023-08-31 00:00 至 2023-09-30 24:00"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		name string
		t    time.Time
		in   bool
	}{
		{"08-30 23:59:59.999 is before", at(2023, 8, 30, 23, 59, 59, 999), false},
		{"08-31 00:00 is the first instant", at(2023, 8, 31, 0, 0, 0, 0), true},
		{"09-30 23:59:59.999 is the last millisecond", at(2023, 9, 30, 23, 59, 59, 999), true},
		{"10-01 00:00 is after", at(2023, 10, 1, 0, 0, 0, 0), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Contains(tt.t); got != tt.in {
				t.Errorf("Contains = %v, want %v", got, tt.in)
			}
		})
	}
}

func TestR_CAL_01_notYetOpen(t *testing.T) {
	w := seed003Applicant()
	tests := []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"one millisecond before the start", at(2024, 9, 10, 23, 59, 59, 999), false},
		{"the first millisecond of the start", at(2024, 9, 11, 0, 0, 0, 0), true},
		{"during the test period", at(2024, 9, 5, 10, 0, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := w.Check(tt.t)
			if tt.ok {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			e := closedErr(t, err, "R-CAL-01")
			if !strings.Contains(e.Message, "个人申报") || !strings.Contains(e.Message, "2024-09-11 00:00") {
				t.Errorf("message %q should name the window and when it opens", e.Message)
			}
		})
	}
}

func TestR_CAL_02_closedAtTheMillisecond(t *testing.T) {
	w := seed003Applicant()
	tests := []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"the last millisecond, 10-20 23:59:59.999", at(2024, 10, 20, 23, 59, 59, 999), true},
		{"the last nanosecond", at(2024, 10, 21, 0, 0, 0, 0).Add(-time.Nanosecond), true},
		{"one millisecond late, 10-21 00:00:00.000", at(2024, 10, 21, 0, 0, 0, 0), false},
		{"a day late", at(2024, 10, 22, 9, 0, 0, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := w.Check(tt.t)
			if tt.ok {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			e := closedErr(t, err, "R-CAL-02")
			if want := "个人申报时间已于 2024-10-20 24:00 截止，系统不再重启"; e.Message != want {
				t.Errorf("message = %q, want %q", e.Message, want)
			}
			if e.Fix != "逾期不再受理" {
				t.Errorf("fix = %q", e.Fix)
			}
		})
	}
}

func TestR_CAL_01_sameInstantInUTC(t *testing.T) {
	w := seed003Applicant()
	// The same instants as above, written in UTC: 10-20 24:00 Shanghai is 10-20 16:00 UTC.
	for _, tt := range []struct {
		name string
		t    time.Time
		in   bool
	}{
		{"last millisecond in UTC", time.Date(2024, 10, 20, 15, 59, 59, 999e6, time.UTC), true},
		{"end instant in UTC", time.Date(2024, 10, 20, 16, 0, 0, 0, time.UTC), false},
		{"start instant in UTC", time.Date(2024, 9, 10, 16, 0, 0, 0, time.UTC), true},
		{"before start in UTC", time.Date(2024, 9, 10, 15, 59, 59, 999e6, time.UTC), false},
		{"in another zone", time.Date(2024, 10, 20, 11, 59, 59, 0, time.FixedZone("UTC+3", 3*3600)), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Contains(tt.t); got != tt.in {
				t.Errorf("Contains(%v) = %v, want %v", tt.t, got, tt.in)
			}
			if got := w.Contains(tt.t.In(Shanghai())); got != tt.in {
				t.Errorf("Contains(Shanghai) = %v, want %v", got, tt.in)
			}
		})
	}
	t.Run("window built in UTC equals window built in Shanghai", func(t *testing.T) {
		u := Window{Name: "个人申报",
			Start: time.Date(2024, 9, 10, 16, 0, 0, 0, time.UTC),
			End:   time.Date(2024, 10, 20, 16, 0, 0, 0, time.UTC)}
		if !u.Start.Equal(w.Start) || !u.End.Equal(w.End) {
			t.Fatalf("UTC window %v differs from %v", u, w)
		}
		// Messages are always shown in Shanghai time, whatever zone the window was built in.
		e := closedErr(t, u.Check(u.End), "R-CAL-02")
		if !strings.Contains(e.Message, "2024-10-20 24:00") {
			t.Errorf("message %q should show the end in Shanghai time", e.Message)
		}
	})
}

func TestR_CAL_02_endFormatting(t *testing.T) {
	tests := []struct {
		name string
		end  time.Time
		want string
	}{
		{"midnight is 24:00 of the day before", DayEnd(2024, 10, 20), "2024-10-20 24:00"},
		{"end of year", DayEnd(2024, 12, 31), "2024-12-31 24:00"},
		{"an afternoon deadline", at(2024, 11, 4, 17, 30, 0, 0), "2024-11-04 17:30"},
		{"seconds are not rounded away", at(2024, 11, 4, 17, 30, 15, 0), "2024-11-04 17:30:15"},
		{"UTC midnight is 08:00 in Shanghai", time.Date(2024, 10, 20, 0, 0, 0, 0, time.UTC), "2024-10-20 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatEnd(tt.end); got != tt.want {
				t.Errorf("FormatEnd = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestR_CAL_01_validate(t *testing.T) {
	start, end := DayStart(2024, 9, 11), DayEnd(2024, 10, 20)
	tests := []struct {
		name   string
		w      Window
		fields []string
	}{
		{"valid", Window{"个人申报", start, end}, nil},
		{"nothing set", Window{Name: "个人申报"}, []string{"start", "end"}},
		{"no end", Window{Name: "个人申报", Start: start}, []string{"end"}},
		{"end before start", Window{"个人申报", end, start}, []string{"end"}},
		{"empty window", Window{"个人申报", start, start}, []string{"end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			es, ok := err.(model.Errors)
			if !ok {
				t.Fatalf("Validate = %#v, want model.Errors", err)
			}
			var got []string
			for _, e := range es {
				got = append(got, e.Field)
				if e.Kind != model.KindInvalid || e.Rule != "R-CAL-01" || e.Fix == "" {
					t.Errorf("refusal %+v", e)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
	t.Run("an unset window accepts nothing", func(t *testing.T) {
		closedErr(t, Window{Name: "个人申报"}.Check(start), "R-CAL-01")
	})
}

func TestR_CAL_01_order(t *testing.T) {
	day := func(m time.Month, d int) Date { return Date{2024, m, d} }
	test := DaysWindow("系统测试", day(9, 1), day(9, 10))
	apply := DaysWindow("个人申报", day(9, 11), day(10, 20))
	review := DaysWindow("单位审核", day(10, 21), day(11, 4))
	tests := []struct {
		name string
		ws   []Window
		msgs []string // substrings, one per expected refusal
	}{
		{"seed 003 touching windows are in order", []Window{test, apply, review}, nil},
		{"single window", []Window{apply}, nil},
		{"overlap", []Window{apply, DaysWindow("单位审核", day(10, 20), day(11, 4))}, []string{"时间重叠"}},
		{"reversed", []Window{review, apply}, []string{"个人申报（2024-09-11 00:00 至 2024-10-20 24:00）应安排在单位审核"}},
		{"every pair is named", []Window{review, apply, test}, []string{"应安排在", "应安排在", "应安排在"}},
		{"invalid windows are skipped", []Window{apply, {Name: "单位审核"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := CheckOrder(tt.ws...)
			if len(errs) != len(tt.msgs) {
				t.Fatalf("CheckOrder = %v (%d), want %d refusals", errs, len(errs), len(tt.msgs))
			}
			for i, e := range errs {
				if !strings.Contains(e.Message, tt.msgs[i]) || e.Rule != "R-CAL-01" || e.Fix == "" {
					t.Errorf("refusal %d = %+v, want message containing %q", i, e, tt.msgs[i])
				}
			}
			if got := Windows(tt.ws).CheckOrder(); len(got) != len(errs) {
				t.Errorf("Windows.CheckOrder disagrees with CheckOrder")
			}
		})
	}
	t.Run("Overlaps lists pairs", func(t *testing.T) {
		late := DaysWindow("补充材料", day(10, 15), day(10, 25))
		got := Windows{test, apply, review, late}.Overlaps()
		want := [][2]int{{1, 3}, {2, 3}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("Overlaps = %v, want %v", got, want)
		}
		if in := (Windows{test, apply, review, late}).Containing(at(2024, 10, 20, 12, 0, 0, 0)); len(in) != 2 {
			t.Errorf("Containing = %v, want 个人申报 and 补充材料", in)
		}
	})
}

func TestR_CAL_02_editWindow(t *testing.T) {
	old := seed003Applicant()
	before := at(2024, 9, 5, 10, 0, 0, 0)   // not yet open
	during := at(2024, 10, 10, 10, 0, 0, 0) // open
	after := at(2024, 10, 21, 0, 0, 0, 0)   // closed, the first instant
	with := func(start, end time.Time) Window { return Window{Name: old.Name, Start: start, End: end} }

	tests := []struct {
		name    string
		new     Window
		now     time.Time
		rule    string // "" when allowed
		kind    model.Kind
		reopens bool
	}{
		// closed: nothing may change
		{"closed, unchanged", old, after, "", "", false},
		{"closed, renamed only", Window{"个人正式申报", old.Start, old.End}, after, "", "", false},
		{"closed, extended (reopening)", with(old.Start, DayEnd(2024, 10, 25)), after, "R-CAL-02", model.KindClosed, true},
		{"closed, extended by a millisecond", with(old.Start, old.End.Add(time.Millisecond)), after, "R-CAL-02", model.KindClosed, true},
		{"closed, moved later", with(DayStart(2024, 10, 22), DayEnd(2024, 10, 30)), after, "R-CAL-02", model.KindClosed, true},
		{"closed, started earlier", with(DayStart(2024, 9, 1), old.End), after, "R-CAL-02", model.KindClosed, true},
		{"closed, shortened", with(old.Start, DayEnd(2024, 10, 15)), after, "R-CAL-02", model.KindClosed, false},
		{"closed long ago, shortened", with(DayStart(2024, 9, 20), old.End), at(2025, 3, 1, 0, 0, 0, 0), "R-CAL-02", model.KindClosed, false},
		// open: start fixed, end must stay after now
		{"open, extended", with(old.Start, DayEnd(2024, 10, 27)), during, "", "", false},
		{"open, shortened but still after now", with(old.Start, DayEnd(2024, 10, 15)), during, "", "", false},
		{"open, shortened to now", with(old.Start, during), during, "R-CAL-02", model.KindInvalid, false},
		{"open, shortened into the past", with(old.Start, DayEnd(2024, 10, 1)), during, "R-CAL-02", model.KindInvalid, false},
		{"open, start moved earlier", with(DayStart(2024, 9, 1), old.End), during, "R-CAL-02", model.KindInvalid, false},
		{"open, start moved later", with(DayStart(2024, 10, 1), old.End), during, "R-CAL-02", model.KindInvalid, false},
		{"open at its last millisecond, extended", with(old.Start, DayEnd(2024, 10, 21)), old.End.Add(-time.Millisecond), "", "", false},
		// not yet open: free, but not into the past
		{"not open, moved later", with(DayStart(2024, 9, 20), DayEnd(2024, 10, 30)), before, "", "", false},
		{"not open, moved earlier but future", with(DayStart(2024, 9, 8), old.End), before, "", "", false},
		{"not open, start set to now", with(before, old.End), before, "", "", false},
		{"not open, start moved into the past", with(DayStart(2024, 9, 1), old.End), before, "R-CAL-02", model.KindInvalid, false},
		{"not open, end changed only", with(old.Start, DayEnd(2024, 10, 31)), before, "", "", false},
		// the new window must be valid in every state
		{"invalid new window", with(old.End, old.Start), before, "R-CAL-01", model.KindInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReopensClosed(old, tt.new, tt.now); got != tt.reopens {
				t.Errorf("ReopensClosed = %v, want %v", got, tt.reopens)
			}
			err := EditAllowed(old, tt.new, tt.now)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("EditAllowed = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("EditAllowed = nil, want a refusal")
			}
			e, ok := model.AsError(err)
			if !ok {
				t.Fatalf("EditAllowed = %#v, want a *model.Error", err)
			}
			if e.Rule != tt.rule || e.Kind != tt.kind || e.Message == "" || e.Fix == "" {
				t.Errorf("refusal = %+v, want Rule %s Kind %s", e, tt.rule, tt.kind)
			}
		})
	}

	t.Run("a never-set window may be set to anything valid", func(t *testing.T) {
		if err := EditAllowed(Window{Name: "个人申报"}, old, after); err != nil {
			t.Errorf("EditAllowed = %v", err)
		}
	})
	t.Run("nil is an untyped nil", func(t *testing.T) {
		var err error = EditAllowed(old, old, during)
		if err != nil {
			t.Errorf("err = %#v, want nil interface", err)
		}
	})
}

// TestR_CAL_02_neverReopened checks the invariant behind EditAllowed over many edits and clocks:
// no allowed edit makes an instant that was outside a closed window inside it, or an instant in
// the past change sides at all.
func TestR_CAL_02_neverReopened(t *testing.T) {
	old := seed003Applicant()
	var nows, edges []time.Time
	for d := -3; d <= 3; d++ {
		for _, base := range []time.Time{old.Start, old.End} {
			nows = append(nows, base.AddDate(0, 0, d), base.AddDate(0, 0, d).Add(-time.Millisecond))
			edges = append(edges, base.AddDate(0, 0, d))
		}
	}
	probes := append([]time.Time{}, nows...)
	for _, now := range nows {
		for _, s := range edges {
			for _, e := range edges {
				nw := Window{Name: old.Name, Start: s, End: e}
				if EditAllowed(old, nw, now) != nil {
					continue
				}
				for _, p := range probes {
					if p.Before(now) && old.Contains(p) != nw.Contains(p) {
						t.Fatalf("edit to %v at %v changes the past instant %v", nw, now, p)
					}
					if !now.Before(old.End) && !old.Contains(p) && nw.Contains(p) {
						t.Fatalf("edit to %v at %v reopens %v", nw, now, p)
					}
				}
			}
		}
	}
}
