package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// doc parses an HTML response for checks by CSS selector.
func doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(bodyOf(res)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func validID(t *testing.T, first17 string) string {
	t.Helper()
	c, err := rules.IDNumberCheckDigit(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func TestLoginLogoutAndWrongPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client()
		// Wrong password: the form comes back with a Chinese message and the login kept.
		res := c.post("/login", url.Values{"login": {"p_handler_unit"}, "password": {"nope"}})
		d := doc(t, res)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(d.Find("#errors").Text(), "账号或密码不正确") {
			t.Fatalf("wrong password: status %d, errors %q", res.StatusCode, d.Find("#errors").Text())
		}
		if v, _ := d.Find(`#login-form input[name=login]`).Attr("value"); v != "p_handler_unit" {
			t.Fatalf("login not kept: %q", v)
		}
		// Pages behind login redirect there, and back after.
		if res := c.get("/admin/users"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next=%2Fadmin%2Fusers" {
			t.Fatalf("anonymous admin page: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res = c.post("/login", url.Values{"login": {"p_sysadmin_unit"}, "password": {testPassword}, "next": {"/admin/users"}})
		if res.Header.Get("Location") != "/admin/users" {
			t.Fatalf("next after login: %q", res.Header.Get("Location"))
		}
		// An open redirect is not possible through next.
		c2 := app.client()
		res = c2.post("/login", url.Values{"login": {"p_sysadmin_unit"}, "password": {testPassword}, "next": {"//evil.example/"}})
		if res.Header.Get("Location") != "/home" {
			t.Fatalf("open redirect: %q", res.Header.Get("Location"))
		}
		if res := c.get("/home"); res.StatusCode != http.StatusOK || doc(t, res).Find(`.home-panel[data-panel="users.manage"]`).Length() != 1 {
			t.Fatalf("home after login: %d", res.StatusCode)
		}
		c.post("/logout", nil)
		if res := c.get("/home"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("home after logout: %d", res.StatusCode)
		}
	})
}

// R-ELG-10 (style for every form): registration reports every problem at once, next to each
// field, in Chinese, and keeps what was typed except passwords.
func TestRegisterFormShowsAllProblems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client()
		form := url.Values{"org_id": {"0"}, "username": {"zhang_san"}, "name": {"张三"}, "id_number": {"620102199001010010"},
			"phone": {"12345"}, "password": {"Abcdefg1!"}, "password2": {"Abcdefg1!"}}
		res := c.post("/register", form)
		d := doc(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, field := range []string{"org_id", "id_number", "phone"} {
			if d.Find(`#errors li[data-field="`+field+`"]`).Length() == 0 {
				t.Errorf("no error listed for %s: %s", field, d.Find("#errors").Text())
			}
		}
		if v, _ := d.Find(`input[name=username]`).Attr("value"); v != "zhang_san" {
			t.Errorf("username not kept: %q", v)
		}
		if v, _ := d.Find(`input[name=password]`).Attr("value"); v != "" {
			t.Errorf("password echoed back")
		}
		// Fixed, it registers, and the applicant can sign in with the ID number.
		id := validID(t, "62010219900101123")
		form.Set("org_id", itoa(app.orgs[model.OrgUnit]))
		form.Set("id_number", id)
		form.Set("phone", "13912345678")
		res = c.post("/register", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.StatusCode, doc(t, res).Find("#errors").Text())
		}
		res = app.client().post("/login", url.Values{"login": {id}, "password": {"Abcdefg1!"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login by ID number: %d", res.StatusCode)
		}
	})
}

// R-ORG-01 on the administrator's page, and R-SEC-01: the list shows masked data only.
func TestR_ORG_01_adminPageShowsAccountRule(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login("p_sysadmin_unit")
		d := doc(t, c.get("/admin/users"))
		box := d.Find("#org-accounts").Text()
		if !strings.Contains(box, "R-ORG-01") {
			t.Fatalf("R-ORG-01 box: %q", box)
		}
		// The unit has one account per persona: admin, handler, leader, applicant, expert.
		if d.Find("#org-accounts.status-ok").Length() != 1 {
			t.Fatalf("unit with admin, handler and leader shown as failing: %q", box)
		}
		html, _ := d.Html()
		if rowsWithFullID := strings.Count(html, "620102199001"); rowsWithFullID > 0 {
			t.Fatalf("an unmasked ID number appears on the list")
		}
		if !strings.Contains(html, "6201**********") {
			t.Fatalf("masked ID numbers missing")
		}
		// An administrator of a unit without a leader sees what is missing.
		ctx := context.Background()
		var users []model.User
		db.View(ctx, func(q *store.Q) (err error) { users, err = q.UsersOfOrg(ctx, app.orgs[model.OrgUnit]); return err })
		admin, _ := app.svc.Accounts.Actor(ctx, users[0].ID)
		for _, u := range users {
			if u.Has(model.RoleLeader) {
				if err := app.svc.Accounts.SetDisabled(ctx, admin, u.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		d = doc(t, c.get("/admin/users"))
		if d.Find("#org-accounts.status-bad").Length() != 1 || d.Find("#org-accounts .missing-role").Text() != "审核领导" {
			t.Fatalf("missing leader not named: %q", d.Find("#org-accounts").Text())
		}
	})
}

func TestSecurityHeadersHealthAndMetrics(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	app := newTestApp(t, db)
	c := app.client()
	res := c.get("/")
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP: %q", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") == "" {
		t.Fatalf("security headers: %v", res.Header)
	}
	// No inline script anywhere on the page (the CSP would block it).
	if d := doc(t, res); d.Find("script:not([src])").Length() > 0 || d.Find("[style]").Length() > 0 {
		t.Fatal("inline script or style on the public page")
	}
	res = c.get("/healthz")
	var h map[string]any
	json.Unmarshal([]byte(bodyOf(res)), &h)
	if res.StatusCode != 200 || h["status"] != "ok" || h["database"] != "sqlite" {
		t.Fatalf("healthz: %d %v", res.StatusCode, h)
	}
	res = c.get("/metrics")
	if res.StatusCode != 200 || !strings.Contains(bodyOf(res), `zhicheng_http_requests_total{method="GET",route="GET /healthz",status="200"} 1`) {
		t.Fatalf("metrics: %d\n%s", res.StatusCode, bodyOf(res))
	}
	// A cross-origin form post from a browser is refused (CSRF).
	req, _ := http.NewRequest("POST", app.ts.URL+"/login", strings.NewReader("login=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", res.StatusCode)
	}
}

// R-SEC-01: request logs carry no personal data, even when a form carries it.
func TestR_SEC_01_requestLogsWithoutPersonalData(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	app := newTestApp(t, db).withPersonas()
	var logs bytes.Buffer
	app.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	id := validID(t, "62010219881231456")
	app.client().post("/register", url.Values{"org_id": {itoa(app.orgs[model.OrgUnit])}, "username": {"li_si"}, "name": {"李四"},
		"id_number": {id}, "phone": {"13987654321"}, "password": {"Abcdefg1!"}, "password2": {"Abcdefg1!"}})
	app.client().get("/login?next=" + id)
	out := logs.String()
	if !strings.Contains(out, "POST /register") {
		t.Fatalf("request not logged:\n%s", out)
	}
	for _, secret := range []string{id, id[6:14], "13987654321", "Abcdefg1!"} {
		if strings.Contains(out, secret) {
			t.Fatalf("log contains personal data %q:\n%s", secret, out)
		}
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
