// Command zhicheng-load is a small, bounded HTTP load generator for measuring zhicheng
// pages against a baseline served by the same server in the same run.
//
// It signs in once per worker (each worker has its own cookie jar, session and
// connection, like separate users), then for each round runs every target for -d with -c
// workers after a -warmup that is not recorded. The order of the targets alternates between
// rounds, so that drift on a shared, noisy machine affects all of them alike. Every latency
// is kept, and percentiles are exact. The server's resident memory (peak) and CPU time are
// read from its Prometheus /metrics at the start and end of each measured window and every
// 250 ms in between, with a client of their own.
//
// A target prefixed with "anon:" is requested without the session cookie (e.g.
// anon:/static/app.css measures the middleware without any session work).
//
// Output is Markdown: one table over all targets (aggregated over rounds), the ratios of
// each target to the baseline target, and per-round ratios to show the noise.
//
// With -upload-slot, it measures evidence uploads instead: registered applicants' drafts,
// 2 MiB files at each -upload-c concurrency, against the disk's own durable write speed
// measured in the same run (see upload.go).
//
// Traffic goes only to -url, which must be a loopback address unless -allow-remote is
// given, and the run stops by itself after rounds × targets × (warmup + d), plus at most
// 15 s of unrecorded load after signing in while the server's memory settles.
//
//	zhicheng-load -url http://127.0.0.1:8080 -login applicant1 -password Demo@2026
//	zhicheng-load -url http://127.0.0.1:8080 -login applicant1 -password Demo@2026 \
//		-upload-slot auto -upload-c 1,4,16 -disk-dir /path/on/the/data/filesystem
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type config struct {
	base        *url.URL
	login, pass string
	c           int
	d, warmup   time.Duration
	targets     []string
	baseline    string
	rounds      int
}

func main() {
	var cfg config
	rawURL := flag.String("url", "http://127.0.0.1:8080", "base URL of the server")
	flag.StringVar(&cfg.login, "login", "", "account to sign in as (required)")
	flag.StringVar(&cfg.pass, "password", "", "its password (required)")
	flag.IntVar(&cfg.c, "c", 16, "concurrent workers (each with its own session)")
	flag.DurationVar(&cfg.d, "d", 10*time.Second, "measured duration of each phase")
	flag.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unrecorded warm-up before each phase")
	targets := flag.String("targets", "/static/app.css,/home", `comma-separated paths; prefix "anon:" to send no cookie`)
	flag.StringVar(&cfg.baseline, "baseline", "", "target the others are compared with (default: the first)")
	flag.IntVar(&cfg.rounds, "rounds", 3, "rounds over all targets")
	allowRemote := flag.Bool("allow-remote", false, "allow a non-loopback host (load to other hosts is forbidden here)")
	var up uploadConfig
	flag.StringVar(&up.slot, "upload-slot", "", `upload mode: the slot to upload into, or "auto" for the first multi-file slot (see upload.go)`)
	flag.IntVar(&up.size, "upload-size", 2<<20, "upload mode: bytes per file (a valid JPEG padded to exactly this size)")
	levels := flag.String("upload-c", "1,4,16", "upload mode: comma-separated concurrency levels")
	flag.IntVar(&up.n, "upload-n", 160, "upload mode: uploads measured per level and round (after one unrecorded upload per worker); -d bounds each")
	flag.StringVar(&up.pixels, "upload-pixels", "64x64", "upload mode: the JPEG's picture, WIDTHxHEIGHT (the rest of the file is comment padding; the server decodes every pixel)")
	flag.IntVar(&up.perDraft, "upload-draft-files", 50, "upload mode: files per draft before a worker moves on to a fresh draft (another applicant's)")
	flag.StringVar(&up.diskDir, "disk-dir", "", "upload mode: directory on the server's data filesystem for the disk baseline (required)")
	flag.Int64Var(&up.plan, "upload-plan", 0, "upload mode: plan to apply to (default: the plan whose application window is open)")
	flag.Parse()

	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "zhicheng-load: "+format+"\n", args...)
		os.Exit(1)
	}
	var err error
	if cfg.base, err = url.Parse(strings.TrimRight(*rawURL, "/")); err != nil || cfg.base.Host == "" ||
		(cfg.base.Scheme != "http" && cfg.base.Scheme != "https") {
		fail("bad -url %q", *rawURL)
	}
	if !*allowRemote && !isLoopback(cfg.base.Hostname()) {
		fail("refusing to load %s: not a loopback address (pass -allow-remote only for a host you run and may load)", cfg.base.Host)
	}
	if up.slot != "" {
		if err := up.parse(*levels); err != nil {
			fail("%v", err)
		}
		if cfg.login == "" || cfg.pass == "" || cfg.rounds < 1 || cfg.d <= 0 {
			fail("need -login and -password (an applicant of the organisation to register in), -rounds ≥ 1, -d > 0")
		}
		planned := up.planned(cfg)
		ctx, cancel := context.WithTimeout(context.Background(), planned+time.Minute)
		defer cancel()
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		if err := runUploads(ctx, cfg, up, planned); err != nil {
			fail("%v", err)
		}
		return
	}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			if !strings.HasPrefix(strings.TrimPrefix(t, "anon:"), "/") {
				fail("target %q must be a path starting with /", t)
			}
			cfg.targets = append(cfg.targets, t)
		}
	}
	if cfg.baseline == "" && len(cfg.targets) > 0 {
		cfg.baseline = cfg.targets[0]
	}
	switch {
	case cfg.login == "" || cfg.pass == "":
		fail("-login and -password are required")
	case len(cfg.targets) == 0 || cfg.c < 1 || cfg.rounds < 1 || cfg.d <= 0 || cfg.warmup < 0:
		fail("need targets, -c ≥ 1, -rounds ≥ 1, -d > 0, -warmup ≥ 0")
	case !slices.Contains(cfg.targets, cfg.baseline):
		fail("-baseline %q is not among -targets", cfg.baseline)
	}

	// Bounded: the whole run is cut off shortly after its planned length, whatever happens.
	planned := time.Duration(cfg.rounds*len(cfg.targets))*(cfg.warmup+cfg.d) + maxSettle
	ctx, cancel := context.WithTimeout(context.Background(), planned+time.Minute)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	if err := run(ctx, cfg, planned); err != nil {
		fail("%v", err)
	}
}

