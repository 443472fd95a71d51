package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"zhicheng/internal/model"
	"zhicheng/internal/rules"
	"zhicheng/internal/service"
	"zhicheng/internal/store"
)

// appStep is one past step of an application, with its time (R-APP-08, R-FLOW-12).
type appStep struct {
	At   time.Time
	What string
	Href string
}

// appSlotState is an upload of the overview: how many files it holds.
type appSlotState struct {
	model.Slot
	Files int
	Href  string
}

// appReturn is a return for modification with its consolidated list, each item linking to
// where it is fixed (R-FLOW-03, R-APP-08).
type appReturn struct {
	By    string
	At    time.Time
	Items []findingLink
}

type applicationShowData struct {
	Page
	App         model.Application
	Plan        model.Plan
	Level       model.Level
	StatusLabel string
	Holder      string
	Block       string
	Modules     []appModule
	Findings    int
	Slots       []appSlotState
	Missing     int // required uploads without a file
	History     []appStep
	Returned    *appReturn
	Originals   *appReturn // originals a department wants to see (R-FLOW-05)
	Publicity   time.Time  // the unit publicity's end, while it runs
	ApplyUntil  string
	Continue    string // the first page with something missing, or the submit page
	NextStep    string // what Continue does
}

// Editable reports whether the applicant may still change the application.
func (d *applicationShowData) Editable() bool { return d.Block == "" }

// applicationShow is the overview of an application: its status and who holds it, the
// reasons when it was returned, what is still missing by module, every upload's state, and
// every past step with its time (R-APP-08).
func (s *Server) applicationShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := s.svc.Applications.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	findings, err := s.svc.Applications.Check(r.Context(), a, id)
	if err != nil {
		return err
	}
	st, err := s.svc.Review.Status(r.Context(), a, id)
	if err != nil {
		return err
	}
	d := &applicationShowData{App: v.App, Plan: v.Plan, Level: v.Level, StatusLabel: st.StatusLabel, Holder: st.Holder,
		Block: s.editBlock(&v), Modules: appModules(&v, findings, -1), Findings: len(findings)}
	switch {
	case v.App.Status.Editable():
		d.Holder = "申报人（您本人）填写中"
	case d.Holder == "":
		d.Holder = "已办结"
	}
	if v.App.Status == model.StatusUnitPublicity {
		d.Publicity = st.PublicityEnds
	}
	if w, ok := v.Plan.Window(model.WindowApply); ok {
		d.ApplyUntil = rules.FormatEnd(w.End)
	}
	filled := v.Filled()
	for _, sl := range v.Slots {
		ss := appSlotState{Slot: sl, Files: filled[sl.Key], Href: moduleHref(id, sl.Module) + "#" + fieldAnchor("slot:"+sl.Key)}
		if ss.Files == 0 && sl.Required {
			d.Missing++
		}
		d.Slots = append(d.Slots, ss)
	}
	for _, m := range d.Modules {
		if m.Todo > 0 && d.Continue == "" {
			d.Continue = m.Href
		}
	}
	d.NextStep = "继续填写"
	if d.Continue == "" {
		d.Continue, d.NextStep = "/applications/"+itoa64(id)+"/submit", "签署承诺并提交"
	}
	if rt := st.Returned; rt != nil {
		d.Returned = &appReturn{By: appJoin(rt.OrgName, rt.UserName), At: rt.At, Items: appItemLinks(id, rt.Items)}
	}
	if oc := st.OriginalsWanted; oc != nil {
		d.Originals = &appReturn{By: oc.OrgName, At: oc.Requested, Items: appItemLinks(id, oc.Items)}
	}
	d.History = appHistory(id, st.Steps)
	if p := v.App.Pledge; p != nil {
		d.History = append(d.History, appStep{At: p.SignedAt, What: "签署申报诚信承诺书（" + p.SignerName + "，文本版本 " + p.TextVersion + "）"})
	}
	slices.SortStableFunc(d.History, func(x, y appStep) int { return x.At.Compare(y.At) })
	d.Page = s.page(r, a, v.Plan.Name)
	s.render(w, r, http.StatusOK, "application_show.html", d)
	return nil
}

// appHistory turns the procedure's steps into lines, each submission linking to its version.
func appHistory(id int64, steps []service.Step) []appStep {
	var out []appStep
	no := 0
	for _, st := range steps {
		h := appStep{At: st.At, What: st.Label}
		if st.OrgName != "" {
			h.What += "（" + st.OrgName + "）"
		}
		if st.Reason != "" {
			h.What += "：" + st.Reason
		}
		if st.To == model.StatusSubmitted || (st.From == model.StatusReturned && st.To != model.StatusReturned) {
			no++
			h.What += fmt.Sprintf("，第 %d 版", no)
			h.Href = fmt.Sprintf("/applications/%d/versions#v%d", id, no)
		}
		out = append(out, h)
	}
	return out
}

// appItemLinks links the items of a return or an originals request to where each is fixed.
func appItemLinks(id int64, items []store.ReviewItem) []findingLink {
	out := make([]findingLink, 0, len(items))
	for _, it := range items {
		field := it.Field
		if it.Slot != "" {
			field = "slot:" + it.Slot
		}
		href := findingHref(id, field)
		if field == "" && it.Module >= 0 && it.Module <= lastModule {
			href = moduleHref(id, it.Module)
		}
		out = append(out, findingLink{Error: &model.Error{Field: field, Message: it.Text}, Href: href})
	}
	return out
}

// appItemModule is the module page a return item belongs to.
func appItemModule(it store.ReviewItem) int {
	switch {
	case it.Slot != "":
		return rules.FieldModule("slot:" + it.Slot)
	case it.Field != "":
		return rules.FieldModule(it.Field)
	}
	return it.Module
}

func appJoin(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// holderOrg names the organisation a submission goes to.
func holderOrg(app model.Application, a model.Actor) string {
	if app.OrgID == a.OrgID && a.OrgName != "" {
		return a.OrgName
	}
	return "所在单位"
}
