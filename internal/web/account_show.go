package web

import (
	"net/http"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

type accountData struct {
	Page
	User     model.User
	Email    string // the user's own address in clear: this page is theirs alone
	Tokens   []store.APIToken
	NewToken string // shown once, right after creation
	Errors   []*model.Error
}

func (s *Server) accountData(r *http.Request, a model.Actor) (*accountData, error) {
	u, err := s.svc.Accounts.User(r.Context(), a, a.UserID)
	if err != nil {
		return nil, err
	}
	email, err := s.svc.Accounts.Email(r.Context(), a)
	if err != nil {
		return nil, err
	}
	tokens, err := s.svc.Accounts.Tokens(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return &accountData{Page: s.page(r, a, "个人中心"), User: u, Email: email, Tokens: tokens}, nil
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	d, err := s.accountData(r, a)
	if err != nil {
		return err
	}
	d.NewToken = s.sessions.PopString(r.Context(), "new_token")
	s.render(w, r, http.StatusOK, "account.html", d)
	return nil
}

// accountPassword changes one's own password; refusals re-render the page with reasons.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var err error
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		err = model.Invalid("password2", "两次输入的新密码不一致", "请重新输入确认密码")
	} else {
		err = s.svc.Accounts.ChangePassword(r.Context(), a, r.PostFormValue("old_password"), r.PostFormValue("password"))
	}
	return s.accountResult(w, r, a, err, "密码已修改。")
}

// accountEmail sets or removes one's own e-mail address; the service acts on the signed-in
// account only, so there is no user id in the route to tamper with.
func (s *Server) accountEmail(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	email := r.PostFormValue("email")
	err := s.svc.Accounts.SetEmail(r.Context(), a, email)
	ok := "邮箱已保存，状态变更通知将发送到该邮箱。"
	if strings.TrimSpace(email) == "" {
		ok = "邮箱已删除，将不再发送邮件通知。"
	}
	if err != nil && status(err) != http.StatusInternalServerError {
		// Show the refused address again so that it can be corrected, not retyped.
		d, derr := s.accountData(r, a)
		if derr != nil {
			return derr
		}
		d.Email, d.Errors = email, userErrors(err)
		s.render(w, r, status(err), "account.html", d)
		return nil
	}
	return s.accountResult(w, r, a, err, ok)
}

func (s *Server) accountResult(w http.ResponseWriter, r *http.Request, a model.Actor, err error, ok string) error {
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		d, derr := s.accountData(r, a)
		if derr != nil {
			return derr
		}
		d.Errors = userErrors(err)
		s.render(w, r, status(err), "account.html", d)
		return nil
	}
	s.flash(r, ok)
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
