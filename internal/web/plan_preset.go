package web

import (
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

// planCreatePreset creates the plan of a shipped notice (SPEC §2) for a committee.
func (s *Server) planCreatePreset(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	key, committee := r.PostFormValue("preset"), formInt(r, "committee_id")
	id, err := s.svc.Plans.CreateFromPreset(r.Context(), a, key, committee)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f := formFromPlan(model.Plan{})
		return s.renderPlanForm(w, r, a, status(err), &planFormData{Form: f, New: true, Preset: key, PresetCommID: committee, PresetErrors: userErrors(err)})
	}
	s.flash(r, "已从预置计划创建评审计划，请核对各项设置。")
	http.Redirect(w, r, "/office/plans/"+strconv.FormatInt(id, 10)+"/edit", http.StatusSeeOther)
	return nil
}
