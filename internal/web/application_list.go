package web

import (
	"net/http"
	"slices"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// appRow is one of the applicant's applications in a list.
type appRow struct {
	model.Application
	PlanName string
	Href     string
}

// applyList is what an applicant may continue or start.
type applyList struct {
	Mine []appRow
	Open []planRow // plans whose application window is open and that the applicant has not started
}

// applyPanel lists the actor's applications and the plans open for application now.
func (s *Server) applyPanel(r *http.Request, a model.Actor) (*applyList, error) {
	mine, err := s.svc.Applications.Mine(r.Context(), a)
	if err != nil {
		return nil, err
	}
	plans, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, p := range plans {
		names[p.ID] = p.Name
	}
	d := &applyList{}
	started := map[int64]bool{}
	for _, app := range mine {
		started[app.PlanID] = true
		d.Mine = append(d.Mine, appRow{Application: app, PlanName: names[app.PlanID], Href: "/applications/" + itoa64(app.ID)})
	}
	now := s.appNow()
	for _, row := range planRows(plans, nil, now) {
		if row.HasApply && rules.PlanWindow(row.Apply).Contains(now) && !started[row.ID] {
			d.Open = append(d.Open, row)
		}
	}
	slices.SortFunc(d.Open, func(x, y planRow) int { return x.Apply.End.Compare(y.Apply.End) })
	return d, nil
}

type applicationListData struct {
	Page
	*applyList
	Errors []*model.Error
}

// applicationList is the applicant's page: the applications started, and the plans open
// for application with a button to start.
func (s *Server) applicationList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderApplicationList(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderApplicationList(w http.ResponseWriter, r *http.Request, a model.Actor, st int, errs []*model.Error) error {
	l, err := s.applyPanel(r, a)
	if err != nil {
		return err
	}
	s.render(w, r, st, "application_list.html", &applicationListData{Page: s.page(r, a, "我的申报"), applyList: l, Errors: errs})
	return nil
}

// applicationStart creates the draft for a plan (inside its window, not for the
// blacklisted, through an approved entrustment for central units) and opens its first page.
func (s *Server) applicationStart(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	planID := formInt(r, "plan_id")
	id, err := s.svc.Applications.Start(r.Context(), a, planID)
	if err != nil {
		if st := status(err); st == http.StatusInternalServerError {
			return err
		}
		return s.renderApplicationList(w, r, a, status(err), userErrors(err))
	}
	s.flash(r, "已创建申报草稿。每一部分填写后请点击“保存”（页面也会自动保存），可随时回来继续填写。")
	http.Redirect(w, r, moduleHref(id, 0), http.StatusSeeOther)
	return nil
}
