package model

import (
	"slices"
	"time"
)

// Role is what a user may do inside their own organisation (R-ORG-02).
type Role string

const (
	RoleSysAdmin  Role = "sysadmin"  // 系统管理员: manages the organisation's accounts
	RoleHandler   Role = "handler"   // 经办人: does the review work
	RoleLeader    Role = "leader"    // 审核领导: approves what the handler prepared
	RoleApplicant Role = "applicant" // 申报人
	RoleExpert    Role = "expert"    // 评审专家
)

// Roles lists every role in display order.
var Roles = []Role{RoleSysAdmin, RoleHandler, RoleLeader, RoleApplicant, RoleExpert}

var roleNames = map[Role]string{
	RoleSysAdmin:  "系统管理员",
	RoleHandler:   "经办人",
	RoleLeader:    "审核领导",
	RoleApplicant: "申报人",
	RoleExpert:    "评审专家",
}

// Label is the Chinese name of the role.
func (r Role) Label() string { return roleNames[r] }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// User is a real-name account. The ID number, phone and e-mail address are held
// encrypted by the store; the masked forms are what lists and logs show (R-SEC-01).
type User struct {
	ID             int64
	OrgID          int64
	Username       string
	Name           string
	IDNumberMasked string
	PhoneMasked    string
	EmailMasked    string // "" when the user has given no address
	Disabled       bool
	Roles          []Role
	Created        time.Time
	Version        int64
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Actor is who is acting: the signed-in user as the authorization table sees them.
// The zero Actor is the anonymous public.
type Actor struct {
	UserID  int64
	Name    string
	OrgID   int64
	OrgKind OrgKind
	OrgName string
	Roles   []Role
	// System is the operator at the command line (zhicheng user add, demo loading): the
	// authorization table lets it do anything. Only cmd/ and the demo loader set it; no
	// request can.
	System bool
}

// SystemActor is the command-line operator.
func SystemActor(name string) Actor { return Actor{Name: name, System: true} }

// Anonymous reports whether nobody is signed in.
func (a Actor) Anonymous() bool { return a.UserID == 0 && !a.System }

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// Personal holds a user's personal data in clear, as needed by the few places allowed to
// see it (the user themself, and later the certificate and dossier).
type Personal struct {
	IDNumber string
	Phone    string
}
