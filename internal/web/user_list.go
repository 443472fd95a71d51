package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

type userListData struct {
	Page
	Users    []model.User
	Accounts rules.OrgAccounts
	Required []model.Role
}

// userList shows the administrator's own organisation's accounts (masked) and whether
// R-ORG-01 holds.
func (s *Server) userList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	users, check, err := s.svc.Accounts.OrgUsers(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users.html", &userListData{Page: s.page(r, a, "账号管理"), Users: users, Accounts: check, Required: rules.RequiredRoles})
	return nil
}
