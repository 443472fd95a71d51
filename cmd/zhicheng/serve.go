package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"zhicheng/internal/auth"
	"zhicheng/internal/demo"
	"zhicheng/internal/jobs"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
	"zhicheng/internal/web"
)

// Main is the running server: configuration, database and HTTP server, so that a test can
// boot the real application on port :0 with a temporary data directory.
type Main struct {
	Config Config
	Log    *slog.Logger
	Out    io.Writer // where the demo accounts are printed

	DB       *store.DB
	Services *service.Services
	Server   *web.Server

	ln   net.Listener
	http *http.Server
	done chan struct{}

	stopJobs func()        // cancels the job worker, the deadline sweeper and the blob collector
	jobsDone chan struct{} // closed when all have stopped
}

// Open opens the database, loads the demo if asked, and starts listening.
func (m *Main) Open(ctx context.Context) error {
	db, deps, err := m.Config.openDeps(ctx, m.Log)
	if err != nil {
		return err
	}
	m.DB, m.Services = db, service.New(deps)
	notifier, err := m.Config.notifier(m.Log, m.Services.Accounts.MailAddress)
	if err != nil {
		return err
	}
	// A Put cut short by a crash leaves a temporary file; none is in use an hour later.
	if c, ok := deps.Blobs.(interface{ CleanTemp(time.Duration) error }); ok {
		if err := c.CleanTemp(time.Hour); err != nil {
			m.Log.Warn("clean temporary evidence files", "err", err)
		}
	}
	if _, err := m.Services.Calendar.SeedIfEmpty(ctx); err != nil {
		return err
	}
	loaded := false
	if m.Config.Demo {
		m.Log.Info("loading demo data on first start")
		// The demo's passwords are published, so hashing them at full cost only makes the
		// first start slow (seconds per account on a small machine); a demo user's own new
		// password is hashed at full cost, and logins upgrade the demo hashes.
		demoDeps := deps
		demoDeps.Password = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
		if loaded, err = demo.Load(ctx, m.DB, service.New(demoDeps), time.Now()); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
	}
	if m.Server, err = web.New(web.Config{BaseURL: m.Config.BaseURL, MetricsToken: m.Config.MetricsToken, Version: version, Demo: m.Config.Demo}, m.Services, m.DB, m.Log); err != nil {
		return err
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.http = &http.Server{
		Handler:           m.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// Uploads of 2 MiB over a slow mobile link need time; the body limit, not the
		// clock, bounds what a client can send.
		ReadTimeout:  2 * time.Minute,
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	m.done = make(chan struct{})
	go func() {
		defer close(m.done)
		if err := m.http.Serve(m.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server stopped", "err", err)
		}
	}()
	go m.sweep(ctx)
	jctx, stop := context.WithCancel(ctx)
	m.stopJobs, m.jobsDone = stop, make(chan struct{})
	go func() {
		defer close(m.jobsDone)
		var wg sync.WaitGroup
		wg.Go(func() { (&jobs.Worker{DB: m.DB, Notifier: notifier, Log: m.Log, Poll: 2 * time.Second}).Run(jctx) })
		wg.Go(func() { m.lapseOverdue(jctx) })
		wg.Go(func() { m.collectOrphanBlobs(jctx) })
		wg.Wait()
	}()
	if m.Config.Demo {
		m.printDemo(loaded)
	}
	m.Log.Info("zhicheng serving", "url", m.URL(), "database", m.DB.Dialect(), "version", version)
	return nil
}

// URL is where the server can be reached.
func (m *Main) URL() string {
	if m.Config.BaseURL != "" && m.ln != nil && !strings.HasSuffix(m.Config.Addr, ":0") {
		return m.Config.BaseURL
	}
	addr := m.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// sweep deletes expired sessions and old login attempts every ten minutes. Every instance
// runs it; the deletes are idempotent.
func (m *Main) sweep(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.done:
			return
		case <-t.C:
			if err := m.DB.DeleteExpired(ctx, 24*time.Hour); err != nil {
				m.Log.Warn("sweep expired sessions", "err", err)
			}
		}
	}
}

// lapseOverdue ends the applications a closed review window overtook (R-CAL-02): once at
// start, then every minute, so that none stays "in review" more than a minute past its
// deadline. Every instance runs it; an application lapses at its version, so once.
func (m *Main) lapseOverdue(ctx context.Context) {
	every := m.Config.lapseEvery
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := m.Services.Review.LapseOverdue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			m.Log.Error("lapse overdue applications", "lapsed", n, "err", err)
		case n > 0:
			m.Log.Info("lapsed overdue applications", "lapsed", n)
		default:
			m.Log.Debug("no overdue applications to lapse")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *Main) printDemo(loaded bool) {
	w := tabwriter.NewWriter(m.Out, 0, 0, 2, ' ', 0)
	if loaded {
		fmt.Fprintln(w, "已载入演示数据。")
	}
	fmt.Fprintf(w, "演示地址: %s\n演示账号（密码均为 %s）:\n", m.URL(), demo.Password)
	fmt.Fprintln(w, "账号\t姓名\t角色\t机构")
	for _, a := range demo.Accounts() {
		var roles []string
		for _, r := range a.Roles {
			roles = append(roles, r.Label())
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Username, a.Name, strings.Join(roles, "、"), a.Org)
	}
	w.Flush()
}

// Close stops accepting requests, lets those in flight finish (up to 20 s), and closes the
// database.
func (m *Main) Close() error {
	var err error
	if m.http != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err = m.http.Shutdown(ctx)
		<-m.done
	}
	if m.stopJobs != nil {
		m.stopJobs()
		<-m.jobsDone
	}
	if m.DB != nil {
		err = errors.Join(err, m.DB.Close())
	}
	return err
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{Out: stdout}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	m.Config.bindServe(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.Log = m.Config.logger(stderr)
	if err := m.Open(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Log.Info("shutting down")
	return m.Close()
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.bindCommon(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, _, err := c.open(ctx, c.logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(stdout, "数据库（%s）已迁移到最新版本。\n", db.Dialect())
	return nil
}
