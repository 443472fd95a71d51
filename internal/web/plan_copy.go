package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
)

// planCopy starts next year's plan from an existing one; the office then adjusts the dates.
func (s *Server) planCopy(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	yearText := strings.TrimSpace(r.PostFormValue("year"))
	year, perr := strconv.Atoi(yearText)
	if perr != nil {
		err = model.Invalid("year", "请填写新计划的年度", "四位年份，如 2025")
	} else {
		var newID int64
		if newID, err = s.svc.Plans.Copy(r.Context(), a, id, year); err == nil {
			s.flash(r, fmt.Sprintf("已复制为 %d 年度计划，各环节日期已顺延到该年度，请核对后保存。", year))
			http.Redirect(w, r, "/office/plans/"+strconv.FormatInt(newID, 10)+"/edit", http.StatusSeeOther)
			return nil
		}
	}
	if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	return s.renderPlanManage(w, r, a, status(err), &planManageData{CopyID: id, CopyYear: yearText, Errors: userErrors(err)})
}
