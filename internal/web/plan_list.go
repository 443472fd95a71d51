package web

import (
	"net/http"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// planStatus is where a window stands at a moment, as a label and a badge style.
type planStatus struct {
	Label, Class string
}

// windowStatus says whether window w has opened, is open or has closed at now (R-CAL-01:
// Start inclusive, End exclusive).
func windowStatus(w model.PlanWindow, now time.Time) planStatus {
	switch rw := rules.PlanWindow(w); {
	case now.Before(w.Start):
		return planStatus{"未开始", "badge-soon"}
	case rw.Contains(now):
		return planStatus{"进行中", "badge-ok"}
	}
	return planStatus{"已截止", "badge-closed"}
}

// applyStatus is the state of a plan's application window: what the public asks first.
func applyStatus(p model.Plan, now time.Time) planStatus {
	w, ok := p.Window(model.WindowApply)
	if !ok {
		return planStatus{"未设置申报时间", "badge-muted"}
	}
	st := windowStatus(w, now)
	if st.Label == "进行中" {
		st.Label = "申报中"
	}
	return st
}

// planRow is a plan in a list, with its application window and where it stands.
type planRow struct {
	model.Plan
	Apply     model.PlanWindow
	HasApply  bool
	HasTest   bool // a test period to reset (R-CAL-03)
	Status    planStatus
	Committee string // the committee's name, where the viewer may see organisations
}

func planRows(ps []model.Plan, committees map[int64]string, now time.Time) []planRow {
	rows := make([]planRow, 0, len(ps))
	for _, p := range ps {
		w, ok := p.Window(model.WindowApply)
		_, test := p.Window(model.WindowTest)
		rows = append(rows, planRow{Plan: p, Apply: w, HasApply: ok, HasTest: test, Status: applyStatus(p, now), Committee: committees[p.CommitteeID]})
	}
	return rows
}

type planListData struct {
	Page
	Plans []planRow
}

// planList is the public list of plans (R-PUB-01: policy and procedure are public).
func (s *Server) planList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	ps, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	names, err := s.svc.Plans.CommitteeNames(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "plans.html", &planListData{Page: s.page(r, a, "评审计划"), Plans: planRows(ps, names, s.svc.Plans.Now())})
	return nil
}
