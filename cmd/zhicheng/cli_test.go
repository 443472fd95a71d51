package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// R-FLOW-12: `zhicheng audit verify` passes on an intact log and names the row that was
// edited by hand.
func TestR_FLOW_12_auditVerifyCommand(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	dir := m.Config.DataDir
	m.Close()
	out, err := runCLI(t, "", "audit", "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "审计链完整") {
		t.Fatalf("intact log: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "zhicheng.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET actor_name = '某人' WHERE id = 7`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, err = runCLI(t, "", "audit", "verify", "--data", dir)
	if err == nil || !strings.Contains(out, "记录 #7") {
		t.Fatalf("tampered log: err=%v\n%s", err, out)
	}
}

func TestUserAddAndPasswdCommands(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	dir := m.Config.DataDir
	m.Close()
	out, err := runCLI(t, "Strong#Pass9\n", "user", "add", "--data", dir, "--org", "gs-lx", "--username", "lx_admin",
		"--name", "马文", "--id-number", "11010519491231002X", "--phone", "13809310001", "--email", "mawen@example.gov.cn", "--roles", "sysadmin")
	if err != nil || !strings.Contains(out, "已创建账号 lx_admin") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err = runCLI(t, "weak\n", "user", "add", "--data", dir, "--org", "GS-LX", "--username", "x", "--name", "马", "--id-number", "123", "--phone", "1", "--roles", "sysadmin")
	if err == nil || !strings.Contains(err.Error(), "身份证") || !strings.Contains(err.Error(), "手机") {
		t.Fatalf("bad user add should list every problem: %v", err)
	}
	if _, err := runCLI(t, "Newer#Pass10\n", "user", "passwd", "--data", dir, "--username", "lx_admin"); err != nil {
		t.Fatalf("user passwd: %v", err)
	}
	m2 := &Main{Out: m.Out, Log: m.Log, Config: Config{Addr: "127.0.0.1:0", DataDir: dir, passwordCost: cheap}}
	if err := m2.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	a, err := m2.Services.Accounts.Authenticate(context.Background(), "lx_admin", "Newer#Pass10", "127.0.0.1")
	if err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if email, err := m2.Services.Accounts.Email(context.Background(), a); err != nil || email != "mawen@example.gov.cn" {
		t.Fatalf("e-mail address from user add: %q %v", email, err)
	}
}
