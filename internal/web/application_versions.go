package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
)

// versionView is a submitted version with the changes since the one before.
type versionView struct {
	store.Submission
	Files   int
	Changes []rules.FieldChange
	First   bool
}

type applicationVersionsData struct {
	Page
	App      model.Application
	Plan     model.Plan
	Versions []versionView // latest first
}

// applicationVersions lists the submitted versions, each with the field-level changes from
// the version before (R-APP-05: every version stays in the record).
func (s *Server) applicationVersions(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	subs, diffs, err := s.svc.Applications.Versions(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := &applicationVersionsData{Page: s.page(r, a, "提交记录 - "+v.Plan.Name), App: v.App, Plan: v.Plan}
	for i := len(subs) - 1; i >= 0; i-- {
		n := 0
		for _, ids := range subs[i].Evidence {
			n += len(ids)
		}
		d.Versions = append(d.Versions, versionView{Submission: subs[i], Files: n, Changes: diffs[i], First: i == 0})
	}
	s.render(w, r, http.StatusOK, "application_versions.html", d)
	return nil
}
