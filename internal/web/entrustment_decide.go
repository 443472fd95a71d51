package web

import (
	"net/http"
	"strings"

	"zhicheng/internal/model"
)

// entrustmentDecide approves or refuses a pending letter; a refusal needs a reason.
func (s *Server) entrustmentDecide(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	approve := r.PostFormValue("decision") == "approve"
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if err := s.svc.Entrustments.Decide(r.Context(), a, id, formInt(r, "version"), approve, reason); err != nil {
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		return s.renderEntrustmentList(w, r, a, status(err), &entrustmentListData{DecideID: id, DecideReason: reason, Errors: userErrors(err)})
	}
	if approve {
		s.flash(r, "已批准该委托函，该单位人员可以在此计划中申报（R-ELG-05）。")
	} else {
		s.flash(r, "已不予批准该委托函，理由已告知申报单位。")
	}
	http.Redirect(w, r, "/office/entrustments#letter-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
