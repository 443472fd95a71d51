package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

type registerData struct {
	Page
	Orgs   []model.Org
	Form   service.UserInput
	Errors []*model.Error
}

func (s *Server) registerForm(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	orgs, err := s.svc.Orgs.Choices(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "register.html", &registerData{Page: s.page(r, a, "申报人注册"), Orgs: orgs})
	return nil
}

// registerSubmit creates an applicant account; on a refusal the form comes back with
// everything typed (except passwords) and every problem listed.
func (s *Server) registerSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	orgID, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	in := service.UserInput{
		OrgID: orgID, Username: r.PostFormValue("username"), Name: r.PostFormValue("name"),
		IDNumber: strings.TrimSpace(r.PostFormValue("id_number")), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"),
		Password: r.PostFormValue("password"),
	}
	var err error
	if in.Password != r.PostFormValue("password2") {
		err = model.Errors{model.Invalid("password2", "两次输入的密码不一致", "请重新输入确认密码")}
	} else {
		_, err = s.svc.Accounts.Register(r.Context(), in)
	}
	if err != nil {
		if model.KindOf(err) == "" && status(err) == http.StatusInternalServerError {
			return err
		}
		orgs, oerr := s.svc.Orgs.Choices(r.Context())
		if oerr != nil {
			return oerr
		}
		in.Password = ""
		s.render(w, r, status(err), "register.html", &registerData{Page: s.page(r, a, "申报人注册"), Orgs: orgs, Form: in, Errors: userErrors(err)})
		return nil
	}
	s.flash(r, "注册成功，请登录。")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
