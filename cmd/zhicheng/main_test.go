package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhicheng/internal/auth"
	"zhicheng/internal/demo"
	"zhicheng/internal/store"
	"zhicheng/internal/store/storetest"
)

var cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}

// startMain boots the real application on :0 with a temporary data directory, the way
// `zhicheng serve --demo` does, on the given database.
func startMain(t *testing.T, database string) *Main {
	t.Helper()
	m := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Database: database, Demo: true, passwordCost: cheap}
	if strings.HasPrefix(database, "postgres") {
		m.Config.Key = strings.Repeat("ab", 32)
	}
	if err := m.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// browser returns a chromedp context on a fresh headless Chromium, or skips when none is
// installed outside CI (CI installs it; .ci/run fails the run rather than skip there).
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not installed: .ci/run must install it")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(width, height),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestBrowserLoginEachRole signs in through the login page as a demo account of each kind
// of user and checks that the home page shows that role's panel, on a desktop and on a
// phone-sized viewport.
func TestBrowserLoginEachRole(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	accounts := []struct{ username, panel string }{
		{"applicant1", "apply"},
		{"school_handler", "review.unit"},
		{"lz_leader", "review.dept"},
		{"office_handler", "office.work"},
		{"office_admin", "orgs.manage"},
		{"expert1", "expert.work"},
		{"pw_handler", "committee.work"},
		{"energy_admin", "users.manage"},
	}
	for _, vp := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			ctx := browser(t, vp.width, vp.height)
			for _, acc := range accounts {
				panelSel := chromedp.CSS(`.home-panel[data-panel="` + acc.panel + `"]`)
				err := chromedp.Do(ctx,
					chromedp.Navigate(m.URL()+"/login"),
					chromedp.WaitVisible(chromedp.CSS(`#login-form`)),
					chromedp.SendKeys(chromedp.CSS(`#login-form input[name=login]`), acc.username),
					chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), demo.Password),
					chromedp.Submit(chromedp.CSS(`#login-form`)),
					chromedp.WaitVisible(panelSel),
				)
				if err != nil {
					t.Fatalf("%s: log in and reach the home page: %v", acc.username, err)
				}
				panel, err := chromedp.Run(ctx, chromedp.Text(panelSel))
				if err != nil {
					t.Fatalf("%s: read panel: %v", acc.username, err)
				}
				heading, err := chromedp.Run(ctx, chromedp.Title())
				if err != nil {
					t.Fatalf("%s: read title: %v", acc.username, err)
				}
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#logout`)), chromedp.WaitVisible(chromedp.CSS(`#btn-login`))); err != nil {
					t.Fatalf("%s: log out: %v", acc.username, err)
				}
				if strings.TrimSpace(panel) == "" || !strings.Contains(heading, "工作台") {
					t.Fatalf("%s: home page panel %q title %q", acc.username, panel, heading)
				}
			}
		})
	}
}

// Two servers on one PostgreSQL share sessions: sign in on one, be signed in on the other
// (DESIGN: sessions live in the database, so any instance serves any request).
func TestTwoInstancesShareSessions(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, store.Postgres) // skips without ZHICHENG_TEST_POSTGRES
	a := startMain(t, dsn)
	b := startMain(t, dsn)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(a.URL()+"/login", map[string][]string{"login": {"office_admin"}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "zc_session" {
			session = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("login on instance A: status %d, cookie %v", res.StatusCode, session)
	}
	req, _ := http.NewRequest("GET", b.URL()+"/home", nil)
	req.AddCookie(session)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "王建国") {
		t.Fatalf("instance B with A's session: status %d", res.StatusCode)
	}
}

// The demo loads once: a restart leaves everything as it was.
func TestDemoRestartKeepsData(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	dir := m.Config.DataDir
	m.Close()
	m2 := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Config: Config{Addr: "127.0.0.1:0", DataDir: dir, Demo: true, passwordCost: cheap}}
	if err := m2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	var n int
	m2.DB.View(context.Background(), func(q *store.Q) (err error) { n, err = q.CountUsers(context.Background()); return err })
	if n != len(demo.Accounts()) {
		t.Fatalf("users after restart = %d, want %d", n, len(demo.Accounts()))
	}
}
