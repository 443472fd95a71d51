package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// The working-day calendar (R-CAL-04): the holiday table the office keeps, and the
// calculator that counts N working days from a date.

// Day kinds as the API names them.
var dayKindNames = map[rules.DayKind]string{rules.Holiday: "holiday", rules.AdjustedWorkday: "workday"}

func dayKind(s string) (rules.DayKind, bool) {
	for k, name := range dayKindNames {
		if name == s {
			return k, true
		}
	}
	return 0, false
}

// calendarDay is one special day: a public holiday, or a weekend day worked instead
// (调休上班). Every other day is a working day Monday to Friday and off at weekends.
type calendarDay struct {
	Date string `json:"date"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

type calendarResponse struct {
	Years []int         `json:"years"`
	Days  []calendarDay `json:"days"`
}

func (x *API) writeCalendar(w http.ResponseWriter, r *http.Request) error {
	c, err := x.svc.Calendar.Get(r.Context())
	if err != nil {
		return err
	}
	days := c.Days()
	res := calendarResponse{Years: nonNil(c.Years()), Days: make([]calendarDay, 0, len(days))}
	for _, d := range days {
		res.Days = append(res.Days, calendarDay{Date: d.Date.String(), Kind: dayKindNames[d.Kind], Name: d.Name})
	}
	return writeJSON(w, http.StatusOK, res)
}

func (x *API) calendarShow(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	return x.writeCalendar(w, r)
}

// calendarYearRequest replaces one year's special days.
type calendarYearRequest struct {
	Days []calendarDay `json:"days"`
}

func (x *API) calendarSetYear(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return model.Invalid("year", fmt.Sprintf("年度“%s”无效", r.PathValue("year")), "路径中的年度为四位年份，如 /api/v1/calendar/2025")
	}
	var in calendarYearRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	// Every bad entry is reported at once (R-ELG-10): those that do not even parse here, and
	// with them whatever the calendar rule finds in the rest (wrong year, a weekday marked as
	// worked, a date given twice). The service checks the table again before storing it.
	var errs model.Errors
	days := make([]rules.SpecialDay, 0, len(in.Days))
	for i, d := range in.Days {
		field := fmt.Sprintf("days[%d]", i)
		date, derr := rules.ParseDate(strings.TrimSpace(d.Date))
		if derr != nil {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: field,
				Message: fmt.Sprintf("第 %d 条的日期“%s”不存在或格式不正确", i+1, d.Date), Fix: "请按 YYYY-MM-DD 填写真实存在的日期"})
		} else {
			field = date.String()
		}
		kind, ok := dayKind(strings.TrimSpace(d.Kind))
		if !ok {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: field,
				Message: fmt.Sprintf("第 %d 条的类型“%s”不正确", i+1, d.Kind), Fix: "kind 只能是 holiday（节假日）或 workday（调休上班）"})
		}
		if derr == nil && ok {
			days = append(days, rules.SpecialDay{Date: date, Kind: kind, Name: strings.TrimSpace(d.Name)})
		}
	}
	if _, err := rules.NewCalendar(days, []int{year}); err != nil {
		var es model.Errors
		if errors.As(err, &es) {
			errs = append(errs, es...)
		} else if e, ok := model.AsError(err); ok {
			errs = append(errs, e)
		} else {
			return err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if err := x.svc.Calendar.SetYear(r.Context(), a, year, days); err != nil {
		return err
	}
	return x.writeCalendar(w, r)
}

// workdaysResponse is the calculator's answer (R-CAL-04).
type workdaysResponse struct {
	Start string   `json:"start"`
	N     int      `json:"n"`
	Days  []string `json:"days"`
	// EndsAt is the instant the period ends, 24:00 of its last day; whatever waits for the
	// period may happen from then on.
	EndsAt string `json:"ends_at"`
	// EndsAtLocal is the same instant in Shanghai time, "2024-10-10 00:00".
	EndsAtLocal string `json:"ends_at_local"`
}

func (x *API) workdays(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	q := r.URL.Query()
	var errs model.Errors
	start, err := rules.ParseDate(strings.TrimSpace(q.Get("start")))
	if err != nil {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: "start",
			Message: fmt.Sprintf("开始日期“%s”不存在或格式不正确", q.Get("start")), Fix: "请按 YYYY-MM-DD 填写，例如 start=2024-09-27"})
	}
	n, err := strconv.Atoi(strings.TrimSpace(q.Get("n")))
	if err != nil || n < 1 || n > 366 {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: "n",
			Message: fmt.Sprintf("工作日天数“%s”不正确", q.Get("n")), Fix: "请填写 1–366 之间的整数，例如公示期 n=5"})
	}
	if len(errs) > 0 {
		return errs
	}
	p, err := x.svc.Calendar.AddWorkdays(r.Context(), start, n)
	if err != nil {
		return err
	}
	res := workdaysResponse{Start: p.Start.String(), N: p.N, Days: make([]string, 0, len(p.Days)),
		EndsAt: utc(p.Ends), EndsAtLocal: p.Ends.In(rules.Shanghai()).Format("2006-01-02 15:04")}
	for _, d := range p.Days {
		res.Days = append(res.Days, d.String())
	}
	return writeJSON(w, http.StatusOK, res)
}
