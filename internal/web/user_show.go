package web

import (
	"fmt"
	"net/http"
	"slices"

	"zhicheng/internal/model"
)

type userShowData struct {
	Page
	User   model.User
	Roles  []model.Role
	Errors []*model.Error
}

// Has reports whether the shown user holds r.
func (d *userShowData) Has(r model.Role) bool { return slices.Contains(d.User.Roles, r) }

func (s *Server) userShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.renderUser(w, r, a, http.StatusOK, nil)
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, a model.Actor, st int, errs []*model.Error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.svc.Accounts.User(r.Context(), a, id)
	if err != nil {
		return err
	}
	if u.OrgID != a.OrgID {
		return fmt.Errorf("user %d of another org: %w", id, model.ErrNotFound)
	}
	s.render(w, r, st, "user_show.html", &userShowData{Page: s.page(r, a, "账号 "+u.Username), User: u, Roles: s.rolesFor(a), Errors: errs})
	return nil
}

// userResult redirects back to the user page after a change, or shows why it was refused.
func (s *Server) userResult(w http.ResponseWriter, r *http.Request, a model.Actor, err error, ok string) error {
	if err != nil {
		if st := status(err); st != http.StatusInternalServerError && st != http.StatusNotFound {
			return s.renderUser(w, r, a, st, userErrors(err))
		}
		return err
	}
	s.flash(r, ok)
	http.Redirect(w, r, "/admin/users/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) userRoles(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.svc.Accounts.SetRoles(r.Context(), a, id, formInt(r, "version"), formRoles(r))
	return s.userResult(w, r, a, err, "角色已更新。")
}

func (s *Server) userPassword(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	err = s.svc.Accounts.ResetPassword(r.Context(), a, id, r.PostFormValue("password"))
	return s.userResult(w, r, a, err, "密码已重置，请通知本人登录后修改。")
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.setDisabled(w, r, a, true, "账号已停用。")
}

func (s *Server) userEnable(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	return s.setDisabled(w, r, a, false, "账号已启用。")
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, a model.Actor, disabled bool, ok string) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.userResult(w, r, a, s.svc.Accounts.SetDisabled(r.Context(), a, id, disabled), ok)
}
