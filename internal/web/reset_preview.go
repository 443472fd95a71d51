package web

import (
	"net/http"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

type resetData struct {
	Page
	Preview  service.ResetPreview
	HasTest  bool
	Ready    *model.Error // why the reset cannot run now, if it cannot
	CanReset bool         // the actor may run it (the office's review leader) and it is ready
	Errors   []*model.Error
}

// resetPreview shows what the test-period reset of a plan would purge, by kind, before the
// office leader runs it (R-CAL-03).
func (s *Server) resetPreview(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderReset(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderReset(w http.ResponseWriter, r *http.Request, a model.Actor, st int, errs []*model.Error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pv, err := s.svc.Reset.Preview(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := &resetData{Page: s.page(r, a, "测试期重置"), Preview: pv, Errors: errs}
	_, d.HasTest = pv.Plan.Window(model.WindowTest)
	if pv.Ready != nil {
		d.Ready = userErrors(pv.Ready)[0]
	}
	d.CanReset = pv.Ready == nil && authz.Allowed(a, authz.ResetPlan)
	s.render(w, r, st, "reset.html", d)
	return nil
}