// isLoopback reports whether host is localhost or a loopback IP literal. Other names are
// not resolved: a name could point anywhere.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errSessionLost aborts the run: a target redirected to /login, so the numbers would measure
// the login page, not the target.
var errSessionLost = errors.New("session lost")

// worker is one simulated user: its own cookie jar (session) and its own connection.
type worker struct {
	signedIn *http.Client
	anon     *http.Client
}

func newClient(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		// No Proxy: the requests go straight to -url, whatever the environment says.
		Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true},
		// Redirects are results, not something to follow: a 303 to /login means the
		// session is gone.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func signIn(ctx context.Context, cfg config) (*worker, error) {
	jar, _ := cookiejar.New(nil)
	w := &worker{signedIn: newClient(jar), anon: newClient(nil)}
	form := url.Values{"login": {cfg.login}, "password": {cfg.pass}}
	req, err := http.NewRequestWithContext(ctx, "POST", cfg.base.String()+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.signedIn.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/home" {
		return nil, fmt.Errorf("sign in as %s: got %s (Location %q), want 303 to /home", cfg.login, resp.Status, resp.Header.Get("Location"))
	}
	return w, nil
}

// get requests one target and reports whether it succeeded (2xx).
func (w *worker) get(ctx context.Context, base, target string) (bool, error) {
	client, path := w.signedIn, target
	if p, ok := strings.CutPrefix(target, "anon:"); ok {
		client, path = w.anon, p
	}
	req, err := http.NewRequestWithContext(ctx, "GET", base+path, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.HasPrefix(loc, "/login") {
		return false, fmt.Errorf("%w: GET %s answered %s to %s", errSessionLost, target, resp.Status, loc)
	}
	return err == nil && resp.StatusCode/100 == 2, err
}

// settle loads the first target, unrecorded, until the server has collected garbage twice
// and its RSS has stopped falling (at most maxSettle). Signing in hashes a password with
// argon2id (64 MiB) per worker; the server keeps that memory resident until garbage
// collection under load returns it, and without this the first phase's memory peak would
// be the sign-ins'.
func settle(ctx context.Context, cfg config, workers []*worker, mon *monitor) (time.Duration, float64) {
	ctx, cancel := context.WithTimeout(ctx, maxSettle)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, w := range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				w.get(ctx, cfg.base.String(), cfg.targets[0])
			}
		})
	}
	start := time.Now()
	first := mon.read()
	last := first
	for sleepUntil(ctx, time.Now().Add(500*time.Millisecond)) {
		prev := last
		if last = mon.read(); last.rss == 0 || (last.gcs >= first.gcs+2 && prev.rss-last.rss < 1<<20) {
			break
		}
	}
	cancel()
	return time.Since(start), last.rss
}

const maxSettle = 15 * time.Second

// phase is one target measured for one round.
type phase struct {
	latencies []time.Duration
	errors    int
	elapsed   time.Duration
	rssPeak   float64 // bytes; 0 if /metrics could not be read
	cpu       float64 // server CPU seconds spent during the measured window
	clientCPU float64 // this process's CPU seconds in it (the machine is shared with the server)
}

