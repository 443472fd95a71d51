package rules

import (
	"fmt"
	"sync"
	"time"

	"zhicheng/internal/model"
)

// shanghai caches the zone. It is computed once and never changes, so sharing it is as safe as a
// constant; caching matters because time.LoadLocation parses the zone file on every call.
var shanghai = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	// The binary links time/tzdata, so this only happens in a test binary on a machine without a
	// zone database. China has kept UTC+8 without daylight saving since 1991, so a fixed zone gives
	// the same instants for every date this system handles.
	return time.FixedZone("CST", 8*60*60)
})

// Shanghai returns the Asia/Shanghai location in which every window and civil date of a plan is
// read (R-CAL-01). It is a function, not a variable, so no caller can replace it.
func Shanghai() *time.Location { return shanghai() }

// DayStart is 00:00 Shanghai time of the given date: "9月11日0时" (R-CAL-01).
// Out-of-range values normalise as in time.Date.
func DayStart(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, Shanghai())
}

// DayEnd is "24时" of the given date, which the notices use for the end of a day (R-CAL-01):
// the first instant of the next day in Shanghai. Windows end exclusively, so a window that ends
// at DayEnd(2024, 10, 20) still accepts 2024-10-20 23:59:59.999 and refuses 2024-10-21 00:00.
// Seed 000's "8月30日24时起" is therefore DayEnd(2023, 8, 30) used as a start, i.e. 08-31 00:00.
func DayEnd(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d+1, 0, 0, 0, 0, Shanghai())
}

// Window is a span of instants in which an action is accepted, such as the applicant window
// "个人申报" (R-CAL-01). Start is inclusive and End exclusive, so consecutive windows can share a
// boundary (one ends at 10-20 24:00, the next starts at 10-21 00:00, the same instant) without
// overlapping or leaving a gap.
type Window struct {
	Name       string // Chinese, e.g. "个人申报", used in every message
	Start, End time.Time
}

// DaysWindow is the window covering the whole civil days first..last: from first 00:00 to last
// 24:00, the shape of every window in the seeds ("9月11日0时至10月20日24时").
func DaysWindow(name string, first, last Date) Window {
	return Window{Name: name, Start: first.Time(), End: last.End()}
}

// label is the window's name for messages, so an unnamed window still reads as Chinese.
func (w Window) label() string {
	if w.Name == "" {
		return "该环节"
	}
	return w.Name
}

// Contains reports whether t falls in [Start, End). Comparison is by instant, so the same moment
// given in UTC or in Shanghai time gives the same answer.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// Check decides whether an action at t is inside the window. Outside it the refusal is
// model.KindClosed: R-CAL-01 while the window has not opened yet (saying when it will open),
// R-CAL-02 once it has closed (saying exactly when it closed, and that it will not reopen).
// A window that was never properly set accepts nothing: refusing is the only safe reading of
// missing configuration.
func (w Window) Check(t time.Time) error {
	if w.Validate() != nil {
		return &model.Error{
			Kind:    model.KindClosed,
			Rule:    "R-CAL-01",
			Message: w.label() + "时间尚未正确设定，暂不受理",
			Fix:     "请联系职改办核对该环节的起止时间",
		}
	}
	switch {
	case t.Before(w.Start):
		start := FormatStart(w.Start)
		return &model.Error{
			Kind:    model.KindClosed,
			Rule:    "R-CAL-01",
			Message: fmt.Sprintf("%s时间尚未开始，将于 %s 开始", w.label(), start),
			Fix:     fmt.Sprintf("请于 %s 之后再办理", start),
		}
	case !t.Before(w.End):
		return &model.Error{
			Kind:    model.KindClosed,
			Rule:    "R-CAL-02",
			Message: fmt.Sprintf("%s时间已于 %s 截止，系统不再重启", w.label(), FormatEnd(w.End)),
			Fix:     "逾期不再受理",
		}
	}
	return nil
}

// Validate checks that both ends are set and Start < End; all problems at once.
func (w Window) Validate() error { return w.problems().Err() }

