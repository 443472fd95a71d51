package web

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// What the applicant's pages show, built from service.View: the module pages' sections,
// entries, inputs and upload slots, and the module navigation with what is still missing.

// lastModule is the summary (module 5); module 0 is the basics page.
const lastModule = 5

// appModule is one page of the form in the navigation.
type appModule struct {
	No       int
	Name     string
	Href     string
	Todo     int // pre-submit findings in this module
	Current  bool
	Uploaded int // files in this module's slots
	Slots    int
}

func moduleHref(id int64, m int) string { return fmt.Sprintf("/applications/%d/m/%d", id, m) }

// appModules lists the six pages with their counts of findings.
func appModules(v *service.View, findings model.Errors, current int) []appModule {
	out := make([]appModule, lastModule+1)
	for m := range out {
		out[m] = appModule{No: m, Name: rules.ModuleName(m), Href: moduleHref(v.App.ID, m), Current: m == current}
	}
	for _, e := range findings {
		if e.Field == "pledge" {
			continue
		}
		out[rules.FieldModule(e.Field)].Todo++
	}
	filled := v.Filled()
	for _, s := range v.Slots {
		if s.ByUnit {
			continue // the unit's, not the applicant's to count
		}
		if s.Module >= 0 && s.Module <= lastModule {
			out[s.Module].Slots++
			if filled[s.Key] > 0 {
				out[s.Module].Uploaded++
			}
		}
	}
	return out
}

// fieldView is one input, with its value as typed or stored and what is wrong with it.
type fieldView struct {
	Path, ID, Label, Hint, Placeholder string
	Kind                               inputKind
	Value                              string
	Display                            string // read-only text: the option's label, 是/否
	Options                            []option
	None                               string
	Max                                int
	Wide                               bool
	WhenName, WhenValues               string
	Errors, Todo                       []*model.Error
}

// InputType is the type attribute of a date input: a month or a day as the field usually
// is, but as the value is when it says otherwise (a month input would blank a full date,
// and a malformed value typed where pickers are missing must come back as typed).
func (f fieldView) InputType() string {
	d := model.Date(f.Value)
	switch {
	case f.Value == "":
		return string(f.Kind)
	case d.Valid() && d.MonthOnly():
		return "month"
	case d.Valid():
		return "date"
	}
	return "text"
}

func (f fieldView) Checked() bool { return f.Value != "" }

// Count is the summary's length as the limit counts it (R-APP-07).
func (f fieldView) Count() int { return rules.SummaryLength(f.Value) }

// fileView is an uploaded file of a slot.
type fileView struct {
	store.Evidence
	URL         string
	Image       bool
	First, Last bool
}

// slotView is one upload place with its files.
type slotView struct {
	model.Slot
	Anchor  string
	FormID  string
	AppID   int64
	Version int64
	Edit    bool // upload, delete and reorder are offered
	Files   []fileView
	Images  int  // JPEG files, for the combine button
	Pending bool // the entry is not saved yet: uploads wait for the save
	Errors  []*model.Error
	Todo    []*model.Error
}

// entryView is one entry of a list.
type entryView struct {
	ID, Anchor, Caption string
	No                  int
	First, Last         bool
	Fields              []fieldView
	Slots               []slotView
	Errors, Todo        []*model.Error
	CHSI                *model.CHSIRecord // education: the verified record
	Sync                bool              // education: offer [同步学信网]
}

// sectionView is a section of a module page.
type sectionView struct {
	Key, Label, Hint, Anchor, Add string
	List, Ordered, Fill           bool
	CanAdd, Edit                  bool
	Fields                        []fieldView // singles
	Entries                       []entryView
	Slots                         []slotView // the section's own uploads
	Errors, Todo                  []*model.Error
}

// viewBuilder turns a form into sections.
type viewBuilder struct {
	v        *service.View
	form     model.Form
	typed    map[string]string // values as sent, when re-showing a refused form
	errs     []*model.Error    // refusals of this request
	findings model.Errors      // the pre-submit check
	stored   map[string]bool   // slot keys of the stored form
	used     map[string]bool
	sync     bool
	edit     bool
	version  int64
	ctx      formCtx
}

func appErrorsFor(es []*model.Error, field string) []*model.Error {
	var out []*model.Error
	for _, e := range es {
		if e.Field == field {
			out = append(out, e)
		}
	}
	return out
}

