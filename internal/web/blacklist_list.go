package web

import (
	"net/http"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

type blacklistRow struct {
	store.BlacklistEntry
	Status   planStatus
	PlanName string
}

// blacklistForm is the add form as typed.
type blacklistForm struct {
	IDNumber, Name, Reason, Source, PlanID, Years, Start string
}

type blacklistData struct {
	Page
	Entries    []blacklistRow
	Plans      []model.Plan
	Form       blacklistForm
	Errors     []*model.Error // of the add form
	LiftID     int64          // the entry whose lift form was refused
	LiftReason string
	LiftErrors []*model.Error
}

// ErrorsFor lists the add form's refusals about one field.
func (d *blacklistData) ErrorsFor(field string) []*model.Error {
	var out []*model.Error
	for _, e := range d.Errors {
		if e.Field == field {
			out = append(out, e)
		}
	}
	return out
}

// blacklistList shows the blacklist to the office (R-ELG-04), ID numbers masked (R-SEC-01).
func (s *Server) blacklistList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderBlacklist(w, r, a, http.StatusOK, &blacklistData{})
}

func (s *Server) renderBlacklist(w http.ResponseWriter, r *http.Request, a model.Actor, st int, d *blacklistData) error {
	entries, err := s.svc.Blacklist.List(r.Context(), a)
	if err != nil {
		return err
	}
	if d.Plans, err = s.svc.Plans.List(r.Context()); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, p := range d.Plans {
		names[p.ID] = p.Name
	}
	now := time.Now()
	for _, e := range entries {
		row := blacklistRow{BlacklistEntry: e, PlanName: names[e.PlanID], Status: planStatus{"生效中", "badge-bad"}}
		switch {
		case !e.Lifted.IsZero():
			row.Status = planStatus{"已解除", "badge-muted"}
		case !now.Before(e.Until):
			row.Status = planStatus{"已期满", "badge-muted"}
		}
		d.Entries = append(d.Entries, row)
	}
	d.Page = s.page(r, a, "失信黑名单")
	s.render(w, r, st, "blacklist.html", d)
	return nil
}
