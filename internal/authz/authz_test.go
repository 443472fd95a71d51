package authz_test

import (
	"testing"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
)

// R-ORG-02: the system's own steps (lapsing what a closed review window overtook, R-CAL-02)
// are held by no role in any kind of organisation, nor by the public; only the system actor
// passes. The permission is declared, so a route naming it would be accepted by the router
// and refused to every request.
func TestR_ORG_02_sweepHeldByNoPerson(t *testing.T) {
	if !authz.Known(authz.Sweep) {
		t.Fatal("authz.Sweep is not declared")
	}
	for _, p := range authz.Personas() {
		p.UserID = 1
		if authz.Allowed(p, authz.Sweep) {
			t.Errorf("%v in %s holds %s", p.Roles, p.OrgKind, authz.Sweep)
		}
	}
	every := model.Actor{UserID: 1, Roles: model.Roles}
	for _, k := range model.OrgKinds {
		every.OrgKind = k
		if authz.Allowed(every, authz.Sweep) {
			t.Errorf("every role together in %s holds %s", k, authz.Sweep)
		}
	}
	if authz.Allowed(model.Actor{}, authz.Sweep) {
		t.Error("the public holds it")
	}
	if !authz.Allowed(model.SystemActor("系统"), authz.Sweep) {
		t.Error("the system does not hold it")
	}
}
