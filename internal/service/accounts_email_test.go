package service_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

var han = regexp.MustCompile(`\p{Han}`)

// eachWithRaw is storetest.Each plus a second, raw connection to the same database, to
// read columns as they lie on disk rather than through the store.
func eachWithRaw(t *testing.T, fn func(t *testing.T, db *store.DB, raw *sql.DB)) {
	for _, d := range storetest.Engines() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			driver, rawDSN := "pgx", dsn
			if d == store.SQLite {
				driver, rawDSN = "sqlite", "file:"+dsn+"?mode=ro"
			}
			raw, err := sql.Open(driver, rawDSN)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			fn(t, db, raw)
		})
	}
}

// rowText is every column of a user's row, as text.
func rowText(t *testing.T, raw *sql.DB, userID int64) string {
	t.Helper()
	rows, err := raw.Query(`SELECT * FROM users WHERE id = $1`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("user %d: no row", userID)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, v := range vals {
		if bs, ok := v.([]byte); ok {
			v = string(bs)
		}
		fmt.Fprintf(&b, "%s=%v\n", cols[i], v)
	}
	return b.String()
}

func emailColumns(t *testing.T, raw *sql.DB, userID int64) (enc []byte, masked string) {
	t.Helper()
	if err := raw.QueryRow(`SELECT email_enc, email_masked FROM users WHERE id = $1`, userID).Scan(&enc, &masked); err != nil {
		t.Fatal(err)
	}
	return enc, masked
}

// R-SEC-01: the e-mail address is encrypted at rest (the raw column does not hold it, nor
// does any other column of the row), lists get the masked copy, the owner and the mail
// worker get it in clear, and every change is audited with masked addresses only.
func TestR_SEC_01_emailEncryptedMaskedAndAudited(t *testing.T) {
	eachWithRaw(t, func(t *testing.T, db *store.DB, raw *sql.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		const first, second = "zhangsan@example.com", "san.zhang@mail.example.org"
		uid, err := f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.unitA, Username: "zhangsan", Name: "张三",
			IDNumber: idNumber(), Phone: "13912345678", Email: "  " + first + " ", Password: "Good#Pass1"})
		if err != nil {
			t.Fatal(err)
		}
		enc, masked := emailColumns(t, raw, uid)
		if len(enc) == 0 || strings.Contains(string(enc), "zhangsan") || masked != "zh***@example.com" {
			t.Fatalf("columns: enc %q masked %q", enc, masked)
		}
		if row := rowText(t, raw, uid); strings.Contains(row, "zhangsan@") {
			t.Fatalf("the address is in clear in the row:\n%s", row)
		}
		a, _ := f.svc.Accounts.Actor(ctx, uid)
		if got, err := f.svc.Accounts.Email(ctx, a); err != nil || got != first {
			t.Fatalf("own address: %q %v", got, err)
		}
		if got, err := f.svc.Accounts.MailAddress(ctx, uid); err != nil || got != first {
			t.Fatalf("mail address: %q %v", got, err)
		}
		admin := f.user(t, f.unitA, "admina", model.RoleSysAdmin)
		users, _, err := f.svc.Accounts.OrgUsers(ctx, admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.ID == uid && u.EmailMasked != "zh***@example.com" {
				t.Fatalf("list shows %q", u.EmailMasked)
			}
		}

		// Change, the same again (no entry), then remove.
		for _, email := range []string{second, second, ""} {
			if err := f.svc.Accounts.SetEmail(ctx, a, email); err != nil {
				t.Fatalf("set %q: %v", email, err)
			}
		}
		enc, masked = emailColumns(t, raw, uid)
		if enc != nil || masked != "" {
			t.Fatalf("removed address left enc %q masked %q", enc, masked)
		}
		if got, err := f.svc.Accounts.MailAddress(ctx, uid); err != nil || got != "" {
			t.Fatalf("mail address after removal: %q %v", got, err)
		}

		events, _ := f.svc.Audit.List(ctx, model.SystemActor("t"), store.AuditFilter{ObjectType: "user", ObjectID: uid})
		var changes []string
		for _, e := range events {
			if strings.Contains(e.Detail, first) || strings.Contains(e.Detail, second) {
				t.Fatalf("audit %s holds an address in clear: %s", e.Action, e.Detail)
			}
			if e.Action == "user.email" {
				changes = append(changes, e.Detail)
			}
			if e.Action == "user.register" && !strings.Contains(e.Detail, "zh***@example.com") {
				t.Fatalf("registration entry lacks the masked address: %s", e.Detail)
			}
		}
		// Newest first: the removal, then the change; the repeat wrote nothing.
		want := []string{`{"from":"sa***@mail.example.org","to":""}`, `{"from":"zh***@example.com","to":"sa***@mail.example.org"}`}
		if strings.Join(changes, "|") != strings.Join(want, "|") {
			t.Fatalf("user.email entries %q, want %q", changes, want)
		}
	})
}

// The address is checked on the server: one plain address, no display name, at most 254
// bytes. Every refusal names the field and says in Chinese what would be accepted.
func TestEmailValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.user(t, f.unitA, "someone", model.RoleHandler)
		label := strings.Repeat("b", 60)
		long := strings.Repeat("a", 64) + "@" + label + "." + label + "." + label + "bbb.com" // 254 bytes
		for _, good := range []string{"z@example.com", "zhang.san+zc@mail.example.com.cn", "Zhang_San@QQ.COM", long} {
			if err := f.svc.Accounts.SetEmail(ctx, a, good); err != nil {
				t.Errorf("%q refused: %v", good, err)
			}
		}
		for _, bad := range []string{
			"zhangsan", "zhangsan@", "@example.com", "zhangsan@example", "zhang san@example.com", "a..b@example.com",
			"张三 <z@example.com>", "<z@example.com>", `"Zhang" <z@example.com>`, "z@example.com (home)",
			"z@example.com, w@example.com", "z@example.com\r\nBcc: x@example.com", `"a b"@example.com`,
			"张三@例子.中国", "z@[127.0.0.1]", "z@-example.com", "z@" + label + label + ".com", "x" + long,
		} {
			err := f.svc.Accounts.SetEmail(ctx, a, bad)
			e, ok := model.AsError(err)
			if !ok || e.Kind != model.KindInvalid || e.Field != "email" || !han.MatchString(e.Message) || !han.MatchString(e.Fix) {
				t.Errorf("%q: got %v, want an invalid-email refusal in Chinese", bad, err)
			}
		}
		if got, _ := f.svc.Accounts.Email(ctx, a); got != long {
			t.Fatalf("a refused address replaced the stored one: %q", got)
		}
		// Registration and account creation check it with every other field.
		_, err := f.svc.Accounts.Register(ctx, service.UserInput{OrgID: f.unitA, Username: "x", Email: "not an address"})
		if !hasField(err, "email") {
			t.Fatalf("register: %v", err)
		}
		_, err = f.svc.Accounts.CreateUser(ctx, model.SystemActor("t"), service.UserInput{OrgID: f.unitA, Username: "y", Email: "x@y"})
		if !hasField(err, "email") {
			t.Fatalf("create user: %v", err)
		}
		// Nobody signed in has no address to set.
		if err := f.svc.Accounts.SetEmail(ctx, model.Actor{}, "z@example.com"); model.KindOf(err) != model.KindUnauthenticated {
			t.Fatalf("anonymous: %v", err)
		}
	})
}
