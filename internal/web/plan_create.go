package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
)

// planCreate adds a plan from the form; a refusal brings the form back as typed with every
// problem next to its field.
func (s *Server) planCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	f := readPlanForm(r)
	p, errs := f.toPlan(nil)
	var err error
	if len(errs) > 0 {
		err = withRules(errs, p)
	} else {
		var id int64
		if id, err = s.svc.Plans.Create(r.Context(), a, p); err == nil {
			s.flash(r, "评审计划“"+strings.TrimSpace(p.Name)+"”已创建。")
			http.Redirect(w, r, "/office/plans#plan-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return nil
		}
	}
	if status(err) == http.StatusInternalServerError {
		return err
	}
	return s.renderPlanForm(w, r, a, status(err), &planFormData{Form: f, New: true, Errors: userErrors(err)})
}