func (w Window) problems() model.Errors {
	var errs model.Errors
	if w.Start.IsZero() {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: "start",
			Message: w.label() + "的开始时间未设置", Fix: "请填写开始时间"})
	}
	if w.End.IsZero() {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: "end",
			Message: w.label() + "的截止时间未设置", Fix: "请填写截止时间"})
	}
	if len(errs) == 0 && !w.Start.Before(w.End) {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: "end",
			Message: fmt.Sprintf("%s的截止时间（%s）必须晚于开始时间（%s）", w.label(), FormatEnd(w.End), FormatStart(w.Start)),
			Fix:     "请调整起止时间"})
	}
	return errs
}

// String reads like the notices: "个人申报 2024-09-11 00:00 至 2024-10-20 24:00".
func (w Window) String() string {
	return fmt.Sprintf("%s %s 至 %s", w.label(), FormatStart(w.Start), FormatEnd(w.End))
}

// Overlaps reports whether w and o share at least one instant. Windows that only touch (one
// ends at the instant the other starts) do not overlap, because End is exclusive.
func (w Window) Overlaps(o Window) bool {
	return w.Start.Before(o.End) && o.Start.Before(w.End)
}

// FormatStart shows a start instant in Shanghai time as "2006-01-02 15:04", with seconds only
// when they are not zero so that no instant is shown rounded.
func FormatStart(t time.Time) string {
	t = t.In(Shanghai())
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05.999")
	}
	return t.Format("2006-01-02 15:04")
}

// FormatEnd shows an exclusive end instant the way the notices write it: a Shanghai midnight is
// "24:00" of the previous day ("2024-10-20 24:00"), because that is the day people think of as
// the last one; any other instant is shown as FormatStart does.
func FormatEnd(t time.Time) string {
	s := t.In(Shanghai())
	if s.Hour() == 0 && s.Minute() == 0 && s.Second() == 0 && s.Nanosecond() == 0 {
		return FromTime(s).AddDays(-1).String() + " 24:00"
	}
	return FormatStart(t)
}

// Windows is a list of windows, usually those of one plan.
type Windows []Window

