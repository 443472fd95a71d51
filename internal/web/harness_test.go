package web

import (
	"time"

	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"zhicheng/internal/blob"

	"zhicheng/internal/auth"
	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

const testPassword = "Test@2026pw"

// testApp is the real server over a real database, with cheap password hashing.
type testApp struct {
	t   *testing.T
	db  *store.DB
	svc *service.Services
	srv *Server
	ts  *httptest.Server
	// orgs by kind, and the username of each persona ("role@kind")
	orgs  map[model.OrgKind]int64
	users map[string]string
	seq   int
}

func newTestApp(t *testing.T, db *store.DB) *testApp { return newTestAppClock(t, db, nil) }

// newTestAppClock is the test app with a blob store on disk and, if now is not nil, one
// clock shared by the services and the store, so that a test can act inside a window.
func newTestAppClock(t *testing.T, db *store.DB, now func() time.Time) *testApp {
	t.Helper()
	keys, err := pii.NewKeys([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if now != nil {
		db.SetClock(now)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(service.Deps{DB: db, Blobs: blobs, Keys: keys, Password: auth.Params{Memory: 1024, Time: 1, Threads: 1}, Log: log, Now: now})
	srv, err := New(Config{Version: "test"}, svc, db, log)
	if err != nil {
		t.Fatal(err)
	}
	app := &testApp{t: t, db: db, svc: svc, srv: srv, orgs: map[model.OrgKind]int64{}, users: map[string]string{}}
	app.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(app.ts.Close)
	return app
}

// personaKey names a persona as the golden file does.
func personaKey(a model.Actor) string {
	if len(a.Roles) == 0 {
		return "anonymous"
	}
	return string(a.Roles[0]) + "@" + string(a.OrgKind)
}

// withPersonas creates one organisation of every kind and one account for every persona.
func (app *testApp) withPersonas() *testApp {
	t, ctx := app.t, context.Background()
	t.Helper()
	sys := model.SystemActor("test")
	create := func(kind model.OrgKind, parent int64, chain []int64) int64 {
		o := model.Org{ParentID: parent, Kind: kind, Code: "T-" + strings.ToUpper(strings.ReplaceAll(string(kind), "_", "-")), Name: "测试" + kind.Label(), ReviewChain: chain}
		if kind == model.OrgUnit {
			o.UnitType = model.UnitStateEnterprise
		}
		id, err := app.svc.Orgs.Create(ctx, sys, o)
		if err != nil {
			t.Fatalf("create org %s: %v", kind, err)
		}
		app.orgs[kind] = id
		return id
	}
	office := create(model.OrgOffice, 0, nil)
	create(model.OrgCommittee, office, nil)
	create(model.OrgEvalOffice, office, nil)
	city := create(model.OrgCity, office, nil)
	create(model.OrgIndustry, office, nil)
	create(model.OrgUnit, city, []int64{city})
	create(model.OrgAgency, city, []int64{city})
	for _, p := range authz.Personas() {
		if len(p.Roles) == 0 {
			continue
		}
		key := personaKey(p)
		app.users[key] = "p_" + strings.ReplaceAll(key, "@", "_")
		app.addUser(p.OrgKind, app.users[key], p.Roles...)
	}
	return app
}

// addUser creates an account in the organisation of the given kind.
func (app *testApp) addUser(kind model.OrgKind, username string, roles ...model.Role) int64 {
	app.t.Helper()
	app.seq++
	first17 := fmt.Sprintf("62010219900101%03d", app.seq)
	c, _ := rules.IDNumberCheckDigit(first17)
	id, err := app.svc.Accounts.CreateUser(context.Background(), model.SystemActor("test"), service.UserInput{
		OrgID: app.orgs[kind], Username: username, Name: "测试用户",
		IDNumber: first17 + string(c), Phone: fmt.Sprintf("1380000%04d", app.seq), Password: testPassword, Roles: roles,
	})
	if err != nil {
		app.t.Fatalf("create user %s: %v", username, err)
	}
	return id
}

// client is a browser-like HTTP client with its own cookie jar that does not follow
// redirects, so tests see them.
type client struct {
	t   *testing.T
	app *testApp
	c   *http.Client
}

func (app *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: app.t, app: app, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in through the login form and fails the test if that does not work.
func (c *client) login(username string) *client {
	c.t.Helper()
	res := c.post("/login", url.Values{"login": {username}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" {
		c.t.Fatalf("login %s: status %d location %q", username, res.StatusCode, res.Header.Get("Location"))
	}
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	res.Body = io.NopCloser(strings.NewReader(string(body)))
	return res
}

func (c *client) get(path string) *http.Response {
	req, _ := http.NewRequest("GET", c.app.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) *http.Response {
	req, _ := http.NewRequest("POST", c.app.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func bodyOf(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	res.Body = io.NopCloser(strings.NewReader(string(b)))
	return string(b)
}
