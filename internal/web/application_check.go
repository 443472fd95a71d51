package web

import (
	"net/http"

	"zhicheng/internal/model"
)

type applicationCheckData struct {
	Page
	App      model.Application
	Plan     model.Plan
	Modules  []appModule
	Groups   []findingGroup
	Findings int
	Block    string
}

// applicationCheck is the pre-submit check (R-ELG-10): every missing item, every failed
// eligibility rule and every bad value at once, grouped by module, each with its rule, what
// would satisfy it and a link to the input or upload where it is fixed.
func (s *Server) applicationCheck(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	findings, err := s.svc.Applications.Check(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := &applicationCheckData{Page: s.page(r, a, "申报检查 - "+v.Plan.Name), App: v.App, Plan: v.Plan,
		Modules: appModules(&v, findings, -1), Groups: groupFindings(id, findings), Findings: len(findings), Block: s.editBlock(&v)}
	s.render(w, r, http.StatusOK, "application_check.html", d)
	return nil
}
