package rules

import (
	"slices"
	"testing"

	"zhicheng/internal/model"
)

func TestR_ORG_01_threeRealNameAccounts(t *testing.T) {
	u := func(id int64, disabled bool, roles ...model.Role) model.User {
		return model.User{ID: id, Disabled: disabled, Roles: roles}
	}
	admin, handler, leader := model.RoleSysAdmin, model.RoleHandler, model.RoleLeader
	tests := []struct {
		name    string
		users   []model.User
		ok      bool
		missing []model.Role
	}{
		{"three people, three roles", []model.User{u(1, false, admin), u(2, false, handler), u(3, false, leader)}, true, nil},
		{"extra roles do not hurt", []model.User{u(1, false, admin, handler), u(2, false, handler), u(3, false, leader, admin)}, true, nil},
		{"no accounts", nil, false, []model.Role{admin, handler, leader}},
		{"no leader", []model.User{u(1, false, admin), u(2, false, handler)}, false, []model.Role{leader}},
		{"one person holding all three", []model.User{u(1, false, admin, handler, leader)}, false, []model.Role{handler, leader}},
		{"two people holding three", []model.User{u(1, false, admin, handler), u(2, false, leader)}, false, []model.Role{handler}},
		{"a disabled account does not count", []model.User{u(1, false, admin), u(2, true, handler), u(3, false, leader)}, false, []model.Role{handler}},
		{"applicants do not count", []model.User{u(1, false, admin), u(2, false, model.RoleApplicant), u(3, false, leader)}, false, []model.Role{handler}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckOrgAccounts(tt.users)
			if got.OK != tt.ok {
				t.Fatalf("OK = %v, want %v", got.OK, tt.ok)
			}
			if !tt.ok && len(got.Missing) == 0 {
				t.Fatal("not OK but nothing named as missing")
			}
			if tt.missing != nil && !slices.Equal(got.Missing, tt.missing) {
				t.Fatalf("Missing = %v, want %v", got.Missing, tt.missing)
			}
		})
	}
}
