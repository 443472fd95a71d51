package web

import (
	"net"
	"net/http"
	"strings"

	"zhicheng/internal/model"
)

type loginData struct {
	Page
	Login  string
	Next   string
	Errors []*model.Error
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	s.render(w, r, http.StatusOK, "login.html", &loginData{Page: s.page(r, a, "登录"), Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	login, next := strings.TrimSpace(r.PostFormValue("login")), safeNext(r.PostFormValue("next"))
	actor, err := s.svc.Accounts.Authenticate(r.Context(), login, r.PostFormValue("password"), clientAddr(r))
	if err != nil {
		if model.KindOf(err) == "" {
			return err
		}
		s.render(w, r, status(err), "login.html", &loginData{Page: s.page(r, a, "登录"), Login: login, Next: next, Errors: userErrors(err)})
		return nil
	}
	// A new token on login prevents session fixation.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "uid", actor.UserID)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// clientAddr is the address login throttling counts. Behind a load balancer every request
// comes from the balancer, so the address it reports is used when the connection itself
// comes from a private or loopback address (the balancer), and never otherwise (a client
// could forge the header).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate()) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return host
}
