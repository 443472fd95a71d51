package web

import (
	"net/http"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
)

// registerRoutes is the whole page route table; each names the permission it needs.
func (s *Server) registerRoutes() {
	static := http.FileServerFS(staticFS())
	s.handle("GET", "/static/", authz.Public, func(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/static/", static).ServeHTTP(w, r)
		return nil
	})
	s.handle("GET", "/healthz", authz.Public, s.healthz)
	s.handle("GET", "/metrics", authz.Public, s.metricsShow)

	s.handle("GET", "/{$}", authz.Public, s.homePublic)
	s.handle("GET", "/login", authz.Anonymous, s.loginForm)
	s.handle("POST", "/login", authz.Anonymous, s.loginSubmit)
	s.handle("POST", "/logout", authz.SignedIn, s.logout)
	s.handle("GET", "/register", authz.Anonymous, s.registerForm)
	s.handle("POST", "/register", authz.Anonymous, s.registerSubmit)

	s.handle("GET", "/home", authz.SignedIn, s.homeShow)
	s.handle("GET", "/account", authz.SignedIn, s.accountShow)
	s.handle("POST", "/account/password", authz.SignedIn, s.accountPassword)
	s.handle("POST", "/account/tokens", authz.SignedIn, s.tokenCreate)
	s.handle("POST", "/account/tokens/{id}/revoke", authz.SignedIn, s.tokenRevoke)

	s.handle("GET", "/admin/users", authz.ManageUsers, s.userList)
	s.handle("GET", "/admin/users/new", authz.ManageUsers, s.userNew)
	s.handle("POST", "/admin/users", authz.ManageUsers, s.userCreate)
	s.handle("GET", "/admin/users/{id}", authz.ManageUsers, s.userShow)
	s.handle("POST", "/admin/users/{id}/roles", authz.ManageUsers, s.userRoles)
	s.handle("POST", "/admin/users/{id}/password", authz.ManageUsers, s.userPassword)
	s.handle("POST", "/admin/users/{id}/disable", authz.ManageUsers, s.userDisable)
	s.handle("POST", "/admin/users/{id}/enable", authz.ManageUsers, s.userEnable)

	s.handle("GET", "/admin/orgs", authz.ViewOrgs, s.orgList)
	s.handle("GET", "/admin/orgs/new", authz.ManageOrgs, s.orgNew)
	s.handle("POST", "/admin/orgs", authz.ManageOrgs, s.orgCreate)
	s.handle("GET", "/admin/orgs/{id}", authz.ManageOrgs, s.orgEdit)
	s.handle("POST", "/admin/orgs/{id}", authz.ManageOrgs, s.orgUpdate)

	s.handle("GET", "/audit", authz.ViewAuditOrg, s.auditList)
	s.handle("POST", "/audit/verify", authz.ViewAudit, s.auditVerify)
}
