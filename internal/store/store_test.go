package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

func TestOrgsAndReviewChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var office, city, unit int64
		err := db.Update(ctx, func(q *store.Q) (err error) {
			if office, err = q.CreateOrg(ctx, model.Org{Kind: model.OrgOffice, Code: "OFFICE", Name: "职改办"}); err != nil {
				return err
			}
			if city, err = q.CreateOrg(ctx, model.Org{ParentID: office, Kind: model.OrgCity, Code: "LZ", Name: "兰州市人社局"}); err != nil {
				return err
			}
			unit, err = q.CreateOrg(ctx, model.Org{ParentID: city, Kind: model.OrgUnit, UnitType: model.UnitStateEnterprise, Code: "U1", Name: "某国企", ReviewChain: []int64{city}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got model.Org
		db.View(ctx, func(q *store.Q) (err error) { got, err = q.Org(ctx, unit); return err })
		if got.Name != "某国企" || got.ParentID != city || len(got.ReviewChain) != 1 || got.ReviewChain[0] != city || got.UnitType != model.UnitStateEnterprise {
			t.Fatalf("org read back wrong: %+v", got)
		}
		// A duplicate code is a conflict with a Chinese message, not an internal error.
		err = db.Update(ctx, func(q *store.Q) error {
			_, err := q.CreateOrg(ctx, model.Org{Kind: model.OrgUnit, Code: "U1", Name: "重复"})
			return err
		})
		if model.KindOf(err) != model.KindConflict {
			t.Fatalf("duplicate code: got %v, want conflict", err)
		}
		// Optimistic concurrency: an update with a stale version is refused.
		got.Name = "新名称"
		if err := db.Update(ctx, func(q *store.Q) error { return q.UpdateOrg(ctx, got) }); err != nil {
			t.Fatal(err)
		}
		if err := db.Update(ctx, func(q *store.Q) error { return q.UpdateOrg(ctx, got) }); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("stale update: got %v, want ErrConflict", err)
		}
		var missing error
		db.View(ctx, func(q *store.Q) error { _, missing = q.Org(ctx, 9999); return nil })
		if !errors.Is(missing, model.ErrNotFound) {
			t.Fatalf("missing org: got %v", missing)
		}
		orgs, _ := viewOrgs(ctx, db)
		if len(orgs) != 3 || len(orgs[2].ReviewChain) != 1 {
			t.Fatalf("Orgs: %+v", orgs)
		}
	})
}

func viewOrgs(ctx context.Context, db *store.DB) (orgs []model.Org, err error) {
	err = db.View(ctx, func(q *store.Q) error { orgs, err = q.Orgs(ctx); return err })
	return orgs, err
}

func TestUsersRolesAndLogins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var org, uid int64
		err := db.Update(ctx, func(q *store.Q) (err error) {
			if org, err = q.CreateOrg(ctx, model.Org{Kind: model.OrgUnit, Code: "U", Name: "单位"}); err != nil {
				return err
			}
			uid, err = q.CreateUser(ctx, store.NewUser{OrgID: org, Username: "zhang", Name: "张三",
				IDNumberEnc: []byte{1, 2, 3}, IDNumberIndex: "idx1", IDNumberMasked: "6201**********1234",
				PhoneEnc: []byte{4}, PhoneMasked: "138****5678", PasswordHash: "h", Roles: []model.Role{model.RoleLeader, model.RoleSysAdmin}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(q *store.Q) error {
			_, err := q.CreateUser(ctx, store.NewUser{OrgID: org, Username: "li", Name: "李四", IDNumberEnc: []byte{1}, IDNumberIndex: "idx1", PhoneEnc: []byte{1}, PasswordHash: "h"})
			return err
		})
		if e, ok := model.AsError(err); !ok || e.Field != "id_number" {
			t.Fatalf("same ID number twice: got %v", err)
		}
		var u model.User
		var c store.Credentials
		var enc []byte
		db.View(ctx, func(q *store.Q) error {
			u, _ = q.User(ctx, uid)
			c, _ = q.CredentialsByLogin(ctx, "nobody", "idx1")
			enc, _, _ = q.PersonalEnc(ctx, uid)
			return nil
		})
		if u.Name != "张三" || len(u.Roles) != 2 || u.Roles[0] != model.RoleSysAdmin || u.Disabled {
			t.Fatalf("user: %+v", u)
		}
		if c.UserID != uid || string(enc) != "\x01\x02\x03" {
			t.Fatalf("login by ID index: %+v", c)
		}
		// Throttling counts failures since the last success only.
		now := time.Now()
		db.Update(ctx, func(q *store.Q) error {
			q.RecordLogin(ctx, "zhang", false)
			q.RecordLogin(ctx, "zhang", false)
			return nil
		})
		var n int
		db.View(ctx, func(q *store.Q) (err error) { n, err = q.FailedLogins(ctx, "zhang", now.Add(-time.Hour)); return err })
		if n != 2 {
			t.Fatalf("failed logins = %d, want 2", n)
		}
	})
}

