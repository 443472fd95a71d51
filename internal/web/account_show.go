package web

import (
	"net/http"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

type accountData struct {
	Page
	User     model.User
	Tokens   []store.APIToken
	NewToken string // shown once, right after creation
	Errors   []*model.Error
}

func (s *Server) accountData(r *http.Request, a model.Actor) (*accountData, error) {
	u, err := s.svc.Accounts.User(r.Context(), a, a.UserID)
	if err != nil {
		return nil, err
	}
	tokens, err := s.svc.Accounts.Tokens(r.Context(), a)
	if err != nil {
		return nil, err
	}
	return &accountData{Page: s.page(r, a, "个人中心"), User: u, Tokens: tokens}, nil
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
