package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// dayWords are the words of the holiday table's lines: 休 a day off, 班 a weekend worked.
var dayWords = map[rules.DayKind]string{rules.Holiday: "休", rules.AdjustedWorkday: "班"}

type calendarEditData struct {
	Page
	Year    int
	Covered bool
	Text    string             // the table, one special day per line
	Days    []rules.SpecialDay // as stored, for reading
	Errors  []*model.Error
}

func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, fmt.Errorf("calendar year %q: %w", r.PathValue("year"), model.ErrNotFound)
	}
	return y, nil
}

// calendarEdit shows one year's holiday table as editable lines ("2024-10-01 休 国庆节").
func (s *Server) calendarEdit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	return s.renderCalendarEdit(w, r, a, http.StatusOK, year, nil, nil)
}

// renderCalendarEdit shows the editor; text is what was typed, or nil for the stored table.
func (s *Server) renderCalendarEdit(w http.ResponseWriter, r *http.Request, a model.Actor, st, year int, text *string, errs []*model.Error) error {
	cal, err := s.svc.Calendar.Get(r.Context())
	if err != nil {
		return err
	}
	d := &calendarEditData{Page: s.page(r, a, fmt.Sprintf("%d 年工作日历", year)), Year: year, Covered: cal.Covers(year), Errors: errs}
	var b strings.Builder
	for _, sd := range cal.Days() {
		if sd.Date.Year == year {
			d.Days = append(d.Days, sd)
			fmt.Fprintf(&b, "%s %s %s\n", sd.Date, dayWords[sd.Kind], sd.Name)
		}
	}
	d.Text = b.String()
	if text != nil {
		d.Text = *text
	}
	s.render(w, r, st, "calendar_edit.html", d)
	return nil
}
