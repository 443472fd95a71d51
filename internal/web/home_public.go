package web

import (
	"net/http"

	"zhicheng/internal/model"
)

type homePublicData struct {
	Page
}

// homePublic is the public site's front page: what the system is and the procedure
// (R-PUB-01 "procedure public"); plans, publicity lists and results join it as they exist.
func (s *Server) homePublic(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	s.render(w, r, http.StatusOK, "home_public.html", &homePublicData{Page: s.page(r, a, "职称申报评审信息系统")})
	return nil
}
