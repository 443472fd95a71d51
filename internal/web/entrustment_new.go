package web

import (
	"net/http"
	"time"

	"zhicheng/internal/model"
)

type entrustmentUnitData struct {
	Page
	Letters []entrustmentRow
	Plans   []model.Plan // plans whose application window has not closed
	Central bool         // the unit is a central unit, which needs a letter (R-ELG-05)
	PlanID  int64        // the form as typed
	Note    string
	Errors  []*model.Error
}

// ErrorsFor lists the refusals about one field.
func (d *entrustmentUnitData) ErrorsFor(field string) []*model.Error {
	var out []*model.Error
	for _, e := range d.Errors {
		if e.Field == field {
			out = append(out, e)
		}
	}
	return out
}

// entrustmentNew is a unit's page: its letters and the upload form (R-ELG-05).
func (s *Server) entrustmentNew(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderEntrustmentUnit(w, r, a, http.StatusOK, &entrustmentUnitData{})
}

func (s *Server) renderEntrustmentUnit(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *entrustmentUnitData) error {
	es, err := s.svc.Entrustments.List(r.Context(), a)
	if err != nil {
		return err
	}
	plans, err := s.svc.Plans.List(r.Context())
	if err != nil {
		return err
	}
	org, err := s.svc.Orgs.Get(r.Context(), a, a.OrgID)
	if err != nil {
		return err
	}
	d.Central = org.UnitType == model.UnitCentral
	now := time.Now()
	for _, p := range plans {
		if w, ok := p.Window(model.WindowApply); ok && now.Before(w.End) {
			d.Plans = append(d.Plans, p)
		}
	}
	d.Letters = entrustmentRows(es, map[int64]string{org.ID: org.Name}, plans, "/entrustments")
	d.Page = s.page(r, a, "委托函")
	s.render(w, r, st, "entrustment_unit.html", d)
	return nil
}
