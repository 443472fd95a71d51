package rules

import (
	"slices"

	"zhicheng/internal/model"
)

// OrgAccounts is the outcome of R-ORG-01 for one organisation.
type OrgAccounts struct {
	OK      bool
	Missing []model.Role // roles that no distinct, enabled account can fill
}

// RequiredRoles are the three real-name accounts every organisation must have (R-ORG-01).
var RequiredRoles = []model.Role{model.RoleSysAdmin, model.RoleHandler, model.RoleLeader}

// CheckOrgAccounts decides R-ORG-01: at least three enabled real-name accounts, one
// system administrator, one handler and one review leader, held by three different people
// (one person holding all three roles does not satisfy it). It searches every assignment of
// the three roles to distinct users, which for three roles is small enough to do directly.
func CheckOrgAccounts(users []model.User) OrgAccounts {
	var holders [3][]int64
	for _, u := range users {
		if u.Disabled {
			continue
		}
		for i, r := range RequiredRoles {
			if u.Has(r) {
				holders[i] = append(holders[i], u.ID)
			}
		}
	}
	for _, a := range holders[0] {
		for _, b := range holders[1] {
			for _, c := range holders[2] {
				if a != b && b != c && a != c {
					return OrgAccounts{OK: true}
				}
			}
		}
	}
	// No full assignment: fill greedily and name the roles left without a distinct holder.
	var res OrgAccounts
	used := map[int64]bool{}
	for i, r := range RequiredRoles {
		k := slices.IndexFunc(holders[i], func(id int64) bool { return !used[id] })
		if k < 0 {
			res.Missing = append(res.Missing, r)
			continue
		}
		used[holders[i][k]] = true
	}
	return res
}
