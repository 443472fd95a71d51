package api

import (
	"zhicheng/internal/authz"
)

// Routes is the whole API route table. Each route names the permission the web layer
// checks before the handler runs; scope (own organisation, own tokens) is checked again by
// the services. internal/api/openapi.json documents exactly these routes (openapi_test.go
// keeps the two in step).
func (x *API) Routes() []Route {
	return []Route{
		{"GET", "/api/v1/openapi.json", authz.Public, x.openapi},

		{"GET", "/api/v1/me", authz.SignedIn, x.me},

		{"GET", "/api/v1/orgs", authz.ViewOrgs, x.orgList},
		{"POST", "/api/v1/orgs", authz.ManageOrgs, x.orgCreate},
		{"GET", "/api/v1/orgs/{id}", authz.SignedIn, x.orgShow},
		{"PUT", "/api/v1/orgs/{id}", authz.ManageOrgs, x.orgUpdate},

		{"GET", "/api/v1/users", authz.ManageUsers, x.userList},
		{"POST", "/api/v1/users", authz.ManageUsers, x.userCreate},
		{"GET", "/api/v1/users/{id}", authz.ManageUsers, x.userShow},
		{"PUT", "/api/v1/users/{id}/roles", authz.ManageUsers, x.userRoles},
		{"POST", "/api/v1/users/{id}/password", authz.ManageUsers, x.userPassword},
		{"POST", "/api/v1/users/{id}/disable", authz.ManageUsers, x.userDisable},
		{"POST", "/api/v1/users/{id}/enable", authz.ManageUsers, x.userEnable},

		{"GET", "/api/v1/tokens", authz.SignedIn, x.tokenList},
		{"POST", "/api/v1/tokens", authz.SignedIn, x.tokenCreate},
		{"DELETE", "/api/v1/tokens/{id}", authz.SignedIn, x.tokenRevoke},

		{"GET", "/api/v1/audit", authz.ViewAuditOrg, x.auditList},
		{"GET", "/api/v1/audit/verify", authz.ViewAudit, x.auditVerify},
	}
}
