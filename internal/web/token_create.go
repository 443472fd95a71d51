package web

import (
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

// tokenCreate issues an API token and shows it once on the account page.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	_, token, err := s.svc.Accounts.CreateToken(r.Context(), a, r.PostFormValue("name"), days)
	if err == nil {
		s.sessions.Put(r.Context(), "new_token", token)
	}
	return s.accountResult(w, r, a, err, "API 令牌已生成，请立即复制保存，离开本页后将无法再次查看。")
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.accountResult(w, r, a, s.svc.Accounts.RevokeToken(r.Context(), a, id), "令牌已撤销。")
}
