package web

import (
	"errors"
	"net/http"
	"time"

	"zhicheng/internal/model"
)

// planUpdate saves the edit form. The service decides what may change (R-CAL-02, through
// rules.CheckPlanEdit); a refusal shows the form as typed with each window's problem next
// to it, and a concurrent save shows the stored plan instead of overwriting it unseen.
func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	stored, err := s.svc.Plans.Get(r.Context(), id)
	if err != nil {
		return err
	}
	f := readPlanForm(r)
	f.ID = id
	p, errs := f.toPlan(&stored)
	if len(errs) > 0 {
		err = withRules(errs, p)
	} else if err = s.svc.Plans.Update(r.Context(), a, p); err == nil {
		s.flash(r, "评审计划“"+p.Name+"”已保存。")
		http.Redirect(w, r, "/office/plans#plan-"+r.PathValue("id"), http.StatusSeeOther)
		return nil
	}
	if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	if errors.Is(err, model.ErrConflict) {
		// Someone saved first: show what is stored now.
		if now, gerr := s.svc.Plans.Get(r.Context(), id); gerr == nil {
			stored, f = now, formFromPlan(now)
		}
	}
	f.lock(stored, time.Now())
	return s.renderPlanForm(w, r, a, status(err), &planFormData{Form: f, Errors: userErrors(err)})
}