// runPhase runs every worker in a loop on target for warmup + d. Requests that complete
// inside the measured window [warmup, warmup+d] are recorded, so that the workers run on
// without a pause from the warm-up into the measurement.
func runPhase(ctx context.Context, cfg config, workers []*worker, target string, mon *monitor) (*phase, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &phase{elapsed: cfg.d}
	from := time.Now().Add(cfg.warmup)
	until := from.Add(cfg.d)

	var wg sync.WaitGroup
	var cpu0, cpu1, self0, self1 float64
	wg.Go(func() { // server CPU time over the measured window, and its RSS every 250 ms in it
		if !sleepUntil(ctx, from) {
			return
		}
		self0 = selfCPU()
		m := mon.read()
		cpu0, p.rssPeak = m.cpu, m.rss
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for time.Until(until) > 250*time.Millisecond {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				p.rssPeak = max(p.rssPeak, mon.read().rss)
			}
		}
		if sleepUntil(ctx, until) {
			self1 = selfCPU()
			m := mon.read()
			cpu1, p.rssPeak = m.cpu, max(p.rssPeak, m.rss)
		}
	})
	var mu sync.Mutex
	var firstErr error
	for _, w := range workers {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for ctx.Err() == nil && time.Now().Before(until) {
				t0 := time.Now()
				ok, err := w.get(ctx, cfg.base.String(), target)
				t1 := time.Now()
				if errors.Is(err, errSessionLost) {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					cancel()
					break
				}
				if ctx.Err() != nil || t1.Before(from) || t1.After(until) {
					continue // warm-up, or past the window: not recorded
				}
				lat = append(lat, t1.Sub(t0))
				if !ok {
					errs++
				}
			}
			mu.Lock()
			p.latencies = append(p.latencies, lat...)
			p.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cpu0 > 0 && cpu1 > 0 {
		p.cpu = cpu1 - cpu0
	}
	if self0 > 0 && self1 > 0 {
		p.clientCPU = self1 - self0
	}
	return p, nil
}

// sleepUntil waits until t and reports whether ctx was still live then.
func sleepUntil(ctx context.Context, t time.Time) bool {
	select {
	case <-time.After(time.Until(t)):
		return true
	case <-ctx.Done():
		return false
	}
}

// monitor reads the server's /metrics with a client of its own.
type monitor struct {
	url    string
	client *http.Client
	warned sync.Once
}

// sample is what the load tool reads from the server's /metrics; zeros if unknown.
type sample struct {
	cpu  float64 // process_cpu_seconds_total
	rss  float64 // process_resident_memory_bytes
	gcs  float64 // go_gc_duration_seconds_count: completed garbage collections
	heap float64 // go_memstats_heap_inuse_bytes: heap spans in use (falls after a collection, unlike RSS)
}

func (m *monitor) read() sample {
	var s sample
	resp, err := m.client.Get(m.url)
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err = errors.New(resp.Status)
	}
	if err != nil {
		m.warned.Do(func() {
			fmt.Fprintf(os.Stderr, "zhicheng-load: cannot read %s (%v): memory and CPU not reported\n", m.url, err)
		})
		return s
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") {
			continue
		}
		v, _ := strconv.ParseFloat(strings.TrimSpace(value), 64)
		switch name {
		case "process_cpu_seconds_total":
			s.cpu = v
		case "process_resident_memory_bytes":
			s.rss = v
		case "go_gc_duration_seconds_count":
			s.gcs = v
		case "go_memstats_heap_inuse_bytes":
			s.heap = v
		}
	}
	return s
}

// selfCPU is this process's user + system CPU time in seconds from /proc (Linux), or 0.
func selfCPU() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The fields after the ")" that ends the command name start with the line's 3rd
	// (state); utime and stime are the 14th and 15th, in clock ticks (USER_HZ, 100).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100
}

// result aggregates one target over all rounds.
type result struct {
	target    string
	latencies []time.Duration
	errors    int
	elapsed   time.Duration
	rssPeak   float64
	cpu       float64
	clientCPU float64
	perRound  []*phase
}

