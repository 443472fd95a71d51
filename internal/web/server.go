// Package web serves zhicheng over HTTP: the Chinese, server-rendered pages for people and
// (mounted from internal/api) the JSON API, behind one stack of middleware — request log
// without personal data, metrics, security headers, cross-origin protection, database
// sessions — and one authorization check per route from internal/authz.
package web

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"zhicheng/internal/api"
	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

//go:embed templates static
var assets embed.FS

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	BaseURL      string // e.g. https://zc.example.gov.cn; https turns on Secure cookies and HSTS
	MetricsToken string // if set, /metrics requires "Authorization: Bearer <token>"
	Version      string
	Demo         bool // show the demo banner and accounts hint on the login page
}

// Server is the HTTP application.
type Server struct {
	cfg      Config
	svc      *service.Services
	db       *store.DB
	log      *slog.Logger
	sessions *scs.SessionManager
	tmpl     *templates
	metrics  *metrics
	routes   []Route
	mux      *http.ServeMux
}

// Handler serves one page route for an already-authorized actor.
type Handler func(w http.ResponseWriter, r *http.Request, a model.Actor) error

// Route is one registered route, kept so that the route × role test can enumerate them.
type Route struct {
	Method  string
	Pattern string
	Perm    authz.Permission
	API     bool
}

// New builds the server; it fails if a template does not parse.
func New(cfg Config, svc *service.Services, db *store.DB, log *slog.Logger) (*Server, error) {
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = db.Sessions()
	sm.Codec = sessionCodec{}
	// An absolute lifetime of a working day, and no idle timeout: with an idle timeout scs
	// rewrites the session row on every request (BENCHMARKS.md: ~19 % of the CPU of a page
	// and one fsync per request on SQLite's single writer).
	sm.Lifetime = 10 * time.Hour
	sm.Cookie.Name = "zc_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(cfg.BaseURL, "https://")
	s := &Server{cfg: cfg, svc: svc, db: db, log: log, sessions: sm, tmpl: tmpl, metrics: newMetrics(), mux: http.NewServeMux()}
	s.registerRoutes()
	for _, r := range api.New(svc).Routes() {
		s.handleAPI(r)
	}
	return s, nil
}

// Routes lists every registered route.
func (s *Server) Routes() []Route { return s.routes }

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	var h http.Handler = s.mux
	h = s.sessions.LoadAndSave(s.withActor(h))
	h = withoutSession(s.mux, h)
	h = cop.Handler(h)
	h = securityHeaders(s.cfg, h)
	h = s.observe(h)
	return h
}

// withoutSession serves static files, health checks and metrics straight from the mux: they
// need no session, and loading one for each would cost a database read per file.
func withoutSession(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/metrics" {
			mux.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type actorKey struct{}

// withActor loads the signed-in actor from the API token or the session, once per request,
// from the database (so a disabled account or changed role applies at once everywhere).
func (s *Server) withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a model.Actor
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") && strings.HasPrefix(r.URL.Path, "/api/") {
			var err error
			if a, err = s.svc.Accounts.ActorByToken(r.Context(), strings.TrimPrefix(h, "Bearer ")); err != nil {
				s.writeAPIError(w, r, err)
				return
			}
		} else if uid := s.sessions.GetInt64(r.Context(), "uid"); uid != 0 {
			var err error
			if a, err = s.svc.Accounts.Actor(r.Context(), uid); err != nil {
				// The account is gone or disabled: end the session instead of failing.
				s.sessions.Destroy(r.Context())
				a = model.Actor{}
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, a)))
	})
}

func actorOf(r *http.Request) model.Actor {
	a, _ := r.Context().Value(actorKey{}).(model.Actor)
	return a
}

// handle registers a page route: the table's permission is checked before h runs, and an
// error h returns becomes an error page.
func (s *Server) handle(method, pattern string, perm authz.Permission, h Handler) {
	if !authz.Known(perm) {
		panic("web: route " + pattern + " names unknown permission " + string(perm))
	}
	s.routes = append(s.routes, Route{Method: method, Pattern: pattern, Perm: perm})
	s.mux.HandleFunc(method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		noteRequest(r, a.UserID)
		if !authz.Allowed(a, perm) {
			if perm == authz.Anonymous {
				http.Redirect(w, r, "/home", http.StatusSeeOther)
				return
			}
			s.errorPage(w, r, a, deny(a))
			return
		}
		if err := h(w, r, a); err != nil {
			s.errorPage(w, r, a, err)
		}
	})
}

// handleAPI registers a JSON route the same way, with JSON errors.
func (s *Server) handleAPI(rt api.Route) {
	if !authz.Known(rt.Perm) {
		panic("api: route " + rt.Pattern + " names unknown permission " + string(rt.Perm))
	}
	s.routes = append(s.routes, Route{Method: rt.Method, Pattern: rt.Pattern, Perm: rt.Perm, API: true})
	s.mux.HandleFunc(rt.Method+" "+rt.Pattern, func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		noteRequest(r, a.UserID)
		if !authz.Allowed(a, rt.Perm) {
			s.writeAPIError(w, r, deny(a))
			return
		}
		if err := rt.Handler(w, r, a); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

func deny(a model.Actor) error {
	if a.Anonymous() {
		return &model.Error{Kind: model.KindUnauthenticated, Message: "请先登录"}
	}
	return &model.Error{Kind: model.KindForbidden, Message: "您的角色无权访问此页面", Fix: "如需此权限，请联系本机构系统管理员（R-ORG-02）"}
}

// securityHeaders sets a strict CSP (no inline script or style) and friends on every response.
func securityHeaders(cfg Config, next http.Handler) http.Handler {
	hsts := strings.HasPrefix(cfg.BaseURL, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func staticFS() fs.FS {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err) // embedded at build time
	}
	return sub
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/home"
	}
	return next
}
