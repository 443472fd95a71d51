package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"zhicheng/internal/demo"
	"zhicheng/internal/store"
)

// crashServerEnv makes the test binary a child that runs `zhicheng serve --demo` on the data
// directory it names, until it is killed.
const crashServerEnv = "ZHICHENG_CRASH_UPLOAD_DATA"

// TestR_APP_04_crashDuringUploads kills the server (SIGKILL) while eight clients upload
// evidence into one draft at once, restarts it on the same data directory, and checks R-APP-04
// ("drafts are saved and never lost") for uploads: every upload the server acknowledged (201)
// is still in the draft and reads back byte for byte; every evidence row of every application
// names a blob that exists and hashes to its name; and no file under the blob store's final
// layout is partial (leftovers of Puts cut short may exist only under tmp/). A killed process
// keeps what it wrote in the page cache, so this tests the ordering and atomicity of the
// writes (blob durable and named before the row commits, the row committed before the 201),
// not the fsyncs themselves, which only a power cut would test.
//
// The server is a separate process, this test binary re-executed, running the real
// `serve` command with its flags.
func TestR_APP_04_crashDuringUploads(t *testing.T) {
	if dir := os.Getenv(crashServerEnv); dir != "" {
		serveUntilKilled(dir)
		return
	}
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// First start: loads the demo.
	srv := startCrashServer(t, ctx, dir)
	c := &apiClient{t: t, base: srv.url, http: &http.Client{Timeout: 30 * time.Second}}
	c.token = signInForToken(t, ctx, srv.url, "applicant1", demo.Password)
	planID := c.openPlan(ctx)
	appID := c.startApplication(ctx, planID)
	app := c.application(ctx, appID)
	var slots []string
	for _, s := range app.Slots {
		if s.Multi && !s.ByUnit {
			slots = append(slots, s.Key)
		}
	}
	if len(slots) == 0 {
		t.Fatalf("application %d has no multi-file slot: %+v", appID, app.Slots)
	}
	t.Logf("application %d, version %d, uploading into %d multi-file slots (first %s)", appID, app.Version, len(slots), slots[0])

	// Eight uploaders, each with its own files, into one draft: the version is shared, so
	// most attempts meet a newer version (409), read it again and retry. Only the 201s count.
	const uploaders = 8
	var (
		mu      sync.Mutex
		acked   []ackedUpload
		version atomic.Int64
		stats   struct{ conflicts, refused, broken atomic.Int64 }
	)
	version.Store(app.Version)
	upCtx, stopUploads := context.WithCancel(ctx)
	defer stopUploads()
	var wg sync.WaitGroup
	for u := range uploaders {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(u)))
			for seq := 0; upCtx.Err() == nil; seq++ {
				slot := slots[(u+seq)%len(slots)]
				// 256 KiB to 2 MiB: large enough that the kill often lands inside a Put.
				data := crashJPEG(t, u, seq, 256<<10+r.IntN(2<<20-256<<10+1))
				sum := sha256.Sum256(data)
				v := version.Load()
				status, res, err := c.upload(upCtx, appID, v, slot, fmt.Sprintf("u%d-%d.jpg", u, seq), data)
				switch {
				case err != nil:
					// The server is gone (or going): an upload without an answer is not
					// acknowledged. Keep trying until the test stops us: the kill is the point.
					stats.broken.Add(1)
					time.Sleep(5 * time.Millisecond)
				case status == http.StatusCreated:
					if res.Evidence.SHA256 != hex.EncodeToString(sum[:]) || res.Evidence.Size != int64(len(data)) {
						t.Errorf("upload %d/%d acknowledged as %s (%d bytes), sent %x (%d bytes)", u, seq, res.Evidence.SHA256, res.Evidence.Size, sum, len(data))
					}
					mu.Lock()
					acked = append(acked, ackedUpload{id: res.Evidence.ID, slot: slot, sha: hex.EncodeToString(sum[:]), size: len(data), version: res.Version})
					mu.Unlock()
					for cur := version.Load(); cur < res.Version && !version.CompareAndSwap(cur, res.Version); cur = version.Load() {
					}
				case status == http.StatusConflict:
					stats.conflicts.Add(1)
					if v, err := c.version(upCtx, appID); err == nil {
						for cur := version.Load(); cur < v && !version.CompareAndSwap(cur, v); cur = version.Load() {
						}
					}
				default:
					stats.refused.Add(1)
					t.Errorf("upload %d/%d: status %d", u, seq, status)
				}
			}
		})
	}

	// Kill after 1.5 s of uploads (plus up to 100 ms of jitter, so that the kill lands at a
	// different point of the uploads' work each run), once at least one upload is
	// acknowledged.
	start := time.Now()
	deadline := start.Add(20 * time.Second)
	for {
		time.Sleep(10 * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n > 0 && time.Since(start) >= 1500*time.Millisecond {
			break
		}
		if time.Now().After(deadline) {
			srv.kill()
			t.Fatalf("no upload acknowledged in 20 s (%d conflicts, %d refused, %d failed)\nserver log:\n%s",
				stats.conflicts.Load(), stats.refused.Load(), stats.broken.Load(), srv.log())
		}
	}
	time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
	srv.kill()
	killedAt := time.Since(start)
	time.Sleep(50 * time.Millisecond) // let in-flight requests fail against the dead server
	stopUploads()
	wg.Wait()
	mu.Lock()
	acks := append([]ackedUpload(nil), acked...)
	mu.Unlock()
	t.Logf("SIGKILL after %s: %d uploads acknowledged, %d conflicts (409), %d without an answer",
		killedAt.Round(time.Millisecond), len(acks), stats.conflicts.Load(), stats.broken.Load())
	if len(acks) == 0 {
		t.Fatal("no upload acknowledged before the kill")
	}

	// Restart on the same data directory: the demo is not loaded again (the database has
	// accounts), the blob store's start-up cleaning runs, and the API token still works.
	srv2 := startCrashServer(t, ctx, dir)
	c.base = srv2.url
	after := c.application(ctx, appID)
	live := map[int64]string{}
	for _, s := range after.Slots {
		for _, f := range s.Files {
			live[f.ID] = f.SHA256
		}
	}
	lastAcked := int64(0)
	for _, a := range acks {
		lastAcked = max(lastAcked, a.version)
		if sha, ok := live[a.id]; !ok {
			t.Errorf("acknowledged upload (evidence %d, slot %s) is missing from the draft after the restart", a.id, a.slot)
		} else if sha != a.sha {
			t.Errorf("evidence %d lists sha256 %s, acknowledged as %s", a.id, sha, a.sha)
		}
		got, err := c.download(ctx, appID, a.id)
		if err != nil {
			t.Errorf("evidence %d: %v", a.id, err)
			continue
		}
		if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != a.sha || len(got) != a.size {
			t.Errorf("evidence %d reads back as %d bytes hashing to %x; acknowledged %d bytes, %s", a.id, len(got), sum, a.size, a.sha)
		}
	}
	if after.Version < lastAcked {
		t.Errorf("draft version %d after the restart, but version %d was acknowledged", after.Version, lastAcked)
	}
	// The draft still takes uploads after the crash.
	data := crashJPEG(t, 99, 0, 64<<10)
	if status, _, err := c.upload(ctx, appID, after.Version, slots[0], "after.jpg", data); err != nil || status != http.StatusCreated {
		t.Errorf("upload after the restart: status %d, %v", status, err)
	}
	if err := srv2.stop(); err != nil {
		t.Errorf("second server did not stop cleanly: %v\n%s", err, srv2.log())
	}

	// The blob store: every file under the final layout ab/cd/<sha256> hashes to its name;
	// anything else may only be a temporary file under tmp/.
	blobDir := filepath.Join(dir, "blobs")
	stored := map[string]bool{}
	var leftovers int
	err := filepath.WalkDir(blobDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(blobDir, path)
		if strings.HasPrefix(rel, "tmp"+string(filepath.Separator)) {
			leftovers++
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := hex.EncodeToString(sum[:])
		if want := filepath.Join(name[:2], name[2:4], name); rel != want {
			t.Errorf("blob %s is partial or misplaced: its content hashes to %s", rel, name)
		}
		stored[filepath.Base(path)] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The database, opened directly: every live evidence row of every application (the demo's
	// submitted example too) names a stored blob of its recorded size.
	db, err := store.Open(ctx, filepath.Join(dir, "zhicheng.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := 0
	err = db.View(ctx, func(q *store.Q) error {
		for id := int64(1); id <= appID+5; id++ {
			evs, err := q.EvidenceOf(ctx, id)
			if err != nil {
				return err
			}
			for _, e := range evs {
				rows++
				name := filepath.Join(blobDir, e.SHA256[:2], e.SHA256[2:4], e.SHA256)
				info, err := os.Stat(name)
				switch {
				case err != nil:
					t.Errorf("evidence %d of application %d: blob %s: %v", e.ID, id, e.SHA256, err)
				case !stored[e.SHA256]:
					t.Errorf("evidence %d of application %d: blob %s not found by the walk", e.ID, id, e.SHA256)
				case info.Size() != e.Size:
					t.Errorf("evidence %d of application %d: blob is %d bytes, row says %d", e.ID, id, info.Size(), e.Size)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows < len(acks)+1 {
		t.Errorf("%d live evidence rows, want at least the %d acknowledged uploads and the one after the restart", rows, len(acks))
	}
	t.Logf("%d evidence rows, %d blobs, %d temporary leftovers under tmp/ (removed at start-up once an hour old)", rows, len(stored), leftovers)

	// The audit chain is intact: every upload's entry committed with its row, or not at all.
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"audit", "verify", "--data", dir, "--database="}, nil, &out, &errOut); err != nil {
		t.Errorf("audit verify after the crash: %v\n%s%s", err, out.String(), errOut.String())
	}
}

type ackedUpload struct {
	id      int64
	slot    string
	sha     string
	size    int
	version int64
}

// serveUntilKilled is the child: `zhicheng serve --demo` on a free loopback port, printing the
// demo banner with its address on stdout.
func serveUntilKilled(dir string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, []string{"serve", "--demo", "--data", dir, "--addr", "127.0.0.1:0"}, nil, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "zhicheng:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

type crashServer struct {
	url    string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan error
}

// lockedBuffer keeps the child's log for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 4<<20 {
		return len(p), nil
	}
	return l.b.Write(p)
}

func (s *crashServer) log() string {
	s.stderr.mu.Lock()
	defer s.stderr.mu.Unlock()
	b := s.stderr.b.Bytes()
	if len(b) > 6000 {
		b = b[len(b)-6000:]
	}
	return string(b)
}

func (s *crashServer) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
}

func (s *crashServer) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		return err
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return errors.New("no exit 30 s after SIGTERM")
	}
}

var demoURL = regexp.MustCompile(`演示地址: (http://127\.0\.0\.1:[0-9]+)`)

// startCrashServer re-executes this test binary as `zhicheng serve --demo --data dir`, reads
// its address from the banner and waits for /healthz. The child never outlives the test.
func startCrashServer(t *testing.T, ctx context.Context, dir string) *crashServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestR_APP_04_crashDuringUploads$", "-test.count=1")
	// The child uses SQLite in dir whatever this environment says about databases or keys.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZHICHENG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, crashServerEnv+"="+dir)
	s := &crashServer{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := demoURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
		s.exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() }) // an error if it has exited already

	select {
	case s.url = <-urls:
	case err := <-s.exited:
		s.exited <- err
		t.Fatalf("server exited before serving: %v\n%s", err, s.log())
	case <-time.After(60 * time.Second):
		s.kill()
		t.Fatalf("server printed no address in 60 s\n%s", s.log())
	case <-ctx.Done():
		s.kill()
		t.Fatal(ctx.Err())
	}
	for i := 0; ; i++ {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if i == 200 {
			s.kill()
			t.Fatalf("server at %s not healthy: %v\n%s", s.url, err, s.log())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// signInForToken signs in through the login form and creates an API token with the session.
func signInForToken(t *testing.T, ctx context.Context, base, login, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	web := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := web.PostForm(base+"/login", url.Values{"login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" {
		t.Fatalf("sign in as %s: %s to %q", login, res.Status, res.Header.Get("Location"))
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"crash test","days":1}`))
	req.Header.Set("Content-Type", "application/json")
	var tok struct {
		Token string `json:"token"`
	}
	if status, body := doJSON(t, web, req, &tok); status != http.StatusCreated || tok.Token == "" {
		t.Fatalf("create token: status %d: %s", status, body)
	}
	return tok.Token
}

func doJSON(t *testing.T, c *http.Client, req *http.Request, out any) (int, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", req.Method, req.URL.Path, err)
	}
	if res.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: %v: %s", req.Method, req.URL.Path, err, body)
		}
	}
	return res.StatusCode, string(body)
}

// apiClient calls the JSON API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

func (c *apiClient) request(ctx context.Context, method, path string, body io.Reader) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	return req
}

// openPlan finds the plan whose application window is open (the demo's "申报进行中" plan).
func (c *apiClient) openPlan(ctx context.Context) int64 {
	var res struct {
		Plans []struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Windows []struct {
				Kind  string `json:"kind"`
				State string `json:"state"`
			} `json:"windows"`
		} `json:"plans"`
	}
	if status, body := doJSON(c.t, c.http, c.request(ctx, "GET", "/api/v1/plans", nil), &res); status != http.StatusOK {
		c.t.Fatalf("list plans: %d: %s", status, body)
	}
	for _, p := range res.Plans {
		for _, w := range p.Windows {
			if w.Kind == "apply" && w.State == "open" {
				return p.ID
			}
		}
	}
	c.t.Fatalf("no plan with an open application window among %d", len(res.Plans))
	return 0
}

func (c *apiClient) startApplication(ctx context.Context, planID int64) int64 {
	req := c.request(ctx, "POST", "/api/v1/applications", strings.NewReader(fmt.Sprintf(`{"plan_id":%d}`, planID)))
	req.Header.Set("Content-Type", "application/json")
	var res struct {
		ID int64 `json:"id"`
	}
	if status, body := doJSON(c.t, c.http, req, &res); status != http.StatusCreated || res.ID == 0 {
		c.t.Fatalf("start application on plan %d: %d: %s", planID, status, body)
	}
	return res.ID
}

type crashApplication struct {
	Version int64 `json:"version"`
	Slots   []struct {
		Key    string `json:"key"`
		Multi  bool   `json:"multi"`
		ByUnit bool   `json:"by_unit"` // the unit's report: not the applicant's to upload
		Files  []struct {
			ID     int64  `json:"id"`
			SHA256 string `json:"sha256"`
		} `json:"files"`
	} `json:"slots"`
}

func (c *apiClient) application(ctx context.Context, id int64) crashApplication {
	var app crashApplication
	if status, body := doJSON(c.t, c.http, c.request(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil), &app); status != http.StatusOK {
		c.t.Fatalf("get application %d: %d: %s", id, status, body)
	}
	return app
}

// version reads the draft's version without failing the test: the server may be gone.
func (c *apiClient) version(ctx context.Context, id int64) (int64, error) {
	res, err := c.http.Do(c.request(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d", id), nil))
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var app crashApplication
	if err := json.NewDecoder(res.Body).Decode(&app); err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK {
		return 0, errors.New(res.Status)
	}
	return app.Version, nil
}

type uploadResult struct {
	Evidence struct {
		ID     int64  `json:"id"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	} `json:"evidence"`
	Version int64 `json:"version"`
}

// upload sends one file the way the API asks: version and slot first, then the file.
// err is set only when there was no complete answer (the server was killed).
func (c *apiClient) upload(ctx context.Context, appID, version int64, slot, name string, data []byte) (int, uploadResult, error) {
	var res uploadResult
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("version", fmt.Sprint(version))
	mw.WriteField("slot", slot)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := c.request(ctx, "POST", fmt.Sprintf("/api/v1/applications/%d/files", appID), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, res, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, res, err
	}
	if resp.StatusCode == http.StatusCreated {
		if err := json.Unmarshal(b, &res); err != nil {
			return 0, res, fmt.Errorf("201 with %q: %w", b, err)
		}
	}
	return resp.StatusCode, res, nil
}

func (c *apiClient) download(ctx context.Context, appID, id int64) ([]byte, error) {
	res, err := c.http.Do(c.request(ctx, "GET", fmt.Sprintf("/api/v1/applications/%d/files/%d", appID, id), nil))
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download: %s: %s", res.Status, b)
	}
	return b, nil
}

// crashJPEG is a valid JPEG of exactly size bytes, different for every (uploader, seq): a
// small picture, then comment (COM) segments that carry the pair and fill the rest.
func crashJPEG(t *testing.T, uploader, seq, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(i*7 + uploader*31 + seq)
	}
	img.Set(0, 0, color.RGBA{uint8(uploader), uint8(seq), uint8(seq >> 8), 255})
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	small := enc.Bytes()
	tag := fmt.Sprintf("uploader %d upload %d %d ", uploader, seq, time.Now().UnixNano())
	pad := size - len(small)
	if pad < 4+len(tag) {
		t.Fatalf("a JPEG cannot be %d bytes", size)
	}
	var b bytes.Buffer
	b.Grow(size)
	b.Write(small[:2]) // SOI
	for pad > 0 {
		n := min(pad, 4+65533)
		if rest := pad - n; rest > 0 && rest < 4 {
			n -= 4
		}
		b.Write([]byte{0xFF, 0xFE, byte((n - 2) >> 8), byte(n - 2)})
		seg := []byte(strings.Repeat(tag, (n-4)/len(tag)+1))[:n-4]
		b.Write(seg)
		pad -= n
	}
	b.Write(small[2:])
	if b.Len() != size {
		t.Fatalf("JPEG is %d bytes, want %d", b.Len(), size)
	}
	return b.Bytes()
}
