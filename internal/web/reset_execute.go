package web

import (
	"fmt"
	"net/http"
	"strings"

	"zhicheng/internal/model"
)

// resetExecute runs the test-period reset (R-CAL-03). It clears the working roles of every
// account, the leader's own included, so the result is shown on the home page, which any
// signed-in account can still open.
func (s *Server) resetExecute(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	done, err := s.svc.Reset.Execute(r.Context(), a, id)
	if err != nil {
		if st := status(err); st == http.StatusInternalServerError || st == http.StatusNotFound {
			return err
		}
		return s.renderReset(w, r, a, status(err), userErrors(err))
	}
	parts := make([]string, 0, len(done))
	for _, c := range done {
		parts = append(parts, fmt.Sprintf("%s %d 项", c.Label, c.N))
	}
	s.flash(r, "测试期重置已完成："+strings.Join(parts, "；")+"。各机构系统管理员需重新分配经办人、审核领导和评审专家角色（R-CAL-03）。")
	http.Redirect(w, r, "/home", http.StatusSeeOther)
	return nil
}
