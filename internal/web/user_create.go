package web

import (
	"net/http"
	"slices"
	"strings"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

type userFormData struct {
	Page
	Form   service.UserInput
	Roles  []model.Role
	Errors []*model.Error
}

// Checked reports whether role r is ticked in the form.
func (d *userFormData) Checked(r model.Role) bool { return slices.Contains(d.Form.Roles, r) }

func (s *Server) rolesFor(a model.Actor) []model.Role {
	var out []model.Role
	for _, r := range model.Roles {
		if authz.RoleValidIn(r, a.OrgKind) {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	s.render(w, r, http.StatusOK, "user_new.html", &userFormData{Page: s.page(r, a, "新建账号"), Roles: s.rolesFor(a)})
	return nil
}

// userCreate adds an account to the administrator's own organisation.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	in := service.UserInput{
		OrgID: a.OrgID, Username: r.PostFormValue("username"), Name: r.PostFormValue("name"),
		IDNumber: strings.TrimSpace(r.PostFormValue("id_number")), Phone: r.PostFormValue("phone"),
		Email: r.PostFormValue("email"), Password: r.PostFormValue("password"), Roles: formRoles(r),
	}
	if _, err := s.svc.Accounts.CreateUser(r.Context(), a, in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		in.Password = ""
		s.render(w, r, status(err), "user_new.html", &userFormData{Page: s.page(r, a, "新建账号"), Form: in, Roles: s.rolesFor(a), Errors: userErrors(err)})
		return nil
	}
	s.flash(r, "账号 "+in.Username+" 已创建。")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
	return nil
}
