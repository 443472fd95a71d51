package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

// Behaviour of the JSON API under /api/v1 through the real server, on every engine.

// api sends a JSON request with the client's session cookie (if it logged in). Like the
// integrations it stands for, it sends no Origin or Sec-Fetch-Site header, which the
// cross-origin protection lets through.
func (c *client) api(method, path string, body any) *http.Response {
	c.t.Helper()
	return c.do(jsonRequest(c.t, method, c.app.ts.URL+path, body))
}

// bearer sends a JSON request from a fresh client that has no cookies, only the token.
func (app *testApp) bearer(token, method, path string, body any) *http.Response {
	app.t.Helper()
	req := jsonRequest(app.t, method, app.ts.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		app.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	return res
}

func jsonRequest(t *testing.T, method, url string, body any) *http.Request {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// readJSON checks the status and content type and decodes the body into a T.
func readJSON[T any](t *testing.T, res *http.Response, status int) T {
	t.Helper()
	var v T
	body := bodyOf(res)
	if res.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", res.Request.Method, res.Request.URL.Path, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: content type %q, want JSON", res.Request.Method, res.Request.URL.Path, ct)
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s %s: %v in %s", res.Request.Method, res.Request.URL.Path, err, body)
	}
	return v
}

// apiErrorBody is the error shape every API error must have.
type apiErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Rule    string `json:"rule"`
			Field   string `json:"field"`
			Message string `json:"message"`
			Fix     string `json:"fix"`
		} `json:"details"`
	} `json:"error"`
}

var han = regexp.MustCompile(`\p{Han}`)

// readError checks that res is a JSON error with the status and code, in Chinese.
func readError(t *testing.T, res *http.Response, status int, code string) apiErrorBody {
	t.Helper()
	e := readJSON[apiErrorBody](t, res, status)
	if e.Error.Code != code {
		t.Errorf("%s %s: error code %q, want %q", res.Request.Method, res.Request.URL.Path, e.Error.Code, code)
	}
	if !han.MatchString(e.Error.Message) || len(e.Error.Details) == 0 {
		t.Errorf("%s %s: want a Chinese message and details, got %+v", res.Request.Method, res.Request.URL.Path, e.Error)
	}
	return e
}

type apiMe struct {
	ID             int64  `json:"id"`
	Username       string `json:"username"`
	Name           string `json:"name"`
	IDNumberMasked string `json:"id_number_masked"`
	PhoneMasked    string `json:"phone_masked"`
	Org            struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Kind string `json:"kind"`
	} `json:"org"`
	Roles []string `json:"roles"`
}

type apiUser struct {
	ID             int64    `json:"id"`
	OrgID          int64    `json:"org_id"`
	Username       string   `json:"username"`
	IDNumberMasked string   `json:"id_number_masked"`
	PhoneMasked    string   `json:"phone_masked"`
	Disabled       bool     `json:"disabled"`
	Roles          []string `json:"roles"`
	Version        int64    `json:"version"`
}

type apiUsers struct {
	Users       []apiUser `json:"users"`
	OrgAccounts struct {
		OK      bool     `json:"ok"`
		Missing []string `json:"missing"`
	} `json:"org_accounts"`
}

