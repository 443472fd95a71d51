package service_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/auth"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

type fixture struct {
	db     *store.DB
	svc    *service.Services
	office int64
	city   int64
	unitA  int64
	unitB  int64
	now    time.Time
}

var (
	cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

func keysFor() *pii.Keys {
	keys, _ := pii.NewKeys([]byte(strings.Repeat("s", 32)))
	return keys
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, now: time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)}
	db.SetClock(func() time.Time { return f.now })
	f.svc = service.New(service.Deps{DB: db, Keys: keysFor(), Password: cheap, Now: func() time.Time { return f.now }, Log: quiet})
	ctx, sys := context.Background(), model.SystemActor("test")
	mk := func(o model.Org) int64 {
		id, err := f.svc.Orgs.Create(ctx, sys, o)
		if err != nil {
			t.Fatalf("create org %s: %v", o.Name, err)
		}
		return id
	}
	f.office = mk(model.Org{Kind: model.OrgOffice, Code: "OFF", Name: "职改办"})
	f.city = mk(model.Org{ParentID: f.office, Kind: model.OrgCity, Code: "CITY", Name: "市人社局"})
	f.unitA = mk(model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitPublicInstitution, Code: "UA", Name: "甲单位", ReviewChain: []int64{f.city}})
	f.unitB = mk(model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitPrivateEnterprise, Code: "UB", Name: "乙单位", ReviewChain: []int64{f.city}})
	return f
}

var seq int

func idNumber() string {
	seq++
	first17 := fmt.Sprintf("62010219850315%03d", seq%1000)
	c, _ := rules.IDNumberCheckDigit(first17)
	return first17 + string(c)
}

func (f *fixture) user(t *testing.T, org int64, username string, roles ...model.Role) model.Actor {
	t.Helper()
	id, err := f.svc.Accounts.CreateUser(context.Background(), model.SystemActor("test"), service.UserInput{
		OrgID: org, Username: username, Name: "用户" + username, IDNumber: idNumber(), Phone: "13800001234", Password: "Good#Pass1", Roles: roles})
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	a, err := f.svc.Accounts.Actor(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// R-SEC-01: the ID number and phone are not stored in clear, lists get masked forms, and
// the owner can read theirs back.
func TestR_SEC_01_personalDataEncryptedAndMasked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		id := idNumber()
		uid, err := f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.unitA, Username: "applicant", Name: "张三", IDNumber: strings.ToLower(id), Phone: "13912345678", Password: "Good#Pass1"})
		if err != nil {
			t.Fatal(err)
		}
		var idEnc, phoneEnc []byte
		var u model.User
		db.View(ctx, func(q *store.Q) (err error) {
			idEnc, phoneEnc, _ = q.PersonalEnc(ctx, uid)
			u, err = q.User(ctx, uid)
			return err
		})
		if strings.Contains(string(idEnc), id[:17]) || strings.Contains(string(phoneEnc), "13912345678") {
			t.Fatal("personal data stored in clear")
		}
		if u.IDNumberMasked != id[:4]+"**********"+id[14:] || u.PhoneMasked != "139****5678" {
			t.Fatalf("masks: %q %q", u.IDNumberMasked, u.PhoneMasked)
		}
		a, _ := f.svc.Accounts.Actor(ctx, uid)
		p, err := f.svc.Accounts.Personal(ctx, a)
		if err != nil || p.IDNumber != id || p.Phone != "13912345678" {
			t.Fatalf("personal read back: %+v %v", p, err)
		}
		// The audit entry of the registration holds the masked number only.
		events, _ := f.svc.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "user", ObjectID: uid})
		if len(events) != 1 || strings.Contains(events[0].Detail, id[6:14]) || !strings.Contains(events[0].Detail, u.IDNumberMasked) {
			t.Fatalf("audit detail leaks or lacks the masked ID: %+v", events)
		}
		// Login by ID number works through the blind index.
		if _, err := f.svc.Accounts.Authenticate(ctx, id, "Good#Pass1", "10.0.0.1"); err != nil {
			t.Fatalf("login by ID number: %v", err)
		}
	})
}

