package web

import (
	"fmt"
	"net/http"

	"zhicheng/internal/model"
)

// reviewReportRemove takes one of the unit's own documents off the application (R-FLOW-01);
// a refusal shows the page again with the reason.
func (s *Server) reviewReportRemove(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fid, err := fileID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	_, err = s.svc.Review.UnitRemoveFile(r.Context(), a, id, formInt(r, "version"), fid)
	if err == nil {
		s.flash(r, "已删除文件。")
		http.Redirect(w, r, fmt.Sprintf("/review/applications/%d#unit-reports", id), http.StatusSeeOther)
		return nil
	}
	st := status(err)
	if st == http.StatusInternalServerError || st == http.StatusNotFound {
		return err
	}
	if reviewConflict(err) {
		st = http.StatusConflict
	}
	return s.renderReview(w, r, a, id, st, &reviewForm{Errors: userErrors(err)})
}
