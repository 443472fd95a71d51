package web

import (
	"net/http"
	"strings"

	"zhicheng/internal/model"
)

// blacklistLift ends an entry early, with the reason (for example, the decision was
// overturned on review).
func (s *Server) blacklistLift(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if err := s.svc.Blacklist.Lift(r.Context(), a, id, reason); err != nil {
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		return s.renderBlacklist(w, r, a, status(err), &blacklistData{LiftID: id, LiftReason: reason, LiftErrors: userErrors(err)})
	}
	s.flash(r, "已解除该黑名单记录。")
	http.Redirect(w, r, "/office/blacklist#entry-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
