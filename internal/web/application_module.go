package web

import (
	"net/http"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// moduleData is a page of the form: the basics (0) or one of the five modules (SPEC §4).
type moduleData struct {
	Page
	App        model.Application
	Plan       model.Plan
	Module     int
	ModuleName string
	Modules    []appModule
	Sections   []sectionView
	Rest       []slotView // uploads of the module no section shows
	Block      string     // why the form is read-only; "" when it may be edited
	Errors     []*model.Error
	Todo       model.Errors // the pre-submit findings of this module
	Conflict   *conflictView
	Version    int64
	Prev, Next string
	NextLabel  string
	UpdatedMS  int64  // when the stored form last changed, for the browser's unsaved copy
	Series     string // the plan's series: the basics page shows it read-only
	Method     string
	Person     []*model.Error // eligibility findings about the person (module 0)
	Returned   []findingLink  // what the reviewer who returned it asks of this module (R-APP-08)
}

// Editable reports whether inputs and upload forms are shown.
func (d *moduleData) Editable() bool { return d.Block == "" }

// UploadForms lists the slots that take uploads, whose forms the page holds outside the
// module form (forms do not nest; the slot's inputs join theirs by the form attribute).
func (d *moduleData) UploadForms() []slotView {
	var out []slotView
	add := func(ss []slotView) {
		for _, s := range ss {
			if s.Edit && !s.Pending {
				out = append(out, s)
			}
		}
	}
	for _, sec := range d.Sections {
		add(sec.Slots)
		for _, e := range sec.Entries {
			add(e.Slots)
		}
	}
	add(d.Rest)
	return out
}

// HasSlots reports whether the page takes uploads.
func (d *moduleData) HasSlots() bool { return len(d.UploadForms()) > 0 }

// SummaryMax is the summary's limit (R-APP-07), for the counter.
func (d *moduleData) SummaryMax() int { return rules.SummaryMaxChars }

// applicationModule shows one page of the form.
func (s *Server) applicationModule(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := moduleParam(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return s.renderModule(w, r, a, http.StatusOK, &v, v.App.Form, m, moduleState{})
}

// moduleState is what a refused or conflicting save brings back to the page.
type moduleState struct {
	typed    map[string]string
	errs     []*model.Error
	conflict *conflictView
	version  int64 // the version the page's next save names; the stored one if 0
}

// renderModule shows module m of form (the stored form, or the form as typed when a save
// was refused) with the pre-submit findings of the stored application next to its fields.
func (s *Server) renderModule(w http.ResponseWriter, r *http.Request, a model.Actor, st int, v *service.View, form model.Form, m int, ms moduleState) error {
	findings, err := s.svc.Applications.Check(r.Context(), a, v.App.ID)
	if err != nil {
		return err
	}
	d := &moduleData{App: v.App, Plan: v.Plan, Module: m, ModuleName: rules.ModuleName(m), Modules: appModules(v, findings, m),
		Block: s.editBlock(v), Errors: ms.errs, Conflict: ms.conflict, Version: ms.version,
		UpdatedMS: v.App.Updated.UnixMilli(), Series: v.Plan.Series, Method: model.ApplicationMethod}
	if d.Version == 0 {
		d.Version = v.App.Version
	}
	for _, e := range findings {
		if rules.FieldModule(e.Field) != m || e.Field == "pledge" {
			continue
		}
		d.Todo = append(d.Todo, e)
		if m == 0 && !strings.HasPrefix(e.Field, "basics.") {
			d.Person = append(d.Person, e)
		}
	}
	if v.App.Status == model.StatusReturned {
		st, err := s.svc.Review.Status(r.Context(), a, v.App.ID)
		if err != nil {
			return err
		}
		if st.Returned != nil {
			for _, it := range st.Returned.Items {
				if appItemModule(it) == m {
					d.Returned = append(d.Returned, appItemLinks(v.App.ID, []store.ReviewItem{it})...)
				}
			}
		}
	}
	b := &viewBuilder{v: v, form: form, typed: ms.typed, errs: ms.errs, findings: d.Todo, sync: true, edit: d.Editable(), version: d.Version}
	d.Sections, d.Rest = b.moduleView(m)
	if m > 0 {
		d.Prev = moduleHref(v.App.ID, m-1)
	}
	if m < lastModule {
		d.Next, d.NextLabel = moduleHref(v.App.ID, m+1), "下一部分："+rules.ModuleName(m+1)
	} else {
		d.Next, d.NextLabel = "/applications/"+itoa64(v.App.ID)+"/check", "检查并提交"
	}
	d.Page = s.page(r, a, rules.ModuleName(m)+" - "+v.Plan.Name)
	s.render(w, r, st, "application_module.html", d)
	return nil
}
