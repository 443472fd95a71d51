package web

import (
	"net/http"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

type homeData struct {
	Page
	Can      map[string]bool    // by permission name, so templates can index it with a literal
	Any      bool               // whether any panel shows
	Accounts *rules.OrgAccounts // R-ORG-01 state, for administrators
	Apply    *applyList         // the applicant's applications and open plans
}

// homeShow is the signed-in landing page: one panel per thing the actor's roles let them
// do, as the authorization table says.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	d := &homeData{Page: s.page(r, a, "工作台"), Can: map[string]bool{}}
	for _, p := range []authz.Permission{authz.Apply, authz.ReviewUnit, authz.ReviewDept, authz.OfficeWork, authz.ExpertWork,
		authz.CommitteeWork, authz.ManageUsers, authz.ManageOrgs, authz.ViewAudit, authz.ViewAuditOrg} {
		d.Can[string(p)] = authz.Allowed(a, p)
		d.Any = d.Any || d.Can[string(p)]
	}
	if d.Can[string(authz.Apply)] {
		var err error
		if d.Apply, err = s.applyPanel(r, a); err != nil {
			return err
		}
	}
	if d.Can[string(authz.ManageUsers)] {
		_, check, err := s.svc.Accounts.OrgUsers(r.Context(), a)
		if err != nil {
			return err
		}
		d.Accounts = &check
	}
	s.render(w, r, http.StatusOK, "home.html", d)
	return nil
}
