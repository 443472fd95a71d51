package web

import (
	"net/http"

	"zhicheng/internal/model"
)

type planManageData struct {
	Page
	Plans    []planRow
	CopyID   int64  // the copy form as typed, when it was refused
	CopyYear string // likewise
	Errors   []*model.Error
}

// NextYear is the year a plan would usually be copied to.
func (d *planManageData) NextYear(p planRow) int { return p.Year + 1 }

// planManage is the office's list of plans with what can be done to each.
func (s *Server) planManage(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderPlanManage(w, r, a, http.StatusOK, &planManageData{})
}

func (s *Server) renderPlanManage(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *planManageData) error {
	ps, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	names, err := s.svc.Plans.CommitteeNames(r.Context())
	if err != nil {
		return err
	}
	d.Plans = planRows(ps, names, s.svc.Plans.Now())
	d.Page = s.page(r, a, "计划管理")
	s.render(w, r, st, "plan_manage.html", d)
	return nil
}