// moduleView builds the sections of module m. The slots come from the displayed form
// (a refused form may hold entries not yet saved, whose uploads must wait).
func (b *viewBuilder) moduleView(m int) ([]sectionView, []slotView) {
	b.ctx = formCtx{Plan: b.v.Plan}
	b.stored, b.used = map[string]bool{}, map[string]bool{}
	for _, s := range b.v.Slots {
		b.stored[s.Key] = true
	}
	slots := b.form.Slots(b.v.Plan)
	var out []sectionView
	for _, spec := range moduleSections(m) {
		sv := sectionView{Key: spec.Key, Label: spec.Label, Hint: spec.Hint, Anchor: "sec-" + spec.Key, Add: spec.Add,
			List: spec.List, Ordered: spec.Ordered, Fill: spec.Fill, Edit: b.edit,
			Errors: appErrorsFor(b.errs, spec.Key), Todo: appErrorsFor(b.findings, spec.Key)}
		if spec.value == nil { // uploads only
			sv.Slots = b.slotsWithPrefix(slots, spec.Key+"/")
			out = append(out, sv)
			continue
		}
		val := spec.value(&b.form)
		if spec.Key == "summary" { // the section is its one field: say things once, next to it
			sv.Errors, sv.Todo = nil, nil
		}
		if !spec.List {
			sv.Fields = b.fields(spec, val, "")
			sv.Slots = b.slotsWithPrefix(slots, spec.Key+"/")
			out = append(out, sv)
			continue
		}
		n := val.Len()
		sv.CanAdd = n < rules.MaxListEntries && !(spec.Key == "papers" && n >= rules.PaperMax(b.v.Plan.Policy))
		for i := range n {
			e := val.Index(i)
			idv, _, _ := formFieldOf(e, "id")
			id := idv.String()
			ev := entryView{ID: id, No: i + 1, First: i == 0, Last: i == n-1, Anchor: fieldAnchor(spec.Key + "." + id),
				Fields: b.fields(spec, e, id), Slots: b.slotsWithPrefix(slots, spec.Key+"/"+id+"/"),
				Errors: appErrorsFor(b.errs, spec.Key+"."+id), Todo: appErrorsFor(b.findings, spec.Key+"."+id)}
			if c, ok := e.Interface().(interface{ Caption() string }); ok {
				ev.Caption = c.Caption()
			}
			if edu, ok := e.Interface().(model.Education); ok {
				if edu.CHSI.Verified {
					rec := edu.CHSI
					ev.CHSI = &rec
				}
				ev.Sync = b.sync && b.edit && (edu.Kind == "" || edu.Kind == model.EduDomestic)
			}
			sv.Entries = append(sv.Entries, ev)
		}
		out = append(out, sv)
	}
	// Uploads no section claimed (none today) are still shown, never hidden.
	var rest []slotView
	for _, s := range slots {
		if s.Module == m && !b.used[s.Key] {
			rest = append(rest, b.slot(s))
		}
	}
	return out, rest
}

func (b *viewBuilder) fields(spec *sectionSpec, v reflect.Value, id string) []fieldView {
	out := make([]fieldView, 0, len(spec.Fields))
	for _, fs := range spec.Fields {
		fv, _, _ := formFieldOf(v, fs.Name)
		p := spec.path(id, fs.Name)
		f := fieldView{Path: p, ID: fieldAnchor(p), Label: formFieldLabel(v, fs.Name), Hint: fs.Hint, Placeholder: fs.Place,
			Kind: fs.Kind, Max: fs.Max, Wide: fs.Wide || fs.Kind == inTextarea, None: fs.None,
			Errors: appErrorsFor(b.errs, p), Todo: appErrorsFor(b.findings, p)}
		if t, ok := b.typed[p]; ok {
			f.Value = t
		} else {
			f.Value = formFieldText(fv)
		}
		if fs.Kind == inTextarea && spec.Key == "summary" {
			f.Max = 0 // the counter tells; a maxlength would cut a pasted text silently
		}
		if fs.Options != nil {
			f.Options = fs.Options(&b.ctx)
			if f.Value != "" && !slices.ContainsFunc(f.Options, func(o option) bool { return o.Value == f.Value }) {
				f.Options = append(f.Options, option{f.Value, f.Value + "（不可选）"})
			}
		}
		if f.None == "" {
			f.None = "请选择…"
		}
		f.Display = f.Value
		switch fs.Kind {
		case inSelect:
			f.Display = ""
			for _, o := range f.Options {
				if o.Value == f.Value {
					f.Display = o.Label
				}
			}
		case inCheck:
			f.Display = "否"
			if f.Value != "" {
				f.Display = "是"
			}
		case inDecimal:
			if f.Value != "" {
				f.Display = f.Value + "%"
			}
		}
		if name, vals, ok := strings.Cut(fs.When, "="); ok {
			f.WhenName, f.WhenValues = spec.path(id, name), vals
		}
		out = append(out, f)
	}
	return out
}

func (b *viewBuilder) slotsWithPrefix(slots []model.Slot, prefix string) []slotView {
	var out []slotView
	for _, s := range slots {
		if strings.HasPrefix(s.Key, prefix) && !b.used[s.Key] {
			out = append(out, b.slot(s))
		}
	}
	return out
}

