package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// userID finds an account's id by its login name.
func (app *testApp) userID(username string) int64 {
	app.t.Helper()
	var c store.Credentials
	err := app.db.View(context.Background(), func(q *store.Q) (err error) {
		c, err = q.CredentialsByLogin(context.Background(), username, "")
		return err
	})
	if err != nil {
		app.t.Fatal(err)
	}
	return c.UserID
}

// R-SEC-01 on the pages: a user sets their own address on the account page (refusals come
// back next to the field, with what was typed); they see it in full, their administrator's
// list and account page show only the masked copy, and nobody else's address changes.
func TestR_SEC_01_accountEmailPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		ctx := context.Background()
		const address = "zhangsan@example.com"
		me, neighbour := app.users["handler@unit"], app.users["leader@unit"]
		c := app.client().login(me)

		d := doc(t, c.get("/account"))
		if d.Find("#email-form").Length() != 1 || strings.TrimSpace(d.Find("#account-email").Text()) != "未填写" {
			t.Fatalf("account page without an address: %q", d.Find("#account-email").Text())
		}
		res := c.post("/account/email", url.Values{"email": {"张三 <" + address + ">"}})
		d = doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`#errors li[data-field="email"]`).Length() != 1 ||
			d.Find("#email-form .field-error").Length() != 1 {
			t.Fatalf("bad address: status %d, errors %q", res.StatusCode, d.Find("#errors").Text())
		}
		if v, _ := d.Find("#email").Attr("value"); v != "张三 <"+address+">" {
			t.Fatalf("typed address not kept: %q", v)
		}

		res = c.post("/account/email", url.Values{"email": {address}, "user_id": {itoa(app.userID(neighbour))}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
			t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		d = doc(t, c.get("/account"))
		if v, _ := d.Find("#email").Attr("value"); v != address {
			t.Fatalf("own page shows %q, want the full address", v)
		}
		if got := strings.TrimSpace(d.Find("#account-email").Text()); got != "zh***@example.com" {
			t.Fatalf("details show %q", got)
		}
		if got, _ := app.svc.Accounts.MailAddress(ctx, app.userID(me)); got != address {
			t.Fatalf("stored %q", got)
		}
		if got, _ := app.svc.Accounts.MailAddress(ctx, app.userID(neighbour)); got != "" {
			t.Fatalf("another account's address changed to %q", got)
		}

		admin := app.client().login(app.users["sysadmin@unit"])
		for _, path := range []string{"/admin/users", "/admin/users/" + itoa(app.userID(me))} {
			html := bodyOf(admin.get(path))
			if strings.Contains(html, address) || !strings.Contains(html, "zh***@example.com") {
				t.Fatalf("%s must show the masked address only", path)
			}
		}

		// An empty field removes the address.
		if res := c.post("/account/email", url.Values{"email": {""}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		if got, _ := app.svc.Accounts.MailAddress(ctx, app.userID(me)); got != "" {
			t.Fatalf("after removal: %q", got)
		}
	})
}

// The optional address on the registration form and on the administrator's new-account form.
func TestEmailOnRegistrationAndNewAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		ctx := context.Background()
		form := url.Values{"org_id": {itoa(app.orgs[model.OrgUnit])}, "username": {"zhang_san"}, "name": {"张三"},
			"id_number": {validID(t, "62010219900101123")}, "phone": {"13912345678"}, "email": {"zhang@"},
			"password": {"Abcdefg1!"}, "password2": {"Abcdefg1!"}}
		res := app.client().post("/register", form)
		d := doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || d.Find(`#errors li[data-field="email"]`).Length() != 1 {
			t.Fatalf("bad address at registration: %d %q", res.StatusCode, d.Find("#errors").Text())
		}
		if v, _ := d.Find(`#register-form input[name=email]`).Attr("value"); v != "zhang@" {
			t.Fatalf("typed address not kept: %q", v)
		}
		form.Set("email", "zhang@example.com")
		if res := app.client().post("/register", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
		if got, _ := app.svc.Accounts.MailAddress(ctx, app.userID("zhang_san")); got != "zhang@example.com" {
			t.Fatalf("registered address: %q", got)
		}

		admin := app.client().login(app.users["sysadmin@unit"])
		res = admin.post("/admin/users", url.Values{"username": {"li_si"}, "name": {"李四"}, "id_number": {validID(t, "62010219900101124")},
			"phone": {"13912345679"}, "email": {"lisi@example.org"}, "password": {"Abcdefg1!"}, "roles": {"handler"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
		if got, _ := app.svc.Accounts.MailAddress(ctx, app.userID("li_si")); got != "lisi@example.org" {
			t.Fatalf("created address: %q", got)
		}
	})
}

// PUT /api/v1/me/email: the caller's own address, in full in /me, masked in the user list;
// bad or missing addresses are 422 naming the field; there is no way to name another user.
func TestR_SEC_01_apiMeEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		const address = "zhangsan@example.com"
		c := app.client().login(app.users["sysadmin@unit"])
		type meWithEmail struct {
			apiMe
			Email string `json:"email"`
		}
		if me := readJSON[meWithEmail](t, c.api("GET", "/api/v1/me", nil), http.StatusOK); me.Email != "" {
			t.Fatalf("email before any was set: %q", me.Email)
		}
		for _, body := range []any{
			map[string]any{},
			map[string]any{"email": "张三 <" + address + ">"},
			map[string]any{"email": "zhangsan"},
		} {
			e := readError(t, c.api("PUT", "/api/v1/me/email", body), http.StatusUnprocessableEntity, "invalid")
			if e.Error.Details[0].Field != "email" {
				t.Errorf("%v: details %+v", body, e.Error.Details)
			}
		}
		readError(t, c.api("PUT", "/api/v1/me/email", map[string]any{"email": address, "user_id": 1}), http.StatusUnprocessableEntity, "invalid")

		me := readJSON[meWithEmail](t, c.api("PUT", "/api/v1/me/email", map[string]any{"email": address}), http.StatusOK)
		if me.Email != address || me.Username != app.users["sysadmin@unit"] {
			t.Fatalf("after PUT: %+v", me)
		}
		if me := readJSON[meWithEmail](t, c.api("GET", "/api/v1/me", nil), http.StatusOK); me.Email != address {
			t.Fatalf("GET /me: %q", me.Email)
		}
		res := c.api("GET", "/api/v1/users", nil)
		body := bodyOf(res)
		list := readJSON[struct {
			Users []struct {
				Username    string `json:"username"`
				EmailMasked string `json:"email_masked"`
			} `json:"users"`
		}](t, res, http.StatusOK)
		if strings.Contains(body, address) {
			t.Fatal("the user list shows an address in clear")
		}
		found := false
		for _, u := range list.Users {
			if u.Username == app.users["sysadmin@unit"] {
				found = u.EmailMasked == "zh***@example.com"
			}
		}
		if !found {
			t.Fatalf("masked address missing from the list: %s", body)
		}
		if me := readJSON[meWithEmail](t, c.api("PUT", "/api/v1/me/email", map[string]any{"email": ""}), http.StatusOK); me.Email != "" {
			t.Fatalf("after removal: %q", me.Email)
		}
	})
}
