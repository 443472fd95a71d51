package blob

import (
	"bytes"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const versityInstall = "go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"

// gateway is a real S3 server for the test: versitygw over a temporary directory.
type gateway struct {
	addr, access, secret string
}

// findVersityGW looks on PATH, then in $GOPATH/bin, where `go install` puts it.
func findVersityGW() string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "versitygw")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
	}
	return ""
}

// startVersityGW starts versitygw on a free loopback port and stops it when the test
// ends. Without the binary the test is skipped, except in CI (CI set), where it fails:
// .ci/run installs it.
func startVersityGW(t *testing.T) gateway {
	t.Helper()
	bin := findVersityGW()
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("versitygw not found on PATH or in $GOPATH/bin; install it with %s", versityInstall)
		}
		t.Skipf("versitygw not installed; %s", versityInstall)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	gw := gateway{addr: addr, access: "zhicheng-test", secret: "zhicheng-test-secret-key"}
	cmd := exec.Command(bin, "--access", gw.access, "--secret", gw.secret, "--port", addr, "--quiet", "posix", t.TempDir())
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(20 * time.Second); ; {
		// Any answer, even 403 to an unsigned request, means it is serving.
		if resp, err := client.Get("http://" + addr + "/"); err == nil {
			resp.Body.Close()
			return gw
		}
		select {
		case <-exited:
			t.Fatalf("versitygw exited: %s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s within 20 s: %s", addr, out.String())
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
