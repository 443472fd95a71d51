package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

type calendarYear struct {
	Year, Holidays, Workdays int
}

// calcDay is one day of a computed period: worked and counted, or off and skipped.
type calcDay struct {
	Date  rules.Date
	Kind  rules.DayKind
	Name  string
	Count int // 1-based among the working days; 0 for a day off
}

type calendarData struct {
	Page
	Years      []calendarYear
	Start, N   string // the calculator as typed
	Days       []calcDay
	EndsAt     string // "2024-10-10 00:00"
	EndsAs     string // "10-09 24:00"
	CalcErrors []*model.Error
	AddYear    string
	AddErrors  []*model.Error
}

// calendarShow is the working-day calendar (R-CAL-04): the years it covers and a
// calculator of "N working days from D".
func (s *Server) calendarShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	q := r.URL.Query()
	d := &calendarData{Start: strings.TrimSpace(q.Get("start")), N: strings.TrimSpace(q.Get("n")), AddYear: strings.TrimSpace(q.Get("year"))}
	if d.AddYear != "" {
		// The small "add a year" form: open that year's editor.
		if y, err := strconv.Atoi(d.AddYear); err == nil && y >= 2000 && y <= 2100 {
			http.Redirect(w, r, "/office/calendar/"+strconv.Itoa(y), http.StatusSeeOther)
			return nil
		}
		d.AddErrors = []*model.Error{model.Invalid("year", "年度“"+d.AddYear+"”无效", "请填写四位年份，如 2027")}
	}
	cal, err := s.svc.Calendar.Get(r.Context())
	if err != nil {
		return err
	}
	counts := map[int]*calendarYear{}
	for _, y := range cal.Years() {
		d.Years = append(d.Years, calendarYear{Year: y})
	}
	for i := range d.Years {
		counts[d.Years[i].Year] = &d.Years[i]
	}
	for _, sd := range cal.Days() {
		if c := counts[sd.Date.Year]; c != nil {
			if sd.Kind == rules.Holiday {
				c.Holidays++
			} else {
				c.Workdays++
			}
		}
	}
	if d.N == "" {
		d.N = "5"
	}
	if d.Start != "" {
		if err := s.calculate(r, d, cal); err != nil {
			if status(err) == http.StatusInternalServerError {
				return err
			}
			d.CalcErrors = userErrors(err)
		}
	}
	st := http.StatusOK
	if d.AddErrors != nil {
		st = http.StatusUnprocessableEntity
	}
	d.Page = s.page(r, a, "工作日历")
	s.render(w, r, st, "calendar.html", d)
	return nil
}

// calculate fills in the period of d.N working days from d.Start, listing the days off it
// skips too, so that the office can check it against the State Council notice.
func (s *Server) calculate(r *http.Request, d *calendarData, cal *rules.Calendar) error {
	var errs model.Errors
	start, err := rules.ParseDate(d.Start)
	if e, ok := model.AsError(err); ok {
		e.Field = "start"
		errs = append(errs, e)
	}
	n, nerr := strconv.Atoi(d.N)
	if nerr != nil {
		errs = append(errs, model.Invalid("n", "工作日天数“"+d.N+"”不是整数", "例如公示期 5 个工作日"))
	}
	if len(errs) > 0 {
		return errs
	}
	p, err := s.svc.Calendar.AddWorkdays(r.Context(), start, n)
	if err != nil {
		return err
	}
	count := 0
	for day := start; !day.After(p.Days[len(p.Days)-1]); day = day.AddDays(1) {
		k, name, err := cal.Kind(day)
		if err != nil {
			return err
		}
		c := 0
		if k.Worked() {
			count++
			c = count
		}
		d.Days = append(d.Days, calcDay{Date: day, Kind: k, Name: name, Count: c})
	}
	d.EndsAt = rules.FormatStart(p.Ends)
	d.EndsAs = strings.TrimPrefix(rules.FormatEnd(p.Ends), strconv.Itoa(p.Days[len(p.Days)-1].Year)+"-")
	return nil
}