// Registration reports every bad field at once, in Chinese, and refuses a second account
// for the same person.
func TestRegisterValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		_, err := f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.city, Username: "1x", Name: "张", IDNumber: "620102198503150011", Phone: "123", Password: "short"})
		var es model.Errors
		if !errors.As(err, &es) {
			t.Fatalf("want model.Errors, got %v", err)
		}
		fields := map[string]bool{}
		for _, e := range es {
			fields[e.Field] = true
			if e.Message == "" || e.Fix == "" {
				t.Errorf("refusal without message or fix: %+v", e)
			}
		}
		for _, want := range []string{"username", "name", "phone", "password", "org_id"} {
			if !fields[want] {
				t.Errorf("no error for %s in %v", want, es)
			}
		}
		id := idNumber()
		in := service.UserInput{OrgID: f.unitA, Username: "first", Name: "李四", IDNumber: id, Phone: "13912345678", Password: "Good#Pass1"}
		if _, err := f.svc.Accounts.Register(ctx, in); err != nil {
			t.Fatal(err)
		}
		in.Username = "second"
		if _, err := f.svc.Accounts.Register(ctx, in); model.KindOf(err) != model.KindConflict {
			t.Fatalf("second account for the same ID number: %v", err)
		}
	})
}

// R-ORG-02: an administrator manages their own organisation's accounts only.
func TestR_ORG_02_adminScopedToOwnOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		adminA := f.user(t, f.unitA, "admina", model.RoleSysAdmin)
		userB := f.user(t, f.unitB, "userb", model.RoleHandler)
		_, err := f.svc.Accounts.CreateUser(ctx, adminA, service.UserInput{OrgID: f.unitB, Username: "intruder", Name: "某某", IDNumber: idNumber(), Phone: "13800001111", Password: "Good#Pass1", Roles: []model.Role{model.RoleHandler}})
		if model.KindOf(err) != model.KindForbidden {
			t.Fatalf("create in another org: %v", err)
		}
		// Another organisation's accounts are "not found": their ids are not even confirmed.
		if err := f.svc.Accounts.SetRoles(ctx, adminA, userB.UserID, 1, []model.Role{model.RoleLeader}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("set roles in another org: %v", err)
		}
		if err := f.svc.Accounts.ResetPassword(ctx, adminA, userB.UserID, "Other#Pass2"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("reset password in another org: %v", err)
		}
		if err := f.svc.Accounts.SetDisabled(ctx, adminA, userB.UserID, true); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("disable in another org: %v", err)
		}
		if _, err := f.svc.Accounts.User(ctx, adminA, userB.UserID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("read user of another org: %v", err)
		}
		// A handler is not an administrator at all.
		if _, _, err := f.svc.Accounts.OrgUsers(ctx, userB); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("handler lists users: %v", err)
		}
		// The office administrator may create another organisation's first administrator,
		// but not its other accounts.
		officeAdmin := f.user(t, f.office, "officeadmin", model.RoleSysAdmin)
		in := service.UserInput{OrgID: f.unitB, Username: "adminb", Name: "乙管理员", IDNumber: idNumber(), Phone: "13800002222", Password: "Good#Pass1", Roles: []model.Role{model.RoleSysAdmin}}
		if _, err := f.svc.Accounts.CreateUser(ctx, officeAdmin, in); err != nil {
			t.Fatalf("office creates first admin: %v", err)
		}
		in.Username, in.IDNumber, in.Roles = "handlerb", idNumber(), []model.Role{model.RoleHandler}
		if _, err := f.svc.Accounts.CreateUser(ctx, officeAdmin, in); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("office creates a handler elsewhere: %v", err)
		}
	})
}

func TestRolesAndConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin := f.user(t, f.unitA, "admin", model.RoleSysAdmin)
		h := f.user(t, f.unitA, "handler", model.RoleHandler)
		if err := f.svc.Accounts.SetRoles(ctx, admin, h.UserID, 1, []model.Role{model.RoleHandler, model.RoleLeader}); err != nil {
			t.Fatal(err)
		}
		// A second edit based on the same version loses with a clear conflict.
		if err := f.svc.Accounts.SetRoles(ctx, admin, h.UserID, 1, []model.Role{model.RoleLeader}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("stale role edit: %v", err)
		}
		// Applicants belong to units and agencies only.
		cityAdmin := f.user(t, f.city, "cityadmin", model.RoleSysAdmin)
		cityUser := f.user(t, f.city, "cityuser", model.RoleHandler)
		if err := f.svc.Accounts.SetRoles(ctx, cityAdmin, cityUser.UserID, 1, []model.Role{model.RoleApplicant}); model.KindOf(err) != model.KindInvalid {
			var es model.Errors
			if !errors.As(err, &es) {
				t.Fatalf("applicant in a city bureau: %v", err)
			}
		}
		if err := f.svc.Accounts.SetRoles(ctx, admin, admin.UserID, 1, []model.Role{model.RoleHandler}); model.KindOf(err) != model.KindInvalid {
			t.Fatalf("admin drops own admin role: %v", err)
		}
		// R-ORG-01: two people holding the three roles are not enough; a third is.
		_, check, err := f.svc.Accounts.OrgUsers(ctx, admin)
		if err != nil || check.OK {
			t.Fatalf("R-ORG-01 with admin and one handler+leader: %+v %v", check, err)
		}
		f.user(t, f.unitA, "leader", model.RoleLeader)
		if _, check, err = f.svc.Accounts.OrgUsers(ctx, admin); err != nil || !check.OK {
			t.Fatalf("R-ORG-01 with three people: %+v %v", check, err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.user(t, f.unitA, "victim", model.RoleHandler)
		for i := 0; i < 5; i++ {
			if _, err := f.svc.Accounts.Authenticate(ctx, "victim", "wrong", "10.0.0.9"); model.KindOf(err) != model.KindUnauthenticated {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Locked even with the right password, until the lockout passes.
		if _, err := f.svc.Accounts.Authenticate(ctx, "victim", "Good#Pass1", "10.0.0.9"); model.KindOf(err) != model.KindTooMany {
			t.Fatalf("after 5 failures: %v", err)
		}
		f.now = f.now.Add(16 * time.Minute)
		if _, err := f.svc.Accounts.Authenticate(ctx, "victim", "Good#Pass1", "10.0.0.9"); err != nil {
			t.Fatalf("after lockout: %v", err)
		}
	})
}

func TestOrgValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		officeAdmin := f.user(t, f.office, "officeadmin", model.RoleSysAdmin)
		// A unit needs a chain of review departments (R-FLOW-06): not empty, no units in it.
		_, err := f.svc.Orgs.Create(ctx, officeAdmin, model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitSocialOrg, Code: "UC", Name: "丙单位"})
		if !hasField(err, "review_chain") {
			t.Fatalf("unit without chain: %v", err)
		}
		_, err = f.svc.Orgs.Create(ctx, officeAdmin, model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitSocialOrg, Code: "UC", Name: "丙单位", ReviewChain: []int64{f.unitA}})
		if !hasField(err, "review_chain") {
			t.Fatalf("unit in a chain: %v", err)
		}
		id, err := f.svc.Orgs.Create(ctx, officeAdmin, model.Org{ParentID: f.city, Kind: model.OrgUnit, UnitType: model.UnitSocialOrg, Code: "uc", Name: "丙单位", ReviewChain: []int64{f.city}})
		if err != nil {
			t.Fatal(err)
		}
		o, _ := f.svc.Orgs.Get(ctx, officeAdmin, id)
		if o.Code != "UC" {
			t.Fatalf("code not normalised: %q", o.Code)
		}
		// Only the office administrator edits the tree.
		cityAdmin := f.user(t, f.city, "cityadmin", model.RoleSysAdmin)
		if _, err := f.svc.Orgs.Create(ctx, cityAdmin, model.Org{Kind: model.OrgUnit}); model.KindOf(err) != model.KindForbidden {
			t.Fatalf("city admin creates org: %v", err)
		}
		// Every change is audited with what changed.
		o.Name = "丙单位（更名）"
		if err := f.svc.Orgs.Update(ctx, officeAdmin, o); err != nil {
			t.Fatal(err)
		}
		events, _ := f.svc.Audit.List(ctx, officeAdmin, store.AuditFilter{ObjectType: "org", ObjectID: id})
		if len(events) != 2 || events[0].Action != "org.update" || !strings.Contains(events[0].Detail, "更名") {
			t.Fatalf("audit of org changes: %+v", events)
		}
	})
}

func hasField(err error, field string) bool {
	var es model.Errors
	if !errors.As(err, &es) {
		return false
	}
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}