// A user's e-mail address is optional: stored as the caller sealed it, its masked copy on
// every read of the user, and removable (NULL, not an empty ciphertext).
func TestUserEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var org, with, without int64
		err := db.Update(ctx, func(q *store.Q) (err error) {
			if org, err = q.CreateOrg(ctx, model.Org{Kind: model.OrgUnit, Code: "U", Name: "单位"}); err != nil {
				return err
			}
			if with, err = q.CreateUser(ctx, store.NewUser{OrgID: org, Username: "zhang", Name: "张三", IDNumberEnc: []byte{1}, IDNumberIndex: "idx1",
				PhoneEnc: []byte{2}, EmailEnc: []byte{3, 4}, EmailMasked: "zh***@example.com", PasswordHash: "h"}); err != nil {
				return err
			}
			without, err = q.CreateUser(ctx, store.NewUser{OrgID: org, Username: "li", Name: "李四", IDNumberEnc: []byte{1}, IDNumberIndex: "idx2", PhoneEnc: []byte{2}, PasswordHash: "h"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func(id int64) (enc []byte, u model.User) {
			t.Helper()
			if err := db.View(ctx, func(q *store.Q) (err error) {
				if enc, err = q.EmailEnc(ctx, id); err != nil {
					return err
				}
				u, err = q.User(ctx, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return enc, u
		}
		if enc, u := read(with); string(enc) != "\x03\x04" || u.EmailMasked != "zh***@example.com" || u.Version != 1 {
			t.Fatalf("with address: %q %+v", enc, u)
		}
		if enc, u := read(without); enc != nil || u.EmailMasked != "" {
			t.Fatalf("without address: %q %+v", enc, u)
		}
		var users []model.User
		db.View(ctx, func(q *store.Q) (err error) { users, err = q.UsersOfOrg(ctx, org); return err })
		if len(users) != 2 || users[0].EmailMasked != "zh***@example.com" || users[1].EmailMasked != "" {
			t.Fatalf("list: %+v", users)
		}
		if err := db.Update(ctx, func(q *store.Q) error { return q.SetEmail(ctx, with, nil, "") }); err != nil {
			t.Fatal(err)
		}
		if enc, u := read(with); enc != nil || u.EmailMasked != "" || u.Version != 2 {
			t.Fatalf("after removal: %q %+v", enc, u)
		}
		err = db.Update(ctx, func(q *store.Q) error { return q.SetEmail(ctx, 9999, []byte{5}, "x") })
		if !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("set on a missing user: %v", err)
		}
		db.View(ctx, func(q *store.Q) error { _, err = q.EmailEnc(ctx, 9999); return nil })
		if !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("read of a missing user: %v", err)
		}
	})
}

func TestSessionsSharedBetweenHandles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := db.Sessions()
		if err := s.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "tok", []byte("data2"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, ok, err := s.FindCtx(ctx, "tok")
		if err != nil || !ok || string(b) != "data2" {
			t.Fatalf("find = %q %v %v", b, ok, err)
		}
		s.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Second))
		if _, ok, _ := s.FindCtx(ctx, "old"); ok {
			t.Fatal("expired session found")
		}
		s.DeleteCtx(ctx, "tok")
		if _, ok, _ := s.FindCtx(ctx, "tok"); ok {
			t.Fatal("deleted session found")
		}
	})
}

// R-FLOW-12: the chain detects an edited row, a deleted row and deleted tail rows, each
// reported by id.
func TestR_FLOW_12_auditChainDetectsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := 1; i <= 5; i++ {
			err := db.Update(ctx, func(q *store.Q) error {
				_, err := q.Audit(ctx, model.AuditEvent{ActorName: "测试", Action: "test", ObjectType: "thing", ObjectID: int64(i), Reason: "原因"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		problems, rows, head, err := db.VerifyAudit(ctx)
		if err != nil || len(problems) != 0 || rows != 5 || head.LastID != 5 {
			t.Fatalf("clean chain: %v %d %+v %v", problems, rows, head, err)
		}
		exec := func(sql string) {
			t.Helper()
			if err := store.ExecForTest(ctx, db, sql); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE audit_log SET reason = '改过' WHERE id = 2`)
		assertProblemAt(t, db, 2)
		exec(`UPDATE audit_log SET reason = '原因' WHERE id = 2`)
		exec(`DELETE FROM audit_log WHERE id = 3`)
		assertProblemAt(t, db, 4)
		exec(`DELETE FROM audit_log WHERE id = 5`)
		assertProblemAt(t, db, 5)
	})
}

func assertProblemAt(t *testing.T, db *store.DB, id int64) {
	t.Helper()
	problems, _, _, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if p.ID == id && strings.TrimSpace(p.Message) != "" {
			return
		}
	}
	t.Fatalf("no problem reported at #%d: %v", id, problems)
}