func (r *result) rps() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// pct is the exact q-quantile (nearest rank) of sorted latencies.
func pct(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func run(ctx context.Context, cfg config, planned time.Duration) error {
	mon := &monitor{url: cfg.base.String() + "/metrics", client: newClient(nil)}
	rssStart := mon.read().rss

	workers := make([]*worker, cfg.c)
	for i := range workers {
		w, err := signIn(ctx, cfg)
		if err != nil {
			return err
		}
		workers[i] = w
	}
	fmt.Fprintf(os.Stderr, "zhicheng-load: %d workers signed in as %s; %d rounds × %d targets × (%s + %s), at most %s with settling\n",
		cfg.c, cfg.login, cfg.rounds, len(cfg.targets), cfg.warmup, cfg.d, planned)
	took, rssSettled := settle(ctx, cfg, workers, mon)
	fmt.Fprintf(os.Stderr, "zhicheng-load: server RSS %s MiB before sign-in, %s MiB after settling for %s\n",
		mib(rssStart), mib(rssSettled), took.Round(100*time.Millisecond))

	results := map[string]*result{}
	for _, t := range cfg.targets {
		results[t] = &result{target: t}
	}
	for round := range cfg.rounds {
		order := slices.Clone(cfg.targets)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, t := range order {
			p, err := runPhase(ctx, cfg, workers, t, mon)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", round+1, t, err)
			}
			r := results[t]
			r.latencies = append(r.latencies, p.latencies...)
			r.errors += p.errors
			r.elapsed += p.elapsed
			r.rssPeak = max(r.rssPeak, p.rssPeak)
			r.cpu += p.cpu
			r.clientCPU += p.clientCPU
			r.perRound = append(r.perRound, p)
			slices.Sort(p.latencies)
			fmt.Fprintf(os.Stderr, "zhicheng-load: round %d %-24s %8.0f req/s  p50 %-9s p99 %-9s errors %d  RSS peak %s MiB\n",
				round+1, t, float64(len(p.latencies))/p.elapsed.Seconds(), ms(pct(p.latencies, .5)), ms(pct(p.latencies, .99)), p.errors, mib(p.rssPeak))
		}
	}
	rssEnd := mon.read().rss
	report(os.Stdout, cfg, results, [3]float64{rssStart, rssSettled, rssEnd}, took)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", b/(1<<20))
}

// perReq formats seconds of CPU per request as µs, or n/a.
func perReq(cpu float64, n int) string {
	if cpu <= 0 || n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", cpu*1e6/float64(n))
}

// report prints the Markdown tables; rss is the server's RSS before sign-in, after settling
// (which took settled) and after the run.
func report(out io.Writer, cfg config, results map[string]*result, rss [3]float64, settled time.Duration) {
	fmt.Fprintf(out, "Load: %s as %s, %d workers, %d rounds × (%s warm-up + %s) per target, client %s on %d CPUs.\n\n",
		cfg.base.Host, cfg.login, cfg.c, cfg.rounds, cfg.warmup, cfg.d, runtime.Version(), runtime.NumCPU())
	fmt.Fprintln(out, "| target | requests | req/s | p50 | p90 | p99 | max | errors | server CPU µs/req | load tool CPU µs/req | server RSS peak MiB |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, t := range cfg.targets {
		r := results[t]
		slices.Sort(r.latencies)
		fmt.Fprintf(out, "| `%s` | %d | %.0f | %s | %s | %s | %s | %d | %s | %s | %s |\n", t, len(r.latencies), r.rps(),
			ms(pct(r.latencies, .5)), ms(pct(r.latencies, .9)), ms(pct(r.latencies, .99)), ms(pct(r.latencies, 1)),
			r.errors, perReq(r.cpu, len(r.latencies)), perReq(r.clientCPU, len(r.latencies)), mib(r.rssPeak))
	}
	fmt.Fprintf(out, "\nServer RSS: %s MiB before the workers signed in, %s MiB after sign-in and %s of unrecorded load to settle, %s MiB after the run.\n",
		mib(rss[0]), mib(rss[1]), settled.Round(100*time.Millisecond), mib(rss[2]))

	if len(cfg.targets) < 2 {
		return
	}
	base := results[cfg.baseline]
	fmt.Fprintf(out, "\nRatios to the baseline `%s` (target ÷ baseline, over all rounds; the per-round throughput ratios show the noise):\n\n", cfg.baseline)
	fmt.Fprintln(out, "| target | throughput | p50 | p99 | server CPU/req | per-round throughput (median) |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|---|")
	for _, t := range cfg.targets {
		if t == cfg.baseline {
			continue
		}
		r := results[t]
		var rounds []float64
		var shown []string
		for i, p := range r.perRound {
			b := base.perRound[i]
			x := (float64(len(p.latencies)) / p.elapsed.Seconds()) / (float64(len(b.latencies)) / b.elapsed.Seconds())
			rounds = append(rounds, x)
			shown = append(shown, fmt.Sprintf("%.2f", x))
		}
		slices.Sort(rounds)
		cpu := "n/a"
		if r.cpu > 0 && base.cpu > 0 {
			cpu = fmt.Sprintf("%.2f×", (r.cpu/float64(len(r.latencies)))/(base.cpu/float64(len(base.latencies))))
		}
		fmt.Fprintf(out, "| `%s` | %.2f× | %.2f× | %.2f× | %s | %s (%.2f) |\n", t, r.rps()/base.rps(),
			ratio(pct(r.latencies, .5), pct(base.latencies, .5)), ratio(pct(r.latencies, .99), pct(base.latencies, .99)),
			cpu, strings.Join(shown, ", "), median(rounds))
	}
}

// median of sorted values.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