func (b *viewBuilder) slot(s model.Slot) slotView {
	b.used[s.Key] = true
	field := "slot:" + s.Key
	anchor := fieldAnchor(field)
	sv := slotView{Slot: s, Anchor: anchor, FormID: "up-" + strings.TrimPrefix(anchor, "slot-"), Pending: !b.stored[s.Key],
		AppID: b.v.App.ID, Version: b.version, Edit: b.edit && !s.ByUnit, // the unit's documents are read-only to the applicant
		Errors: appErrorsFor(b.errs, field), Todo: appErrorsFor(b.findings, field)}
	files := b.v.Files(s.Key)
	for i, e := range files {
		img := e.Kind == "image/jpeg"
		if img {
			sv.Images++
		}
		sv.Files = append(sv.Files, fileView{Evidence: e, URL: fmt.Sprintf("/applications/%d/files/%d", b.v.App.ID, e.ID),
			Image: img, First: i == 0, Last: i == len(files)-1})
	}
	return sv
}

// conflictView explains a version conflict: the page keeps what was typed, and lists where
// the stored form (saved from another tab or device) differs in this module.
type conflictView struct {
	Changes []rules.FieldChange
}

func moduleConflict(stored, typed model.Form, m int) *conflictView {
	c := &conflictView{}
	for _, ch := range rules.DiffForms(typed, stored) {
		if rules.FieldModule(ch.Path) == m {
			c.Changes = append(c.Changes, ch)
		}
	}
	return c
}

// editBlock says why the application cannot be changed now, or "" when it can: submitted
// (R-APP-05), lapsed after the review deadline, or the application window has closed
// (R-CAL-02).
func (s *Server) editBlock(v *service.View) string {
	if v.App.Status == model.StatusLapsed {
		return "审核截止时间已过，本申报在截止前未完成审核（含退回修改后未在截止前重新提交），已按规定终止（逾期未完成审核，R-CAL-02）。截止时间不会延后，申报表和材料不能再修改或提交；办理记录中写明了截止的环节和时间，如有疑问请联系所在单位或职改办。"
	}
	if !v.App.Status.Editable() {
		return "申报当前状态为“" + v.App.Status.Label() + "”，申报表和材料不能再修改；只有被“退回修改”后才能修改（R-APP-05）。"
	}
	if v.App.Status == model.StatusDraft {
		if err := s.svc.Applications.CheckApplyWindow(v.Plan, s.svc.Plans.Now()); err != nil {
			if e, ok := model.AsError(err); ok {
				return e.Message + "，本申报不能修改或提交（" + e.Rule + "）。"
			}
			return "个人申报时间已截止，不能再修改或提交（R-CAL-02）。"
		}
	}
	return ""
}

// findingLink is a finding with where to fix it.
type findingLink struct {
	*model.Error
	Href string
}

// findingHref is the page and anchor where a finding is fixed.
func findingHref(id int64, field string) string {
	switch field {
	case "":
		return ""
	case "pledge":
		return fmt.Sprintf("/applications/%d/submit#pledge", id)
	}
	return moduleHref(id, rules.FieldModule(field)) + "#" + fieldAnchor(field)
}

// findingGroup is the findings of one module.
type findingGroup struct {
	Module int
	Name   string
	Href   string
	Items  []findingLink
}

// groupFindings groups findings by module, in module order (R-ELG-10: all at once, each
// with where to fix it). The pledge is listed last, on its own.
func groupFindings(id int64, es model.Errors) []findingGroup {
	var out []findingGroup
	var pledge []findingLink
	for _, e := range es {
		if e.Field == "pledge" {
			pledge = append(pledge, findingLink{e, findingHref(id, e.Field)})
			continue
		}
		m := rules.FieldModule(e.Field)
		if len(out) == 0 || out[len(out)-1].Module != m {
			out = append(out, findingGroup{Module: m, Name: rules.ModuleName(m), Href: moduleHref(id, m)})
		}
		g := &out[len(out)-1]
		g.Items = append(g.Items, findingLink{e, findingHref(id, e.Field)})
	}
	if len(pledge) > 0 {
		out = append(out, findingGroup{Module: -1, Name: "诚信承诺", Href: fmt.Sprintf("/applications/%d/submit", id), Items: pledge})
	}
	return out
}

// appWantsJSON reports whether the request comes from the page's script (autosave, upload
// progress), which reads JSON rather than a page.
func appWantsJSON(r *http.Request) bool {
	return r.Header.Get("X-Autosave") == "1" || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// moduleParam reads {module}: 0 (basics) to 5 (summary).
func moduleParam(r *http.Request) (int, error) {
	m, err := strconv.Atoi(r.PathValue("module"))
	if err != nil || m < 0 || m > lastModule {
		return 0, fmt.Errorf("module %q: %w", r.PathValue("module"), model.ErrNotFound)
	}
	return m, nil
}

// appNow is the service's clock, so that pages and services agree on "now".
func (s *Server) appNow() time.Time { return s.svc.Plans.Now() }

func itoa64(v int64) string { return strconv.FormatInt(v, 10) }
