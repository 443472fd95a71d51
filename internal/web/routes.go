package web

import (
	"net/http"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
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
	s.handle("POST", "/account/email", authz.SignedIn, s.accountEmail)
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

	// Plans are public (R-PUB-01); the office configures them, the calendar, the blacklist
	// and entrustments, and its leader runs the test-period reset (R-CAL-03).
	s.handle("GET", "/plans", authz.Public, s.planList)
	s.handle("GET", "/plans/{id}", authz.Public, s.planShow)
	s.handle("GET", "/office/plans", authz.ManagePlans, s.planManage)
	s.handle("GET", "/office/plans/new", authz.ManagePlans, s.planNew)
	s.handle("POST", "/office/plans", authz.ManagePlans, s.planCreate)
	s.handle("POST", "/office/plans/preset", authz.ManagePlans, s.planCreatePreset)
	s.handle("GET", "/office/plans/{id}/edit", authz.ManagePlans, s.planEdit)
	s.handle("POST", "/office/plans/{id}", authz.ManagePlans, s.planUpdate)
	s.handle("POST", "/office/plans/{id}/copy", authz.ManagePlans, s.planCopy)
	s.handle("GET", "/office/plans/{id}/reset", authz.ManagePlans, s.resetPreview)
	s.handle("POST", "/office/plans/{id}/reset", authz.ResetPlan, s.resetExecute)

	s.handle("GET", "/office/calendar", authz.ManagePlans, s.calendarShow)
	s.handle("GET", "/office/calendar/{year}", authz.ManagePlans, s.calendarEdit)
	s.handle("POST", "/office/calendar/{year}", authz.ManagePlans, s.calendarSave)

	s.handle("GET", "/office/blacklist", authz.ManagePlans, s.blacklistList)
	s.handle("POST", "/office/blacklist", authz.ManagePlans, s.blacklistAdd)
	s.handle("POST", "/office/blacklist/{id}/lift", authz.ManagePlans, s.blacklistLift)

	// Entrustment letters (R-ELG-05): the office decides, a unit uploads its own; each side
	// has its own routes so that the table states exactly who may use which.
	s.handle("GET", "/office/entrustments", authz.ManagePlans, s.entrustmentList)
	s.handle("POST", "/office/entrustments/{id}/decide", authz.ManagePlans, s.entrustmentDecide)
	s.handle("GET", "/office/entrustments/{id}/letter", authz.ManagePlans, s.entrustmentLetter)
	s.handle("GET", "/entrustments", authz.Entrust, s.entrustmentNew)
	s.handle("POST", "/entrustments", authz.Entrust, s.entrustmentSubmit)
	s.handle("GET", "/entrustments/{id}/letter", authz.Entrust, s.entrustmentLetter)

	s.handle("GET", "/audit", authz.ViewAuditOrg, s.auditList)
	s.handle("POST", "/audit/verify", authz.ViewAudit, s.auditVerify)

	// The applicant's application (SPEC §4, R-APP-*): start, the form page by page with its
	// uploads, the pre-submit check, the pledge and submission, and the submitted versions.
	s.handle("GET", "/applications", authz.Apply, s.applicationList)
	s.handle("POST", "/applications", authz.Apply, s.applicationStart)
	s.handle("GET", "/applications/{id}", authz.Apply, s.applicationShow)
	s.handle("GET", "/applications/{id}/m/{module}", authz.Apply, s.applicationModule)
	s.handle("POST", "/applications/{id}/m/{module}", authz.Apply, s.applicationSave)
	s.handle("POST", "/applications/{id}/files", authz.Apply, s.applicationUpload)
	s.handle("GET", "/applications/{id}/files/{file_id}", authz.Apply, s.applicationFile)
	s.handle("POST", "/applications/{id}/files/{file_id}/delete", authz.Apply, s.applicationFileDelete)
	s.handle("POST", "/applications/{id}/files/{file_id}/move", authz.Apply, s.applicationFileMove)
	s.handle("POST", "/applications/{id}/combine", authz.Apply, s.applicationCombine)
	s.handle("GET", "/applications/{id}/check", authz.Apply, s.applicationCheck)
	s.handle("GET", "/applications/{id}/submit", authz.Apply, s.applicationSubmitForm)
	s.handle("POST", "/applications/{id}/pledge", authz.Apply, s.applicationPledge)
	s.handle("POST", "/applications/{id}/submit", authz.Apply, s.applicationSubmit)
	s.handle("GET", "/applications/{id}/versions", authz.Apply, s.applicationVersions)

	// The reviewers (SPEC §5): each organisation's list under its own permission; the
	// application's page, its files and its actions are open to any account and scoped by
	// the service, so that an application out of scope does not exist (404, R-ORG-02).
	for _, sc := range reviewScopes {
		s.handle("GET", sc.Href, sc.Perm, s.reviewList(sc))
	}
	s.handle("GET", "/review/applications/{id}", authz.ReviewAny, s.reviewShow)
	s.handle("GET", "/review/applications/{id}/files/{file_id}", authz.ReviewAny, s.reviewFile)
	s.handle("POST", "/review/applications/{id}/actions/{action}", authz.ReviewAny, s.reviewAct)
	// The unit's own documents (推荐报告, 公示报告及公示照片), uploaded while it reviews (R-FLOW-01).
	s.handle("POST", "/review/applications/{id}/reports", authz.ReviewUnit, s.reviewReportUpload)
	s.handle("POST", "/review/applications/{id}/reports/{file_id}/remove", authz.ReviewUnit, s.reviewReportRemove)
	// The public unit publicity and its objections (R-FLOW-01, R-PUB-02).
	s.handle("GET", "/publicity", authz.Public, s.publicityList)
	s.handle("POST", "/publicity/{id}/objection", authz.Public, s.publicityObjection)
	// The applicant's view of the procedure with who looked at the evidence (R-SEC-01).
	s.handle("GET", "/applications/{id}/status", authz.Apply, s.reviewStatus)

	// Excel export of each reviewer's list (R-REP-01), with the list's filters and
	// permission; batch pass on the department's and the office's lists (issue #5 item 9).
	for _, sc := range reviewScopes {
		s.handle("GET", sc.Href+"/export.xlsx", sc.Perm, s.reviewExport(sc))
	}
	s.handle("POST", "/review/dept/batch", authz.ReviewDept, s.reviewBatch(reviewScopes[1], func(r *service.Review) batchFunc { return r.DeptPass }))
	s.handle("POST", "/review/office/batch", authz.OfficeWork, s.reviewBatch(reviewScopes[2], func(r *service.Review) batchFunc { return r.PrelimPass }))
}
