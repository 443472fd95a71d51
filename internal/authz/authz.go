// Package authz is the one place that says which role may do what (R-ORG-02). Every route
// names a Permission; the router asks Allowed before the handler runs, and the route × role
// test in internal/web checks the whole matrix against a reviewed golden file. Scope ("only
// your own organisation's users") is enforced again by the services, which know the rows.
package authz

import (
	"slices"

	"zhicheng/internal/model"
)

// Permission names something a route lets its caller do.
type Permission string

const (
	Public        Permission = "public"         // anyone, signed in or not
	Anonymous     Permission = "anonymous"      // only when not signed in (login, register)
	SignedIn      Permission = "signed_in"      // any account
	ManageUsers   Permission = "users.manage"   // an organisation's administrator, for its own accounts
	ManageOrgs    Permission = "orgs.manage"    // the office administrator creates organisations and sets review chains
	ViewOrgs      Permission = "orgs.view"      // reviewers and administrators see the organisation tree
	ViewAudit     Permission = "audit.view"     // the office reads and verifies the audit log
	ViewAuditOrg  Permission = "audit.view_org" // an administrator reads the audit entries of their organisation
	Apply         Permission = "apply"          // applicants
	ReviewUnit    Permission = "review.unit"    // unit and agency reviewers
	ReviewDept    Permission = "review.dept"    // review departments
	ReviewAny     Permission = "review.any"     // any reviewer: one application's review page, files and actions, scoped by the service
	OfficeWork    Permission = "office.work"    // the title-reform office's staff
	ExpertWork    Permission = "expert.work"    // experts
	CommitteeWork Permission = "committee.work" // committee staff
	ManagePlans   Permission = "plans.manage"   // the office configures plans, the calendar, the blacklist, entrustments
	ResetPlan     Permission = "plans.reset"    // the office's review leader runs the test-period reset (R-CAL-03)
	Entrust       Permission = "entrust.submit" // a unit's reviewers upload its entrustment letter (R-ELG-05)
	// Sweep is what the system does by itself when a deadline passes: it ends the
	// applications a closed review window overtook (R-CAL-02). No role holds it, so no person
	// can take those steps; only the system actor (model.Actor.System) passes Allowed.
	Sweep Permission = "system.sweep"
)

// Grant gives a role a permission, in organisations of the listed kinds (any kind if none).
type Grant struct {
	Role  model.Role
	Kinds []model.OrgKind
}

var reviewers = []model.Role{model.RoleHandler, model.RoleLeader}

func grants(roles []model.Role, kinds ...model.OrgKind) []Grant {
	var gs []Grant
	for _, r := range roles {
		gs = append(gs, Grant{Role: r, Kinds: kinds})
	}
	return gs
}

// table is the whole authorization policy. Read it as "permission: who".
var table = map[Permission][]Grant{
	ManageUsers:   {{Role: model.RoleSysAdmin}},
	ManageOrgs:    {{Role: model.RoleSysAdmin, Kinds: []model.OrgKind{model.OrgOffice}}},
	ViewOrgs:      append(grants(reviewers, model.OrgOffice, model.OrgCity, model.OrgIndustry, model.OrgEvalOffice), Grant{Role: model.RoleSysAdmin}),
	ViewAudit:     {{Role: model.RoleSysAdmin, Kinds: []model.OrgKind{model.OrgOffice}}, {Role: model.RoleLeader, Kinds: []model.OrgKind{model.OrgOffice}}},
	ViewAuditOrg:  {{Role: model.RoleSysAdmin}, {Role: model.RoleLeader, Kinds: []model.OrgKind{model.OrgOffice}}},
	Apply:         {{Role: model.RoleApplicant, Kinds: []model.OrgKind{model.OrgUnit, model.OrgAgency}}},
	ReviewUnit:    grants(reviewers, model.OrgUnit, model.OrgAgency),
	ReviewDept:    grants(reviewers, model.OrgCity, model.OrgIndustry, model.OrgEvalOffice),
	ReviewAny:     grants(reviewers, model.OrgUnit, model.OrgAgency, model.OrgCity, model.OrgIndustry, model.OrgEvalOffice, model.OrgOffice),
	OfficeWork:    grants(reviewers, model.OrgOffice),
	ExpertWork:    {{Role: model.RoleExpert}},
	CommitteeWork: grants(reviewers, model.OrgCommittee),
	ManagePlans:   grants(reviewers, model.OrgOffice),
	ResetPlan:     {{Role: model.RoleLeader, Kinds: []model.OrgKind{model.OrgOffice}}},
	Entrust:       grants(reviewers, model.OrgUnit),
	Sweep:         nil, // nobody: see Sweep
}

// Allowed reports whether a may use permission p.
func Allowed(a model.Actor, p Permission) bool {
	if a.System {
		return p != Anonymous
	}
	switch p {
	case Public:
		return true
	case Anonymous:
		return a.Anonymous()
	case SignedIn:
		return !a.Anonymous()
	}
	if a.Anonymous() {
		return false
	}
	for _, g := range table[p] {
		if a.Has(g.Role) && (len(g.Kinds) == 0 || slices.Contains(g.Kinds, a.OrgKind)) {
			return true
		}
	}
	return false
}

// Known reports whether p is declared, so that a route cannot name a permission that
// nobody holds by typo.
func Known(p Permission) bool {
	_, ok := table[p]
	return ok || p == Public || p == Anonymous || p == SignedIn
}

// RoleValidIn reports whether role r may be held in an organisation of kind k: applicants
// belong to an employer or the agency holding their archive (R-ELG-05).
func RoleValidIn(r model.Role, k model.OrgKind) bool {
	if r == model.RoleApplicant {
		return k.Applies()
	}
	return r.Valid()
}

// Personas lists every role in every kind of organisation it can be held in, plus the
// anonymous public: the rows of the route × role test.
func Personas() []model.Actor {
	out := []model.Actor{{}}
	for _, k := range model.OrgKinds {
		for _, r := range model.Roles {
			if RoleValidIn(r, k) {
				out = append(out, model.Actor{Roles: []model.Role{r}, OrgKind: k})
			}
		}
	}
	return out
}