type apiOrg struct {
	ID          int64   `json:"id"`
	ParentID    *int64  `json:"parent_id"`
	Kind        string  `json:"kind"`
	UnitType    *string `json:"unit_type"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	ReviewChain []int64 `json:"review_chain"`
	Depth       int     `json:"depth"`
	Version     int64   `json:"version"`
}

type apiCreated struct {
	ID int64 `json:"id"`
}

var (
	fullIDNumber   = regexp.MustCompile(`\d{17}[\dX]`)
	maskedIDNumber = regexp.MustCompile(`^\d{4}\*{10}[\dX]{4}$`)
)

// validIDNumber makes a valid ID number unlike the harness's (which start 620102199001).
func validIDNumber(n int) string {
	first17 := fmt.Sprintf("62040319850505%03d", n)
	c, _ := rules.IDNumberCheckDigit(first17)
	return first17 + string(c)
}

func TestAPI_openAPIDocumentIsPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db)
		doc := readJSON[map[string]any](t, app.client().get("/api/v1/openapi.json"), http.StatusOK)
		if doc["openapi"] != "3.0.3" {
			t.Errorf("openapi = %v", doc["openapi"])
		}
	})
}

// TestAPI_tokenFlow: a token made with a session works alone, stops at once when revoked,
// and a bad token is a JSON 401.
func TestAPI_tokenFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		username := app.users["handler@unit"]
		c := app.client().login(username)

		readError(t, app.client().api("GET", "/api/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
		readError(t, c.api("POST", "/api/v1/tokens", map[string]any{"name": "", "days": 0}), http.StatusUnprocessableEntity, "invalid")

		res := c.api("POST", "/api/v1/tokens", map[string]any{"name": "人事系统对接", "days": 30})
		created := readJSON[struct {
			ID    int64  `json:"id"`
			Token string `json:"token"`
		}](t, res, http.StatusCreated)
		if !strings.HasPrefix(created.Token, "zc_") || created.ID == 0 {
			t.Fatalf("created token %+v", created)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("token response Cache-Control = %q, want no-store", res.Header.Get("Cache-Control"))
		}

		me := readJSON[apiMe](t, app.bearer(created.Token, "GET", "/api/v1/me", nil), http.StatusOK)
		if me.Username != username || me.Org.ID != app.orgs[model.OrgUnit] || me.Org.Kind != "unit" || !slices.Equal(me.Roles, []string{"handler"}) {
			t.Errorf("me by token = %+v", me)
		}
		if !maskedIDNumber.MatchString(me.IDNumberMasked) || !strings.Contains(me.PhoneMasked, "****") {
			t.Errorf("me personal data not masked: %q %q", me.IDNumberMasked, me.PhoneMasked)
		}
		// The same caller through the session cookie.
		if byCookie := readJSON[apiMe](t, c.api("GET", "/api/v1/me", nil), http.StatusOK); byCookie.ID != me.ID {
			t.Errorf("me by cookie = %+v, by token = %+v", byCookie, me)
		}
		// A token can write too (no cookie, so no cross-origin concern).
		readJSON[apiCreated](t, app.bearer(created.Token, "POST", "/api/v1/tokens", map[string]any{"name": "第二个", "days": 1}), http.StatusCreated)

		list := readJSON[struct {
			Tokens []struct {
				ID         int64   `json:"id"`
				Name       string  `json:"name"`
				LastUsedAt *string `json:"last_used_at"`
				Revoked    bool    `json:"revoked"`
			} `json:"tokens"`
		}](t, c.api("GET", "/api/v1/tokens", nil), http.StatusOK)
		if len(list.Tokens) != 2 || list.Tokens[0].ID != created.ID || list.Tokens[0].LastUsedAt == nil || list.Tokens[0].Revoked {
			t.Errorf("tokens = %+v", list.Tokens)
		}
		if strings.Contains(bodyOf(c.api("GET", "/api/v1/tokens", nil)), created.Token) {
			t.Error("the token list shows a token in clear")
		}

		// Someone else cannot revoke it.
		other := app.client().login(app.users["sysadmin@unit"])
		readError(t, other.api("DELETE", "/api/v1/tokens/"+strconv.FormatInt(created.ID, 10), nil), http.StatusNotFound, "not_found")
		readJSON[apiMe](t, app.bearer(created.Token, "GET", "/api/v1/me", nil), http.StatusOK)

		res = c.api("DELETE", "/api/v1/tokens/"+strconv.FormatInt(created.ID, 10), nil)
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke: status %d %s", res.StatusCode, bodyOf(res))
		}
		readError(t, app.bearer(created.Token, "GET", "/api/v1/me", nil), http.StatusUnauthorized, "unauthenticated")

		for _, garbage := range []string{"zc_" + strings.Repeat("a", 52), "not-a-token", created.Token + "x"} {
			readError(t, app.bearer(garbage, "GET", "/api/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
		}
		// A bad token is refused even on a public route: a broken integration should know.
		readError(t, app.bearer("zc_garbage", "GET", "/api/v1/openapi.json", nil), http.StatusUnauthorized, "unauthenticated")
	})
}

// TestR_ELG_10_apiCreateUserErrors: a bad account is refused with every problem at once,
// each naming its field, in Chinese.
func TestR_ELG_10_apiCreateUserErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["sysadmin@unit"])

		bad := validIDNumber(1)
		last := bad[17]
		bad = bad[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", last)+1)%11])
		e := readError(t, c.api("POST", "/api/v1/users", map[string]any{
			"username": "api_user1", "name": "王五", "id_number": bad, "phone": "12345",
			"password": "Api@2026pw", "roles": []string{"handler"},
		}), http.StatusUnprocessableEntity, "invalid")
		fields := map[string]string{}
		for _, d := range e.Error.Details {
			fields[d.Field] = d.Message
			if !han.MatchString(d.Message) || d.Fix == "" {
				t.Errorf("detail %+v: want a Chinese message and a fix", d)
			}
		}
		if !strings.Contains(fields["id_number"], "校验码") || fields["phone"] == "" || len(e.Error.Details) != 2 {
			t.Errorf("details = %+v, want id_number (check digit) and phone", e.Error.Details)
		}
		if !strings.Contains(e.Error.Message, "多处问题") {
			t.Errorf("message = %q", e.Error.Message)
		}

		// Unknown fields and broken JSON are refused, not ignored.
		readError(t, c.api("POST", "/api/v1/users", map[string]any{"username": "api_user1", "nmae": "王五"}), http.StatusUnprocessableEntity, "invalid")
		req := jsonRequest(t, "POST", app.ts.URL+"/api/v1/users", nil)
		req.Body = io.NopCloser(strings.NewReader("{not json"))
		readError(t, c.do(req), http.StatusUnprocessableEntity, "invalid")

		good := map[string]any{
			"username": "api_user1", "name": "王五", "id_number": validIDNumber(1), "phone": "13912345678",
			"password": "Api@2026pw", "roles": []string{"handler"},
		}
		res := c.api("POST", "/api/v1/users", good)
		id := readJSON[apiCreated](t, res, http.StatusCreated).ID
		if loc := res.Header.Get("Location"); loc != "/api/v1/users/"+strconv.FormatInt(id, 10) {
			t.Errorf("Location = %q", loc)
		}
		u := readJSON[apiUser](t, c.api("GET", "/api/v1/users/"+strconv.FormatInt(id, 10), nil), http.StatusOK)
		if u.OrgID != app.orgs[model.OrgUnit] || u.Username != "api_user1" || !maskedIDNumber.MatchString(u.IDNumberMasked) || u.PhoneMasked != "139****5678" {
			t.Errorf("created user = %+v", u)
		}
		// The same username again is a conflict on that field.
		good["id_number"] = validIDNumber(2)
		if e := readError(t, c.api("POST", "/api/v1/users", good), http.StatusConflict, "conflict"); e.Error.Details[0].Field != "username" {
			t.Errorf("duplicate username: %+v", e.Error)
		}
	})
}

// TestR_ORG_02_apiUsersOwnOrgOnly: an administrator lists, sees and changes only their own
// organisation's accounts, and never sees an ID number in clear (R-SEC-01).
func TestR_ORG_02_apiUsersOwnOrgOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		outsider := app.addUser(model.OrgCity, "p_outsider_city", model.RoleHandler)
		c := app.client().login(app.users["sysadmin@unit"])

		res := c.api("GET", "/api/v1/users", nil)
		body := bodyOf(res)
		list := readJSON[apiUsers](t, res, http.StatusOK)
		var names []string
		for _, u := range list.Users {
			names = append(names, u.Username)
			if u.OrgID != app.orgs[model.OrgUnit] {
				t.Errorf("user %s of org %d listed to the unit's administrator", u.Username, u.OrgID)
			}
			if !maskedIDNumber.MatchString(u.IDNumberMasked) {
				t.Errorf("user %s: id_number_masked = %q", u.Username, u.IDNumberMasked)
			}
		}
		slices.Sort(names)
		var want []string
		for k, v := range app.users {
			if strings.HasSuffix(k, "@unit") {
				want = append(want, v)
			}
		}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("listed %v, want the unit's accounts %v", names, want)
		}
		if fullIDNumber.MatchString(body) {
			t.Errorf("an ID number appears in clear: %s", fullIDNumber.FindString(body))
		}
		if !list.OrgAccounts.OK || list.OrgAccounts.Missing == nil {
			t.Errorf("org_accounts = %+v, want ok with missing []", list.OrgAccounts)
		}

		// Another organisation's account: no data, whatever the verb.
		path := "/api/v1/users/" + strconv.FormatInt(outsider, 10)
		for _, res := range []*http.Response{
			c.api("GET", path, nil),
			c.api("PUT", path+"/roles", map[string]any{"roles": []string{"leader"}, "version": 1}),
			c.api("POST", path+"/password", map[string]any{"password": "Other@2026pw"}),
			c.api("POST", path+"/disable", nil),
		} {
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s: status %d, want 404 or 403", res.Request.Method, res.Request.URL.Path, res.StatusCode)
			}
			if b := bodyOf(res); strings.Contains(b, "p_outsider_city") || strings.Contains(b, "****") {
				t.Errorf("%s %s leaks the account: %s", res.Request.Method, res.Request.URL.Path, b)
			}
		}
		// The outsider is untouched and can still sign in with the old password.
		app.client().login("p_outsider_city")

		// A missing account is a 404; a malformed id too.
		readError(t, c.api("GET", "/api/v1/users/999999", nil), http.StatusNotFound, "not_found")
		readError(t, c.api("GET", "/api/v1/users/abc", nil), http.StatusNotFound, "not_found")
		// Without the permission, the route itself refuses.
		h := app.client().login(app.users["handler@unit"])
		readError(t, h.api("GET", "/api/v1/users", nil), http.StatusForbidden, "forbidden")
	})
}

// TestAPI_userChangesAndStaleVersion: roles change with the version read; a stale version
// is a 409; disable and enable apply at once.
func TestAPI_userChangesAndStaleVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["sysadmin@unit"])
		id := app.addUser(model.OrgUnit, "p_api_target", model.RoleHandler)
		path := "/api/v1/users/" + strconv.FormatInt(id, 10)

		u := readJSON[apiUser](t, c.api("GET", path, nil), http.StatusOK)
		readError(t, c.api("PUT", path+"/roles", map[string]any{"roles": []string{"handler", "leader"}}), http.StatusUnprocessableEntity, "invalid")
		got := readJSON[apiUser](t, c.api("PUT", path+"/roles", map[string]any{"roles": []string{"handler", "leader"}, "version": u.Version}), http.StatusOK)
		if !slices.Contains(got.Roles, "leader") || got.Version != u.Version+1 {
			t.Errorf("after roles: %+v (was version %d)", got, u.Version)
		}
		e := readError(t, c.api("PUT", path+"/roles", map[string]any{"roles": []string{"expert"}, "version": u.Version}), http.StatusConflict, "conflict")
		if !strings.Contains(e.Error.Message, "修改") {
			t.Errorf("conflict message = %q", e.Error.Message)
		}
		if now := readJSON[apiUser](t, c.api("GET", path, nil), http.StatusOK); slices.Contains(now.Roles, "expert") {
			t.Errorf("a stale change went through: %+v", now)
		}
		// An unknown role is refused on the roles field.
		e = readError(t, c.api("PUT", path+"/roles", map[string]any{"roles": []string{"boss"}, "version": got.Version}), http.StatusUnprocessableEntity, "invalid")
		if e.Error.Details[0].Field != "roles" {
			t.Errorf("unknown role: %+v", e.Error)
		}

		// Password reset: the new one works.
		readError(t, c.api("POST", path+"/password", map[string]any{"password": "short"}), http.StatusUnprocessableEntity, "invalid")
		if res := c.api("POST", path+"/password", map[string]any{"password": "Reset@2026pw"}); res.StatusCode != http.StatusNoContent {
			t.Fatalf("reset password: %d %s", res.StatusCode, bodyOf(res))
		}

		// Disable: the account's token stops working at once; enable brings it back.
		tok := app.client()
		res := tok.post("/login", map[string][]string{"login": {"p_api_target"}, "password": {"Reset@2026pw"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the reset password: %d", res.StatusCode)
		}
		token := readJSON[struct {
			Token string `json:"token"`
		}](t, tok.api("POST", "/api/v1/tokens", map[string]any{"name": "测试", "days": 1}), http.StatusCreated).Token
		if d := readJSON[apiUser](t, c.api("POST", path+"/disable", nil), http.StatusOK); !d.Disabled {
			t.Errorf("after disable: %+v", d)
		}
		readError(t, app.bearer(token, "GET", "/api/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
		if d := readJSON[apiUser](t, c.api("POST", path+"/enable", nil), http.StatusOK); d.Disabled {
			t.Errorf("after enable: %+v", d)
		}
		readJSON[apiMe](t, app.bearer(token, "GET", "/api/v1/me", nil), http.StatusOK)

		// Not oneself.
		me := readJSON[apiMe](t, c.api("GET", "/api/v1/me", nil), http.StatusOK)
		readError(t, c.api("POST", "/api/v1/users/"+strconv.FormatInt(me.ID, 10)+"/disable", nil), http.StatusUnprocessableEntity, "invalid")
	})
}

// TestR_FLOW_06_apiOrgs: the office administrator creates an organisation with its review
// chain and finds it in the tree; updates use the version.
func TestR_FLOW_06_apiOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		c := app.client().login(app.users["sysadmin@office"])
		city := app.orgs[model.OrgCity]

		e := readError(t, c.api("POST", "/api/v1/orgs", map[string]any{"kind": "unit"}), http.StatusUnprocessableEntity, "invalid")
		fields := map[string]bool{}
		for _, d := range e.Error.Details {
			fields[d.Field] = true
		}
		for _, f := range []string{"name", "code", "unit_type", "review_chain"} {
			if !fields[f] {
				t.Errorf("empty unit: no problem reported for %s in %+v", f, e.Error.Details)
			}
		}

		res := c.api("POST", "/api/v1/orgs", map[string]any{
			"parent_id": city, "kind": "unit", "unit_type": "private_enterprise",
			"code": "api-unit-1", "name": "接口测试有限公司", "review_chain": []int64{city},
		})
		id := readJSON[apiCreated](t, res, http.StatusCreated).ID
		if res.Header.Get("Location") != "/api/v1/orgs/"+strconv.FormatInt(id, 10) {
			t.Errorf("Location = %q", res.Header.Get("Location"))
		}
		tree := readJSON[struct {
			Orgs []apiOrg `json:"orgs"`
		}](t, c.api("GET", "/api/v1/orgs", nil), http.StatusOK)
		i := slices.IndexFunc(tree.Orgs, func(o apiOrg) bool { return o.ID == id })
		if i < 0 {
			t.Fatalf("new org %d not in the tree %+v", id, tree.Orgs)
		}
		o := tree.Orgs[i]
		if o.Code != "API-UNIT-1" || o.Depth != 2 || o.ParentID == nil || *o.ParentID != city || !slices.Equal(o.ReviewChain, []int64{city}) ||
			o.UnitType == nil || *o.UnitType != "private_enterprise" {
			t.Errorf("new org in tree = %+v", o)
		}
		if tree.Orgs[0].Depth != 0 || tree.Orgs[0].ParentID != nil || tree.Orgs[0].ReviewChain == nil {
			t.Errorf("root = %+v", tree.Orgs[0])
		}

		path := "/api/v1/orgs/" + strconv.FormatInt(id, 10)
		got := readJSON[apiOrg](t, c.api("GET", path, nil), http.StatusOK)
		upd := map[string]any{"name": "接口测试股份有限公司", "code": got.Code, "unit_type": "private_enterprise", "review_chain": []int64{city}, "version": got.Version}
		after := readJSON[apiOrg](t, c.api("PUT", path, upd), http.StatusOK)
		if after.Name != "接口测试股份有限公司" || after.Version != got.Version+1 {
			t.Errorf("after update: %+v", after)
		}
		readError(t, c.api("PUT", path, upd), http.StatusConflict, "conflict")
		upd["kind"] = "city"
		readError(t, c.api("PUT", path, upd), http.StatusUnprocessableEntity, "invalid")

		// Its first administrator, created by the office; any other role is refused.
		admin := map[string]any{"org_id": id, "username": "api_first_admin", "name": "赵六", "id_number": validIDNumber(3), "phone": "13700001111", "password": testPassword, "roles": []string{"sysadmin"}}
		readJSON[apiCreated](t, c.api("POST", "/api/v1/users", admin), http.StatusCreated)
		admin["username"], admin["id_number"], admin["roles"] = "api_second", validIDNumber(4), []string{"handler"}
		readError(t, c.api("POST", "/api/v1/users", admin), http.StatusForbidden, "forbidden")

		// The new administrator sees their own organisation, not others nor the tree-wide edit.
		na := app.client().login("api_first_admin")
		if own := readJSON[apiOrg](t, na.api("GET", path, nil), http.StatusOK); own.ID != id {
			t.Errorf("own org = %+v", own)
		}
		readError(t, na.api("POST", "/api/v1/orgs", map[string]any{"kind": "unit"}), http.StatusForbidden, "forbidden")

		// Someone without the tree sees their own organisation only.
		ap := app.client().login(app.users["applicant@unit"])
		readJSON[apiOrg](t, ap.api("GET", "/api/v1/orgs/"+strconv.FormatInt(app.orgs[model.OrgUnit], 10), nil), http.StatusOK)
		if b := bodyOf(ap.api("GET", "/api/v1/orgs/"+strconv.FormatInt(city, 10), nil)); !strings.Contains(b, `"not_found"`) || strings.Contains(b, "测试市州") {
			t.Errorf("applicant reading another org: %s", b)
		}
		readError(t, ap.api("GET", "/api/v1/orgs", nil), http.StatusForbidden, "forbidden")
	})
}

// TestR_FLOW_12_apiAudit: the log reads page by page, an administrator sees their own
// organisation's entries only, and the office's verification of the chain holds.
func TestR_FLOW_12_apiAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		app := newTestApp(t, db).withPersonas()
		unitAdmin := app.client().login(app.users["sysadmin@unit"])
		readJSON[apiCreated](t, unitAdmin.api("POST", "/api/v1/tokens", map[string]any{"name": "审计测试", "days": 1}), http.StatusCreated)
		office := app.client().login(app.users["sysadmin@office"])

		v := readJSON[struct {
			Rows int64 `json:"rows"`
			Head struct {
				LastID   int64  `json:"last_id"`
				LastHash string `json:"last_hash"`
			} `json:"head"`
			OK       bool              `json:"ok"`
			Problems []json.RawMessage `json:"problems"`
		}](t, office.api("GET", "/api/v1/audit/verify", nil), http.StatusOK)
		if !v.OK || v.Problems == nil || len(v.Problems) != 0 || v.Rows == 0 || v.Head.LastID != v.Rows || len(v.Head.LastHash) != 64 {
			t.Errorf("verify = %+v", v)
		}

		type page struct {
			Events []struct {
				ID         int64           `json:"id"`
				At         string          `json:"at"`
				OrgID      *int64          `json:"org_id"`
				Action     string          `json:"action"`
				ObjectType string          `json:"object_type"`
				Detail     json.RawMessage `json:"detail"`
				Hash       string          `json:"hash"`
			} `json:"events"`
			NextBefore *int64 `json:"next_before"`
		}
		var seen []int64
		path := "/api/v1/audit?limit=7"
		for range 100 {
			p := readJSON[page](t, office.api("GET", path, nil), http.StatusOK)
			for _, e := range p.Events {
				seen = append(seen, e.ID)
				if !strings.HasSuffix(e.At, "Z") || e.Hash == "" {
					t.Errorf("event %+v", e)
				}
			}
			if p.NextBefore == nil {
				break
			}
			path = "/api/v1/audit?limit=7&before=" + strconv.FormatInt(*p.NextBefore, 10)
		}
		if int64(len(seen)) != v.Rows || seen[0] != v.Rows || seen[len(seen)-1] != 1 {
			t.Errorf("paged through %d entries (%v), want %d newest first", len(seen), seen, v.Rows)
		}

		byType := readJSON[page](t, office.api("GET", "/api/v1/audit?object_type=api_token", nil), http.StatusOK)
		if len(byType.Events) != 1 || byType.Events[0].Action != "token.create" || !json.Valid(byType.Events[0].Detail) || byType.Events[0].Detail[0] != '{' {
			t.Errorf("api_token entries = %+v", byType.Events)
		}
		e := readError(t, office.api("GET", "/api/v1/audit?limit=0&before=x", nil), http.StatusUnprocessableEntity, "invalid")
		if len(e.Error.Details) != 2 {
			t.Errorf("bad query: %+v", e.Error.Details)
		}

		own := readJSON[page](t, unitAdmin.api("GET", "/api/v1/audit", nil), http.StatusOK)
		if len(own.Events) == 0 {
			t.Error("the unit administrator sees none of their own entries")
		}
		for _, e := range own.Events {
			if e.OrgID == nil || *e.OrgID != app.orgs[model.OrgUnit] {
				t.Errorf("unit administrator sees entry %+v of another org", e)
			}
		}
		readError(t, unitAdmin.api("GET", "/api/v1/audit/verify", nil), http.StatusForbidden, "forbidden")
	})
}
