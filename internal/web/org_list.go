package web

import (
	"net/http"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

type orgListData struct {
	Page
	Tree      []service.TreeNode
	CanManage bool
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	tree, err := s.svc.Orgs.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "orgs.html", &orgListData{Page: s.page(r, a, "机构管理"), Tree: tree, CanManage: authz.Allowed(a, authz.ManageOrgs)})
	return nil
}
