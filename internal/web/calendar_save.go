package web

import (
	"fmt"
	"net/http"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// calendarSave replaces one year's holiday table from its lines (R-CAL-04). Every bad line
// is reported with its number, and what was typed stays in the box.
func (s *Server) calendarSave(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	text := r.PostFormValue("days")
	days, lines, errs := parseCalendarLines(year, text)
	if len(errs) > 0 {
		// Check the lines that did parse too, so that every problem shows at once.
		if _, err := rules.NewCalendar(days, []int{year}); err != nil {
			errs = append(errs, atLines(err, lines)...)
		}
		return s.renderCalendarEdit(w, r, a, http.StatusUnprocessableEntity, year, &text, errs)
	}
	if err := s.svc.Calendar.SetYear(r.Context(), a, year, days); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		return s.renderCalendarEdit(w, r, a, status(err), year, &text, atLines(err, lines))
	}
	off := 0
	for _, d := range days {
		if d.Kind == rules.Holiday {
			off++
		}
	}
	s.flash(r, fmt.Sprintf("%d 年工作日历已保存：节假日 %d 天，调休上班 %d 天。", year, off, len(days)-off))
	http.Redirect(w, r, fmt.Sprintf("/office/calendar/%d", year), http.StatusSeeOther)
	return nil
}

// parseCalendarLines reads "2024-10-01 休 国庆节" / "2024-09-29 班 国庆节调休" lines; blank
// lines and lines starting with # are skipped. It returns the days, the line of each date,
// and a refusal for every line it cannot read.
func parseCalendarLines(year int, text string) ([]rules.SpecialDay, map[string]int, model.Errors) {
	var days []rules.SpecialDay
	var errs model.Errors
	lines := map[string]int{}
	bad := func(n int, msg, fix string) {
		errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-CAL-04", Field: "days", Message: fmt.Sprintf("第 %d 行：%s", n, msg), Fix: fix})
	}
	for i, line := range strings.Split(text, "\n") {
		n, line := i+1, strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			bad(n, "“"+line+"”格式不正确", "每行写“日期 休/班 名称”，如“2024-10-01 休 国庆节”")
			continue
		}
		d, err := rules.ParseDate(f[0])
		if err != nil {
			bad(n, "日期“"+f[0]+"”不存在或格式不正确", "请按 YYYY-MM-DD 填写真实存在的日期")
			continue
		}
		var kind rules.DayKind
		switch f[1] {
		case "休", "节假日", "放假":
			kind = rules.Holiday
		case "班", "调休上班", "上班":
			kind = rules.AdjustedWorkday
		default:
			bad(n, "类型“"+f[1]+"”应为“休”或“班”", "休：放假的日子；班：调休上班的周六或周日")
			continue
		}
		if d.Year != year {
			bad(n, fmt.Sprintf("%s 不属于 %d 年", d, year), "每次只编辑一个年度，请到对应年度录入")
			continue
		}
		lines[d.String()] = n // a date entered twice is refused at its second line
		days = append(days, rules.SpecialDay{Date: d, Kind: kind, Name: strings.Join(f[2:], " ")})
	}
	return days, lines, errs
}

// atLines puts the line number in front of the calendar rules' refusals, which name the
// date in Field.
func atLines(err error, lines map[string]int) []*model.Error {
	out := userErrors(err)
	for i, e := range out {
		if n, ok := lines[e.Field]; ok {
			c := *e
			c.Message, c.Field = fmt.Sprintf("第 %d 行：%s", n, e.Message), "days"
			out[i] = &c
		}
	}
	return out
}