// Overlaps lists every pair of indexes i < j whose windows overlap.
func (ws Windows) Overlaps() [][2]int {
	var pairs [][2]int
	for i := range ws {
		for j := i + 1; j < len(ws); j++ {
			if ws[i].Overlaps(ws[j]) {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	return pairs
}

// Containing returns the windows that contain t.
func (ws Windows) Containing(t time.Time) Windows {
	var in Windows
	for _, w := range ws {
		if w.Contains(t) {
			in = append(in, w)
		}
	}
	return in
}

// CheckOrder is CheckOrder(ws...).
func (ws Windows) CheckOrder() model.Errors { return CheckOrder(ws...) }

// CheckOrder checks windows that the caller says must follow one another in the given order,
// such as applicant → unit/city review (R-CAL-01). Every pair i < j is checked, not only
// neighbours, so that each problem is named once with both windows it concerns: window j must
// start at or after window i ends (touching is fine). A pair where j lies wholly before i is
// reported as out of order, any other shared instant as an overlap. Windows that fail Validate
// are skipped here; callers validate each window first and report those problems themselves.
func CheckOrder(ws ...Window) model.Errors {
	var errs model.Errors
	for i := range ws {
		if ws[i].Validate() != nil {
			continue
		}
		for j := i + 1; j < len(ws); j++ {
			a, b := ws[i], ws[j]
			if b.Validate() != nil || !b.Start.Before(a.End) {
				continue
			}
			e := &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-01", Field: b.Name,
				Fix: fmt.Sprintf("请将%s的开始时间设为不早于 %s", b.label(), FormatEnd(a.End))}
			if !b.End.After(a.Start) {
				e.Message = fmt.Sprintf("%s（%s）应安排在%s（%s）之后", b.label(), b.span(), a.label(), a.span())
			} else {
				e.Message = fmt.Sprintf("%s（%s）与%s（%s）时间重叠", a.label(), a.span(), b.label(), b.span())
			}
			errs = append(errs, e)
		}
	}
	return errs
}

func (w Window) span() string { return FormatStart(w.Start) + " 至 " + FormatEnd(w.End) }

// ReopensClosed reports whether replacing old by new at time now would reopen a closed window:
// old has closed (now >= old.End) and new contains some instant that old did not, i.e. new
// starts earlier or ends later. Shrinking a closed window is not a reopening, but EditAllowed
// still refuses it. A window that was never validly set has never been open, so it has nothing
// to reopen.
func ReopensClosed(old, new Window, now time.Time) bool {
	if old.Validate() != nil || now.Before(old.End) || new.Validate() != nil {
		return false
	}
	return new.Start.Before(old.Start) || new.End.After(old.End)
}

// EditAllowed decides whether the office may replace window old by new at time now (R-CAL-02).
//
// The invariant it keeps is that what the system told people stays true: an action that was
// refused because a window had closed can never become allowed, and an action that was accepted
// inside a window can never be shown as having been outside it. Hence, by the state of old at
// now:
//
//   - closed (now >= old.End): nothing may change. Extending or moving it would reopen it
//     ("系统不再重启"); shrinking it would place accepted actions outside it afterwards.
//   - open (old.Start <= now < old.End): Start is in the past and fixed, for the same two reasons.
//     End may move either way — extending an open window is a normal notice ("延长申报时间") —
//     but must stay after now: a new End <= now would close the window retroactively, turning
//     actions already accepted after the new End into late ones.
//   - not yet open (now < old.Start): nothing has happened in it, so it may move freely, but its
//     new Start may not be in the past, which would make past instants (refused as "not yet
//     open") retroactively inside it.
//   - never validly set: nothing was ever accepted or refused under it, so any valid window may
//     be set.
//
// A change of Name alone is always allowed: it changes no instant. The new window must itself
// pass Validate; only its first problem is returned here, so that the result is always nil or a
// single *model.Error that model.AsError finds (callers list all problems with Validate). It is
// declared as error, not *model.Error, so that `return EditAllowed(...)` can never produce a
// non-nil error interface holding a nil pointer.
func EditAllowed(old, new Window, now time.Time) error {
	if es := new.problems(); len(es) > 0 {
		return es[0]
	}
	if old.Validate() != nil {
		return nil
	}
	sameStart, sameEnd := new.Start.Equal(old.Start), new.End.Equal(old.End)
	switch {
	case !now.Before(old.End): // closed
		if sameStart && sameEnd {
			return nil
		}
		return &model.Error{
			Kind:    model.KindClosed,
			Rule:    "R-CAL-02",
			Message: fmt.Sprintf("%s时间已于 %s 截止，截止后不得修改或重新开放", old.label(), FormatEnd(old.End)),
			Fix:     "已截止的环节请保持原起止时间不变",
		}
	case !now.Before(old.Start): // open
		if !sameStart {
			return &model.Error{
				Kind:    model.KindInvalid,
				Rule:    "R-CAL-02",
				Field:   "start",
				Message: fmt.Sprintf("%s已于 %s 开始，开始时间不能再修改", old.label(), FormatStart(old.Start)),
				Fix:     "请保持开始时间不变，只调整截止时间",
			}
		}
		if !new.End.After(now) {
			return &model.Error{
				Kind:    model.KindInvalid,
				Rule:    "R-CAL-02",
				Field:   "end",
				Message: fmt.Sprintf("%s正在进行中，截止时间不能提前到 %s（不晚于当前时间）", old.label(), FormatEnd(new.End)),
				Fix:     fmt.Sprintf("请将截止时间设为晚于当前时间 %s", FormatStart(now)),
			}
		}
		return nil
	default: // not yet open
		if !sameStart && new.Start.Before(now) {
			return &model.Error{
				Kind:    model.KindInvalid,
				Rule:    "R-CAL-02",
				Field:   "start",
				Message: fmt.Sprintf("%s的开始时间不能改到过去（%s）", old.label(), FormatStart(new.Start)),
				Fix:     fmt.Sprintf("请将开始时间设为不早于当前时间 %s", FormatStart(now)),
			}
		}
		return nil
	}
}
