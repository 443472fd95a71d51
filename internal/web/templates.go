package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/rules"
)

// templates holds one parsed template set per page (layout + partials + the page), all
// parsed at start-up so that a broken template fails the server's start, not a request.
type templates struct {
	pages map[string]*template.Template
}

// datetime is an instant as a Chinese reader expects it, in Beijing time; "—" for none.
func datetime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(shanghai()).Format("2006-01-02 15:04")
}

var funcs = template.FuncMap{
	"datetime":      datetime,
	"roleLabel":     func(r model.Role) string { return r.Label() },
	"kindLabel":     func(k model.OrgKind) string { return k.Label() },
	"unitTypeLabel": func(t model.UnitType) string { return t.Label() },
	"indent":        func(depth int) string { return strings.Repeat("　", depth) },
	"join":          strings.Join,
	// Plans and the calendar (R-CAL-01, R-CAL-04): instants shown in Shanghai as the
	// notices write them, "24:00" for the end of a day.
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(shanghai()).Format("2006-01-02")
	},
	"span": func(w model.PlanWindow) string {
		return rules.FormatStart(w.Start) + " 至 " + rules.FormatEnd(w.End)
	},
	"formatEnd":    rules.FormatEnd,
	"windowLabel":  func(k model.WindowKind) string { return k.Label() },
	"scopeLabel":   func(s model.Scope) string { return s.Label() },
	"appTypeLabel": func(t model.AppType) string { return t.Label() },
	"rankLabel":    rankLabel,
	"weekday":      func(d rules.Date) string { return weekdayNames[d.Weekday()] },
	"fileSize":     fileSize,
	// The applicant's pages: the HTML id a finding's field path points at.
	"fieldAnchor": fieldAnchor,
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

func parseTemplates() (*templates, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout templates: %w", err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		page, err := clone.ParseFS(assets, f)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", f, err)
		}
		t.pages[path.Base(f)] = page
	}
	return t, nil
}

// Page is what the layout needs on every page; each page's data embeds it.
type Page struct {
	Title   string
	Actor   model.Actor
	OrgName string
	Nav     []NavItem
	Path    string
	Demo    bool
	Version string
	Flash   string
}

// NavItem is one link of the top navigation, shown only if the table allows it.
type NavItem struct {
	Href, Label string
	Active      bool
}

var navItems = []struct {
	href, label string
	perm        authz.Permission
}{
	{"/home", "工作台", authz.SignedIn},
	{"/applications", "我的申报", authz.Apply},
	{"/plans", "评审计划", authz.Public},
	{"/publicity", "公示", authz.Public},
	{"/review/unit", "审核推荐", authz.ReviewUnit},
	{"/review/dept", "部门审核", authz.ReviewDept},
	{"/review/office", "资格初审", authz.OfficeWork},
	{"/office/plans", "计划管理", authz.ManagePlans},
	{"/office/calendar", "工作日历", authz.ManagePlans},
	{"/office/blacklist", "黑名单", authz.ManagePlans},
	{"/office/entrustments", "委托函审批", authz.ManagePlans},
	{"/entrustments", "委托函", authz.Entrust},
	{"/admin/users", "账号管理", authz.ManageUsers},
	{"/admin/orgs", "机构管理", authz.ViewOrgs},
	{"/audit", "审计日志", authz.ViewAuditOrg},
	{"/account", "个人中心", authz.SignedIn},
}

func (s *Server) page(r *http.Request, a model.Actor, title string) Page {
	p := Page{Title: title, Actor: a, Path: r.URL.Path, Demo: s.cfg.Demo, Version: s.cfg.Version}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	for _, n := range navItems {
		if authz.Allowed(a, n.perm) {
			p.Nav = append(p.Nav, NavItem{Href: n.href, Label: n.label, Active: strings.HasPrefix(r.URL.Path, n.href)})
		}
	}
	p.OrgName = a.OrgName
	return p
}

// render executes a page into a buffer first, so that a template failure becomes a clean
// 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render template", "name", name, "err", err)
		http.Error(w, "系统内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

func (s *Server) flash(r *http.Request, msg string) {
	s.sessions.Put(r.Context(), "flash", msg)
}
