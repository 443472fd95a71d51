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
		{"PUT", "/api/v1/me/email", authz.SignedIn, x.meEmail},

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

		{"GET", "/api/v1/plans", authz.Public, x.planList},
		{"POST", "/api/v1/plans", authz.ManagePlans, x.planCreate},
		{"POST", "/api/v1/plans/from-preset", authz.ManagePlans, x.planFromPreset},
		{"GET", "/api/v1/plans/{id}", authz.Public, x.planShow},
		{"PUT", "/api/v1/plans/{id}", authz.ManagePlans, x.planUpdate},
		{"POST", "/api/v1/plans/{id}/copy", authz.ManagePlans, x.planCopy},
		{"GET", "/api/v1/plans/{id}/reset", authz.ManagePlans, x.resetPreview},
		{"POST", "/api/v1/plans/{id}/reset", authz.ResetPlan, x.resetExecute},
		{"GET", "/api/v1/presets", authz.ManagePlans, x.presetList},

		{"GET", "/api/v1/calendar", authz.Public, x.calendarShow},
		{"PUT", "/api/v1/calendar/{year}", authz.ManagePlans, x.calendarSetYear},
		{"GET", "/api/v1/workdays", authz.Public, x.workdays},

		{"POST", "/api/v1/eligibility", authz.SignedIn, x.eligibility},

		{"GET", "/api/v1/blacklist", authz.ManagePlans, x.blacklistList},
		{"POST", "/api/v1/blacklist", authz.ManagePlans, x.blacklistAdd},
		{"POST", "/api/v1/blacklist/{id}/lift", authz.ManagePlans, x.blacklistLift},

		{"GET", "/api/v1/entrustments", authz.SignedIn, x.entrustmentList},
		{"POST", "/api/v1/entrustments", authz.Entrust, x.entrustmentSubmit},
		{"POST", "/api/v1/entrustments/{id}/decision", authz.ManagePlans, x.entrustmentDecide},
		{"GET", "/api/v1/entrustments/{id}/letter", authz.SignedIn, x.entrustmentLetter},

		{"GET", "/api/v1/pledge", authz.SignedIn, x.pledgeText},
		{"GET", "/api/v1/applications", authz.Apply, x.applicationList},
		{"POST", "/api/v1/applications", authz.Apply, x.applicationCreate},
		{"GET", "/api/v1/applications/{id}", authz.Apply, x.applicationShow},
		{"PUT", "/api/v1/applications/{id}/form", authz.Apply, x.applicationSaveForm},
		{"POST", "/api/v1/applications/{id}/files", authz.Apply, x.applicationUpload},
		{"GET", "/api/v1/applications/{id}/files/{file_id}", authz.Apply, x.applicationFile},
		{"DELETE", "/api/v1/applications/{id}/files/{file_id}", authz.Apply, x.applicationRemoveFile},
		{"PUT", "/api/v1/applications/{id}/slots/order", authz.Apply, x.applicationReorder},
		{"POST", "/api/v1/applications/{id}/combine", authz.Apply, x.applicationCombine},
		{"POST", "/api/v1/applications/{id}/education/{entry_id}/sync", authz.Apply, x.applicationSyncEducation},
		{"GET", "/api/v1/applications/{id}/check", authz.Apply, x.applicationCheck},
		{"POST", "/api/v1/applications/{id}/pledge", authz.Apply, x.applicationSign},
		{"POST", "/api/v1/applications/{id}/submit", authz.Apply, x.applicationSubmit},
		{"GET", "/api/v1/applications/{id}/versions", authz.Apply, x.applicationVersions},

		// The review (SPEC §5). The lists need the reviewer role of the list; one application's
		// view, actions and files are for any reviewer (authz.ReviewAny), scoped by the service
		// (404 outside it).
		{"GET", "/api/v1/review/unit", authz.ReviewUnit, x.reviewUnitList},
		{"GET", "/api/v1/review/dept", authz.ReviewDept, x.reviewDeptList},
		{"GET", "/api/v1/review/office", authz.OfficeWork, x.reviewOfficeList},
		{"GET", "/api/v1/review/unit/export.xlsx", authz.ReviewUnit, x.reviewUnitExport},
		{"GET", "/api/v1/review/dept/export.xlsx", authz.ReviewDept, x.reviewDeptExport},
		{"GET", "/api/v1/review/office/export.xlsx", authz.OfficeWork, x.reviewOfficeExport},
		{"GET", "/api/v1/review/applications/{id}", authz.ReviewAny, x.reviewShow},
		{"POST", "/api/v1/review/applications/{id}/actions/{action}", authz.ReviewAny, x.reviewAct},
		{"GET", "/api/v1/review/applications/{id}/files/{file_id}", authz.ReviewAny, x.reviewFile},
		{"POST", "/api/v1/review/applications/{id}/reports", authz.ReviewUnit, x.reviewReportUpload},
		{"DELETE", "/api/v1/review/applications/{id}/reports/{file_id}", authz.ReviewUnit, x.reviewReportRemove},
		{"GET", "/api/v1/applications/{id}/status", authz.Apply, x.applicationStatus},
		{"GET", "/api/v1/applications/{id}/access-log", authz.Apply, x.applicationAccessLog},
		{"POST", "/api/v1/applications/{id}/resubmit", authz.Apply, x.applicationResubmit},
		{"POST", "/api/v1/applications/{id}/withdraw", authz.Apply, x.applicationWithdraw},
		{"GET", "/api/v1/publicity", authz.Public, x.publicityList},
		{"POST", "/api/v1/publicity/{id}/objections", authz.Public, x.publicityObject},
	}
}
